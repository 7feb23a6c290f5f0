"""What the peer adds to hordak for the same workload: idempotency keys and an audit log."""

from django.db import models


class TransferRequest(models.Model):
    idempotency_key = models.CharField(max_length=128, unique=True)
    transaction = models.ForeignKey("hordak.Transaction", on_delete=models.PROTECT)


class AuditLog(models.Model):
    occurred_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=64)
    resource = models.CharField(max_length=128)
