"""Integration fixtures: the real Kafka broker and Elasticsearch node started by deploy/ (make up).

Each test gets its own topic prefix and index prefix, creates the catalogue's topics under it,
and removes its topics and indices afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from elasticsearch import Elasticsearch
from factories.prefixed import remove_prefixed
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.common.config import CommonSettings
from services.common.topics import ensure_topics
from services.index.config import IndexSettings
from services.index.worker import Indexer

HINT = "run `make up` (or `caresignal stack up`) first"


@pytest.fixture(scope="session")
def stack_available() -> None:
    """Fail at once, never skip, when an engine is down."""
    base = CommonSettings()
    try:
        admin = KafkaAdminClient(**base.kafka_options(), request_timeout_ms=5000)
        admin.close()
    except KafkaError as error:
        pytest.fail(f"Kafka is not reachable at {base.kafka_bootstrap}: {error}; {HINT}")
    try:
        httpx.get(f"{base.es_url}/_cluster/health", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"Elasticsearch is not reachable at {base.es_url}: {error}; {HINT}")


@pytest.fixture
def settings(stack_available: None, unique_prefix: str) -> Iterator[CommonSettings]:
    """Settings whose topics and indices are private to this test; cleaned up afterwards."""
    test_settings = CommonSettings(
        topic_prefix=unique_prefix, es_index_prefix=unique_prefix, environment="test"
    )
    ensure_topics(test_settings)
    yield test_settings
    remove_prefixed(test_settings)


@pytest.fixture
def es(settings: CommonSettings) -> Iterator[Elasticsearch]:
    client = Elasticsearch(**settings.es_options())
    yield client
    client.close()


@pytest.fixture
def indexer(settings: CommonSettings) -> Iterator[None]:
    """The index worker on this test's prefixes, writing the audit topic into the audit index."""
    index_settings = IndexSettings(
        topic_prefix=settings.topic_prefix,
        es_index_prefix=settings.es_index_prefix,
        environment="test",
        index_linger_seconds=0.1,
    )
    stop = threading.Event()
    thread = threading.Thread(target=Indexer(index_settings).run, args=(stop,), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)
