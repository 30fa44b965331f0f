"""POST /v1/evidence on the real broker: 401 without a key, 422 field errors + dead letters, 202 with ids."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition

from schemas.dead_letter import DeadLetter
from schemas.evidence import EvidenceReceived, SourceType, evidence_id_for
from schemas.topics import Topic
from services.api import create_app
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
ITEM = {
    "source_type": "healthwatch_feedback",
    "source_reference": "HW-OLD-00001",
    "occurred_at": "2026-10-02T14:05:00Z",
    "text": "Staff were rushed off their feet and my dad was left in a wet bed overnight.",
    "author_role": "relative_or_carer",
    "provider": {"location_id": "1-117977107", "name": "Avonleigh Gardens"},
    "area": {"local_authority_name": "Oldham"},
    "metadata": {"star_rating": 1},
}


def read_topic(settings: CommonSettings, topic: str, expected: int, timeout_s: float = 15.0) -> list:
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        messages: list = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and len(messages) < expected:
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
        return messages
    finally:
        consumer.close()


@pytest.fixture
def client(settings: CommonSettings, tmp_path) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"state_dir": tmp_path / "state"}))) as test_client:
        yield test_client


def test_http_intake_requires_an_api_key(client):
    assert client.post("/v1/evidence", json=ITEM).status_code == 401
    assert client.post("/v1/evidence", json=ITEM, headers={"X-API-Key": "wrong"}).status_code == 401
    assert (
        client.post(
            "/v1/evidence", content=b"{broken", headers={"Content-Type": "application/json"}
        ).status_code
        == 401
    )


def test_http_intake_accepts_one_item_and_a_batch_with_deterministic_ids(client, settings):
    response = client.post("/v1/evidence", json=ITEM, headers=KEY)
    assert response.status_code == 202, response.text
    expected_id = str(evidence_id_for(SourceType.HEALTHWATCH_FEEDBACK, "HW-OLD-00001"))
    assert response.json()["evidence_ids"] == [expected_id]
    assert response.json()["accepted"] == 1

    note = {
        "source_reference": "HW-OLD-00002",
        "source_type": "call_centre_note",
        "metadata": {"channel": "phone"},
    }
    batch = {"items": [ITEM, {**ITEM, **note}]}
    again = client.post("/v1/evidence", json=batch, headers=KEY)
    assert again.status_code == 202, again.text
    body = again.json()
    assert (body["accepted"], body["already_seen"]) == (1, 1)
    assert [item["status"] for item in body["items"]] == ["already_seen", "accepted"]

    messages = read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED), 2)
    events = {
        str(e.evidence_id): e for e in (EvidenceReceived.model_validate_json(m.value) for m in messages)
    }
    assert set(events) == set(body["evidence_ids"])
    assert events[expected_id].area.local_authority_code == "E08000004"
    assert events[expected_id].text == ITEM["text"]


def test_http_intake_answers_422_with_field_errors_and_dead_letters_the_items(client, settings):
    batch = {"items": [ITEM, {**ITEM, "text": "   "}, {**ITEM, "occurred_at": "2099-01-01T00:00:00Z"}]}
    response = client.post("/v1/evidence", json=batch, headers=KEY)
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert locations == {("body", "items", 1, "text"), ("body", "items", 2, "occurred_at")}

    unknown = client.post("/v1/evidence", json={**ITEM, "source_type": "carrier_pigeon"}, headers=KEY)
    assert unknown.status_code == 422
    assert [tuple(error["loc"]) for error in unknown.json()["detail"]] == [("body", "source_type")]

    letters = [
        DeadLetter.model_validate_json(m.value)
        for m in read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 3)
    ]
    assert sorted(letter.source_reference for letter in letters) == [
        "http:body",
        "http:item 1",
        "http:item 2",
    ]
    assert all(letter.stage == "ingest" for letter in letters)
    assert read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED), 1, timeout_s=2) == []


def test_http_intake_is_documented_in_openapi(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/v1/evidence"]["post"]
    assert {"202", "401", "422"} <= set(operation["responses"])
    assert operation["tags"] == ["intake"]


def test_http_intake_422_names_the_field_and_the_reason_never_the_value(client):
    secret = "Caller Margaret Brown, 07700 900123. "
    too_long = {**ITEM, "text": secret * 600, "occurred_at": f"{secret}2026"}
    response = client.post("/v1/evidence", json=too_long, headers=KEY)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert {tuple(problem["loc"]) for problem in problems} == {("body", "text"), ("body", "occurred_at")}
    assert all(set(problem) == {"loc", "msg", "type"} for problem in problems)
    assert "Margaret" not in response.text and "900123" not in response.text


def test_http_intake_accepts_only_the_metadata_keys_of_the_source_type(client):
    phone = {**ITEM, "metadata": {"star_rating": 2, "caller_phone": "07700 900123"}}
    response = client.post("/v1/evidence", json=phone, headers=KEY)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert "caller_phone" in problem["msg"] and "star_rating" in problem["msg"]
    assert "900123" not in response.text
    wrong_type = {**ITEM, "metadata": {"star_rating": "five stars from Margaret"}}
    assert client.post("/v1/evidence", json=wrong_type, headers=KEY).status_code == 422
    social = {
        **ITEM,
        "source_type": "social_media_comment",
        "metadata": {"author_handle": "@maggie", "platform": "x"},
    }
    assert client.post("/v1/evidence", json=social, headers=KEY).status_code == 202


def test_http_intake_sends_an_item_once_however_many_identical_requests_arrive_together(client, settings):
    item = {**ITEM, "source_reference": "HW-OLD-CONCURRENT"}
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda _: client.post("/v1/evidence", json=item, headers=KEY), range(10)))
    assert [response.status_code for response in responses] == [202] * 10
    statuses = sorted(response.json()["items"][0]["status"] for response in responses)
    assert statuses == ["accepted"] + ["already_seen"] * 9
    assert len(read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED), 2, timeout_s=5)) == 1


def test_http_intake_refuses_one_reference_twice_in_a_batch_with_different_content(client, settings):
    other = {**ITEM, "text": "A different item under the same reference."}
    conflict = client.post("/v1/evidence", json={"items": [ITEM, other]}, headers=KEY)
    assert conflict.status_code == 422
    (problem,) = conflict.json()["detail"]
    assert problem["loc"] == ["body", "items", 1, "source_reference"]
    assert "http:item 0" in problem["msg"] and problem["type"] == "ConflictingDuplicate"
    repeated = client.post("/v1/evidence", json={"items": [ITEM, ITEM]}, headers=KEY)
    assert repeated.status_code == 202
    assert [item["status"] for item in repeated.json()["items"]] == ["accepted", "already_seen"]


def test_http_intake_refuses_a_body_over_the_limit_with_413(client):
    huge = b'{"items": [' + b'"x",' * (5 * 1024 * 1024) + b'"x"]}'  # about 20 MB
    response = client.post("/v1/evidence", content=huge, headers={**KEY, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert str(16 * 1024 * 1024) in response.json()["detail"]
    assert "Retry-After" not in response.headers


def test_http_intake_dead_letters_a_large_invalid_body_within_the_topic_limit(client, settings):
    too_long = {**ITEM, "text": "Margaret was left alone. " * 80_000}  # 2 MB: over MAX_TEXT_CHARS
    original = json.dumps(too_long).encode()
    response = client.post(
        "/v1/evidence", content=original, headers={**KEY, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    (message,) = read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 1)
    letter = DeadLetter.model_validate_json(message.value)
    assert letter.payload_truncated and letter.payload_size == len(original)
    assert letter.payload_sha256 == hashlib.sha256(original).hexdigest()
    assert original.startswith(letter.payload) and len(message.value) < 1_000_000


def test_http_intake_refuses_an_item_too_large_for_the_topic_as_422(client):
    bulky = {**ITEM, "provider": {"name": "Care " * 200_000}}  # valid fields, a 1 MB event
    response = client.post("/v1/evidence", json=bulky, headers=KEY)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "TooLarge"


def test_http_intake_refuses_lone_surrogates_and_non_finite_numbers_with_422(client):
    text = json.dumps(ITEM).replace('"Staff were rushed', '"x \\ud800 Staff were rushed')
    nan = json.dumps(ITEM).replace('"star_rating": 1', '"star_rating": NaN')
    key = json.dumps(ITEM).replace('"star_rating": 1', '"star_rating": 1, "st\\udc00r": 2')
    for body in (text, nan, key):
        response = client.post(
            "/v1/evidence", content=body, headers={**KEY, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, (body[:80], response.status_code, response.text[:200])


def test_http_intake_answers_unreadable_bodies_without_records_to_dead_letter(client, settings):
    json_type = {**KEY, "Content-Type": "application/json"}
    assert client.post("/v1/evidence", content=b'{"text": "\xff\xfe"}', headers=json_type).status_code == 400
    assert (
        client.post("/v1/evidence", content=b"[" * 5000 + b"]" * 5000, headers=json_type).status_code == 400
    )
    batch = {"items": [ITEM] * 1001}
    assert client.post("/v1/evidence", json=batch, headers=KEY).status_code == 413
    assert read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 1, timeout_s=3) == []


def test_http_intake_refuses_area_codes_outside_the_reference_and_dead_letters_them(client, settings):
    for area in ({"local_authority_code": "ZZZ<script>"}, {"icb_code": "E54999999"}, {"region_code": "X"}):
        response = client.post("/v1/evidence", json={**ITEM, "area": area}, headers=KEY)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "area"]
        assert "script" not in response.text
    letters = read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 3)
    assert len(letters) == 3
    known = {"local_authority_code": "E08000004", "icb_code": "E54000057", "region_code": "E12000002"}
    assert client.post("/v1/evidence", json={**ITEM, "area": known}, headers=KEY).status_code == 202
