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
from rich.markup import escape

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
_checked: set[tuple[bool, bool]] = set()  # (need_token_secret, creating) of the checks passed

# The error codes of the failures that are not the bank's (entrypoints/errors.py has those).
CODES = {2: "validation_error", 75: "database_unavailable", 78: "configuration_error"}


def container(*, need_token_secret: bool = False, creating: bool = False) -> punq.Container:
    """The container for this process's environment, built once, on a database that answers and
    is at the code's schema (entrypoints/cli/database.py). `creating`: a command that makes or
    migrates the schema, which may find no database yet."""
    from entrypoints.cli import database

    if need_token_secret not in _containers:
        from entrypoints.bootstrap import bootstrap
        from entrypoints.settings import load_settings

        settings = load_settings(require_token_secret=need_token_secret)
        database.check_before_opening(settings, creating=creating)
        _containers[need_token_secret] = bootstrap(settings)
    wired = _containers[need_token_secret]
    if not {(need_token_secret, creating), (need_token_secret, False)} & _checked:
        database.check_opened(wired, creating=creating)
        _checked.add((need_token_secret, creating))
    return wired


def reset() -> None:
    """Forget the built containers (tests change the environment between invocations)."""
    _containers.clear()
    _checked.clear()


class CommandFailed(Exception):
    """A command stopped: what to tell the operator, the error's code and the exit code."""

    def __init__(self, message: str, exit_code: int, code: str,
                 info: dict[str, Any] | None = None, *, named: bool = False) -> None:
        super().__init__(message)
        self.message, self.exit_code, self.code, self.info = message, exit_code, code, info or {}
        self.named = named  # the line names the code, as the bank's own errors do


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with one line on stderr (under `--json`, one JSON object) and `code`."""
    raise CommandFailed(message, code, CODES.get(code, "command_failed"))


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and configuration errors, and a database that cannot be had (locked past
    VAANI_DB_WAIT_SECONDS, unreachable, its file gone), into one clear line on stderr and an
    exit code; under `--json` the line is `{"error": {"code", "message", "info"}, "exit_code"}`,
    so a script reads failures the way it reads answers."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return _failing_as_one(command, *args, **kwargs)
        except CommandFailed as failed:
            report(failed, as_json=bool(kwargs.get("as_json")))

    return run


def _failing_as_one(command: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    try:
        return command(*args, **kwargs)
    except DomainError as error:
        raise CommandFailed(error.message, exit_code_of(error), error.code, error.info,
                            named=True) from None
    except ConfigurationError as error:
        raise CommandFailed(str(error), 78, CODES[78]) from None  # EX_CONFIG
    except (CommandFailed, typer.Exit):
        raise
    except Exception as error:
        from adapters.sql.engine import database_unavailable

        if not database_unavailable(error):
            raise
        cause = " ".join(str(getattr(error, "orig", None) or error).split())
        raise CommandFailed(f"the database is unavailable ({cause}); nothing was changed, "
                            "try again", 75, CODES[75]) from None


def report(failed: CommandFailed, *, as_json: bool) -> NoReturn:
    """Say why the command stopped, on stderr, and exit with its code."""
    if as_json:
        sys.stderr.write(json.dumps({
            "error": {"code": failed.code, "message": failed.message, "info": failed.info},
            "exit_code": failed.exit_code}, ensure_ascii=False, default=str) + "\n")
    else:
        line = f"{failed.message} ({failed.code})" if failed.named else failed.message
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(line)}",
                                                    soft_wrap=True)
    raise typer.Exit(failed.exit_code)


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
