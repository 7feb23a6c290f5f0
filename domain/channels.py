"""Which payment channel may carry which movement of money. The channel names the rail the
money travels on, and the rail decides which limits apply, so it is the bank's rule, never
the caller's choice: a transfer names only a channel that can really carry it."""

from __future__ import annotations

from domain.errors import ChannelNotAllowed
from domain.ledger import Channel
from domain.money import Money

# The interbank rails: money leaving for another bank. Every account this bank transfers to
# is its own, so a transfer between them never travels on these.
INTERBANK = frozenset({Channel.NEFT, Channel.RTGS, Channel.IMPS})
# Where cash changes hands: a deposit or a withdrawal happens at a counter or a machine.
CASH = frozenset({Channel.BRANCH, Channel.ATM})
# RBI: RTGS carries only payments of 2,00,000.00 INR or more.
RTGS_MINIMUM = Money(200_000_00, "INR")


def check_transfer_channel(channel: Channel, amount: Money, *, interbank: bool) -> None:
    """Refuse a transfer on a channel that cannot carry it: an interbank rail for a transfer
    within the bank, and RTGS below its minimum. ONLINE, MOBILE, UPI, BRANCH and ATM carry a
    transfer within the bank."""
    if channel in INTERBANK and not interbank:
        raise ChannelNotAllowed(
            f"{channel.value} carries payments to other banks; a transfer within the bank "
            "goes ONLINE, MOBILE or UPI", channel=channel.value)
    if channel is Channel.RTGS and amount.currency == RTGS_MINIMUM.currency \
            and amount.minor < RTGS_MINIMUM.minor:
        raise ChannelNotAllowed(f"RTGS carries only payments of {RTGS_MINIMUM} or more",
                                channel=channel.value, minimum=RTGS_MINIMUM.format())


def check_cash_channel(channel: Channel) -> None:
    """Cash is paid in or out at a branch or an ATM, and nowhere else."""
    if channel not in CASH:
        raise ChannelNotAllowed(f"cash moves at a BRANCH or an ATM, not {channel.value}",
                                channel=channel.value)
