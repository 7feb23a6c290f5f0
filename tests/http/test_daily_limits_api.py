"""Daily limits over HTTP with the shipped rules: the channel a customer's client names never
lifts a limit, a channel the transfer cannot use is refused, and the limits hold on every
channel together, per account and per customer (issue #30, item 1)."""

from __future__ import annotations

import attrs
import punq
import pytest
from starlette.testclient import TestClient

from domain.account import AccountType
from domain.ledger import Channel
from entrypoints.http.app import create_app
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import Settings, load_settings
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def _send(client: TestClient, headers: dict[str, str], source: str, to: str, amount: str,
          channel: str) -> dict:  # type: ignore[type-arg]
    response = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": to, "amount": {"amount": amount, "currency": "INR"},
        "channel": channel})
    return {"status": response.status_code, "response": response}


def _balance(client: TestClient, headers: dict[str, str], number: str) -> str:
    body = client.get(f"{API}/accounts/{number}/balance", headers=headers).json()
    return str(body["balance"]["amount"])


@pytest.fixture
def firm(bank: punq.Container, client: TestClient) -> tuple[dict[str, str], str, str, str]:
    """A customer with a funded current account, a funded savings account and an empty
    savings account of their own to pay into (own-account: no velocity or new-payee points)."""
    owner = customer(bank, first_name="Firm")
    current = account(bank, owner, "900000.00", AccountType.CURRENT).account_number
    savings = account(bank, owner, "900000.00").account_number
    sink = account(bank, owner).account_number
    return log_in(client, owner.customer_number), current, savings, sink


def test_naming_rtgs_does_not_lift_the_daily_limit(client: TestClient, firm) -> None:  # type: ignore[no-untyped-def]
    headers, current, _, sink = firm
    blocked = _send(client, headers, current, sink, "300000.00", "ONLINE")["response"]
    assert_envelope(blocked, 403, "transfer_blocked")
    for channel in ("RTGS", "NEFT", "IMPS"):  # was: RTGS posted what ONLINE refused
        refused = _send(client, headers, current, sink, "300000.00", channel)["response"]
        body = assert_envelope(refused, 422, "channel_not_allowed")
        assert body["error"]["info"]["channel"] == channel
    assert _balance(client, headers, current) == "900000.00"
    assert _balance(client, headers, sink) == "0.00"


def test_a_channel_the_bank_has_not_opened_to_clients_is_refused(client: TestClient,
                                                                  firm) -> None:  # type: ignore[no-untyped-def]
    headers, _, savings, sink = firm
    for channel in ("BRANCH", "ATM"):  # a teller's and a cash machine's, never a client's
        refused = _send(client, headers, savings, sink, "10.00", channel)["response"]
        body = assert_envelope(refused, 422, "channel_not_allowed")
        assert body["error"]["info"]["allowed"] == "MOBILE, ONLINE, UPI"
    for channel in ("ONLINE", "MOBILE", "UPI"):
        assert _send(client, headers, savings, sink, "10.00", channel)["status"] == 201
    assert _balance(client, headers, sink) == "30.00"


def test_a_bank_that_opens_rtgs_to_clients_still_refuses_it_within_the_bank(
        bank: punq.Container, firm) -> None:  # type: ignore[no-untyped-def]
    headers, current, _, sink = firm
    settings = bank.resolve(Settings)
    bank.register(Settings, instance=attrs.evolve(
        settings, api_channels=frozenset({Channel.ONLINE, Channel.RTGS})))
    with TestClient(create_app(bank), raise_server_exceptions=False) as opened:
        refused = _send(opened, headers, current, sink, "300000.00", "RTGS")["response"]
        assert_envelope(refused, 422, "channel_not_allowed")
        assert "other banks" in refused.json()["error"]["message"]
        mobile = _send(opened, headers, current, sink, "10.00", "MOBILE")["response"]
        assert_envelope(mobile, 422, "channel_not_allowed")


def test_one_accounts_limit_holds_on_every_channel_together(client: TestClient, firm) -> None:  # type: ignore[no-untyped-def]
    headers, _, savings, sink = firm  # savings: 2,00,000.00 a day per channel and in all
    assert _send(client, headers, savings, sink, "150000.00", "ONLINE")["status"] == 201
    over = _send(client, headers, savings, sink, "150000.00", "MOBILE")["response"]
    assert_envelope(over, 403, "transfer_blocked")
    assert _send(client, headers, savings, sink, "50000.00", "UPI")["status"] == 201
    assert _balance(client, headers, savings) == "700000.00"


def test_one_customers_limit_holds_across_their_accounts(client: TestClient, firm) -> None:  # type: ignore[no-untyped-def]
    headers, current, savings, sink = firm  # the customer: 5,00,000.00 a day in all
    assert _send(client, headers, savings, sink, "190000.00", "ONLINE")["status"] == 201
    assert _send(client, headers, current, sink, "190000.00", "MOBILE")["status"] == 201
    over = _send(client, headers, current, sink, "150000.00", "UPI")["response"]
    assert_envelope(over, 403, "transfer_blocked")
    assert _send(client, headers, current, sink, "120000.00", "UPI")["status"] == 201
    assert _balance(client, headers, sink) == "500000.00"


def test_the_channels_open_to_clients_are_configured_and_checked_at_start() -> None:
    base = {"VAANI_JWT_SECRET": "x" * 40, "VAANI_DATABASE_URL": "sqlite:///unused.db"}
    assert load_settings(base).api_channels == {Channel.ONLINE, Channel.MOBILE, Channel.UPI}
    chosen = load_settings({**base, "VAANI_API_CHANNELS": " mobile, UPI "}).api_channels
    assert chosen == {Channel.MOBILE, Channel.UPI}
    with pytest.raises(ConfigurationError, match="FAX"):
        load_settings({**base, "VAANI_API_CHANNELS": "UPI,FAX"})


def test_an_amount_in_another_currency_is_refused_before_it_is_weighed(client: TestClient,
                                                                       firm) -> None:  # type: ignore[no-untyped-def]
    """Limits are kept in the account's minor units: a yen amount was weighed against rupee
    limits (and a large one stored as a blocked transfer) before the ledger refused it."""
    headers, current, _, sink = firm
    for amount in ("30000000", "3"):
        response = client.post(f"{API}/accounts/{current}/transfer", headers=headers, json={
            "to_account_number": sink, "amount": {"amount": amount, "currency": "JPY"}})
        assert_envelope(response, 422, "currency_mismatch")
    assert _balance(client, headers, current) == "900000.00"
