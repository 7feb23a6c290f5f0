"""The words of customer alerts: one template file per kind in application/data/alerts (its first
line the subject, the rest the body; `$name` placeholders), filled from the event's data."""

from __future__ import annotations

import functools
from importlib import resources
from string import Template

from domain.alerts import Alert

_HOW = {"set": "set", "changed": "changed", "enabled": "turned on", "disabled": "turned off",
        "reset_by_bank": "turned off by the bank", "enrolled": "enrolled", "replaced": "replaced"}


def _what(fields: dict[str, str]) -> str:
    how = _HOW.get(fields.get("how", ""), fields.get("how", ""))
    return {
        "device.new": "A device you had not used before logged in to your account",
        "security.pin_changed": f"Your UPI PIN was {how}",
        "security.second_factor_changed": f"Two-step login was {how}",
        "security.voice_changed": f"Your voice for voice login was {how}",
        "security.locked_out": "Your login is locked after too many wrong passwords, until "
                               f"{fields.get('until', 'later')}",
        "standing_order.paid": "A standing order was paid",
        "standing_order.failed": "A standing order was not paid"
                                 f" ({fields.get('status', 'failed')})",
    }.get(fields.get("event", ""), "Something changed on your account")


@functools.cache
def _template(kind: str) -> tuple[Template, Template]:
    folder = resources.files("application.data").joinpath("alerts")
    text = folder.joinpath(f"{kind}.txt").read_text()
    subject, _, body = text.partition("\n")
    return Template(subject.strip()), Template(body.lstrip("\n"))


def render(alert: Alert, name: str) -> tuple[str, str]:
    """The subject and body of `alert` to the customer called `name`."""
    fields = dict(alert.fields)
    fields.update(
        name=name, what=_what(fields),
        amount_line=f"\nAmount: {fields['currency']} {fields['amount']}."
        if fields.get("amount") and fields.get("currency") else "",
        reason_line=f"\nWhy: {fields['reason']}." if fields.get("reason") else "")
    subject, body = _template(alert.kind.value)
    return subject.safe_substitute(fields), body.safe_substitute(fields)
