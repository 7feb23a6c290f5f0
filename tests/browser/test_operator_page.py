"""In a real headless chromium: two-step login asks for the code after the password; an operator
works the review queue and reads the disputes (a customer's session is refused there with the
API's message; staff approve one held transfer and reject the other, and each leaves the queue);
axe-core finds no serious violation."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.conftest import Seeded
from tests.browser.test_web_app import _page, _status, _type, _view, _wait
from tests.support.banking import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(d: WebDriver, base: str, number: str) -> None:
    d.delete_all_cookies()
    d.get(base + "/app/operator#login")
    _view(d, "login")
    _type(d, "login-customer", number)
    _type(d, "login-password", PASSWORD + Keys.ENTER)  # the keyboard alone submits


def _rows(d: WebDriver) -> list[str]:
    return [r.text for r in d.find_elements(By.CSS_SELECTOR, "#review-list tbody tr")]


def test_two_step_login_asks_for_the_code_after_the_password(live: Seeded, browser: WebDriver,
                                                              screenshots: Path) -> None:
    d = browser
    number, secret, recovery = live.two_step
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    d.delete_all_cookies()
    d.get(live.base + "/app#login")
    _view(d, "login")
    _type(d, "login-customer", number)
    _type(d, "login-password", PASSWORD + Keys.ENTER)
    _wait(d, lambda d: d.find_element(By.ID, "totp-form").is_displayed(), "the second step")
    assert not d.find_element(By.ID, "login-form").is_displayed()
    assert d.switch_to.active_element.get_attribute("id") == "totp-code"
    assert d.get_cookie("vaani_access") is None  # no session before the second step
    _page(d, screenshots, "00-sign-in-second-step")
    _type(d, "totp-code", wrong + Keys.ENTER)  # a wrong code: the API's message, still here
    _wait(d, lambda d: d.find_element(By.ID, "alert").text, "the refusal")
    _type(d, "totp-code", recovery + Keys.ENTER)
    _view(d, "accounts")
    assert "Hello, Tara." in d.find_element(By.ID, "greeting").text
    d.find_element(By.ID, "sign-out").click()
    _status(d, "You have signed out.")


def test_an_operator_approves_and_rejects_held_transfers(live: Seeded, browser: WebDriver,
                                                          screenshots: Path) -> None:
    d = browser
    _sign_in(d, live.base, live.customer_number)  # a customer, not staff
    _wait(d, lambda d: "your role may not use this endpoint" in
          d.find_element(By.ID, "alert").text, "the refusal of a customer")
    d.find_element(By.ID, "sign-out").click()
    _view(d, "login")

    _sign_in(d, live.base, live.operator_number)
    _view(d, "review")
    assert [("60,000.00" in r, "61,000.00" in r) for r in _rows(d)] == [(True, False),
                                                                         (False, True)]
    assert "saved" in _rows(d)[0].lower() or "beneficiary" in _rows(d)[0].lower()
    _page(d, screenshots, "10-operator-review")
    d.find_element(By.XPATH, "//button[starts-with(@aria-label, 'Approve INR\u00a060,000.00')]").click()
    _status(d, "Transfer of INR 60,000.00 to " + live.scammer + " approved: completed.")
    assert len(_rows(d)) == 1
    d.find_element(By.XPATH, "//button[starts-with(@aria-label, 'Reject INR\u00a061,000.00')]").click()
    _status(d, "rejected")
    _wait(d, lambda d: "Nothing is waiting for review." in d.find_element(By.ID, "review-list").text,
          "an empty queue")

    d.execute_script("location.hash = '#disputes'")
    _view(d, "disputes")
    text = d.find_element(By.ID, "disputes-list").text
    assert "Charged twice for one order" in text and "duplicate" in text
    _page(d, screenshots, "11-operator-disputes")
    d.find_element(By.ID, "sign-out").click()
    _status(d, "You have signed out.")
