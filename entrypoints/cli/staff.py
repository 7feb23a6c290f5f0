"""`vaani staff`: an admin takes on staff, changes their role, disables them when they leave.

Each step names the admin who takes it (`--admin CUSTOMER_NUMBER`); a change of role or a
disabling ends that person's sessions at once."""

from __future__ import annotations

import typer

from domain.customer import Customer, Role
from domain.permissions import Permission
from entrypoints.cli.customer import new_password
from entrypoints.cli.runtime import (
    JSON_OPTION,
    acting,
    container,
    emit_json,
    emit_table,
    reports_errors,
    say,
)

app = typer.Typer(help="Staff: tellers, operators and admins (admins only).",
                  no_args_is_help=True)
ADMIN = typer.Option(..., "--admin", help="Your customer number (admin role).")
ROLE = typer.Argument(..., case_sensitive=False, help="teller, operator or admin")


def _row(c: Customer) -> dict[str, object]:
    return {"customer_number": c.customer_number, "name": c.full_name, "role": c.role.value,
            "email": c.email, "disabled": c.disabled}


@app.command()
@reports_errors
def create(first_name: str = typer.Option(..., "--first-name"),
           last_name: str = typer.Option(..., "--last-name"),
           email: str = typer.Option(..., "--email"), phone: str = typer.Option(..., "--phone"),
           role: Role = typer.Option(..., "--role", case_sensitive=False),
           admin: str = ADMIN, as_json: bool = JSON_OPTION) -> None:
    """Take someone on (password from VAANI_NEW_PASSWORD, or asked for)."""
    from application.use_cases import ManageStaff, RegisterCommand

    context = acting(admin, Permission.MANAGE_STAFF)
    made = container().resolve(ManageStaff).create(RegisterCommand(
        first_name=first_name, last_name=last_name, email=email, phone_number=phone,
        password=new_password(), role=role, context=context))
    if as_json:
        emit_json(_row(made))
    else:
        say(f"{made.full_name} is a {made.role.value}: customer number {made.customer_number}")


@app.command()
@reports_errors
def role(customer_number: str, new_role: Role = ROLE, admin: str = ADMIN,
         as_json: bool = JSON_OPTION) -> None:
    """Change a member of staff's role (their sessions end)."""
    from application.use_cases import ManageStaff

    changed = container().resolve(ManageStaff).set_role(
        customer_number, new_role, acting(admin, Permission.MANAGE_STAFF))
    if as_json:
        emit_json(_row(changed))
    else:
        say(f"{customer_number} is now a {changed.role.value}; their sessions are ended")


@app.command()
@reports_errors
def disable(customer_number: str, admin: str = ADMIN, as_json: bool = JSON_OPTION) -> None:
    """Disable a member of staff who left: no login works again, sessions end now."""
    from application.use_cases import ManageStaff

    changed = container().resolve(ManageStaff).disable(
        customer_number, acting(admin, Permission.MANAGE_STAFF))
    if as_json:
        emit_json(_row(changed))
    else:
        say(f"{customer_number} is disabled; their sessions are ended")


@app.command("list")
@reports_errors
def list_(as_json: bool = JSON_OPTION) -> None:
    """Everyone on staff."""
    from application.use_cases import ManageStaff

    found = container().resolve(ManageStaff).staff()
    if as_json:
        emit_json({"items": [_row(c) for c in found]})
        return
    emit_table("Staff", ["customer", "name", "role", "email", "disabled"],
               [(c.customer_number, c.full_name, c.role.value, c.email,
                 "yes" if c.disabled else "") for c in found])
