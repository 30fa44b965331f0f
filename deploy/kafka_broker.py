"""The local Apache Kafka broker: one combined broker+controller in KRaft mode."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from deploy import processes
from deploy.engine import Engine
from deploy.errors import StackError
from deploy.settings import StackSettings

LOG4J_CONFIG = Path(__file__).parent / "kafka" / "log4j2.properties"


class KafkaBroker(Engine):
    name = "Kafka"

    def __init__(self, settings: StackSettings, java_home: Path, libs: Path) -> None:
        self.settings = settings
        self.java = java_home / "bin" / "java"
        self.classpath = f"{libs}/*"
        self.home = settings.service_state_dir("kafka").resolve()
        self.data_dir = self.home / "data"
        self.pid_file = self.home / "kafka.pid"
        self.log_file = self.home / "kafka.log"
        self.properties = self.home / "server.properties"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.settings.kafka_port}"

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        processes.ensure_ports_free(
            self.name, [self.settings.kafka_port, self.settings.kafka_controller_port]
        )
        self._write_properties()
        if not (self.data_dir / "meta.properties").exists():
            self._format_storage()
        processes.start(
            [
                str(self.java),
                f"-Xms{self.settings.kafka_heap}",
                f"-Xmx{self.settings.kafka_heap}",
                f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
                "-cp",
                self.classpath,
                "kafka.Kafka",
                str(self.properties),
            ],
            pid_file=self.pid_file,
            log_file=self.log_file,
            env={"PATH": "/usr/bin:/bin"},
            cwd=self.home,
        )

    def is_healthy(self) -> bool:
        """True when the broker answers a metadata request."""
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
        except KafkaError:
            return False
        try:
            admin.describe_cluster()
            return True
        except KafkaError:
            return False
        finally:
            admin.close()

    def _write_properties(self) -> None:
        port, controller = self.settings.kafka_port, self.settings.kafka_controller_port
        self.properties.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.bootstrap.servers=127.0.0.1:{controller}",
                    f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={self.data_dir}",
                    "num.partitions=6",
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "log.retention.check.interval.ms=60000",
                    "",
                ]
            )
        )

    def _format_storage(self) -> None:
        tool = [str(self.java), "-cp", self.classpath, "kafka.tools.StorageTool"]
        cluster_id = subprocess.run([*tool, "random-uuid"], capture_output=True, text=True, check=False)
        uuid = cluster_id.stdout.strip().splitlines()[-1] if cluster_id.returncode == 0 else ""
        if not uuid:
            raise StackError(f"Kafka StorageTool random-uuid failed:\n{cluster_id.stderr[-2000:]}")
        result = subprocess.run(
            [*tool, "format", "--standalone", "-t", uuid, "-c", str(self.properties)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"Formatting Kafka storage failed:\n{(result.stdout + result.stderr)[-2000:]}")
