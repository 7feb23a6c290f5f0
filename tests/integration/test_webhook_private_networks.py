"""A webhook is never sent into the bank's own network unless configuration allows it
(VAANI_WEBHOOK_PRIVATE_NETWORKS): an endpoint whose name resolves to a loopback, private,
link-local or other non-public address, in any IPv6 form that carries one, fails its try, with
the reason (never the address), and nothing arrives; the Host header and the name the
certificate is checked against stay the URL's. Nor is a plain-http endpoint sent to once http is
not allowed (VAANI_WEBHOOK_ALLOW_HTTP), whenever it was registered. Real sockets: a receiver on
loopback, the system's resolver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.system.standard_webhooks import HttpWebhookSender, new_secret
from entrypoints.settings import ConfigurationError, load_settings
from tests.support.webhook_receiver import Receiver

SECRET = "private-networks-" + "x" * 40


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    live = Receiver()
    yield live
    live.close()


def send(sender: HttpWebhookSender, url: str) -> tuple[int | None, str | None]:
    tried = sender.send(url, "msg_1", 1_700_000_000, '{"type":"test"}', [new_secret()], 2.0)
    return tried.status_code, tried.error


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_an_endpoint_on_a_private_address_is_not_sent_to(receiver: Receiver, name: str) -> None:
    url = receiver.url.replace("127.0.0.1", name)
    status, error = send(HttpWebhookSender(allow_http=True), url)
    assert status is None and error is not None and "non-public address" in error
    assert receiver.tried == 0  # nothing left the bank


def test_allowed_private_networks_receive_it_with_the_url_s_own_host(receiver: Receiver) -> None:
    url = receiver.url.replace("127.0.0.1", "localhost")
    status, error = send(HttpWebhookSender(private_networks=True, allow_http=True), url)
    assert (status, error) == (204, None)
    port = url.split(":")[2].split("/")[0]
    assert receiver.received[0].headers["host"] == f"localhost:{port}"


@pytest.mark.parametrize("address", [
    "10.0.0.7", "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::1]", "[fd00::1]",
    "[::ffff:192.168.1.1]", "[64:ff9b::a00:7]", "[64:ff9b::a9fe:a9fe]", "[::a00:7]",
    "[fec0::1]", "[2002:a00:7::1]",  # 6to4 of 10.0.0.7
    "[2001:0:4136:e378:8000:63bf:f5ff:fff8]"])  # Teredo, its client 10.0.0.7
def test_every_kind_of_non_public_address_is_refused_before_connecting(address: str) -> None:
    status, error = send(HttpWebhookSender(), f"https://{address}:9/hook")
    assert status is None and error is not None and "non-public address" in error


def test_the_refusal_does_not_say_where_an_internal_name_leads() -> None:
    status, error = send(HttpWebhookSender(), "https://localhost:9/")
    assert status is None and error == ("localhost resolves to a non-public address "
                                        "(VAANI_WEBHOOK_PRIVATE_NETWORKS=1 allows it)")
    assert "127.0.0.1" not in error and "::1" not in error


def test_a_plain_http_endpoint_gets_nothing_once_http_is_not_allowed(receiver: Receiver) -> None:
    status, error = send(HttpWebhookSender(private_networks=True), receiver.url)
    assert status is None and error is not None and "https" in error
    assert receiver.tried == 0  # nothing sent


def test_the_setting_is_off_by_default_on_in_a_demo_and_checked() -> None:
    base = {"VAANI_DATABASE_URL": "sqlite:///x.db", "VAANI_JWT_SECRET": SECRET}
    assert not load_settings(base).webhook_policy.private_networks
    assert load_settings({**base, "VAANI_DEMO": "1"}).webhook_policy.private_networks
    assert not load_settings({**base, "VAANI_DEMO": "1", "VAANI_WEBHOOK_PRIVATE_NETWORKS": "0"}
                             ).webhook_policy.private_networks
    assert load_settings({**base, "VAANI_WEBHOOK_PRIVATE_NETWORKS": "1"}
                         ).webhook_policy.private_networks
    with pytest.raises(ConfigurationError, match="VAANI_WEBHOOK_PRIVATE_NETWORKS"):
        load_settings({**base, "VAANI_WEBHOOK_PRIVATE_NETWORKS": "maybe"})
