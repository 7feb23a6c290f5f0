"""The peer's transfer: an atomic transaction locking both accounts in id order, an
idempotency check, a balance check from the legs, hordak's two-legged transfer, an audit row."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from djmoney.money import Money
from hordak.models import Account

from peerbank.models import AuditLog, TransferRequest


class InsufficientFunds(Exception):
    pass


def transfer(source_code: str, destination_code: str, amount: Decimal, key: str) -> int:
    found = TransferRequest.objects.filter(idempotency_key=key).first()
    if found is not None:
        return found.transaction_id
    try:
        with transaction.atomic():
            accounts = {a.full_code: a for a in Account.objects.select_for_update().filter(
                full_code__in=[source_code, destination_code]).order_by("id")}
            source, destination = accounts[source_code], accounts[destination_code]
            if source.get_simple_balance()["INR"].amount < amount:
                raise InsufficientFunds(source_code)
            moved = source.transfer_to(destination, Money(amount, "INR"),
                                       description=f"transfer {key}")
            TransferRequest.objects.create(idempotency_key=key, transaction=moved)
            AuditLog.objects.create(action="money.transfer", resource=f"transaction:{moved.id}")
            return moved.id
    except IntegrityError:  # a concurrent request with the same key won
        return TransferRequest.objects.get(idempotency_key=key).transaction_id
