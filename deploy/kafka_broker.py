"""A local Apache Kafka node in KRaft mode: combined broker+controller, alone or one of a static quorum."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from deploy import processes
from deploy.engine import Engine
from deploy.errors import StackError
from deploy.settings import StackSettings
from deploy.topology import KafkaNodeSpec

LOG4J_CONFIG = Path(__file__).parent / "kafka" / "log4j2.properties"


class KafkaBroker(Engine):
    def __init__(self, settings: StackSettings, java_home: Path, libs: Path, node: KafkaNodeSpec) -> None:
        self.settings = settings
        self.node = node
        self.name = node.name
        self.java = java_home / "bin" / "java"
        self.classpath = f"{libs}/*"
        self.home = node.home
        self.data_dir = self.home / "data"
        self.pid_file = self.home / "kafka.pid"
        self.log_file = self.home / "kafka.log"
        self.properties = self.home / "server.properties"

    @property
    def standalone(self) -> bool:
        return len(self.node.voters) == 1

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.node.port}"

    @property
    def address(self) -> str:
        return self.bootstrap

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        processes.ensure_ports_free(self.name, [self.node.port, self.node.controller_port])
        self._write_properties()
        if not (self.data_dir / "meta.properties").exists():
            self._format_storage()
        processes.start(
            [
                str(self.java),
                f"-Xms{self.node.heap}",
                f"-Xmx{self.node.heap}",
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
        """True when this broker answers a metadata request that lists every broker of its cluster."""
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
        except KafkaError:
            return False
        try:
            return len(admin.describe_cluster()["brokers"]) >= len(self.node.voters)
        except KafkaError:
            return False
        finally:
            admin.close()

    def _write_properties(self) -> None:
        node = self.node
        if self.standalone:
            quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{node.controller_port}"
        else:
            quorum = "controller.quorum.voters=" + ",".join(
                f"{node_id}@127.0.0.1:{port}" for node_id, port in node.voters
            )
        replicas, insync = node.replication_factor, node.min_insync_replicas
        self.properties.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    f"node.id={node.node_id}",
                    quorum,
                    f"listeners=PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{node.port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={self.data_dir}",
                    "num.partitions=6",
                    "auto.create.topics.enable=false",
                    f"default.replication.factor={replicas}",
                    f"min.insync.replicas={insync}",
                    f"offsets.topic.replication.factor={replicas}",
                    f"transaction.state.log.replication.factor={replicas}",
                    f"transaction.state.log.min.isr={insync}",
                    f"share.coordinator.state.topic.replication.factor={replicas}",
                    f"share.coordinator.state.topic.min.isr={insync}",
                    "group.initial.rebalance.delay.ms=0",
                    "log.retention.check.interval.ms=60000",
                    "",
                ]
            )
        )

    def _cluster_id(self, tool: list[str]) -> str:
        """A new id for a lone broker; for a quorum one id shared by every node (kept beside them)."""
        shared = self.home.parent / "kafka-cluster-id"
        if not self.standalone and shared.exists():
            return shared.read_text().strip()
        result = subprocess.run([*tool, "random-uuid"], capture_output=True, text=True, check=False)
        uuid = result.stdout.strip().splitlines()[-1] if result.returncode == 0 else ""
        if not uuid:
            raise StackError(f"Kafka StorageTool random-uuid failed:\n{result.stderr[-2000:]}")
        if not self.standalone:
            shared.write_text(uuid)
        return uuid

    def _format_storage(self) -> None:
        tool = [str(self.java), "-cp", self.classpath, "kafka.tools.StorageTool"]
        quorum = ["--standalone"] if self.standalone else []
        result = subprocess.run(
            [*tool, "format", *quorum, "-t", self._cluster_id(tool), "-c", str(self.properties)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"Formatting Kafka storage failed:\n{(result.stdout + result.stderr)[-2000:]}")
