"""Steps shared by the voice features (voice.feature, voice_presence.feature): Asha's phone,
whose key the app holds, her password login on it, and the voice login's outcome. A feature's
module brings them in with `from tests.bdd.voice_steps import *` (pytest-bdd registers each
step as a fixture of the module that defines it)."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, then

from application.context import DeviceInfo, RequestContext
from application.use_cases import LogInWithPassword, ManageDevices
from tests.bdd.conftest import World
from tests.support.device_keys import DeviceKeyPair

PHONE_KEY = DeviceKeyPair()  # held by the phone; its public half is registered at binding
PHONE = DeviceInfo("asha-phone-0001", label="phone", platform="android", key=PHONE_KEY.key)
HERE = RequestContext(ip="198.51.100.8")
ON_PHONE = RequestContext(ip="198.51.100.8", device_id=PHONE.identifier)  # its own session


@given(parsers.parse("{name} has logged in with her password on her phone"))
def password_on_phone(bdd_bank: punq.Container, world: World, name: str) -> None:
    person = world["people"][name]
    bdd_bank.resolve(LogInWithPassword).execute(person.customer_number, world["password"],
                                                HERE, PHONE)
    world["phone"] = bdd_bank.resolve(ManageDevices).list(person.id)[0]


@then("she is logged in by voice")
def logged_in(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["issued"].access_token


@then(parsers.re(r"the (?:voice login|binding) is refused with \"(?P<code>\w+)\""))
def refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]


