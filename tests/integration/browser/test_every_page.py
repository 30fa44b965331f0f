"""Every page at desktop and mobile width: it loads, axe finds nothing serious, and (on request) a
screenshot is written for the README: `make screenshots` sets CARESIGNAL_SCREENSHOTS=docs/screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page
from web_browser import DESKTOP, MOBILE, ROOT, WebApp, visit

SCREENSHOT_MAX_HEIGHT = 2400

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def pages(web_app: WebApp) -> dict[str, str]:
    """One URL per page kind, found through the API on the data the pipeline produced."""
    alert = web_app.api_json("/v1/alerts", size=1)["alerts"][0]
    item = web_app.api_json("/v1/search", severity="high", size=1)["hits"][0]
    inspected = web_app.api_json("/v1/search", source_type="inspection_result", size=1)["hits"][0]
    provider = inspected["provider"]["location_id"]
    return {
        "home": "/",
        "search": "/search?q=waiting&sentiment=negative",
        "search-empty": "/search?q=zzzqqq",
        "evidence": f"/evidence/{item['evidence_id']}",
        "areas": "/areas",
        "areas-matches": "/areas?q=manch",
        "area-council": "/areas/E08000004",
        "area-icb": "/areas/E54000057",
        "area-region": "/areas/E12000002",
        "provider": f"/providers/{provider}",
        "alerts": "/alerts",
        "alert": f"/alerts/{alert['alert_id']}",
        "not-found": "/no-such-page",
    }


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_every_page_loads_and_passes_axe(page: Page, web_app: WebApp, width: str) -> None:
    page.set_viewport_size(DESKTOP if width == "desktop" else MOBILE)
    folder = os.environ.get("CARESIGNAL_SCREENSHOTS")
    for name, path in pages(web_app).items():
        visit(page, web_app.url + path)
        assert page.title().endswith("CareSignal – Care Quality Commission"), page.title()
        if folder:
            target = ROOT / folder / f"{name}-{width}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            height = min(page.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_MAX_HEIGHT)
            size = page.viewport_size
            page.screenshot(
                path=Path(target),
                full_page=True,
                clip={"x": 0, "y": 0, "width": size["width"], "height": height},
            )
