"""Beneficiaries in SQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.prepared import Prepared
from adapters.sql.tables import beneficiaries
from application.ports import Later
from domain.beneficiary import Beneficiary

# Read by the fraud screen on every transfer.
_OF_CUSTOMER = Prepared(sa.select(beneficiaries).where(
    beneficiaries.c.customer_id == sa.bindparam("customer"))
    .order_by(beneficiaries.c.favourite.desc(), beneficiaries.c.name))


class SqlBeneficiaries:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, beneficiary: Beneficiary) -> None:
        self._conn.execute(beneficiaries.insert(), attrs.asdict(beneficiary))

    def update(self, beneficiary: Beneficiary) -> None:
        self._conn.execute(beneficiaries.update().where(beneficiaries.c.id == beneficiary.id),
                           attrs.asdict(beneficiary))

    def delete(self, beneficiary_id: UUID) -> None:
        self._conn.execute(beneficiaries.delete().where(beneficiaries.c.id == beneficiary_id))

    def get(self, beneficiary_id: UUID) -> Beneficiary | None:
        row = self._conn.execute(sa.select(beneficiaries).where(
            beneficiaries.c.id == beneficiary_id)).first()
        return _entity(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[Beneficiary]:
        return self.ask_of_customer(customer_id)()

    def ask_of_customer(self, customer_id: UUID) -> Later[list[Beneficiary]]:
        rows = _OF_CUSTOMER.ask(self._conn, {"customer": customer_id})
        return lambda: [Beneficiary(**r._asdict()) for r in rows()]


def _entity(row: Any) -> Beneficiary:
    return Beneficiary(**dict(row._mapping))
