"""Every kind of parameter a client sends, fuzzed: the strict parsers (entrypoints/parsing.py)
either give a value the bank can compute with or refuse it in words; over HTTP no value of any
query, path or body parameter answers 5xx. Runs on every profile."""

from __future__ import annotations

import base64
from datetime import UTC, timedelta
from urllib.parse import quote

import punq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from domain.customer import Role
from entrypoints import parsing
from tests.http.conftest import API, log_in
from tests.support.banking import account, customer

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text near the formats, with the digits any script has (str.isdigit is true for '²' and '٣').
DIGIT = st.sampled_from("0123456789\u00b2\u0663\uff19\U0001d7ce")
NUMBERS = st.one_of(st.text(DIGIT, min_size=1, max_size=30), st.text(max_size=30),
                    st.integers().map(str), st.just("9" * 5000))
YEARS = st.sampled_from(["0001", "1899", "1900", "2026", "9000", "9001", "9999"])
DATES = st.one_of(st.builds("{}-{:02d}-{:02d}".format, YEARS, st.integers(0, 13),
                            st.integers(0, 32)), st.text(max_size=12))
ZONES = st.sampled_from(["Z", "z", "+14:00", "-14:00", "+23:59", "+24:00", "+05:30", "", "+5"])
MOMENTS = st.one_of(st.builds("{}T{:02d}:{:02d}:{:02d}{}{}".format, DATES, st.integers(0, 25),
                              st.integers(0, 60), st.integers(0, 60),
                              st.sampled_from(["", ".5", ".123456789", ".1234567890"]), ZONES),
                    st.text(max_size=40))
CURSORS = st.one_of(
    st.builds(lambda n: base64.urlsafe_b64encode(f"v1:{n}".encode()).decode().rstrip("="),
              st.one_of(NUMBERS, st.integers(-1, 1 << 70))), st.text(max_size=50))


@FUZZ
@given(NUMBERS)
def test_a_whole_number_is_ascii_digits_within_its_bounds(text: str) -> None:
    try:
        value = parsing.whole_number(text, 1, 100)
    except parsing.Refused:
        return
    assert 1 <= value <= 100 and text.isascii()


@FUZZ
@given(st.one_of(DATES, MOMENTS), st.booleans())
@example("9999-12-31", True)
@example("0001-01-01T00:00:00+14:00", False)
def test_a_moment_converts_to_utc_and_to_the_next_day(text: str, end_of_day: bool) -> None:
    try:
        moment = parsing.day_or_moment(text, end_of_day)
    except parsing.Refused:
        return
    assert moment.utcoffset() is not None
    in_utc = moment.astimezone(UTC)
    assert parsing.EARLIEST.year - 1 <= (in_utc + timedelta(days=1)).year <= parsing.LATEST.year + 1


@FUZZ
@given(CURSORS)
def test_a_cursor_is_a_bigint(text: str) -> None:
    try:
        sequence = parsing.cursor(text)
    except parsing.Refused:
        return
    assert 0 <= sequence <= parsing.MAX_SEQUENCE


def _no_5xx(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, response.text[:300]  # type: ignore[attr-defined]


@pytest.fixture
def signed_in(client: TestClient, bank: punq.Container) -> tuple[dict[str, str], dict[str, str], str]:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    operator = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    return log_in(client, asha.customer_number), operator, source


def test_query_parameters(client: TestClient,
                          signed_in: tuple[dict[str, str], dict[str, str], str]) -> None:
    headers, operator, source = signed_in

    @FUZZ
    @given(NUMBERS, CURSORS, st.one_of(DATES, MOMENTS), st.one_of(DATES, MOMENTS))
    @example("\u00b2", base64.b64encode(b"v1:9999999999999999999").decode(), "9999-12-31",
             "0001-01-01T00:00:00+14:00")
    def check(limit: str, cursor: str, since: str, until: str) -> None:
        query = {"limit": limit, "cursor": cursor, "from": since, "to": until}
        for name in query:
            _no_5xx(client.get(f"{API}/accounts/{source}/transactions", headers=headers,
                               params={name: query[name]}))
        _no_5xx(client.get(f"{API}/operator/audit", headers=operator,
                           params={"limit": limit, "cursor": cursor}))
        _no_5xx(client.get(f"{API}/operator/review", headers=operator, params={"limit": limit}))

    check()


def test_path_and_body_parameters(client: TestClient,
                                  signed_in: tuple[dict[str, str], dict[str, str], str]) -> None:
    headers, _, source = signed_in

    @FUZZ
    @given(st.text(min_size=1, max_size=40), DATES, DATES, MOMENTS,
           st.integers(-(1 << 70), 1 << 70))
    @example("\x00", "9999-12-30", "9999-12-31", "9999-12-31T23:59:59-14:00", 1 << 60)
    def check(number: str, since: str, until: str, due_at: str, big: int) -> None:
        _no_5xx(client.get(f"{API}/accounts/{quote(number, safe='')}/balance", headers=headers))
        _no_5xx(client.post(f"{API}/accounts/{source}/statement/download", headers=headers,
                            json={"from": since, "to": until}))
        _no_5xx(client.post(f"{API}/reminders", headers=headers, json={
            "type": "CUSTOM", "title": "fuzz", "due_at": due_at}))
        _no_5xx(client.post(f"{API}/auth/register", json={
            "first_name": "F", "last_name": "Z", "email": "f@example.in",
            "phone_number": "+919800000001", "password": "a long passphrase",
            "date_of_birth": since, "preferred_language": big}))

    check()
