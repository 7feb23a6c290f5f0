"""Branches in SQL."""

from __future__ import annotations

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import branches
from domain.branch import Branch


class SqlBranches:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, branch: Branch) -> None:
        self._conn.execute(branches.insert(), attrs.asdict(branch))

    def all(self) -> list[Branch]:
        rows = self._conn.execute(sa.select(branches).order_by(branches.c.code))
        return [Branch(**dict(r._mapping)) for r in rows]
