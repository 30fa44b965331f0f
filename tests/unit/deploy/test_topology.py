"""The local cluster's layout: three of each engine on ports and state dirs of their own, a real quorum."""

from __future__ import annotations

from pathlib import Path

from deploy import topology
from deploy.kafka_broker import KafkaBroker
from deploy.settings import StackSettings


def _ports(layout: topology.Topology) -> set[int]:
    kafka = {port for node in layout.kafka for port in (node.port, node.controller_port)}
    return kafka | {port for node in layout.elasticsearch for port in (node.http_port, node.transport_port)}


def test_topology_cluster_never_shares_ports_or_state_with_the_single_node_stack(tmp_path: Path) -> None:
    settings = StackSettings(state_dir=tmp_path)
    single, cluster = topology.single_node(settings), topology.cluster(settings)
    assert len(_ports(cluster)) == 12
    assert not _ports(cluster) & _ports(single)
    homes = [node.home for node in (*cluster.kafka, *cluster.elasticsearch)]
    assert len(set(homes)) == 6 and all(home.parent == tmp_path.resolve() / "cluster" for home in homes)
    assert not {node.home for node in (*single.kafka, *single.elasticsearch)} & set(homes)


def test_topology_cluster_is_a_three_voter_quorum_replicating_three_with_two_in_sync(tmp_path: Path) -> None:
    cluster = topology.cluster(StackSettings(state_dir=tmp_path))
    voters = {node.voters for node in cluster.kafka}
    assert len(voters) == 1 and len(voters.pop()) == 3
    assert {(node.replication_factor, node.min_insync_replicas) for node in cluster.kafka} == {(3, 2)}
    assert {len(node.seed_transport_ports) for node in cluster.elasticsearch} == {3}
    env = cluster.client_env()
    assert env["CARESIGNAL_KAFKA_BOOTSTRAP"].count(",") == 2 and env["CARESIGNAL_ES_URL"].count(",") == 2
    replication = (env["CARESIGNAL_KAFKA_REPLICATION_FACTOR"], env["CARESIGNAL_KAFKA_MIN_INSYNC_REPLICAS"])
    assert replication == ("3", "2")


def test_topology_cluster_broker_properties_name_every_voter_and_the_replication(tmp_path: Path) -> None:
    settings = StackSettings(state_dir=tmp_path)
    node = topology.cluster(settings).kafka[1]
    broker = KafkaBroker(settings, Path("/nonexistent-jdk"), tmp_path, node)
    broker.home.mkdir(parents=True)
    broker._write_properties()
    properties = dict(
        line.split("=", 1) for line in broker.properties.read_text().splitlines() if "=" in line
    )
    assert properties["node.id"] == "2"
    assert properties["controller.quorum.voters"] == ",".join(
        f"{number}@127.0.0.1:{port}" for number, port in node.voters
    )
    assert properties["min.insync.replicas"] == "2"
    assert properties["offsets.topic.replication.factor"] == "3"
    assert "controller.quorum.bootstrap.servers" not in properties
