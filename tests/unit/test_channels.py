"""Which channel may carry which movement of money (domain/channels.py)."""

from __future__ import annotations

import pytest

from domain.channels import CASH, INTERBANK, check_cash_channel, check_transfer_channel
from domain.errors import ChannelNotAllowed
from domain.ledger import Channel
from domain.money import Money

LAKH = Money(100_000_00, "INR")


@pytest.mark.parametrize("channel", list(Channel))
def test_a_transfer_within_the_bank_takes_every_channel_but_the_interbank_rails(
        channel: Channel) -> None:
    if channel in INTERBANK:
        with pytest.raises(ChannelNotAllowed, match="other banks"):
            check_transfer_channel(channel, LAKH + LAKH + LAKH, interbank=False)
    else:
        check_transfer_channel(channel, LAKH, interbank=False)


def test_rtgs_carries_only_its_minimum_or_more() -> None:
    with pytest.raises(ChannelNotAllowed, match=r"200000\.00 INR or more") as refused:
        check_transfer_channel(Channel.RTGS, Money(199_999_99, "INR"), interbank=True)
    assert refused.value.info == {"channel": "RTGS", "minimum": "200000.00"}
    check_transfer_channel(Channel.RTGS, LAKH + LAKH, interbank=True)
    check_transfer_channel(Channel.NEFT, Money(1, "INR"), interbank=True)


@pytest.mark.parametrize("channel", list(Channel))
def test_cash_moves_at_a_branch_or_an_atm_only(channel: Channel) -> None:
    if channel in CASH:
        check_cash_channel(channel)
    else:
        with pytest.raises(ChannelNotAllowed):
            check_cash_channel(channel)
