"""Every search filter, from the filter model, returns exactly the items it names (API and real index)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, evidence, index_directly
from fastapi.testclient import TestClient

from schemas import (
    DuplicateKind,
    Duplication,
    EvidenceCategory,
    EvidenceClassified,
    InspectionFinding,
    Rating,
    SentimentLabel,
    SeverityLevel,
    SourceType,
)
from services.api import create_app
from services.common.config import CommonSettings
from services.index.documents import cluster_of
from services.index.models import SearchFilters
from services.index.templates import delete_templates

KEY = {"X-API-Key": "dev-key"}
COUNCILS = ("E08000004", "E08000003", "E10000008", "E09000033")  # Oldham, Manchester, Devon, Westminster
STATEMENTS = ("safe.safeguarding", "safe.medicines_optimisation", "caring.kindness_compassion_dignity",
              "well_led.governance_management_sustainability")  # fmt: skip
RATINGS = (Rating.GOOD, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE)
THEMES = ("staffing", "medication", "communication")
CROSS_CUTTING = ("equity", "digital")
Select = Callable[[EvidenceClassified], bool]


def with_rating(item: EvidenceClassified, rng: random.Random) -> EvidenceClassified:
    """An inspection result carries the rating CQC published; other sources carry none."""
    if item.source_type != SourceType.INSPECTION_RESULT:
        return item
    return item.model_copy(update={"inspection": InspectionFinding(rating=rng.choice(RATINGS))})


def corpus() -> list[EvidenceClassified]:
    rng = random.Random(20)
    items = [
        evidence(
            f"f-{i}",
            la_code=rng.choice(COUNCILS),
            location_id=f"1-{rng.randint(1, 4)}",
            provider_id=f"1-P{rng.randint(1, 2)}",
            statements=rng.sample(STATEMENTS, k=rng.randint(1, 2)),
            themes=rng.sample(THEMES, k=rng.randint(0, 2)),
            cross_cutting=rng.sample(CROSS_CUTTING, k=rng.randint(0, 1)),
            source_type=rng.choice(list(SourceType)),
            sentiment=rng.choice(list(SentimentLabel)),
            severity=rng.choice((SeverityLevel.NORMAL, SeverityLevel.NORMAL, SeverityLevel.HIGH)),
            category=rng.choice(list(EvidenceCategory)),
            occurred_at=BASE_TIME - timedelta(days=i),
        )
        for i in range(80)
    ]
    return [as_copy(with_rating(item, rng), items[0], i) for i, item in enumerate(items)]


def as_copy(item: EvidenceClassified, first: EvidenceClassified, number: int) -> EvidenceClassified:
    """Every seventh item is a near-duplicate of the first (whose cluster is its own id)."""
    if number == 0 or number % 7:
        return item
    copy = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.NEAR, similarity=0.8)
    return item.model_copy(update={"duplication": copy})


CUTOFF = BASE_TIME - timedelta(days=30)
FIRST = str(corpus()[0].evidence_id)
# filter name → (a value to send, which items it must return)
CASES: dict[str, tuple[str, Select]] = {
    "local_authority": ("E10000008", lambda e: e.area.local_authority_code == "E10000008"),
    "icb": ("E54000057", lambda e: e.area.icb_code == "E54000057"),
    "region": ("E12000007", lambda e: e.area.region_code == "E12000007"),
    "provider_id": ("1-P2", lambda e: e.provider.provider_id == "1-P2"),
    "location_id": ("1-3", lambda e: e.provider.location_id == "1-3"),
    "key_question": ("well_led", lambda e: "well_led" in e.key_questions),
    "quality_statement": (
        "safe.safeguarding",
        lambda e: "safe.safeguarding" in {s.id for s in e.quality_statements},
    ),
    "theme": ("medication", lambda e: "medication" in e.themes),
    "cross_cutting_theme": ("digital", lambda e: "digital" in e.cross_cutting_themes),
    "source_type": ("social_media_comment", lambda e: e.source_type == "social_media_comment"),
    "evidence_kind": ("inspection_result", lambda e: e.source_type == "inspection_result"),
    "rating": ("Inadequate", lambda e: e.inspection is not None and e.inspection.rating == "Inadequate"),
    "sentiment": ("mixed", lambda e: e.sentiment.label == "mixed"),
    "severity": ("high", lambda e: e.severity.level == "high"),
    "evidence_category": ("outcomes", lambda e: e.evidence_category == "outcomes"),
    "date_from": (CUTOFF.isoformat(), lambda e: e.occurred_at >= CUTOFF),
    "date_to": (CUTOFF.isoformat(), lambda e: e.occurred_at < CUTOFF),
    "cluster": (FIRST, lambda e: cluster_of(e) == FIRST),
}


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def search_ids(client: TestClient, params: dict[str, str]) -> set[str]:
    response = client.get("/v1/search", params={**params, "size": 100, "collapse": "false"}, headers=KEY)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] is None and page["total"] == len(page["hits"])
    return {hit["evidence_id"] for hit in page["hits"]}


def test_every_filter_of_the_model_has_a_case() -> None:
    missing = set(SearchFilters.model_fields) - set(CASES)
    assert not missing, f"add a case to CASES for the new search filter(s) {sorted(missing)}"


def test_each_filter_alone_and_all_of_them_together_return_exactly_their_items(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = corpus()
    index_directly(es, settings, items)
    for name, (value, selects) in CASES.items():
        expected = {str(e.evidence_id) for e in items if selects(e)}
        assert 0 < len(expected) < len(items), f"the corpus cannot tell whether {name} filters"
        assert search_ids(client, {name: value}) == expected, name
    window = {"date_from": (BASE_TIME - timedelta(days=50)).isoformat(), "date_to": CUTOFF.isoformat()}
    in_window = {str(e.evidence_id) for e in items if CUTOFF - timedelta(days=20) <= e.occurred_at < CUTOFF}
    assert search_ids(client, window) == in_window
    pair = {"region": "E12000002", "severity": "high"}
    assert search_ids(client, pair) == {
        str(e.evidence_id) for e in items if e.area.region_code == "E12000002" and e.severity.level == "high"
    }
