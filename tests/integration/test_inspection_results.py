"""Real CQC records through the real pipeline: ratings read as ratings, kept apart from soft intelligence.

The records are the real CQC API responses in ../shared/data/cqc (47 Oldham locations with their rating
history); the soft intelligence is the bundled samples. Everything runs on the real broker and node.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers
from factories.alerts import AlertReader, worker_env
from factories.index import evidence, index_directly, once_searchable
from factories.pipeline import (
    ALERTS,
    CLASSIFY,
    EVIDENCE_SAMPLES,
    INDEX,
    ROOT,
    SAMPLES,
    pipeline_workers,
    wait_for_documents,
    wait_for_messages,
    wait_until_consumed,
)
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from schemas import AlertRaised, EvidenceReceived, Topic, rating_sentiment, read_inspection_result
from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.topics import OBSERVATIONS_TOPIC
from services.api import create_app
from services.classify.analyser import EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.domain import build_classified
from services.classify.gazetteer import ProviderGazetteer
from services.classify.registry import active_model
from services.classify.resolve import resolve
from services.cli import app as cli
from services.common.config import CommonSettings
from services.ingest.adapters.cqc_api import map_location
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file
from services.ingest.records import MappingContext

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CQC_RECORDS = ROOT.parent / "shared" / "data" / "cqc" / "cqc_api_locations_sample.json"
OLDHAM = "E08000004"
HEADERS = {"X-API-Key": "dev-key"}
GRADED = ["Outstanding", "Good", "Requires improvement", "Inadequate"]  # best to worst
EXPECTED_SENTIMENT = {
    "Outstanding": "positive",
    "Good": "positive",
    "Requires improvement": "negative",
    "Inadequate": "negative",
    "Inspected but not rated": "none",
}


def _records() -> list[dict]:
    return json.loads(CQC_RECORDS.read_text(encoding="utf-8"))


def _inspection_results() -> list[EvidenceReceived]:
    """What ingest makes of the records: one inspection result per published rating."""
    context = MappingContext(received_at=datetime.now(UTC), reference=CQC_RECORDS.name, ratings_seen=())
    return [event for record in _records() for event in map_location(record, context).evidence]


def _ingest(settings: CommonSettings, state_dir: Path, path: Path, source: str) -> int:
    summary = ingest_file(path, source, IngestSettings(**{**settings.model_dump(), "state_dir": state_dir}))
    assert summary.rejected == 0, summary.rejects[:3]
    return summary.accepted


def _documents(es: Elasticsearch, settings: CommonSettings, source_type: str) -> list[dict]:
    alias = settings.index("evidence")
    once_searchable(lambda: es.indices.refresh(index=alias, ignore_unavailable=True, allow_no_indices=True))
    query = {"query": {"term": {"source_type": source_type}}}
    return [hit["_source"] for hit in helpers.scan(es, index=alias, query=query, ignore_unavailable=True)]


def _band(inspected: str | None, as_of: datetime) -> str:
    """Time since the last inspection, in the profile's bands (computed here from the raw record)."""
    if not inspected:
        return "unknown"
    years = (as_of - datetime.fromisoformat(inspected).replace(tzinfo=UTC)).days / 365.25
    for label, upper in (("under 1 year", 1), ("1 to 2 years", 2), ("2 to 4 years", 4)):
        if years < upper:
            return label
    return "4 years or more"


def _direction(previous: str, rating: str) -> str:
    if previous not in GRADED or rating not in GRADED:
        return "changed"
    return "improved" if GRADED.index(rating) < GRADED.index(previous) else "declined"


def test_cqc_history_leaves_soft_intelligence_untouched_and_ratings_exact(
    settings: CommonSettings, es: Elasticsearch, tmp_path: Path
) -> None:
    as_of = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    period = {"date_from": "2010-01-01T00:00:00Z", "date_to": as_of.isoformat()}
    classified = settings.topic(Topic.EVIDENCE_CLASSIFIED)
    index_group = settings.group_id("index")
    with (
        pipeline_workers(settings, tmp_path, CLASSIFY, INDEX),
        TestClient(create_app(settings)) as client,
    ):
        soft = {
            source_type: _ingest(settings, tmp_path / "ingest", SAMPLES / name, source)
            for name, source, source_type in EVIDENCE_SAMPLES
        }
        assert wait_for_documents(es, settings.index("evidence"), soft) == soft
        wait_until_consumed(settings, classified, index_group)
        before = client.get(f"/v1/areas/{OLDHAM}", params=period, headers=HEADERS).json()
        assert before["soft_intelligence"]["total"] > 0, (
            "the samples should hold soft intelligence about Oldham"
        )
        assert before["inspection_results"]["locations"] == 0

        expected = _inspection_results()
        _ingest(settings, tmp_path / "ingest", CQC_RECORDS, "cqc-api")
        counts = wait_for_documents(
            es, settings.index("evidence"), {**soft, "inspection_result": len(expected)}
        )
        assert counts == {**soft, "inspection_result": len(expected)}
        wait_until_consumed(settings, classified, index_group)
        after = client.get(f"/v1/areas/{OLDHAM}", params=period, headers=HEADERS).json()

    # every inspection result reads as its rating says, with no statement from its template words
    documents = _documents(es, settings, "inspection_result")
    assert len(documents) == len(expected)
    ratings_present = Counter(document["inspection"]["rating"] for document in documents)
    assert set(ratings_present) >= {"Good", "Requires improvement", "Inadequate", "Inspected but not rated"}
    for document in documents:
        finding = document["inspection"]
        assert document["sentiment"]["label"] == EXPECTED_SENTIMENT[finding["rating"]], document["text"]
        assert document["sentiment"]["method"] == "rating"
        assert document["quality_statement_ids"] == [] and document["quality_statements"] == []
        assert document["key_questions"] == ([finding["key_question"]] if finding["key_question"] else [])
        assert document["severity"] == {"level": "normal", "reasons": [], "matches": []}
    by_id = {str(event.evidence_id): event for event in expected}
    assert {document["evidence_id"] for document in documents} == set(by_id)
    for document in documents:
        source = by_id[document["evidence_id"]].inspection
        assert (document["inspection"]["rating"], document["inspection"]["previous_rating"]) == (
            source.rating.value,
            source.previous_rating.value if source.previous_rating else None,
        )

    # the soft-intelligence section is unchanged; the ratings section is exact
    assert after["soft_intelligence"] == before["soft_intelligence"]
    ratings = after["inspection_results"]
    assert ratings != before["inspection_results"]
    registered = [record for record in _records() if record.get("registrationStatus") != "Deregistered"]
    assert ratings["locations"] == len(registered)
    current = Counter(
        ((record.get("currentRatings") or {}).get("overall") or {}).get("rating") or "No published rating"
        for record in registered
    )
    assert {b["value"]: b["count"] for b in ratings["current_overall"]} == dict(current)
    since = Counter(_band((record.get("lastInspection") or {}).get("date"), as_of) for record in registered)
    assert {b["value"]: b["count"] for b in ratings["since_last_inspection"] if b["count"]} == dict(since)
    changes = Counter(
        _direction(event.inspection.previous_rating.value, event.inspection.rating.value)
        for event in expected
        if event.inspection.previous_rating is not None
    )
    assert changes["declined"] > 0
    got = ratings["changes"]
    assert (got["improved"], got["declined"], got["changed"]) == (
        changes["improved"],
        changes["declined"],
        changes["changed"],
    )
    assert ratings["statements_by_key_question"]["well_led"][0].startswith("well_led.")


def test_cqc_rating_history_raises_no_spike_or_new_term_alert(
    settings: CommonSettings, tmp_path: Path
) -> None:
    expected = _inspection_results()
    env = worker_env(settings, DEFAULT_RULES_FILE, tmp_path)
    reader = AlertReader(settings)
    try:
        with pipeline_workers(settings, tmp_path, CLASSIFY, ALERTS, env=env):
            _ingest(settings, tmp_path / "ingest", CQC_RECORDS, "cqc-api")
            classified = settings.topic(Topic.EVIDENCE_CLASSIFIED)
            wait_for_messages(settings, classified, len(expected))
            group = settings.group_id("alerts")
            wait_until_consumed(settings, classified, group, timeout_s=180)
            wait_until_consumed(settings, settings.topic(OBSERVATIONS_TOPIC), group, timeout_s=180)
            records = reader.drain(quiet_s=5.0)
    finally:
        reader.close()
    alerts = [AlertRaised.model_validate_json(record.value) for record in records]
    kinds = Counter(alert.rule_kind.value for alert in alerts)
    assert kinds["rating_downgrade"] > 0, "the history holds downgrades: the worker must have seen it"
    assert set(kinds) == {"rating_downgrade"}, [
        a.reason for a in alerts if a.rule_kind.value != "rating_downgrade"
    ]


def test_repair_corrects_inspection_results_indexed_from_their_template_words(
    settings: CommonSettings, es: Elasticsearch
) -> None:
    """Index the real records as the text-reading classifier did, then repair them in place."""
    received = _inspection_results()
    analyser = EvidenceAnalyser.load(active_model(ClassifySettings()).path)
    analyses = analyser.analyse([event.text for event in received])
    now = datetime.now(UTC)
    read_from_text = [
        build_classified(
            event, analysis, resolve(event, None, ProviderGazetteer(())), "m", "1", now, analyser.redact
        ).model_copy(
            update={
                field: getattr(analysis, field)
                for field in ("sentiment", "quality_statements", "key_questions", "themes", "severity")
            }
        )
        for event, analysis in zip(received, analyses, strict=True)
    ]
    wrong = [
        event for event in read_from_text if event.sentiment != rating_sentiment(event.inspection.rating)
    ]
    assert wrong, "the text model should misread some rating sentences (the defect being repaired)"
    soft = evidence("hw-1", text="The carers missed two visits")
    index_directly(es, settings, [*read_from_text, soft])
    environment = {"CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix}

    first = CliRunner().invoke(cli, ["repair-inspection-results", "--json"], env=environment)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    changed = [event for event in read_from_text if read_inspection_result(event) != event]
    assert (summary["scanned"], summary["repaired"], summary["failed"]) == (len(received), len(changed), 0)
    documents = _documents(es, settings, "inspection_result")
    assert len(documents) == len(received)
    for document in documents:
        assert document["sentiment"]["label"] == EXPECTED_SENTIMENT[document["inspection"]["rating"]]
        assert document["quality_statement_ids"] == [] and document["severity"]["reasons"] == []
    (untouched,) = _documents(es, settings, "healthwatch_feedback")
    assert untouched["sentiment"] == {"label": "negative", "score": 0.9, "polarity": None, "method": "model"}
    again = json.loads(
        CliRunner().invoke(cli, ["repair-inspection-results", "--json"], env=environment).output
    )
    assert (again["repaired"], again["unchanged"]) == (0, len(received))
