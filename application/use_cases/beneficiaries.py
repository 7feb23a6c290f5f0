"""A customer's beneficiaries: add, list, change, delete. Every change is audited, and a new
payee is visible to the fraud engine at once."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.beneficiary import Beneficiary
from domain.errors import BeneficiaryNotFound, ValidationError

EDITABLE = frozenset({"name", "phone", "bank_name", "nickname", "favourite"})


@attrs.frozen
class BeneficiaryDetails:
    name: str
    account_number: str | None = None
    ifsc: str | None = None
    upi_id: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    nickname: str | None = None
    favourite: bool = False


class ManageBeneficiaries:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit

    def add(self, customer_id: UUID, details: BeneficiaryDetails,
            context: RequestContext) -> Beneficiary:
        beneficiary = Beneficiary(id=self._ids.new_id(), customer_id=customer_id,
                                  created_at=self._clock.now(), **attrs.asdict(details))
        beneficiary.check()
        with self._uow_factory(write=True) as uow:
            if len(uow.beneficiaries.of_customer(customer_id)) >= 500:
                raise ValidationError("at most 500 beneficiaries per customer")
            uow.beneficiaries.add(beneficiary)
            uow.audit.append(self._audit.event(
                context, "beneficiary.added", customer_id=customer_id,
                resource=f"beneficiary:{beneficiary.id}",
                payee=beneficiary.account_number or beneficiary.upi_id))
            uow.commit()
        return beneficiary

    def list(self, customer_id: UUID) -> list[Beneficiary]:
        with self._uow_factory() as uow:
            return uow.beneficiaries.of_customer(customer_id)

    def get(self, customer_id: UUID, beneficiary_id: UUID) -> Beneficiary:
        with self._uow_factory() as uow:
            return _owned(uow.beneficiaries.get(beneficiary_id), customer_id, beneficiary_id)

    def update(self, customer_id: UUID, beneficiary_id: UUID, changes: dict[str, object],
               context: RequestContext) -> Beneficiary:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationError(f"these fields cannot be changed: {', '.join(sorted(unknown))}; "
                                  "add a new beneficiary for a new account", fields=sorted(unknown))
        with self._uow_factory(write=True) as uow:
            found = _owned(uow.beneficiaries.get(beneficiary_id), customer_id, beneficiary_id)
            changed = attrs.evolve(found, **changes)  # type: ignore[arg-type]
            changed.check()
            uow.beneficiaries.update(changed)
            uow.audit.append(self._audit.event(context, "beneficiary.updated",
                                               customer_id=customer_id,
                                               resource=f"beneficiary:{beneficiary_id}",
                                               fields=",".join(sorted(changes))))
            uow.commit()
            return changed

    def delete(self, customer_id: UUID, beneficiary_id: UUID, context: RequestContext) -> None:
        with self._uow_factory(write=True) as uow:
            _owned(uow.beneficiaries.get(beneficiary_id), customer_id, beneficiary_id)
            uow.beneficiaries.delete(beneficiary_id)
            uow.audit.append(self._audit.event(context, "beneficiary.deleted",
                                               customer_id=customer_id,
                                               resource=f"beneficiary:{beneficiary_id}"))
            uow.commit()


def _owned(found: Beneficiary | None, customer_id: UUID, beneficiary_id: UUID) -> Beneficiary:
    return owned(found, customer_id,
                 BeneficiaryNotFound("no such beneficiary", beneficiary_id=str(beneficiary_id)))
