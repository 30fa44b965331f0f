"""The query API against real Elasticsearch: search filters and pagination, profiles, alerts."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from elasticsearch import Elasticsearch
from factories.alerts import AlertReader
from factories.index import BASE_TIME, alert, evidence, index_directly, location
from fastapi.testclient import TestClient

from schemas import AlertStatus, AlertStatusChanged, Rating, SentimentLabel, SeverityLevel, SourceType, Topic
from services.api import create_app
from services.common.config import CommonSettings
from services.index.models import SortOrder
from services.index.search import MAX_QUERY_CHARS, MAX_QUERY_TERMS, encode_cursor
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM, MANCHESTER, DEVON = "E08000004", "E08000003", "E10000008"
GREATER_MANCHESTER_ICB, NORTH_WEST = "E54000057", "E12000002"
ENGLAND_STATEMENTS = ("england", "quality_statement")


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def test_query_search_filters_and_search_after_pages_return_exactly_the_expected_ids(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = [
        evidence(
            f"s-{i}",
            la_code=(OLDHAM, MANCHESTER, DEVON)[i % 3],
            sentiment=(SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE)[i % 2],
            source_type=SourceType.CALL_CENTRE_NOTE if i % 5 == 0 else SourceType.HEALTHWATCH_FEEDBACK,
            occurred_at=BASE_TIME - timedelta(hours=i // 2),  # ties on occurred_at: tiebreaker decides
        )
        for i in range(90)
    ]
    index_directly(es, settings, items)
    expected = [
        e for e in items if e.area.icb_code == GREATER_MANCHESTER_ICB and e.sentiment.label == "negative"
    ]
    expected.sort(key=lambda e: (-e.occurred_at.timestamp(), str(e.evidence_id)))
    seen, cursor, pages = [], None, 0
    while True:
        params = {
            "icb": GREATER_MANCHESTER_ICB,
            "sentiment": "negative",
            "sort": "date",
            "size": 7,
            "collapse": "false",  # every copy: search_after (collapsed pages: test_neardup_search)
        }
        response = client.get(
            "/v1/search", params={**params, **({"cursor": cursor} if cursor else {})}, headers=KEY
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(expected)
        seen += [hit["evidence_id"] for hit in page["hits"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(e.evidence_id) for e in expected]
    assert pages == -(-len(expected) // 7) + (1 if len(expected) % 7 == 0 else 0)
    facets = {name: {b["value"]: b["count"] for b in buckets} for name, buckets in page["facets"].items()}
    assert facets["local_authority"] == Counter(e.area.local_authority_code for e in expected)
    assert facets["source_type"] == Counter(e.source_type.value for e in expected)
    in_icb = [e for e in items if e.area.icb_code == GREATER_MANCHESTER_ICB]
    assert facets["sentiment"] == Counter(e.sentiment.label.value for e in in_icb)  # its own filter left out
    assert facets["icb"] == Counter(e.area.icb_code for e in items if e.sentiment.label == "negative")
    dated = client.get(
        "/v1/search",
        params={
            "local_authority": DEVON,
            "date_from": (BASE_TIME - timedelta(hours=10)).isoformat(),
            "size": 100,
        },
        headers=KEY,
    ).json()
    assert {h["evidence_id"] for h in dated["hits"]} == {
        str(e.evidence_id)
        for e in items
        if e.area.local_authority_code == DEVON and e.occurred_at >= BASE_TIME - timedelta(hours=10)
    }


def test_query_search_filters_either_kind_of_evidence_and_several_source_types(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    sources = [SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.INSPECTION_RESULT]
    items = [evidence(f"k-{i}", source_type=sources[i % 3]) for i in range(12)]
    index_directly(es, settings, items)

    def found(params: list[tuple[str, str]]) -> set[str]:
        page = client.get("/v1/search", params=[*params, ("size", "50")], headers=KEY)
        assert page.status_code == 200, page.text
        return {hit["evidence_id"] for hit in page.json()["hits"]}

    def ids(*wanted: SourceType) -> set[str]:
        return {str(e.evidence_id) for e in items if e.source_type in wanted}

    assert found([("evidence_kind", "soft_intelligence")]) == ids(*sources[:2])
    assert found([("evidence_kind", "inspection_result")]) == ids(sources[2])
    several = [("source_type", "call_centre_note"), ("source_type", "inspection_result")]
    assert found(several) == ids(*sources[1:])


def test_query_search_matches_text_and_lemmas_and_highlights(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    visits = evidence("t-1", text="The carers missed two visits", lemmas="the carer miss two visit")
    food = evidence("t-2", text="The food was cold", lemmas="the food be cold")
    index_directly(es, settings, [visits, food])
    page = client.get("/v1/search", params={"q": "missing visit"}, headers=KEY).json()
    assert [hit["evidence_id"] for hit in page["hits"]] == [str(visits.evidence_id)]
    page = client.get("/v1/search", params={"q": "cold food"}, headers=KEY).json()
    assert [hit["evidence_id"] for hit in page["hits"]] == [str(food.evidence_id)]
    assert any("<em>cold</em>" in fragment for fragment in page["hits"][0]["highlights"])


def test_query_search_rejects_bad_cursor_and_oversized_pages(client: TestClient) -> None:
    assert client.get("/v1/search", params={"cursor": "nonsense"}, headers=KEY).status_code == 400
    assert client.get("/v1/search", params={"size": 5000}, headers=KEY).status_code == 400
    assert client.get("/v1/areas/E99999999", headers=KEY).status_code == 404


def test_query_search_refuses_a_cursor_of_the_wrong_types_with_400(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    index_directly(es, settings, [evidence("c-1")])
    for sort, after in (("date", ["yesterday", "x"]), ("date", [1.5, 2]), ("relevance", ["high", "x"])):
        cursor = encode_cursor(SortOrder(sort), after)
        params = {"sort": sort, "cursor": cursor, "collapse": "false"}
        response = client.get("/v1/search", params=params, headers=KEY)
        assert response.status_code == 400, (sort, after, response.text)


def test_query_search_limits_the_query_text_with_400(client: TestClient) -> None:
    many_words = " ".join(f"word{n}" for n in range(5000))
    for q in (many_words, "x" * (MAX_QUERY_CHARS + 1), " ".join(["care"] * (MAX_QUERY_TERMS + 1))):
        started = time.monotonic()
        response = client.get("/v1/search", params={"q": q}, headers=KEY)
        assert response.status_code == 400, response.text
        assert time.monotonic() - started < 2
    assert (
        client.get("/v1/search", params={"q": " ".join(["care"] * MAX_QUERY_TERMS)}, headers=KEY).status_code
        == 200
    )


def test_query_answers_503_without_leaking_when_elasticsearch_is_down(settings: CommonSettings) -> None:
    down = settings.model_copy(update={"es_url": "http://127.0.0.1:9"})
    with TestClient(create_app(down)) as down_client:
        response = down_client.get("/v1/search", params={"q": "x"}, headers=KEY)
    assert response.status_code == 503
    assert response.json() == {"detail": "search is temporarily unavailable"}


def test_query_area_profile_numbers_equal_counts_from_the_input_events(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    rng = random.Random(7)
    statements = ["safe.safeguarding", "safe.medicines_optimisation", "caring.kindness_compassion_dignity"]
    items = []
    for i in range(160):
        high = rng.random() < 0.15
        items.append(
            evidence(
                f"a-{i}",
                la_code=rng.choice((OLDHAM, OLDHAM, MANCHESTER, DEVON)),
                location_id=f"1-{rng.randint(1, 6)}",
                provider_name=None,
                statements=rng.sample(statements, k=rng.randint(1, 2)),
                sentiment=rng.choice(list(SentimentLabel)),
                severity=SeverityLevel.HIGH if high else SeverityLevel.NORMAL,
                occurred_at=BASE_TIME - timedelta(days=rng.randint(0, 120)),
            )
        )
    places = [
        location("1-1", version=1, overall=Rating.GOOD),
        location("1-2", version=1, overall=Rating.INADEQUATE),
        location("1-3", version=1, overall=Rating.GOOD),
        location("1-4", version=1, overall=None),
        location("1-5", version=1, la_code=DEVON, overall=Rating.OUTSTANDING),
    ]
    index_directly(es, settings, [*items, *places])
    period = {"date_from": (BASE_TIME - timedelta(days=200)).isoformat(), "date_to": BASE_TIME.isoformat()}
    response = client.get(f"/v1/areas/{OLDHAM}", params=period, headers=KEY)
    assert response.status_code == 200, response.text
    profile = response.json()
    mine = [e for e in items if e.area.local_authority_code == OLDHAM and e.occurred_at < BASE_TIME]
    items = [e for e in items if e.occurred_at < BASE_TIME]
    lens = profile["soft_intelligence"]
    assert profile["area"] == {
        "code": OLDHAM,
        "name": "Oldham",
        "level": "local_authority",
        "resolved_from": None,
    }
    assert lens["total"] == len(mine)
    assert {b["value"]: b["count"] for b in lens["by_key_question"]} == dict(
        Counter(kq.value for e in mine for kq in e.key_questions)
    )
    by_statement = {row["key"]: row for row in lens["by_quality_statement"]}
    for statement in statements:
        with_it = [e for e in mine if statement in {q.id for q in e.quality_statements}]
        labels = Counter(e.sentiment.label.value for e in with_it)
        row = by_statement[statement]
        assert (row["total"], row["sentiment"]) == (len(with_it), dict(labels))
        england = [e for e in items if statement in {q.id for q in e.quality_statements}]
        england_negative = sum(e.sentiment.label == "negative" for e in england)
        against_england = next(
            c for c in lens["comparisons"] if (c["comparator"], c["by"]) == ENGLAND_STATEMENTS
        )
        compared = next(row for row in against_england["rows"] if row["key"] == statement)
        rest = (england_negative - labels["negative"], len(england) - len(with_it))
        assert (compared["comparator"]["negative"], compared["comparator"]["total"]) == rest
        assert compared["area"]["share"] == pytest.approx(labels["negative"] / len(with_it))
        assert compared["difference"] == pytest.approx(labels["negative"] / len(with_it) - rest[0] / rest[1])
    months = {m["month"]: (m["total"], m["negative"], m["high_severity"]) for m in lens["trend"]["months"]}
    assert {month: counts for month, counts in months.items() if counts[0]} == {
        month: (
            sum(e.occurred_at.strftime("%Y-%m") == month for e in mine),
            sum(e.occurred_at.strftime("%Y-%m") == month and e.sentiment.label == "negative" for e in mine),
            sum(e.occurred_at.strftime("%Y-%m") == month and e.severity.level == "high" for e in mine),
        )
        for month in {e.occurred_at.strftime("%Y-%m") for e in mine}
    }
    assert len(months) == 8  # every month of the period (2024-08 to 2025-03), empty ones too
    negative_by_location = Counter(e.provider.location_id for e in mine if e.sentiment.label == "negative")
    assert {p["location_id"]: p["count"] for p in lens["top_providers_negative"]} == dict(
        negative_by_location
    )
    high_by_location = Counter(e.provider.location_id for e in mine if e.severity.level == "high")
    assert {p["location_id"]: p["count"] for p in lens["top_providers_high_severity"]} == dict(
        high_by_location
    )
    ratings = profile["inspection_results"]
    assert {b["value"]: b["count"] for b in ratings["current_overall"]} == {
        "Good": 2,
        "Inadequate": 1,
        "No published rating": 1,
    }
    assert ratings["locations"] == 4
    icb = client.get(f"/v1/areas/{GREATER_MANCHESTER_ICB}", params=period, headers=KEY).json()
    assert icb["soft_intelligence"]["total"] == sum(e.area.icb_code == GREATER_MANCHESTER_ICB for e in items)
    region = client.get(f"/v1/areas/{NORTH_WEST}", params=period, headers=KEY).json()
    assert region["area"]["level"] == "region"
    assert region["soft_intelligence"]["total"] == sum(e.area.region_code == NORTH_WEST for e in items)
    by_name = client.get("/v1/areas/Oldham", params=period, headers=KEY).json()
    assert by_name["area"] == {**profile["area"], "resolved_from": "Oldham"}
    assert by_name["soft_intelligence"] == profile["soft_intelligence"]


def test_query_provider_profile_for_a_location_and_its_provider(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = [evidence(f"p-{i}", location_id=f"1-{i % 2}", provider_id="1-P9") for i in range(10)]
    places = [location("1-0", version=1, provider_id="1-P9", safe=Rating.REQUIRES_IMPROVEMENT)]
    index_directly(es, settings, [*items, *places])
    period = {"date_to": (BASE_TIME + timedelta(days=1)).isoformat()}
    one = client.get("/v1/providers/1-0", params=period, headers=KEY).json()
    assert (one["kind"], one["soft_intelligence"]["total"]) == ("location", 5)
    assert one["locations"][0]["key_questions"] == {"safe": "Requires improvement"}
    assert one["inspection_results"]["current_by_key_question"]["safe"] == [
        {"value": "Requires improvement", "count": 1}
    ]
    provider = client.get("/v1/providers/1-P9", params=period, headers=KEY).json()
    assert (provider["kind"], provider["soft_intelligence"]["total"]) == ("provider", 10)
    assert client.get("/v1/providers/1-1", params=period, headers=KEY).json()["kind"] == "location"
    assert client.get("/v1/providers/1-nothing", headers=KEY).status_code == 404


def test_query_alert_lifecycle_transitions_publish_events_and_survive_replay(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    raised, other = alert(code=OLDHAM), alert(code=DEVON, occurred_at=BASE_TIME + timedelta(hours=1))
    index_directly(es, settings, [raised, other])
    listed = client.get("/v1/alerts", headers=KEY).json()
    assert [a["alert_id"] for a in listed["alerts"]] == [str(other.alert_id), str(raised.alert_id)]
    assert listed["alerts"][0]["status"] == "open"
    path = f"/v1/alerts/{raised.alert_id}"
    acknowledged = client.post(f"{path}/acknowledge", json={"by": "Asha", "note": "looking"}, headers=KEY)
    assert acknowledged.status_code == 200, acknowledged.text
    assert (acknowledged.json()["status"], acknowledged.json()["status_by"]) == ("acknowledged", "Asha")
    assert client.post(f"{path}/acknowledge", json={"by": "Asha"}, headers=KEY).status_code == 409
    index_directly(es, settings, [raised])  # replaying AlertRaised keeps the lifecycle
    assert client.get(path, headers=KEY).json()["status"] == "acknowledged"
    closed = client.post(f"{path}/close", json={"by": "Ben"}, headers=KEY).json()
    assert closed["status"] == "closed"
    assert [h["status"] for h in closed["history"]] == ["acknowledged", "closed"]
    assert client.post(f"{path}/close", json={"by": "Ben"}, headers=KEY).status_code == 409
    assert (
        client.post(f"/v1/alerts/{other.alert_id}/close", json={"by": "Ben"}, headers=KEY).status_code == 200
    )
    assert client.get(f"/v1/alerts/{alert().alert_id}", headers=KEY).status_code == 404
    assert (
        client.post(f"/v1/alerts/{alert().alert_id}/close", json={"by": "x"}, headers=KEY).status_code == 404
    )
    only_open = client.get("/v1/alerts", params={"status": "open"}, headers=KEY).json()
    assert only_open["total"] == 0
    reader = AlertReader(settings, Topic.ALERTS_STATUS)
    events = [AlertStatusChanged.model_validate_json(r.value) for r in reader.read_to_end(deadline_s=60)]
    reader.close()
    mine = [(e.status.value, e.by) for e in events if e.alert_id == raised.alert_id]
    assert mine == [("acknowledged", "Asha"), ("closed", "Ben")]
    index_directly(es, settings, events)  # the indexer applying them again changes nothing
    assert client.get(path, headers=KEY).json()["status"] == "closed"


def test_query_alert_status_never_goes_backwards_when_an_earlier_change_is_applied_late(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    raised = alert(code=OLDHAM)
    index_directly(es, settings, [raised])
    path = f"/v1/alerts/{raised.alert_id}"
    assert client.post(f"{path}/acknowledge", json={"by": "Asha"}, headers=KEY).status_code == 200
    closed = client.post(f"{path}/close", json={"by": "Ben"}, headers=KEY)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = AlertStatusChanged(
        event_id=uuid4(), occurred_at=BASE_TIME, source="caresignal/alerts-api", alert_id=raised.alert_id,
        status=AlertStatus.ACKNOWLEDGED, by="Asha", at=BASE_TIME,
    )  # fmt: skip
    index_directly(es, settings, [late])  # the index worker applies the acknowledge after the close
    assert client.get(path, headers=KEY).json()["status"] == "closed"
    assert client.post(f"{path}/close", json={"by": "Ben"}, headers=KEY).status_code == 409
