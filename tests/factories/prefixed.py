"""Clean-up of what a test made under its own topic and index prefixes."""

from __future__ import annotations

import contextlib

from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.common.config import CommonSettings


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
