"""What a reviewer does in the browser, on the samples after the real pipeline, checked against the API;
and every page at desktop and mobile width passing axe (with screenshots on request: `make screenshots`
sets CARESIGNAL_SCREENSHOTS=docs/screenshots)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories.browser import DESKTOP, MOBILE, ROOT, WebApp, assert_accessible, shown_number, visit
from playwright.sync_api import Page, expect

OLDHAM = "E08000004"
SCREENSHOT_MAX_HEIGHT = 2400

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def result_total(page: Page) -> int:
    return int(page.locator("#result-count").get_attribute("data-total"))


def facet_counts(page: Page, facet: str) -> dict[str, int]:
    counts = {}
    for label in page.locator(f"[data-facet-count^='{facet}:']").all():
        value = label.get_attribute("data-facet-count").split(":", 1)[1]
        counts[value] = int(re.sub(r"[^0-9]", "", label.inner_text()))
    return counts


def test_search_with_free_text_and_filters_narrows_results_and_the_counts_add_up(
    page: Page, web_app: WebApp
) -> None:
    visit(page, f"{web_app.url}/search")
    everything = result_total(page)
    assert everything == web_app.api_json("/v1/search", size=1)["total"] > 0
    every_item = web_app.admin.get("/v1/search", params={"size": 1}).json()["total"]
    assert every_item > everything  # the samples' whistleblowing and safeguarding items are not shown

    page.get_by_label("Words to search for").fill("waiting")
    page.get_by_role("button", name="Search").click()
    with_words = result_total(page)
    assert 0 < with_words < everything
    assert with_words == web_app.api_json("/v1/search", q="waiting", size=1)["total"]
    by_sentiment = facet_counts(page, "sentiment")
    assert sum(by_sentiment.values()) == with_words  # every item has one sentiment

    page.locator("#sentiment-negative").check()
    page.get_by_test_id("apply-filters").click()
    assert_accessible(page)
    assert "sentiment=negative" in page.url and "q=waiting" in page.url
    negative = result_total(page)
    assert negative == by_sentiment["negative"] < with_words
    assert negative == web_app.api_json("/v1/search", q="waiting", sentiment="negative", size=1)["total"]
    assert sum(facet_counts(page, "sentiment").values()) == with_words  # the other values keep counts
    assert sum(facet_counts(page, "source_type").values()) == negative

    page.get_by_role("link", name="Remove this filter Negative").click()
    assert result_total(page) == with_words


def test_an_area_found_by_name_shows_the_apis_numbers(page: Page, web_app: WebApp) -> None:
    visit(page, web_app.url)
    page.locator("#area-q").fill("Oldh")
    page.get_by_role("option", name="Oldham (council)").click()
    page.wait_for_url(f"**/areas/{OLDHAM}")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Oldham")

    profile = web_app.api_json(f"/v1/areas/{OLDHAM}")
    soft = profile["soft_intelligence"]
    assert shown_number(page, "#area-total") == shown_number(page, "#soft-total") == soft["total"] > 0
    for bucket in soft["by_source_type"]:
        assert bucket["value"] != "inspection_result"
        assert shown_number(page, f"[data-source-type='{bucket['value']}']") == bucket["count"]
    for bucket in soft["by_key_question"]:
        assert shown_number(page, f"[data-key-question='{bucket['value']}']") == bucket["count"]
    for row in soft["by_quality_statement"]:
        for sentiment in ("negative", "neutral", "positive", "mixed"):
            expected = row["sentiment"].get(sentiment, 0)
            assert shown_number(page, f"[data-cell='{row['key']}:{sentiment}']") == expected
    monthly_rows = page.locator("#monthly tbody tr")
    assert monthly_rows.count() == len(soft["trend"]["months"]) == 25  # the last 24 months by default

    # Comparisons: the page marks a row significant exactly when the API flags it, and every row below
    # the minimum volume as too few items to compare (never as a difference).
    for comparison in soft["comparisons"]:
        for row in comparison["rows"]:
            key = f"{comparison['comparator']}:{comparison['by']}:{row['key']}"
            cell = page.locator(f"[data-comparison='{key}']")
            expect(cell).to_have_attribute("data-flag", row["flag"])
            smallest = min(row["area"]["total"], row["comparator"]["total"])
            assert (row["flag"] == "too_few_items") == (smallest < comparison["minimum_items"])
            expect(cell.locator("td").last).to_have_text(
                {"higher": "Higher", "lower": "Lower", "no_clear_difference": "No clear difference"}.get(
                    row["flag"], "Too few items to compare"
                )
            )
        view = f"#compare-{comparison['comparator']}-{comparison['by'].replace('_', '-')}-findings"
        findings = page.locator(f"{view} li")
        expect(findings).to_have_count(sum(row["flag"] in ("higher", "lower") for row in comparison["rows"]))

    inspection = profile["inspection_results"]
    ratings = {row["value"]: row["count"] for row in inspection["current_overall"]}
    shown = {
        r.locator("th").inner_text(): int(r.locator("td").inner_text().replace(",", ""))
        for r in page.locator("#ratings tbody tr").all()
    }
    assert shown == ratings and sum(ratings.values()) == inspection["locations"] > 0


PACK_SECTIONS = (
    "1. Summary",
    "2. Month by month",
    "3. Key questions and quality statements",
    "4. Local-authority assessment themes",
    "5. Providers to look at",
    "6. Alerts in the period",
    "7. Data notes",
)


def test_profiles_count_concerns_beside_items_as_the_api_does(page: Page, web_app: WebApp) -> None:
    hits = web_app.api_json("/v1/search", evidence_kind="soft_intelligence", size=100)["hits"]
    location = next(hit["provider"]["location_id"] for hit in hits if hit["provider"].get("location_id"))
    for path in (f"/areas/{OLDHAM}", f"/providers/{location}"):
        visit(page, web_app.url + path)
        soft = web_app.api_json(f"/v1{path}")["soft_intelligence"]
        assert shown_number(page, "#soft-total") == soft["total"], path
        assert shown_number(page, "#soft-concerns-count") == soft["concerns"], path
        assert shown_number(page, "#soft-negative-concerns") == soft["negative_concerns"], path
        expect(page.locator("#soft-concerns")).to_contain_text("(near-duplicates counted once)")
        if path.startswith("/areas"):
            assert shown_number(page, "#area-concerns") == soft["concerns"] < soft["total"]
        page.locator("#soft-concerns-count a").click()  # the search behind it shows as many concerns
        page.wait_for_url("**/search?**")
        assert int(page.locator("#result-count").get_attribute("data-clusters")) == soft["concerns"], path


def test_a_reviewer_downloads_a_six_month_review_pack_for_oldham(
    page: Page, web_app: WebApp, tmp_path: Path
) -> None:
    visit(page, f"{web_app.url}/areas/{OLDHAM}")
    page.get_by_role("link", name="Review pack for Oldham").click()
    page.wait_for_url(f"**/areas/{OLDHAM}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oldham: area review pack")
    start = (datetime.now(UTC) - timedelta(days=183)).date()
    page.get_by_label("From (YYYY-MM-DD)").fill(start.isoformat())
    page.get_by_label("Compare with").select_option(label="Its region")
    page.get_by_role("button", name="Update the pack").click()
    page.wait_for_url(f"**/areas/{OLDHAM}/report?date_from={start.isoformat()}*compare_with=region")
    assert_accessible(page)
    pack = web_app.api_json(
        f"/v1/areas/{OLDHAM}/report", date_from=f"{start.isoformat()}T00:00:00Z", compare_with="region"
    )
    rows = {r["key"]: r["total"] for q in pack["statements"]["key_questions"] for r in q["statements"]}
    assert rows, "the samples have soft intelligence about Oldham in the last six months"
    for key, total in rows.items():
        assert shown_number(page, f"[data-statement='{key}'] [data-total]") == total
    for month in pack["trend"]["months"]:
        assert shown_number(page, f"[data-month='{month['month']}'] [data-total]") == month["total"]
    expect(page.get_by_role("heading", name="Beside North West")).to_be_visible()
    compared = [r for r in pack["comparison"]["by_key_question"] if r["area"]["total"]]
    assert page.locator("#comparison-key-questions tbody tr").count() == len(compared) > 0
    for heading in PACK_SECTIONS:
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    target = tmp_path / "oldham.pdf"
    download.value.save_as(target)
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    )
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 7 <= pages <= 60, pages
    assert all(heading in text.stdout for heading in PACK_SECTIONS)
    assert f"{pack['summary']['total']:,} items of soft intelligence about Oldham" in text.stdout
    assert "Beside North West" in text.stdout
    if folder := os.environ.get("CARESIGNAL_SCREENSHOTS"):  # the README shows the first pages
        for number in (1, 2, 3, 4):
            image = ROOT / folder / f"review-pack-page-{number}"
            first_last = ["-f", str(number), "-l", str(number), "-singlefile"]
            subprocess.run(["pdftoppm", "-png", "-r", "80", *first_last, str(target), str(image)], check=True)


def test_clicking_a_number_lands_on_a_search_with_exactly_that_many_results(
    page: Page, web_app: WebApp
) -> None:
    visit(page, f"{web_app.url}/areas/{OLDHAM}")
    for selector in (
        "[data-source-type] a",
        "#by-key-question a",
        "[data-cell$=':negative'] a",
        "#monthly a",
        "#top-negative a.app-count",
    ):
        if selector == "#monthly a":  # the monthly table is the chart's alternative, behind "details"
            page.locator("#trend-caption ~ details summary").click()
        link = page.locator(selector).last
        number = int(link.inner_text().split()[0].replace(",", ""))
        link.click()
        page.wait_for_url("**/search?**")
        assert result_total(page) == number, page.url
        page.go_back()


def test_acknowledge_then_close_an_alert_persists_and_the_timeline_shows_both(
    page: Page, web_app: WebApp
) -> None:
    alert = web_app.api_json("/v1/alerts", status="open", size=1)["alerts"][0]
    visit(page, f"{web_app.url}/alerts?status=open")
    page.locator(f"a[href='/alerts/{alert['alert_id']}']").first.click()
    assert_accessible(page)

    page.get_by_role("button", name="Acknowledge alert").click()  # no name yet: an error, nothing changes
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your name")
    assert web_app.api_json(f"/v1/alerts/{alert['alert_id']}")["status"] == "open"

    page.locator("#acknowledge-by").fill("Asha Reviewer")
    page.locator("#acknowledge-note").fill("Passed to the LA assessment team")
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alert acknowledged")
    expect(page.locator("#alert-status")).to_contain_text("Acknowledged")
    expect(page.locator("#close-by")).to_have_value("Asha Reviewer")  # remembered for the next action
    page.locator("#close-note").fill("Visit booked")
    page.get_by_role("button", name="Close alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alert closed")

    # The status is the furthest step taken: the index worker re-applying the acknowledge after the API
    # wrote the close cannot move it back, so a reload at once shows it closed.
    page.reload()
    expect(page.locator("#alert-status")).to_contain_text("Closed")
    # The timeline reads the history documents the index worker writes from the status events.
    wait_for_api_status(web_app, alert["alert_id"], "closed", history=2)
    page.reload()
    assert_accessible(page)
    expect(page.locator("#alert-status")).to_contain_text("Closed")
    timeline = page.locator("#timeline .moj-timeline__item")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(0)).to_contain_text("Closed")
    expect(timeline.nth(0)).to_contain_text("Visit booked")
    expect(timeline.nth(1)).to_contain_text("Acknowledged")
    expect(timeline.nth(1)).to_contain_text("by Asha Reviewer")
    expect(page.get_by_role("button", name="Close alert")).to_have_count(0)
    stored = web_app.api_json(f"/v1/alerts/{alert['alert_id']}")
    assert stored["status"] == "closed"
    assert [(h["status"], h["by"]) for h in stored["history"]] == [
        ("acknowledged", "Asha Reviewer"),
        ("closed", "Asha Reviewer"),
    ]


def wait_for_api_status(
    web_app: WebApp, alert_id: str, status: str, history: int, timeout_s: float = 60
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stored = web_app.api_json(f"/v1/alerts/{alert_id}")
        if stored["status"] == status and len(stored["history"]) == history:
            return
        time.sleep(0.5)
    raise AssertionError(f"alert {alert_id} did not settle as {status}: {stored['status']}")


def test_the_csv_export_has_every_row_of_the_result_set(page: Page, web_app: WebApp, tmp_path: Path) -> None:
    visit(page, f"{web_app.url}/search?sentiment=negative")
    total = result_total(page)
    clusters = int(page.locator("#result-count").get_attribute("data-clusters"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    target = tmp_path / "export.csv"
    download.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert download.value.suggested_filename.endswith("-one-per-cluster.csv")  # as the page: collapsed
    assert len(rows) == clusters > 0 and sum(int(row["similar_items"]) for row in rows) + clusters == total
    expected, cursor = set(), None
    while True:  # the newest copy of each cluster, as the export (newest first) keeps it
        params = {
            "sentiment": "negative",
            "sort": "date",
            "size": 100,
            **({"cursor": cursor} if cursor else {}),
        }
        page_of = web_app.api_json("/v1/search", **params)
        expected |= {hit["evidence_id"] for hit in page_of["hits"]}
        if not (cursor := page_of["next_cursor"]):
            break
    assert {row["evidence_id"] for row in rows} == expected
    assert {row["sentiment"] for row in rows} == {"negative"}


def a_cluster_with_copies(web_app: WebApp) -> tuple[str, dict]:
    """A council, and a collapsed hit standing for near-duplicates on the first page (20, newest first) of
    its search (the samples repeat some comments)."""
    councils = web_app.api_json("/v1/search", size=1)["facets"]["local_authority"]
    for council in councils:
        page_of = web_app.api_json("/v1/search", sort="date", size=20, local_authority=council["value"])
        for hit in page_of["hits"]:
            if hit["similar"]:
                return council["value"], hit
    raise AssertionError("no near-duplicates in the samples after the pipeline")


def test_near_duplicates_show_once_with_their_copies_one_click_away(page: Page, web_app: WebApp) -> None:
    visit(page, f"{web_app.url}/search?sort=date")
    api = web_app.api_json("/v1/search", sort="date", size=1)
    count = page.locator("#result-count")
    assert (int(count.get_attribute("data-clusters")), result_total(page)) == (api["clusters"], api["total"])
    assert api["clusters"] < api["total"]
    expect(count).to_contain_text("(near-duplicates shown once)")

    area, hit = a_cluster_with_copies(web_app)
    visit(page, f"{web_app.url}/search?sort=date&local_authority={area}")
    link = page.locator(f"#results a[href*='cluster={hit['cluster_id']}']")
    expect(link).to_have_text(re.compile(rf"^{hit['similar']} similar items? "))
    link.click()
    page.wait_for_url(f"**cluster={hit['cluster_id']}**")
    assert_accessible(page)
    assert result_total(page) == hit["similar"] + 1 == page.locator("#results > li").count()
    expect(page.locator("#result-count")).to_contain_text("(every copy)")

    page.go_back()
    page.locator("#copies-toggle").click()
    page.wait_for_url("**collapse=false**")
    assert_accessible(page)
    every = web_app.api_json("/v1/search", local_authority=area, collapse="false", size=1)
    same = web_app.api_json("/v1/search", local_authority=area, size=1)
    assert result_total(page) == every["total"] == same["total"]
    assert page.locator("#results > li").count() == min(every["total"], 20)
    assert page.locator("#results a[data-similar]").count() == 0
    page.locator("#copies-toggle").click()
    page.wait_for_url(lambda url: "collapse" not in url)
    assert page.locator("#results > li").count() == min(same["clusters"], 20)


def test_search_and_filters_work_without_javascript(
    page_without_javascript: Page, page: Page, web_app: WebApp
) -> None:
    """axe needs JavaScript, so each page reached without it is checked again in a normal browser."""
    plain = page_without_javascript
    plain.goto(f"{web_app.url}/search")
    plain.get_by_label("Words to search for").fill("staff")
    plain.locator("#severity-high").check()
    plain.locator("#region").select_option(value="E12000007")  # London
    plain.get_by_test_id("apply-filters").click()
    visit(page, plain.url)
    for part in ("q=staff", "severity=high", "region=E12000007"):
        assert part in plain.url
    expected = web_app.api_json("/v1/search", q="staff", severity="high", region="E12000007", size=1)["total"]
    assert result_total(plain) == expected
    plain.get_by_role("link", name="Remove this filter High").click()
    assert "severity" not in plain.url
    assert (
        result_total(plain) == web_app.api_json("/v1/search", q="staff", region="E12000007", size=1)["total"]
    )

    plain.goto(f"{web_app.url}/areas")
    plain.locator("#area-q").fill("Oldham")
    plain.get_by_role("button", name="Find area").click()
    plain.wait_for_url(f"**/areas/{OLDHAM}")
    expect(plain.get_by_role("heading", level=1)).to_have_text("Oldham")


pytestmark = [pytest.mark.integration, pytest.mark.browser]


def pages(web_app: WebApp) -> dict[str, str]:
    """One URL per page kind, found through the API on the data the pipeline produced."""
    alert = web_app.api_json("/v1/alerts", size=1)["alerts"][0]
    item = web_app.api_json("/v1/search", severity="high", size=1)["hits"][0]
    cluster = a_cluster_with_copies(web_app)[1]["cluster_id"]
    inspected = web_app.api_json("/v1/search", source_type="inspection_result", size=1)["hits"][0]
    provider = inspected["provider"]["location_id"]
    return {
        "home": "/",
        "search": "/search?q=waiting&sentiment=negative",
        "search-empty": "/search?q=zzzqqq",
        "search-every-copy": "/search?q=waiting&collapse=false",
        "search-cluster": f"/search?cluster={cluster}",
        "evidence": f"/evidence/{item['evidence_id']}",
        "areas": "/areas",
        "areas-matches": "/areas?q=manch",
        "area-council": "/areas/E08000004",
        "area-icb": "/areas/E54000057",
        "area-region": "/areas/E12000002",
        "review-pack": f"/areas/{OLDHAM}/report",
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
