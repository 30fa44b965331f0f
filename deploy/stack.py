"""The local stack: resolve, start, health-check and stop its engine nodes together."""

from __future__ import annotations

import shutil

from deploy import downloads, topology
from deploy.elasticsearch_node import ElasticsearchNode
from deploy.engine import Engine, EngineStatus
from deploy.java import find_java_home
from deploy.kafka_broker import KafkaBroker
from deploy.keycloak_server import KeycloakServer
from deploy.settings import StackSettings

__all__ = ["EngineStatus", "LocalStack"]


class LocalStack:
    """Kafka and Elasticsearch as configured by StackSettings: one node each, or a cluster of three each.

    `engines` is the start order; another engine joins the stack by being added to that list.
    """

    def __init__(self, settings: StackSettings, cluster: bool = False) -> None:
        self.settings = settings
        self.topology = topology.cluster(settings) if cluster else topology.single_node(settings)
        self.java_home = find_java_home(settings.java_home)
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        libs = downloads.kafka_libs(settings.cache_dir, settings.kafka_version, self.java_home)
        es_home = downloads.elasticsearch_home(settings.cache_dir, settings.es_version, self.java_home)
        self.brokers = [KafkaBroker(settings, self.java_home, libs, node) for node in self.topology.kafka]
        self.es_nodes = [
            ElasticsearchNode(settings, self.java_home, es_home, node) for node in self.topology.elasticsearch
        ]
        self.engines: list[Engine] = [*self.brokers, *self.es_nodes]
        self.keycloak: KeycloakServer | None = None
        if settings.keycloak_enabled and not cluster:
            keycloak_java = find_java_home(settings.keycloak_java_home, minimum=21)
            dist = downloads.keycloak_home(settings.cache_dir, settings.keycloak_version, self.java_home)
            self.keycloak = KeycloakServer(settings, keycloak_java, dist)
            self.engines.append(self.keycloak)

    @property
    def kafka(self) -> KafkaBroker:
        """The first broker (the only one of the single-node stack)."""
        return self.brokers[0]

    @property
    def elasticsearch(self) -> ElasticsearchNode:
        """The first Elasticsearch node (the only one of the single-node stack)."""
        return self.es_nodes[0]

    def up(self, reset: bool = False) -> list[EngineStatus]:
        """Start whatever is not running and wait until every node is healthy. Idempotent."""
        if reset:
            self.down()
            for broker in self.brokers:
                shutil.rmtree(broker.home, ignore_errors=True)
            for node in self.es_nodes:
                node.wipe()
            if self.keycloak is not None:
                self.keycloak.wipe()
            (self.kafka.home.parent / "kafka-cluster-id").unlink(missing_ok=True)
        for engine in self.engines:
            # An engine already answering on its port (e.g. started from another checkout) is reused.
            if engine.running_pid() is None and not engine.is_healthy():
                engine.start()
        for engine in self.engines:
            engine.wait_healthy()
        return self.status()

    def down(self) -> list[str]:
        """Stop every node cleanly (Elasticsearch first); returns the names of those that were running."""
        return [engine.name for engine in reversed(self.engines) if engine.stop()]

    def status(self) -> list[EngineStatus]:
        return [engine.status() for engine in self.engines]
