"""The review pack on the real node: its numbers equal the API's for the same area and period."""

from __future__ import annotations

import json
import random
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.index import VOCABULARY, alert, evidence, index_directly, location
from factories.waiting import wait_until
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from schemas import AlertRuleKind, SentimentLabel, SeverityLevel, SourceType
from schemas.evidence import Duplication
from services.api import create_app
from services.cli import app
from services.common.config import CommonSettings
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM, BURY = "E08000004", "E08000002"
END = datetime(2025, 12, 1, tzinfo=UTC)
START = datetime(2025, 6, 1, tzinfo=UTC)
PERIOD = {"date_from": START.isoformat(), "date_to": END.isoformat()}
SECTION_HEADINGS = (
    "1. Summary",
    "2. Month by month",
    "3. Key questions and quality statements",
    "4. Local-authority assessment themes",
    "5. Providers to look at",
    "6. Alerts in the period",
    "7. Data notes",
)
STATEMENTS = ["safe.safeguarding", "effective.assessing_needs", "caring.kindness_compassion_dignity"]
SENTIMENTS = [SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL]


def corpus() -> list:
    rng = random.Random(19)
    items = []
    for number in range(360):
        previous = number % 3 == 0  # a third in the six months before
        base = START if previous else END
        source = (
            SourceType.SOCIAL_MEDIA_COMMENT if previous and number % 2 else SourceType.HEALTHWATCH_FEEDBACK
        )
        items.append(
            evidence(
                f"pack-{number}",
                text=f"{' '.join(rng.sample(VOCABULARY, k=12))} said [PERSON] on the ward",
                la_code=(OLDHAM, BURY)[number % 5 == 0],
                location_id=f"1-L{number % 4}",
                provider_name=f"Home {number % 4}",
                source_type=source,
                statements=[STATEMENTS[number % 3]] + ([STATEMENTS[0]] if number % 7 == 0 else []),
                sentiment=rng.choice(SENTIMENTS),
                severity=SeverityLevel.HIGH if number % 11 == 0 else SeverityLevel.NORMAL,
                reasons=["safeguarding"] if number % 11 == 0 else [],
                themes=["ensuring_safety"] if number % 2 == 0 else ["working_with_people"],
                cross_cutting=["workforce"] if number % 4 == 0 else [],
                occurred_at=base - timedelta(minutes=rng.randint(1, 180 * 24 * 60)),
            )
        )
    return items


@pytest.fixture
def client(
    settings: CommonSettings, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_ES_INDEX_PREFIX", settings.es_index_prefix)
    monkeypatch.setenv("CARESIGNAL_ENVIRONMENT", "test")
    events = [
        *corpus(),
        *(location(f"1-L{n}", version=1, name=f"Home {n}") for n in range(4)),
        alert(code=OLDHAM, occurred_at=END - timedelta(days=20)),
        alert(
            code="1-L0", level="provider", kind=AlertRuleKind.SEVERITY, occurred_at=END - timedelta(days=5)
        ),
        alert(code=OLDHAM, occurred_at=START - timedelta(days=20)),  # before the period
    ]
    index_directly(es, settings, events)
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def pack_from_cli(tmp_path: Path, *area: str) -> dict:
    out = tmp_path / "pack.json"
    arguments = ["report", *area, "--from", START.isoformat(), "--to", END.isoformat(), "--out", str(out)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_review_pack_numbers_equal_the_apis_for_the_same_area_and_period(
    client: TestClient, tmp_path: Path
) -> None:
    pack = pack_from_cli(tmp_path, "Oldham")
    profile = client.get(f"/v1/areas/{OLDHAM}", params=PERIOD, headers=KEY).json()["soft_intelligence"]
    soft = {"local_authority": OLDHAM, "evidence_kind": "soft_intelligence", **PERIOD}
    search = client.get("/v1/search", params=soft, headers=KEY).json()
    england = client.get(
        "/v1/search", params={"evidence_kind": "soft_intelligence", **PERIOD}, headers=KEY
    ).json()
    negative = client.get("/v1/search", params={**soft, "sentiment": "negative"}, headers=KEY).json()

    summary = pack["summary"]
    assert pack["area"]["code"] == OLDHAM
    assert summary["total"] == profile["total"] == search["total"] > 100
    assert summary["by_source_type"] == profile["by_source_type"]
    assert summary["months"] == profile["trend"]["months"]
    assert summary["area"]["negative"] == sum(m["negative"] for m in profile["trend"]["months"])
    assert summary["england"]["total"] == england["total"]
    assert summary["england"]["negative"] == next(
        b["count"] for b in england["facets"]["sentiment"] if b["value"] == "negative"
    )
    rows = {r["key"]: r for q in pack["statements"]["key_questions"] for r in q["statements"]}
    assert {k: r["total"] for k, r in rows.items()} == {
        r["key"]: r["total"] for r in profile["by_quality_statement"]
    }
    for row in rows.values():
        assert 1 <= len(row["quotes"]) <= 3
        assert all("/evidence/" in q["link"] for q in row["quotes"])
    themes = {t["key"]: t["current"] for t in pack["themes"]["assessment"]}
    facet = {b["value"]: b["count"] for b in search["facets"]["theme"]}
    negatives = {b["value"]: b["count"] for b in negative["facets"]["theme"]}
    assert themes["ensuring_safety"] == {
        "negative": negatives["ensuring_safety"],
        "total": facet["ensuring_safety"],
        "share": pytest.approx(negatives["ensuring_safety"] / facet["ensuring_safety"]),
    }
    workforce = next(r for r in pack["themes"]["cross_cutting"] if r["key"] == "workforce")
    assert workforce["current"]["total"] == next(
        b["count"] for b in search["facets"]["cross_cutting_theme"] if b["value"] == "workforce"
    )
    top = {p["location_id"]: p for p in pack["providers"]["providers"]}
    for row in profile["top_providers_high_severity"]:
        assert top[row["location_id"]]["high_severity"] == row["count"]
    assert top["1-L0"]["open_alerts"] == 1
    assert pack["alerts"]["raised"] == 2 and pack["alerts"]["by_status"] == {"open": 2}
    assert pack["data_notes"]["silent_sources"] == ["social_media_comment"]
    assert pack["data_notes"]["model_versions"] == [{"value": "0.1.0", "count": profile["total"]}]


def test_review_pack_of_an_unknown_area_fails_with_a_message(client: TestClient, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "Atlantis", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 1 and "unknown area" in result.output


def test_review_pack_api_and_web_view_show_the_clis_numbers(client: TestClient, tmp_path: Path) -> None:
    pack = pack_from_cli(tmp_path, OLDHAM)
    api = client.get("/v1/areas/Oldham/report", params=PERIOD, headers=KEY)
    assert api.status_code == 200, api.text
    assert {**api.json(), "generated_at": None} == {**pack, "generated_at": None}
    assert client.get("/v1/areas/Oldham/report", params=PERIOD).status_code == 401

    days = {"date_from": "2025-06-01", "date_to": "2025-11-30"}  # the page's days are inclusive
    moved = client.get("/areas/Oldham/report", params=days, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith(f"/areas/{OLDHAM}/report?")
    page = client.get(f"/areas/{OLDHAM}/report", params=days)
    assert page.status_code == 200, page.text
    html = page.text
    for heading in SECTION_HEADINGS:
        assert heading in html
    shown = {
        key: int(total)
        for key, total in re.findall(
            r'data-statement="([\w.]+)">\s*<h4[^>]*>[^<]*</h4>\s*<p[^>]*><span data-total="(\d+)"', html
        )
    }
    rows = {r["key"]: r["total"] for q in pack["statements"]["key_questions"] for r in q["statements"]}
    assert shown == rows
    for row in pack["statements"]["key_questions"][0]["statements"]:
        for quote in row["quotes"]:
            assert f'href="/evidence/{quote["evidence_id"]}"' in html
    profile = client.get(f"/areas/{OLDHAM}").text
    assert f'href="/areas/{OLDHAM}/report"' in profile

    out = tmp_path / "pack.html"
    arguments = ["report", OLDHAM, "--from", START.isoformat(), "--to", END.isoformat(), "--format", "html"]
    result = CliRunner().invoke(app, [*arguments, "--out", str(out)])
    assert result.exit_code == 0, result.output
    standalone = out.read_text()
    assert all(heading in standalone for heading in SECTION_HEADINGS)
    assert f'href="/areas/{OLDHAM}/report.pdf?date_from=2025-06-01&amp;date_to=2025-11-30"' in html
    assert "<script" not in standalone and "OFFICIAL-SENSITIVE" in standalone


def read_pdf(pdf: bytes, path: Path) -> tuple[str, dict[str, str]]:
    """The PDF's text (pdftotext) and its document information (pdfinfo): both fail on a broken PDF."""
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return text.stdout, {name.strip(): value.strip() for name, value in fields.items()}


def test_review_pack_pdf_opens_with_every_section_from_the_web_app_and_the_cli(
    client: TestClient, tmp_path: Path
) -> None:
    days = {"date_from": "2025-06-01", "date_to": "2025-11-30"}
    response = client.get(f"/areas/{OLDHAM}/report.pdf", params=days)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="caresignal-review-pack-')
    text, info = read_pdf(response.content, tmp_path / "web.pdf")
    for heading in SECTION_HEADINGS:
        assert heading in text
    pages = int(info["Pages"])
    assert 7 <= pages <= 40, pages  # a cover, then each section starts a page
    assert info["Tagged"] == "yes"
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("OFFICIAL-SENSITIVE") >= pages
    assert "Oldham: area review pack" in info["Title"]

    out = tmp_path / "cli.pdf"
    arguments = [
        "report",
        "Oldham",
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
        "--output",
        str(out),
    ]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    cli_text, cli_info = read_pdf(out.read_bytes(), out)
    assert cli_info["Pages"] == info["Pages"]
    assert all(heading in cli_text for heading in SECTION_HEADINGS)


def test_review_pack_is_an_export_audited_with_who_which_area_and_period(
    client: TestClient, es: Elasticsearch, settings: CommonSettings, indexer: None
) -> None:
    made = {
        role: client.post("/v1/api-keys", json={"name": f"pack-{role}", "role": role}, headers=KEY).json()
        for role in ("viewer", "analyst")
    }
    viewer, analyst = ({"X-API-Key": made[role]["key"]} for role in ("viewer", "analyst"))
    assert client.get("/v1/areas/Oldham/report", params=PERIOD, headers=viewer).status_code == 403
    exported = client.get("/v1/areas/Oldham/report", params={"date_from": START.isoformat()}, headers=analyst)
    assert exported.status_code == 200, exported.text
    pack = exported.json()

    def trail() -> list[dict]:
        response = client.get("/v1/audit", params={"action": "GET /v1/areas/{code}/report"}, headers=KEY)
        return response.json()["events"] if response.status_code == 200 else []  # 503 while shards start

    wait_until(lambda: len(trail()) >= 2, 60, "the pack's audit events to be indexed")
    allowed, denied = trail()  # newest first
    assert (denied["actor"]["name"], denied["outcome"], denied["covered"]) == ("pack-viewer", "denied", {})
    assert (allowed["actor"]["name"], allowed["outcome"]) == ("pack-analyst", "allowed")
    assert allowed["path_params"] == {"code": "Oldham"}
    assert allowed["covered"] == {
        "area": OLDHAM,
        "area_level": "local_authority",
        "date_from": START.isoformat(),
        "date_to": pack["period"]["date_to"].replace("Z", "+00:00"),  # the default end, as resolved
    }
    quoted = [
        q["evidence_id"]
        for kq in pack["statements"]["key_questions"]
        for r in kq["statements"]
        for q in r["quotes"]
    ]
    alerts = [a["alert_id"] for a in pack["alerts"]["alerts"]]
    assert quoted and allowed["result_ids"] == quoted + alerts
    assert allowed["result_count"] == pack["summary"]["total"] > 0
    one = quoted[0]
    looked = client.get("/v1/audit", params={"item": one}, headers=KEY).json()["events"]
    assert [(e["actor"]["name"], e["action"]) for e in looked] == [
        ("pack-analyst", "GET /v1/areas/{code}/report")
    ]


def test_review_pack_is_refused_when_its_export_cannot_be_audited(
    settings: CommonSettings, es: Elasticsearch
) -> None:
    index_directly(es, settings, corpus()[:30])
    broken = settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:1"})
    with TestClient(create_app(broken)) as client:
        refused = client.get(f"/v1/areas/{OLDHAM}/report", params=PERIOD, headers=KEY)
        assert refused.status_code == 503 and "audit trail" in refused.json()["detail"]
        assert "summary" not in refused.json()
    delete_templates(es, settings)


def test_review_pack_trend_and_comparison_equal_the_apis(client: TestClient, tmp_path: Path) -> None:
    pack = pack_from_cli(tmp_path, "Oldham", "--compare-with", "region")
    profile = client.get(f"/v1/areas/{OLDHAM}", params=PERIOD, headers=KEY).json()["soft_intelligence"]
    region_sets = {s["by"]: s for s in profile["comparisons"] if s["comparator"] == "region"}
    comparison = pack["comparison"]
    assert comparison["comparator"] == "region" and comparison["comparator_name"] == "North West"
    assert comparison["by_quality_statement"] == region_sets["quality_statement"]["rows"]
    assert comparison["by_key_question"] == region_sets["key_question"]["rows"]

    trend = pack["trend"]
    assert [m["month"] for m in trend["months"]] == [m["month"] for m in profile["trend"]["months"]]
    assert len(trend["months"]) == 6
    region = region_sets["quality_statement"]["comparator_code"]

    def monthly(**filters: str) -> dict[str, int]:
        params = {"evidence_kind": "soft_intelligence", **PERIOD, **filters, "size": 1}
        found = client.get("/v1/search", params=params, headers=KEY).json()["monthly"]
        return {b["value"]: b["count"] for b in found}

    healthwatch = monthly(local_authority=OLDHAM, source_type="healthwatch_feedback")
    whole, whole_negative = monthly(region=region), monthly(region=region, sentiment="negative")
    safe = monthly(local_authority=OLDHAM, key_question="safe")
    safe_negative = monthly(local_authority=OLDHAM, key_question="safe", sentiment="negative")
    safe_row = next(q for q in trend["by_key_question"] if q["key"] == "safe")
    for month, row, expected in zip(
        trend["months"], safe_row["months"], profile["trend"]["months"], strict=True
    ):
        key = month["month"]
        assert (month["total"], month["negative"]) == (expected["total"], expected["negative"])
        assert sum(month["by_source_type"].values()) == month["total"]
        assert month["by_source_type"].get("healthwatch_feedback", 0) == healthwatch.get(key, 0)
        rest = month["comparator"]
        assert rest["total"] == whole.get(key, 0) - month["total"] > 0
        assert rest["negative"] == whole_negative.get(key, 0) - month["negative"]
        assert (row["total"], row["negative"]) == (safe.get(key, 0), safe_negative.get(key, 0))

    england = client.get(
        "/v1/areas/Oldham/report", params={**PERIOD, "compare_with": "england"}, headers=KEY
    ).json()
    england_sets = {s["by"]: s for s in profile["comparisons"] if s["comparator"] == "england"}
    assert england["comparison"]["by_key_question"] == england_sets["key_question"]["rows"]
    assert england["trend"]["comparator_name"] == "England"
    plain = client.get("/v1/areas/Oldham/report", params=PERIOD, headers=KEY).json()
    assert plain["comparison"] is None and all(m["comparator"] is None for m in plain["trend"]["months"])
    asked = client.get(f"/v1/areas/{region}/report", params={"compare_with": "region"}, headers=KEY)
    assert asked.status_code == 400 and "compare it with england" in asked.json()["detail"]

    days = {"date_from": "2025-06-01", "date_to": "2025-11-30", "compare_with": "region"}
    page = client.get(f"/areas/{OLDHAM}/report", params=days).text
    shown = re.findall(r'<tr class="govuk-table__row" data-compared="([\w.]+)">', page)
    assert shown == [r["key"] for r in comparison["by_key_question"] if r["area"]["total"]] + [
        r["key"] for r in comparison["by_quality_statement"] if r["area"]["total"]
    ]
    assert "report.pdf?compare_with=region&amp;date_from=2025-06-01" in page
    pdf = client.get(f"/areas/{OLDHAM}/report.pdf", params=days)
    text, _ = read_pdf(pdf.content, tmp_path / "compared.pdf")
    assert "Beside North West" in text and "2. Month by month" in text


def test_review_pack_quotes_one_item_of_a_near_duplicate_cluster(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    statement = "responsive.equity_in_experiences_outcomes"
    texts = [
        "Save the Hollins day centre, the council must not close it this winter.",
        "Please keep Hollins day centre open: families rely on it every single week.",
        "Closing our Hollins centre would leave disabled adults with nowhere to go.",
        "Interpreters were never booked so my mother missed three appointments.",
        "The ramp to the surgery has been broken since spring and nobody fixes it.",
    ]
    first = evidence("cluster-0").evidence_id

    def clustered(n: int) -> Duplication | None:
        kind = "original" if n == 0 else "near"
        return Duplication(cluster_id=first, kind=kind, similarity=0.6) if n < 3 else None

    items = [
        evidence(
            f"cluster-{n}",
            text=text,
            statements=[statement],
            sentiment=SentimentLabel.NEGATIVE,
            occurred_at=END - timedelta(days=10 + n),
            duplication=clustered(n),
        )
        for n, text in enumerate(texts)
    ]
    assert items[0].evidence_id == first
    index_directly(es, settings, items)
    pack = client.get("/v1/areas/Oldham/report", params=PERIOD, headers=KEY).json()
    row = next(
        r for q in pack["statements"]["key_questions"] for r in q["statements"] if r["key"] == statement
    )
    quoted = [q["evidence_id"] for q in row["quotes"]]
    in_cluster = {str(item.evidence_id) for item in items[:3]}
    assert len(quoted) == 3 and len(set(quoted) & in_cluster) == 1, quoted
