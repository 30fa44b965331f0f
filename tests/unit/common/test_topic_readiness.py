"""Topic creation returns only once the broker's metadata lists the new topics' partitions."""

from __future__ import annotations

import pytest

from services.common import topics
from services.common.errors import TransientError


class MetadataCatchingUp:
    """An admin client whose metadata lists a topic's partitions only from the third describe on."""

    def __init__(self) -> None:
        self.describes = 0

    def describe_topics(self, names: list[str]) -> list[dict]:
        self.describes += 1
        partitions = [{"partition": n} for n in range(3)] if self.describes >= 3 else []
        return [{"name": name, "partitions": partitions} for name in names]


def test_wait_until_described_returns_once_every_partition_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "READY_POLL_SECONDS", 0)
    admin = MetadataCatchingUp()
    topics.wait_until_described(admin, {"evidence.received.v1": 3})  # type: ignore[arg-type]
    assert admin.describes == 3


def test_wait_until_described_gives_up_with_a_transient_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "READY_POLL_SECONDS", 0)
    monkeypatch.setattr(topics, "READY_TIMEOUT_SECONDS", 0)
    with pytest.raises(TransientError, match="evidence.received.v1"):
        topics.wait_until_described(MetadataCatchingUp(), {"evidence.received.v1": 6})  # type: ignore[arg-type]


def test_wait_until_described_asks_nothing_when_nothing_was_created() -> None:
    admin = MetadataCatchingUp()
    topics.wait_until_described(admin, {})  # type: ignore[arg-type]
    assert admin.describes == 0
