"""Helpers of the browser tests (tests/integration/browser): the running app, a Chromium with a fresh
profile, axe-core checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Page, Playwright

from services.common.config import CommonSettings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP, MOBILE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# Every page records what its Content-Security-Policy blocked (an inline script or style, a foreign host).
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.cspViolations.push(
  `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`));
"""


@dataclass
class WebApp:
    """The running app: its base URL, an API client reading what the pages read (an analyst's key: no item
    restricted to the sensitive role, as the web app shows before sign-in), an admin's client that reads
    everything, and the stack's settings."""

    url: str
    settings: CommonSettings
    api: httpx.Client
    admin: httpx.Client

    def api_json(self, path: str, **params: object) -> dict:
        response = self.api.get(path, params=params)
        response.raise_for_status()
        return response.json()


def open_context(driver: Playwright, user_data: Path, *, javascript: bool = True) -> BrowserContext:
    """A Chromium with a fresh profile (user-data dir) of its own. Every page gets axe-core and the CSP
    recorder as init scripts, which the browser runs outside the page's Content-Security-Policy (a script
    tag added to the page would be blocked by it)."""
    context = driver.chromium.launch_persistent_context(
        str(user_data),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        java_script_enabled=javascript,
        viewport=DESKTOP,
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.add_init_script(path=AXE)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context


def serious_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    assert page.evaluate("() => typeof window.axe !== 'undefined'"), "axe-core was not loaded"
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_accessible(page: Page) -> None:
    """axe finds no serious or critical violation, and the Content-Security-Policy blocked nothing."""
    blocked = page.evaluate("() => window.cspViolations")
    assert blocked == [], f"CSP on {page.url}: {blocked}"
    violations = serious_violations(page)
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert not violations, f"axe on {page.url}:\n" + "\n".join(described)


def visit(page: Page, url: str) -> Page:
    """Open a page, check it loaded without a server error, and run axe on it."""
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: {response and response.status}"
    assert_accessible(page)
    return page


def shown_number(page: Page, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().split()[0].replace(",", ""))
