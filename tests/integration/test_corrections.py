"""Analysts' corrections on the real broker and node: visible in search at once, published, kept by the
index worker when the item is indexed again."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch
from factories.index import evidence, index_directly, produce
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient

from schemas import EvidenceCorrected, SentimentLabel, Topic
from services.api import create_app
from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.kafka import create_producer, read_topic
from services.common.publishing import EventNotPublishedError
from services.index.config import IndexSettings
from services.index.corrections_api import correction_publisher
from services.index.templates import delete_templates
from services.index.worker import Indexer

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM = "E08000004"


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def search(client: TestClient, **params: str) -> dict:
    response = client.get("/v1/search", params=params, headers=KEY)
    assert response.status_code == 200, response.text
    return response.json()


def test_correction_through_the_api_shows_in_search_at_once_and_is_published(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    item = evidence("corr-1", statements=["safe.medicines_optimisation"], sentiment=SentimentLabel.NEGATIVE)
    other = evidence("corr-2", statements=["safe.medicines_optimisation"])
    index_directly(es, settings, [item, other])
    assert search(client, quality_statement="safe.safeguarding")["total"] == 0

    body = {
        "add_quality_statements": ["safe.safeguarding"],
        "remove_quality_statements": ["safe.medicines_optimisation"],
        "sentiment": "positive",
        "severity": "high",
        "severity_reasons": ["neglect"],
        "by": "a.khan",
        "note": "about a missed safeguarding referral, not medicines: Mrs Patel rang us on 07700 900123",
    }
    response = client.post(f"/v1/evidence/{item.evidence_id}/corrections", json=body, headers=KEY)
    assert response.status_code == 201, response.text
    assert response.json()["corrected"]["quality_statements"] == ["safe.safeguarding"]
    note = response.json()["note"]  # shown to reviewers: redacted like the item's text
    assert (
        "Patel" not in note and "07700" not in note and "[PHONE]" in note and "safeguarding referral" in note
    )

    # At once: no refresh, no worker.
    found = search(client, quality_statement="safe.safeguarding")
    assert [hit["evidence_id"] for hit in found["hits"]] == [str(item.evidence_id)]
    assert found["hits"][0]["sentiment"] == "positive" and found["hits"][0]["severity"] == "high"
    assert search(client, quality_statement="safe.medicines_optimisation")["total"] == 1  # only the other
    assert search(client, severity="high", local_authority=OLDHAM)["total"] == 1
    profile = client.get(f"/v1/areas/{OLDHAM}", headers=KEY).json()
    by_statement = {row["key"]: row for row in profile["soft_intelligence"]["by_quality_statement"]}
    assert by_statement["safe.safeguarding"]["sentiment"] == {"positive": 1}

    document = es.get(index=Names(settings).evidence_index(2025, 3), id=str(item.evidence_id))["_source"]
    assert document["model"]["quality_statement_ids"] == ["safe.medicines_optimisation"]
    assert document["model"]["sentiment"]["label"] == "negative"
    assert document["correction"]["by"] == "a.khan" and document["correction"]["via"] == "api"

    (published,) = [
        EvidenceCorrected.model_validate_json(record.value)
        for record in read_topic(settings, settings.topic(Topic.CORRECTIONS))
    ]
    assert published.evidence_id == item.evidence_id and published.by == "a.khan"
    assert published.api_key_id and "dev-key" not in published.model_dump_json()
    assert "07700" not in published.model_dump_json()
    assert published.item.sentiment.label == "negative"  # the model's labels travel with it

    # A second correction builds on the first; the history keeps both.
    again = {"sentiment": "mixed", "by": "j.smith"}
    assert (
        client.post(f"/v1/evidence/{item.evidence_id}/corrections", json=again, headers=KEY).status_code
        == 201
    )
    shown = client.get(f"/v1/evidence/{item.evidence_id}", headers=KEY).json()
    assert shown["sentiment"]["label"] == "mixed"
    assert [s["id"] for s in shown["quality_statements"]] == ["safe.safeguarding"]
    history = client.get(f"/v1/evidence/{item.evidence_id}/corrections", headers=KEY).json()["corrections"]
    assert [c["by"] for c in history] == ["a.khan", "j.smith"]


def test_correction_requests_that_change_nothing_or_name_unknown_statements_are_refused(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    item = evidence("corr-3")
    index_directly(es, settings, [item])
    url = f"/v1/evidence/{item.evidence_id}/corrections"
    assert client.post(url, json={"by": "x", "sentiment": "positive"}).status_code == 401
    assert client.post(url, json={"by": "x"}, headers=KEY).status_code == 422
    bad = {"by": "x", "add_quality_statements": ["safe.made_up"]}
    assert client.post(url, json=bad, headers=KEY).status_code == 422
    missing = f"/v1/evidence/{evidence('nowhere').evidence_id}/corrections"
    assert client.post(missing, json={"by": "x", "sentiment": "positive"}, headers=KEY).status_code == 404


def test_a_correction_whose_event_was_not_published_is_undone_and_answered_503(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    item = evidence("corr-5", statements=["safe.medicines_optimisation"], sentiment=SentimentLabel.NEGATIVE)
    index_directly(es, settings, [item])
    url = f"/v1/evidence/{item.evidence_id}/corrections"

    def broker_down(event: EvidenceCorrected) -> None:
        raise EventNotPublishedError("the change could not be published and was not made; retry later")

    client.app.dependency_overrides[correction_publisher] = lambda: broker_down
    refused = client.post(url, json={"sentiment": "positive", "by": "a.khan"}, headers=KEY)
    client.app.dependency_overrides.clear()
    assert refused.status_code == 503 and "not made" in refused.json()["detail"]
    shown = client.get(f"/v1/evidence/{item.evidence_id}", headers=KEY).json()
    assert shown["sentiment"]["label"] == "negative"  # undone: search shows the model's label again
    document = es.get(index=Names(settings).evidence_index(2025, 3), id=str(item.evidence_id))["_source"]
    assert document.get("correction") is None
    assert client.get(url, headers=KEY).json()["corrections"] == []
    retried = client.post(url, json={"sentiment": "positive", "by": "a.khan"}, headers=KEY)
    assert retried.status_code == 201 and retried.json()["corrected"]["sentiment"] == "positive"


def wait_for_commit(settings: IndexSettings, topic: str, timeout: float = 60) -> None:
    """Until the index worker's group has committed past every record of `topic`."""
    admin = KafkaAdminClient(**settings.kafka_options())
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            offsets = admin.list_consumer_group_offsets(settings.group_id("index"))
            if sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic) >= 1:
                return
            time.sleep(0.3)
    finally:
        admin.close()
    raise AssertionError(f"the index worker never committed {topic}")


def test_index_worker_keeps_a_correction_when_the_item_is_indexed_again(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    """The worker applies corrections.v1 and merges the latest correction into a newer classification."""
    item = evidence("corr-4", statements=["safe.medicines_optimisation"])
    index_directly(es, settings, [item])
    body = {"add_quality_statements": ["safe.safeguarding"], "by": "a.khan"}
    assert (
        client.post(f"/v1/evidence/{item.evidence_id}/corrections", json=body, headers=KEY).status_code == 201
    )
    newer = item.model_copy(update={"classified_at": item.classified_at + timedelta(days=1)})
    producer = create_producer(settings)
    produce(
        producer, settings.topic(Topic.EVIDENCE_CLASSIFIED), [item, newer]
    )  # a redelivery, then a newer one
    producer.close()
    index_settings = IndexSettings(**settings.model_dump(), index_linger_seconds=0.1)
    stop = threading.Event()
    worker = threading.Thread(target=Indexer(index_settings).run, args=(stop,), daemon=True)
    worker.start()
    try:
        index = Names(settings).evidence_index(2025, 3)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document = es.get(index=index, id=str(item.evidence_id))["_source"]
            if document["classified_at"].startswith(newer.classified_at.date().isoformat()):
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the newer classification was not indexed")
        assert document["quality_statement_ids"] == ["safe.medicines_optimisation", "safe.safeguarding"]
        assert document["model"]["quality_statement_ids"] == ["safe.medicines_optimisation"]
        assert document["correction"]["by"] == "a.khan"
    finally:
        stop.set()
        worker.join(timeout=30)


def test_web_form_corrects_an_item_with_the_acting_name_and_csrf(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    item = evidence("corr-web", statements=["safe.medicines_optimisation"], sentiment=SentimentLabel.NEGATIVE)
    index_directly(es, settings, [item])
    page = client.get(f"/evidence/{item.evidence_id}")
    assert page.status_code == 200 and "Correct this item’s labels" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    url = f"/evidence/{item.evidence_id}/corrections"
    forged = client.post(url, data={"csrf_token": "forged", "by": "x", "sentiment": "positive"})
    assert forged.status_code == 403
    empty = client.post(url, data={"csrf_token": token, "by": "", "sentiment": ""}, follow_redirects=False)
    assert (
        empty.status_code == 400
        and "Enter your name" in empty.text
        and "Choose at least one change" in empty.text
    )
    form = {
        "csrf_token": token,
        "by": "a.khan",
        "remove": ["safe.medicines_optimisation"],
        "add": "safe.safeguarding",
        "sentiment": "neutral",
        "severity": "high",
        "severity_reason": ["neglect"],
        "note": "no medicines here",
    }
    done = client.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=corrected")
    shown = client.get(done.headers["location"]).text
    assert "Corrected by an analyst" in shown and "a.khan" in shown and "no medicines here" in shown
    assert 'id="model-labels"' in shown and "Medicines optimisation" in shown  # the model's labels beside
    assert search(client, quality_statement="safe.safeguarding", severity="high")["total"] == 1
    (published,) = list(read_topic(settings, settings.topic(Topic.CORRECTIONS)))
    assert EvidenceCorrected.model_validate_json(published.value).via == "web"
