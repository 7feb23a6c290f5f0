"""What every CLI command shares: the container, output as tables or JSON, errors as one line."""

from __future__ import annotations

import functools
import getpass
import json
import socket
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar
from uuid import UUID

import typer
from rich.console import Console

from application.context import RequestContext
from domain.errors import DomainError
from domain.permissions import Permission
from entrypoints.errors import exit_code_of
from entrypoints.setting_values import ConfigurationError

if TYPE_CHECKING:
    import punq

P = ParamSpec("P")
R = TypeVar("R")

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON object on stdout.")

_containers: dict[bool, punq.Container] = {}


def container(*, need_token_secret: bool = False) -> punq.Container:
    """The container for this process's environment, built once."""
    if need_token_secret not in _containers:
        from entrypoints.bootstrap import bootstrap
        from entrypoints.settings import load_settings

        _containers[need_token_secret] = bootstrap(
            load_settings(require_token_secret=need_token_secret))
    return _containers[need_token_secret]


def reset() -> None:
    """Forget the built containers (tests change the environment between invocations)."""
    _containers.clear()


def fail(message: str, code: int = 1) -> NoReturn:
    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and configuration errors, and a database that cannot be had (locked past
    VAANI_DB_WAIT_SECONDS, unreachable, its file gone), into one clear line on stderr and an
    exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            fail(f"{error.message} ({error.code})", exit_code_of(error))
        except ConfigurationError as error:
            fail(str(error), 78)  # EX_CONFIG
        except Exception as error:
            from adapters.sql.engine import database_unavailable

            if not database_unavailable(error):
                raise
            cause = getattr(error, "orig", None) or error
            fail(f"the database is unavailable ({cause}); nothing was changed, try again", 75)

    return run


def emit_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def emit_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    # Piped output has no terminal width: do not fold ids and hashes into 80 columns.
    Console(width=None if sys.stdout.isatty() else 240).print(table)


def say(text: str) -> None:
    Console(highlight=False).print(text, soft_wrap=True)


def id_of(text: str, missing: type[DomainError], what: str) -> UUID:
    """An id given on the command line; anything else is that thing not found (exit 3)."""
    try:
        return UUID(text)
    except ValueError:
        raise missing(f"{text!r} is not a {what} id") from None


def acting(number: str, permission: Permission) -> RequestContext:
    """The context of a step a named member of staff takes (`--operator`, `--teller`): refused
    unless their role grants the permission (domain/permissions.py)."""
    from application.use_cases import OperateCustomers

    return operator_context(container().resolve(OperateCustomers).staff(number, permission).id)


def operator_context(actor_id: UUID | None = None) -> RequestContext:
    """CLI actions are audited with the operator's OS account and host as the 'device', and
    the named operator (`--operator`) where a step needs one (maker-checker)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return RequestContext(actor_id=actor_id,
                          device_id=f"cli:{user}@{socket.gethostname()}"[:128])
