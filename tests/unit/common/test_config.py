"""Shared settings: replication of the catalogue topics."""

from __future__ import annotations

import pytest
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
