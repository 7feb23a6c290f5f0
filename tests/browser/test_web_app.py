"""A customer banks through the web app in a real headless chromium against a real `vaani serve`:
signs in, reads balances and pages of transactions, sends money, saves a payee and answers the
step-up a payment to it is held for with the UPI PIN, downloads a statement, looks at sessions and
devices, and signs out, after which the old cookie is refused. Every page is screenshot to
var/screenshots/ (VAANI_SCREENSHOTS=docs/screenshots refreshes the committed ones) and checked
with axe-core: no serious or critical violations."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.accessibility import violations
from tests.browser.conftest import PIN, Seeded
from tests.support.banking import PASSWORD

pytestmark = pytest.mark.browser
WAIT = 60  # seconds: a generous bound for a loaded machine, never a pause


def _wait(driver: WebDriver, check, what: str):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, WAIT, 0.05).until(lambda d: check(d), message=what)


def _view(driver: WebDriver, name: str) -> None:
    """The view `name` is showing, its data loaded (its heading has the focus)."""
    _wait(driver, lambda d: d.find_element(By.ID, f"view-{name}").is_displayed() and
          d.switch_to.active_element.get_attribute("id") == f"{name}-title", f"the {name} view")


def _go(driver: WebDriver, name: str) -> None:
    driver.execute_script("location.hash = arguments[0]", "#" + name)
    _view(driver, name.split("/")[0])


def _status(driver: WebDriver, contains: str) -> str:
    return str(_wait(driver, lambda d: contains in d.find_element(By.ID, "status").text and
                     d.find_element(By.ID, "status").text, f"a message saying {contains!r}"))


def _type(driver: WebDriver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def _page(driver: WebDriver, shots: Path, name: str) -> None:
    """Screenshot the page and hold it to axe-core."""
    assert driver.find_element(By.ID, "alert").text == ""
    driver.save_screenshot(str(shots / f"{name}.png"))
    assert violations(driver) == [], name


def _balance(driver: WebDriver, number: str) -> str:
    _go(driver, "accounts")
    row = driver.find_element(By.XPATH, f"//tr[td/a[text()='{number}']]")
    return row.find_elements(By.TAG_NAME, "td")[3].text


def test_a_customer_banks_through_the_web_app(live: Seeded, browser: WebDriver,
                                              downloads: Path, screenshots: Path) -> None:
    d = browser
    d.delete_all_cookies()  # whoever used this browser before
    d.get(live.base + "/app")
    _view(d, "login")
    assert not d.find_element(By.ID, "nav").is_displayed()
    _page(d, screenshots, "01-sign-in")
    _type(d, "login-customer", live.customer_number)
    _type(d, "login-password", "not the password")
    d.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    _wait(d, lambda d: d.find_element(By.ID, "alert").text, "the refusal")
    assert "customer number or password" in d.find_element(By.ID, "alert").text.lower()
    _type(d, "login-password", PASSWORD)
    d.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    _view(d, "accounts")
    assert "Hello, Asha." in d.find_element(By.ID, "greeting").text
    assert "INR 26,491.00" in d.find_element(By.ID, "accounts-list").text  # 25,000 + 14 deposits
    # The tokens are nowhere a script can read them.
    assert "vaani_access" not in d.execute_script("return document.cookie")
    assert d.execute_script("return localStorage.length + sessionStorage.length") == 0
    _page(d, screenshots, "02-accounts")

    _go(d, f"transactions/{live.savings}")
    rows = lambda d: d.find_elements(By.CSS_SELECTOR, "#transactions-list tbody tr")  # noqa: E731
    assert len(rows(d)) == 10 and "113.00" in rows(d)[0].text  # newest first
    d.find_element(By.ID, "transactions-older").click()
    _wait(d, lambda d: "page 2" in d.find_element(By.ID, "transactions-list").text, "page 2")
    assert len(rows(d)) == 5 and d.find_element(By.ID, "transactions-older").get_attribute("disabled")
    _page(d, screenshots, "03-transactions")

    _go(d, "transfer")
    Select(d.find_element(By.ID, "transfer-from")).select_by_value(live.savings)
    _type(d, "transfer-to", live.payee)
    _type(d, "transfer-amount", "150.00")
    _type(d, "transfer-description", "Rent share")
    d.find_element(By.CSS_SELECTOR, "#transfer-form button[type=submit]").click()
    _status(d, "Sent INR 150.00. The payment is complete.")
    assert "INR 26,341.00" in Select(d.find_element(By.ID, "transfer-from")).first_selected_option.text
    _page(d, screenshots, "04-send-money")

    _go(d, "beneficiaries")
    _type(d, "beneficiary-name", "Ravi")
    _type(d, "beneficiary-account", live.payee)
    _type(d, "beneficiary-ifsc", "vaan0000001")
    d.find_element(By.CSS_SELECTOR, "#beneficiary-form button[type=submit]").click()
    _status(d, "Ravi is saved as a payee.")
    assert live.payee in d.find_element(By.ID, "beneficiaries-list").text
    _page(d, screenshots, "05-payees")

    # Paying a payee saved a minute ago is held until the customer answers with the PIN.
    _go(d, "transfer")
    Select(d.find_element(By.ID, "transfer-from")).select_by_value(live.savings)
    Select(d.find_element(By.ID, "transfer-payee")).select_by_visible_text(f"Ravi · {live.payee}")
    _type(d, "transfer-amount", "200.00")
    d.find_element(By.CSS_SELECTOR, "#transfer-form button[type=submit]").click()
    _wait(d, lambda d: d.find_element(By.ID, "challenge-form").is_displayed(), "the step-up")
    assert d.switch_to.active_element.get_attribute("id") == "challenge-title"
    assert "INR 200.00" in d.find_element(By.ID, "challenge-text").text
    _page(d, screenshots, "06-step-up")
    _type(d, "challenge-answer", PIN)
    d.find_element(By.CSS_SELECTOR, "#challenge-form button[type=submit]").click()
    _status(d, "Sent INR 200.00. The payment is complete.")
    assert not d.find_element(By.ID, "challenge-form").is_displayed()
    assert _balance(d, live.savings) == "INR 26,141.00"

    _go(d, "statements")
    Select(d.find_element(By.ID, "statement-account")).select_by_value(live.savings)
    today = datetime.now(UTC).date().isoformat()
    d.execute_script("document.getElementById('statement-from').value = arguments[0];"
                     "document.getElementById('statement-to').value = arguments[0];", today)
    Select(d.find_element(By.ID, "statement-format")).select_by_value("csv")
    d.find_element(By.CSS_SELECTOR, "#statement-form button[type=submit]").click()
    name = f"statement-{live.savings}-{today}-{today}.csv"
    _status(d, f"Your statement {name} is downloading.")
    saved = downloads / name
    _wait(d, lambda _: saved.exists() and saved.stat().st_size > 0, "the downloaded file")
    with saved.open(newline="") as handle:
        lines = list(csv.reader(handle))
    text = "\n".join(",".join(line) for line in lines)
    assert "150.00" in text and "200.00" in text and "26141.00" in text, text
    _page(d, screenshots, "07-statements")

    _go(d, "security")
    assert "This session" in d.find_element(By.ID, "sessions-list").text
    _page(d, screenshots, "08-sessions-and-devices")

    d.set_window_size(390, 844)  # a phone
    _go(d, "accounts")
    assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    _page(d, screenshots, "09-accounts-on-a-phone")
    d.set_window_size(1100, 820)

    old = d.get_cookie("vaani_access")
    assert old is not None and old["httpOnly"] and old["sameSite"] == "Strict"
    d.find_element(By.ID, "sign-out").click()
    _view(d, "login")
    _status(d, "You have signed out.")
    assert d.get_cookie("vaani_access") is None
    d.get(live.base + "/app#accounts")
    _view(d, "login")
    refused = httpx.get(f"{live.base}/api/v1/accounts", cookies={"vaani_access": old["value"]})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
