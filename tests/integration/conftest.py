"""Integration fixtures: the real Kafka broker and Elasticsearch node started by deploy/ (make up).

Each test gets its own topic prefix and index prefix, creates the catalogue's topics under it,
and removes its topics and indices afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from deploy.topics import ensure_topics
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration

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


def remove_prefixed(test_settings: CommonSettings) -> None:
    """Delete the topics, indices and templates under the settings' prefixes."""
    prefix = test_settings.topic_prefix
    admin = KafkaAdminClient(**test_settings.kafka_options())
    try:
        mine = [name for name in admin.list_topics() if name.startswith(prefix)]
        if mine:
            with contextlib.suppress(KafkaError):
                admin.delete_topics(mine)
    finally:
        admin.close()
    es = Elasticsearch(**test_settings.es_options())
    prefix = test_settings.es_index_prefix
    with contextlib.suppress(Exception):
        es.indices.delete(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True)
        for template in es.indices.get_index_template(name=f"{prefix}*").get("index_templates", []):
            es.indices.delete_index_template(name=template["name"])
        components = es.cluster.get_component_template(name=f"{prefix}*")
        for component in components.get("component_templates", []):
            es.cluster.delete_component_template(name=component["name"])
    es.close()


@pytest.fixture
def es(settings: CommonSettings) -> Iterator[Elasticsearch]:
    client = Elasticsearch(**settings.es_options())
    yield client
    client.close()
