"""Which engine nodes a local stack runs: one Kafka broker and one Elasticsearch node, or a cluster of
three of each (KRaft quorum of combined broker+controller nodes; Elasticsearch with one replica per shard)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deploy.settings import StackSettings

CLUSTER_SIZE = 3


@dataclass(frozen=True)
class KafkaNodeSpec:
    node_id: int
    port: int
    controller_port: int
    home: Path
    heap: str
    voters: tuple[tuple[int, int], ...]  # (node id, controller port) of every controller of the quorum
    replication_factor: int  # of the internal topics (offsets, transactions)
    min_insync_replicas: int

    @property
    def name(self) -> str:
        return "Kafka" if len(self.voters) == 1 else f"Kafka {self.node_id}"


@dataclass(frozen=True)
class ElasticsearchNodeSpec:
    node_name: str
    cluster_name: str
    http_port: int
    transport_port: int
    home: Path
    pid_file: Path
    heap: str
    seed_transport_ports: tuple[int, ...]  # every master-eligible node of the cluster

    @property
    def name(self) -> str:
        return "Elasticsearch" if len(self.seed_transport_ports) == 1 else f"Elasticsearch {self.node_name}"


@dataclass(frozen=True)
class Topology:
    kafka: tuple[KafkaNodeSpec, ...]
    elasticsearch: tuple[ElasticsearchNodeSpec, ...]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.kafka)

    @property
    def es_url(self) -> str:
        return ",".join(f"http://127.0.0.1:{node.http_port}" for node in self.elasticsearch)

    def client_env(self) -> dict[str, str]:
        """The CARESIGNAL_* variables that point services and tests at these engines."""
        replicas = min(len(self.kafka), 3)
        return {
            "CARESIGNAL_KAFKA_BOOTSTRAP": self.bootstrap,
            "CARESIGNAL_ES_URL": self.es_url,
            "CARESIGNAL_KAFKA_REPLICATION_FACTOR": str(replicas),
            "CARESIGNAL_KAFKA_MIN_INSYNC_REPLICAS": str(self.kafka[0].min_insync_replicas),
        }


def single_node(settings: StackSettings) -> Topology:
    """The default stack: one broker on kafka_port, one node on es_port, state under state_dir."""
    kafka = KafkaNodeSpec(
        node_id=1,
        port=settings.kafka_port,
        controller_port=settings.kafka_controller_port,
        home=settings.service_state_dir("kafka").resolve(),
        heap=settings.kafka_heap,
        voters=((1, settings.kafka_controller_port),),
        replication_factor=1,
        min_insync_replicas=1,
    )
    elasticsearch = ElasticsearchNodeSpec(
        node_name="caresignal-local-1",
        cluster_name="caresignal-local",
        http_port=settings.es_port,
        transport_port=settings.es_transport_port,
        home=settings.service_state_dir("elasticsearch").resolve(),
        pid_file=settings.state_dir.resolve() / "elasticsearch.pid",
        heap=settings.es_heap,
        seed_transport_ports=(settings.es_transport_port,),
    )
    return Topology((kafka,), (elasticsearch,))


def cluster(settings: StackSettings) -> Topology:
    """Three brokers and three Elasticsearch nodes on their own ports, state under state_dir/cluster."""
    root = settings.state_dir.resolve() / "cluster"
    numbers = range(1, CLUSTER_SIZE + 1)
    controller = {n: settings.cluster_kafka_port + 2 * (n - 1) + 1 for n in numbers}
    transport = {n: settings.cluster_es_transport_port + n - 1 for n in numbers}
    kafka = tuple(
        KafkaNodeSpec(
            node_id=n,
            port=settings.cluster_kafka_port + 2 * (n - 1),
            controller_port=controller[n],
            home=root / f"kafka-{n}",
            heap=settings.cluster_kafka_heap,
            voters=tuple(controller.items()),
            replication_factor=CLUSTER_SIZE,
            min_insync_replicas=2,
        )
        for n in numbers
    )
    elasticsearch = tuple(
        ElasticsearchNodeSpec(
            node_name=f"caresignal-cluster-{n}",
            cluster_name="caresignal-cluster",
            http_port=settings.cluster_es_port + n - 1,
            transport_port=transport[n],
            home=root / f"elasticsearch-{n}",
            pid_file=root / f"elasticsearch-{n}.pid",
            heap=settings.cluster_es_heap,
            seed_transport_ports=tuple(transport.values()),
        )
        for n in numbers
    )
    return Topology(kafka, elasticsearch)
