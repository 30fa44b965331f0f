"""The web app's server side on real Elasticsearch: the same numbers as the API, whole-set CSV exports,
and friendly 503 pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, alert, evidence, index_directly, location
from fastapi.testclient import TestClient

from schemas import (
    AlertRaised,
    AlertStatus,
    AlertStatusChanged,
    InspectionFinding,
    KeyQuestion,
    Rating,
    SentimentLabel,
    SourceType,
)
from services.api import create_app
from services.common.config import CommonSettings
from services.common.indices import Names
from services.index import search
from services.index.models import SearchFilters
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM, MANCHESTER = "E08000004", "E08000003"


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client
    delete_templates(es, settings)


@pytest.fixture
def corpus(es: Elasticsearch, settings: CommonSettings) -> list:
    items = [
        evidence(
            f"w-{i}",
            la_code=(OLDHAM, MANCHESTER)[i % 2],
            sentiment=(SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL)[i % 3],
            text=f"=cmd| item {i} about waiting times" if i == 7 else f"item {i} about waiting times",
            occurred_at=BASE_TIME - timedelta(days=i),
        )
        for i in range(45)
    ]
    index_directly(es, settings, items)
    return items


def test_search_page_shows_the_apis_total_and_export_has_every_row(client: TestClient, corpus: list) -> None:
    params = {"local_authority": OLDHAM, "sentiment": "negative"}
    expected = [
        e for e in corpus if e.area.local_authority_code == OLDHAM and e.sentiment.label == "negative"
    ]
    api = client.get("/v1/search", params=params, headers=KEY).json()
    page = client.get("/search", params=params)
    assert page.status_code == 200
    assert api["total"] == len(expected)
    assert f'data-total="{len(expected)}"' in page.text
    assert "<title>Search results (8)" in page.text

    for url, headers in (("/search/export.csv", {}), ("/v1/search/export", KEY)):
        response = client.get(url, params=params, headers=headers)
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert sorted(row["evidence_id"] for row in rows) == sorted(str(e.evidence_id) for e in expected)
    assert client.get("/v1/search/export", params=params).status_code == 401


def test_words_past_the_query_limits_are_a_form_error_on_the_page_and_a_400_before_an_export(
    client: TestClient, corpus: list
) -> None:
    too_many = " ".join(["waiting"] * 41)
    page = client.get("/search", params={"q": too_many})
    assert page.status_code == 200 and "govuk-error-summary" in page.text
    assert 'id="q-error"' in page.text and "at most 500 characters and 40 words" in page.text
    assert f'data-total="{len(corpus)}"' in page.text  # the filters still apply; the words are left out
    refused = client.get("/v1/search/export", params={"q": too_many}, headers=KEY)
    assert refused.status_code == 400 and refused.json() == {"detail": "q must be at most 40 words"}
    assert client.get("/search/export.csv", params={"q": "x" * 501}).status_code == 400


def test_all_hits_pages_through_the_whole_result_set(
    es: Elasticsearch, settings: CommonSettings, corpus: list
) -> None:
    hits = list(
        search.all_hits(es, Names(settings), None, SearchFilters(local_authority=MANCHESTER), page_size=4)
    )
    assert sorted(h.evidence_id for h in hits) == sorted(
        str(e.evidence_id) for e in corpus if e.area.local_authority_code == MANCHESTER
    )


def test_evidence_overview_and_area_name_endpoints(
    client: TestClient, corpus: list, es: Elasticsearch, settings: CommonSettings
) -> None:
    item = corpus[3]
    found = client.get(f"/v1/evidence/{item.evidence_id}", headers=KEY)
    assert found.status_code == 200 and found.json()["source_reference"] == item.source_reference
    assert client.get(f"/v1/evidence/{uuid4()}", headers=KEY).status_code == 404
    page = client.get(f"/evidence/{item.evidence_id}")
    assert page.status_code == 200 and item.text in page.text
    missing = client.get(f"/evidence/{uuid4()}")
    assert missing.status_code == 404 and "Page not found" in missing.text

    rating = evidence(
        "w-rating", la_code=OLDHAM, source_type=SourceType.INSPECTION_RESULT, occurred_at=BASE_TIME
    )
    index_directly(es, settings, [rating])  # not soft intelligence: the overview does not count it
    overview = client.get("/v1/overview", headers=KEY).json()
    by_code = {area["code"]: area for area in overview["areas"]}
    assert len(by_code) == 153
    in_window = [e for e in corpus if e.occurred_at > BASE_TIME - timedelta(days=30)]
    assert by_code[OLDHAM]["total"] == sum(e.area.local_authority_code == OLDHAM for e in in_window)

    period = {"date_to": (BASE_TIME + timedelta(days=1)).isoformat()}
    by_name = client.get("/v1/areas/Oldham", params=period, headers=KEY).json()
    assert by_name["area"]["code"] == OLDHAM
    assert by_name["soft_intelligence"]["total"] == sum(e.area.local_authority_code == OLDHAM for e in corpus)
    assert client.get("/areas/oldham").headers["location"] == f"/areas/{OLDHAM}"
    with_period = client.get("/areas/oldham", params={"date_to": "2025-07-01"})
    assert with_period.headers["location"] == f"/areas/{OLDHAM}?date_to=2025-07-01"


def test_provider_page_keeps_ratings_apart_from_soft_intelligence_and_marks_small_rows(
    client: TestClient, corpus: list, es: Elasticsearch, settings: CommonSettings
) -> None:
    downgrade = evidence(
        "1-100:safe:2025-03-01",
        text="Safe rating for Acorn House: Requires improvement (report 2025-03-01).",
        source_type=SourceType.INSPECTION_RESULT,
        statements=[],
        sentiment=SentimentLabel.NEGATIVE,
        occurred_at=BASE_TIME - timedelta(days=14),
    ).model_copy(
        update={
            "inspection": InspectionFinding(
                key_question=KeyQuestion.SAFE,
                rating=Rating.REQUIRES_IMPROVEMENT,
                previous_rating=Rating.GOOD,
                report_date=BASE_TIME - timedelta(days=14),
            )
        }
    )
    place = location("1-100", version=1, safe=Rating.REQUIRES_IMPROVEMENT, registration_status="Registered")
    index_directly(es, settings, [downgrade, place])
    period = {"date_from": "2025-01-01", "date_to": BASE_TIME.date().isoformat()}
    page = client.get("/providers/1-100", params=period)
    assert page.status_code == 200, page.text
    text = page.text
    soft = [e for e in corpus if e.occurred_at.date() >= date(2025, 1, 1)]
    assert re.search(r'id="soft-total"><a[^>]*>(\d+)<', text).group(1) == str(len(soft))  # not the rating
    history = re.search(r'id="rating-history">(.*?)</table>', text, re.S).group(1)
    assert "Requires improvement" in history and "Downgrade" in history
    changes = re.search(r'id="rating-changes">(.*?)</p>', text, re.S).group(1)
    assert '<span data-changes="declined">1</span> declined' in changes
    # every item is about one location: nothing else in England to compare with, so nothing is compared
    flags = set(re.findall(r'data-flag="(\w+)"', text))
    assert flags == {"too_few_items"} and "Nothing can be compared yet" in text
    assert "Higher</strong>" not in text and "Lower</strong>" not in text


def change(raised: AlertRaised, status: AlertStatus) -> AlertStatusChanged:
    now = datetime.now(UTC)
    return AlertStatusChanged(
        event_id=uuid4(), occurred_at=now, source="caresignal/alerts-api", alert_id=raised.alert_id,
        status=status, by="Asha", at=now,
    )  # fmt: skip


def test_overview_and_inbox_read_each_alerts_status_from_its_lifecycle(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    still_open, acknowledged, closed = alert(code=OLDHAM), alert(code=OLDHAM), alert(code=MANCHESTER)
    changes = [
        change(acknowledged, AlertStatus.ACKNOWLEDGED),
        change(closed, AlertStatus.ACKNOWLEDGED),
        change(closed, AlertStatus.CLOSED),
    ]
    index_directly(es, settings, [still_open, acknowledged, closed, *changes])
    by_code = {area["code"]: area for area in client.get("/v1/overview", headers=KEY).json()["areas"]}
    assert (by_code[OLDHAM]["open_alerts"], by_code[MANCHESTER]["open_alerts"]) == (1, 0)
    expected_by_status = {
        AlertStatus.OPEN: still_open, AlertStatus.ACKNOWLEDGED: acknowledged, AlertStatus.CLOSED: closed
    }  # fmt: skip
    for status, expected in expected_by_status.items():
        inbox = client.get("/alerts", params={"status": status.value})
        rows = re.findall(r'data-alert-id="([^"]+)" data-status="([^"]+)"', inbox.text)
        assert rows == [(str(expected.alert_id), status.value)], status
        page = client.get(f"/alerts/{expected.alert_id}")
        assert f"app-alert--{status.value}" in page.text


def test_pages_say_sorry_with_a_503_when_elasticsearch_is_down(unique_prefix: str) -> None:
    down = CommonSettings(es_url="http://127.0.0.1:9", es_index_prefix=unique_prefix, environment="test")
    with TestClient(create_app(down)) as offline:
        for path in ("/", "/search?q=falls", f"/areas/{OLDHAM}", "/alerts"):
            page = offline.get(path)
            assert page.status_code == 503, path
            assert "Sorry, there is a problem with the service" in page.text
            assert "Traceback" not in page.text and "elastic" not in page.text.lower()
        assert offline.get("/v1/search", headers=KEY).json() == {
            "detail": "search is temporarily unavailable"
        }
