"""axe-core (Deque's accessibility engine, MPL-2.0, vendored as axe.min.js 4.14.1 from the npm
package; its licence beside it) run inside the page: the violations a page has, by impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver

_AXE = (Path(__file__).with_name("axe.min.js")).read_text(encoding="utf-8")
SEVERE = frozenset({"serious", "critical"})


def violations(driver: WebDriver) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.x A/AA violations on the page as it is now."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_AXE)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag",
                                     values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
          .then((r) => done(r.violations), (e) => done([{id: "axe-error", impact: "critical",
                                                          help: String(e), nodes: []}]));
    """)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "where": [n.get("target") for n in v["nodes"]][:3]}
            for v in result if v["impact"] in SEVERE]
