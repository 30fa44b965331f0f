"""The whole pipeline: sample files → ingest → classify worker → index worker → API, on the real engines."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.pipeline import (
    CLASSIFY,
    EVIDENCE_SAMPLES,
    INDEX,
    end_offsets,
    evidence_counts,
    ingest_samples,
    pipeline_workers,
    sample_items,
    wait_for_documents,
    wait_until_consumed,
)
from fastapi.testclient import TestClient

from schemas import Topic
from services.api import create_app
from services.common.config import CommonSettings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HEADERS = {"X-API-Key": "dev-key"}


@pytest.fixture
def workers(settings: CommonSettings, tmp_path: Path) -> Iterator[None]:
    """The classify and index workers as separate processes on this test's topics and indices."""
    with pipeline_workers(settings, tmp_path, CLASSIFY, INDEX):
        yield


def test_every_source_from_file_to_search_hit(
    settings: CommonSettings, es: Elasticsearch, workers: None, tmp_path: Path
) -> None:
    accepted = ingest_samples(settings, tmp_path / "ingest")
    counts = wait_for_documents(es, settings.index("evidence"), accepted)
    assert {source: counts.get(source, 0) for source in accepted} == accepted
    assert counts.get("inspection_result", 0) > 0

    with TestClient(create_app(settings)) as client:
        for _, _, source_type in EVIDENCE_SAMPLES:
            page = client.get("/v1/search", params={"source_type": source_type, "size": 5}, headers=HEADERS)
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["total"] == accepted[source_type]
            for hit in body["hits"]:
                assert hit["model_version"]
                assert hit["sentiment"] in {"positive", "neutral", "negative"}

        inspections = client.get("/v1/search", params={"source_type": "inspection_result"}, headers=HEADERS)
        assert inspections.json()["total"] > 0

        social = sample_items("social_comments.jsonl")[0]
        words = " ".join(social["text"].split()[:6])
        found = client.get(
            "/v1/search", params={"q": words, "source_type": "social_media_comment"}, headers=HEADERS
        )
        assert any(
            hit["source_reference"] == f"{social['platform']}:{social['post_id']}"
            for hit in found.json()["hits"]
        )

        assert client.get("/v1/search", params={"q": "care"}).status_code == 401


def test_replaying_ingest_leaves_the_document_count_unchanged(
    settings: CommonSettings, es: Elasticsearch, workers: None, tmp_path: Path
) -> None:
    accepted = ingest_samples(settings, tmp_path / "ingest")
    alias = settings.index("evidence")
    classified = settings.topic(Topic.EVIDENCE_CLASSIFIED)
    wait_for_documents(es, alias, accepted)
    wait_until_consumed(settings, classified, f"{settings.topic_prefix}caresignal-index")
    produced_once = end_offsets(settings, classified)
    first = evidence_counts(es, alias)

    ingest_samples(settings, tmp_path / "fresh-seen-store")  # a lost seen store re-sends everything
    deadline = time.monotonic() + 240
    while end_offsets(settings, classified) < 2 * produced_once and time.monotonic() < deadline:
        time.sleep(1)
    assert end_offsets(settings, classified) >= 2 * produced_once, "the replay was not classified again"
    wait_until_consumed(settings, classified, f"{settings.topic_prefix}caresignal-index")
    assert evidence_counts(es, alias) == first
