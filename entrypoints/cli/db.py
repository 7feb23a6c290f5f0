"""`vaani db`: the schema."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
@reports_errors
def upgrade(as_json: bool = JSON_OPTION) -> None:
    """Create or migrate the schema of VAANI_DATABASE_URL (default ./var/vaani.db)."""
    from sqlalchemy import make_url

    from entrypoints.bootstrap import prepare_database
    from entrypoints.settings import Settings

    wired = container(creating=True)
    revision = prepare_database(wired)
    settings = wired.resolve(Settings)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    if as_json:
        emit_json({"database": where, "profile": settings.profile, "revision": revision})
    else:
        say(f"{where} is at schema revision {revision or '(memory: no schema)'}")
