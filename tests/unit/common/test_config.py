"""Shared settings: replication of the catalogue topics, the Elasticsearch client's options."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer
from pydantic import ValidationError

from services.common.config import CommonSettings


def test_config_min_insync_replicas_cannot_exceed_replication_factor() -> None:
    with pytest.raises(ValidationError, match="MIN_INSYNC_REPLICAS"):
        CommonSettings(kafka_replication_factor=1, kafka_min_insync_replicas=2)


def test_config_cluster_replication_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARESIGNAL_KAFKA_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("CARESIGNAL_KAFKA_MIN_INSYNC_REPLICAS", "2")
    settings = CommonSettings()
    assert (settings.kafka_replication_factor, settings.kafka_min_insync_replicas) == (3, 2)


def test_config_elasticsearch_client_encodes_with_orjson_like_the_json_module() -> None:
    client = Elasticsearch(**CommonSettings().es_options())  # no request is sent
    evidence_id, at = uuid4(), datetime(2026, 11, 30, 9, 15, 2, 123456, tzinfo=UTC)
    document = {
        "text": "Mrs [PERSON] said “fine” ✓",
        "score": 0.9,
        "id": evidence_id,
        "at": at,
        "n": [1, None],
    }
    for mimetype in ("application/json", "application/vnd.elasticsearch+json"):  # requests and responses
        serializer = client.transport.serializers.get_serializer(mimetype)
        assert isinstance(serializer, OrjsonSerializer)
        assert json.loads(serializer.dumps(document)) == {
            **document,
            "id": str(evidence_id),
            "at": at.isoformat(),
        }
        assert serializer.loads(json.dumps(document, default=str).encode()) == json.loads(
            json.dumps(document, default=str)
        )
