"""The rule of which addresses a webhook may reach when private networks are not allowed
(adapters/system/public_addresses.py), and the sender's name lookup: bounded by the try's
timeout, and refusing without telling which address a name has. The resolver is the test's own:
no DNS, no network."""

from __future__ import annotations

import ipaddress
import threading

import pytest

from adapters.system.public_addresses import embedded_ipv4, is_public
from adapters.system.standard_webhooks import HttpWebhookSender, new_secret

NON_PUBLIC = [
    "10.0.0.7", "169.254.169.254", "100.64.0.1", "0.0.0.0", "127.0.0.1", "192.0.0.8",
    "198.18.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255",
    "::", "::1", "fd00::1", "fe80::1%eth0", "fec0::1", "ff02::1", "100::1", "2001:db8::1",
    "::ffff:192.168.1.1",  # IPv4-mapped
    "::ffff:0:a00:7",  # IPv4-translated, 10.0.0.7
    "::a00:7",  # IPv4-compatible, 10.0.0.7
    "64:ff9b::a9fe:a9fe",  # NAT64 well-known prefix, 169.254.169.254
    "64:ff9b::a00:7",
    "64:ff9b:1::808:808",  # local-use NAT64: never, whatever it carries
    "2002:a00:7::1",  # 6to4 of 10.0.0.7
    "2001:0:4136:e378:8000:63bf:f5ff:fff8",  # Teredo, its client 10.0.0.7
    "2001:0:a00:7:8000:63bf:f7f7:f7f7",  # Teredo, its server 10.0.0.7
    "2001:10::1",  # IETF protocol assignments, no form that carries IPv4
    "not an address",
]
PUBLIC = [
    "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
    "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo: both ends public
]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_in_every_form_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_in_every_form_are_allowed(address: str) -> None:
    assert is_public(address)


def test_the_forms_that_carry_an_ipv4_address_are_read_where_the_standards_put_it() -> None:
    v6, v4 = ipaddress.IPv6Address, ipaddress.IPv4Address
    assert embedded_ipv4(v6("64:ff9b::a9fe:a9fe")) == (v4("169.254.169.254"),)
    assert embedded_ipv4(v6("2002:a00:7::1")) == (v4("10.0.0.7"),)
    assert embedded_ipv4(v6("2001:0:4136:e378:8000:63bf:f5ff:fff8")) == (
        v4("65.54.227.120"), v4("10.0.0.7"))
    assert embedded_ipv4(v6("2606:4700:4700::1111")) is None


def test_the_rule_holds_whatever_the_interpreter_s_tables_say(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Tables that call everything global (as 3.11's do for 64:ff9b::/96, ::/96 and fec0::/10).
    monkeypatch.setattr(ipaddress.IPv4Address, "is_global", property(lambda _: True))
    monkeypatch.setattr(ipaddress.IPv6Address, "is_global", property(lambda _: True))
    for address in ("64:ff9b::a00:7", "::a00:7", "fec0::1", "2002:a00:7::1", "10.0.0.7",
                    "169.254.169.254", "fd00::1", "2001:0:4136:e378:8000:63bf:f5ff:fff8"):
        assert not is_public(address), address


def _send(sender: HttpWebhookSender, url: str, timeout: float = 2.0) -> tuple[int | None, str]:
    tried = sender.send(url, "msg_1", 1_700_000_000, "{}", [new_secret()], timeout)
    return tried.status_code, tried.error or ""


def test_a_name_answering_nat64_of_the_metadata_address_is_refused_without_the_address() -> None:
    sender = HttpWebhookSender(resolve=lambda host, port: ["8.8.8.8", "64:ff9b::a9fe:a9fe"])
    status, error = _send(sender, "https://hooks.example.in/v")
    assert status is None and "hooks.example.in resolves to a non-public address" in error
    assert "a9fe" not in error and "169.254" not in error and "8.8.8.8" not in error


def test_a_name_lookup_that_never_answers_ends_the_try_within_its_timeout() -> None:
    release, asked = threading.Event(), threading.Event()

    def stuck(host: str, port: int) -> list[str]:
        asked.set()
        release.wait(30)  # a resolver that never answers (let go when the test ends)
        return ["8.8.8.8"]

    try:
        status, error = _send(HttpWebhookSender(resolve=stuck), "https://hooks.example.in/v",
                              timeout=0.2)
        assert asked.is_set() and not release.is_set()  # the try did not wait for the lookup
        assert (status, error) == (None, "the endpoint's name did not resolve within the timeout")
    finally:
        release.set()


def test_a_lookup_that_fails_is_the_try_s_reason() -> None:
    def unknown(host: str, port: int) -> list[str]:
        raise OSError("[Errno -2] Name or service not known")

    status, error = _send(HttpWebhookSender(resolve=unknown), "https://nowhere.example.in/")
    assert status is None and error == "OSError: [Errno -2] Name or service not known"
