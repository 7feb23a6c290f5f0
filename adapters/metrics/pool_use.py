"""Connections out of a SQLAlchemy pool, as they come and go: the pool's own events, so no
count is polled and none drifts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def watch_pool(engine: Engine, taken: Callable[[], None], returned: Callable[[], None]) -> int:
    """`taken()` as a connection leaves `engine`'s pool (a unit of work's, or one kept between
    them: adapters/sql/kept_connections.py), `returned()` as it comes back or is discarded;
    how many were out already as the watch began."""

    def on_checkout(*_: Any) -> None:
        taken()

    def on_checkin(*_: Any) -> None:
        returned()

    sa.event.listen(engine.pool, "checkout", on_checkout)
    sa.event.listen(engine.pool, "checkin", on_checkin)
    checked_out = getattr(engine.pool, "checkedout", None)
    return int(checked_out()) if checked_out is not None else 0
