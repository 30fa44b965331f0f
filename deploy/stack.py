"""The local stack: resolve, start, health-check and stop Kafka and Elasticsearch together."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from deploy import downloads
from deploy.elasticsearch_node import ElasticsearchNode
from deploy.java import find_java_home
from deploy.kafka_broker import KafkaBroker
from deploy.settings import StackSettings


@dataclass(frozen=True)
class EngineStatus:
    name: str
    address: str
    pid: int | None
    healthy: bool
    log_file: str


class LocalStack:
    """Both engines, as configured by StackSettings."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.java_home = find_java_home(settings.java_home)
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        self.kafka = KafkaBroker(
            settings,
            self.java_home,
            downloads.kafka_libs(settings.cache_dir, settings.kafka_version, self.java_home),
        )
        self.elasticsearch = ElasticsearchNode(
            settings,
            self.java_home,
            downloads.elasticsearch_home(settings.cache_dir, settings.es_version, self.java_home),
        )

    def up(self, reset: bool = False) -> list[EngineStatus]:
        """Start whatever is not running and wait until both engines are healthy. Idempotent."""
        if reset:
            self.down()
            shutil.rmtree(self.kafka.home, ignore_errors=True)
            self.elasticsearch.wipe()
        engines = (self.kafka, self.elasticsearch)
        for engine in engines:
            # An engine already answering on its port (e.g. started from another checkout) is reused.
            if engine.running_pid() is None and not engine.is_healthy():
                engine.start()
        for engine in engines:
            engine.wait_healthy()
        return self.status()

    def down(self) -> list[str]:
        """Stop both engines cleanly; returns the names of those that were running."""
        return [engine.name for engine in (self.elasticsearch, self.kafka) if engine.stop()]

    def status(self) -> list[EngineStatus]:
        return [
            EngineStatus(
                "Kafka",
                self.kafka.bootstrap,
                self.kafka.running_pid(),
                self.kafka.is_healthy(),
                str(self.kafka.log_file),
            ),
            EngineStatus(
                "Elasticsearch",
                self.elasticsearch.url,
                self.elasticsearch.running_pid(),
                self.elasticsearch.is_healthy(),
                str(self.elasticsearch.log_file),
            ),
        ]
