"""`vaani devices`: a customer's device bindings."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Device bindings.", no_args_is_help=True)


@app.command("list")
@reports_errors
def list_(customer_number: str, as_json: bool = JSON_OPTION) -> None:
    """A customer's devices, how far each is trusted and its key ("none": an old binding,
    usable for voice only with VAANI_DEVICE_KEYS=optional)."""
    from application.use_cases import OperateCustomers
    from entrypoints.http import views

    devices = container().resolve(OperateCustomers).show(customer_number).devices
    if as_json:
        emit_json({"items": [views.device(d) for d in devices]})
        return
    emit_table(f"Devices of {customer_number}", ["identifier", "label", "platform", "trust",
                                                  "key", "last seen"],
               [(d.identifier, d.label or "-", d.platform or "-", d.trust.value,
                 d.key.algorithm if d.key else "none",
                 d.last_seen_at.strftime("%Y-%m-%d %H:%M")) for d in devices])


@app.command()
@reports_errors
def revoke(customer_number: str, identifier: str, as_json: bool = JSON_OPTION) -> None:
    """Revoke a device and end the customer's sessions on it (their refresh tokens too);
    binding it again needs a voice verification."""
    from application.use_cases import OperateDevices
    from entrypoints.http import views

    binding = container().resolve(OperateDevices).revoke(customer_number, identifier,
                                                         operator_context())
    if as_json:
        emit_json(views.device(binding))
    else:
        say(f"device {identifier} of {customer_number} is revoked; its sessions are ended")
