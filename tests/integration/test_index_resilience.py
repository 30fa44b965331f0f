"""The index worker survives Elasticsearch outages and SIGKILL: every item indexed, none doubled (counted
by source reference, which a second copy under another id would repeat)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from elasticsearch import Elasticsearch
from factories.groups import group_progress, rewind_group
from factories.index import count, evidence, produce
from factories.waiting import wait_until

from schemas import Topic
from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.kafka import create_producer
from services.index.config import IndexSettings
from services.index.templates import delete_templates
from services.index.worker import Indexer

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `close()` refuses and drops connections, `open()` resumes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy(settings: CommonSettings) -> Iterator[TcpProxy]:
    target = urlparse(settings.es_url)
    tcp_proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 9200)
    tcp_proxy.open()
    yield tcp_proxy
    tcp_proxy.close()


def end_offset(settings: CommonSettings, topic: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**settings.kafka_options())
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    total = sum(consumer.end_offsets(partitions).values())
    consumer.close()
    return total


def test_index_worker_retries_while_es_unreachable_then_indexes_everything_once(
    settings: CommonSettings, es: Elasticsearch, proxy: TcpProxy
) -> None:
    index_settings = IndexSettings(
        topic_prefix=settings.topic_prefix,
        es_index_prefix=settings.es_index_prefix,
        es_url=proxy.url,
        environment="test",
        index_linger_seconds=0.1,
        index_retry_initial_seconds=0.1,
        index_retry_max_seconds=0.5,
    )
    names = Names(settings)
    topic = settings.topic(Topic.EVIDENCE_CLASSIFIED)
    first = [evidence(f"before-{i}") for i in range(40)]
    second = [evidence(f"during-{i}") for i in range(60)]
    producer = create_producer(settings)
    stop = threading.Event()
    indexer = Indexer(index_settings, es=Elasticsearch(hosts=[proxy.url], request_timeout=5, max_retries=0))
    thread = threading.Thread(target=indexer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        produce(producer, topic, first)
        wait_until(lambda: count(es, names.evidence_alias) == 40, what="first 40 documents")
        proxy.close()
        produce(producer, topic, second)
        wait_until(lambda: indexer.stats.retries >= 3, what="retries while ES is unreachable")
        assert thread.is_alive()
        assert count(es, names.evidence_alias) == 40
        proxy.open()
        wait_until(lambda: count(es, names.evidence_alias) == 100, seconds=30, what="all 100 documents")
    finally:
        stop.set()
        thread.join(timeout=30)
        producer.close()
        delete_templates(es, settings)
    assert documents_per_reference(es, names.evidence_alias) == {
        item.source_reference: 1 for item in first + second
    }
    assert indexer.stats.dead_lettered == 0
    assert end_offset(settings, settings.topic(Topic.EVIDENCE_CLASSIFIED_DLQ)) == 0


def start_worker_process(settings: CommonSettings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
        "CARESIGNAL_ENVIRONMENT": "test",
        "CARESIGNAL_INDEX_BATCH_SIZE": "20",
        "CARESIGNAL_INDEX_LINGER_SECONDS": "0",
        "CARESIGNAL_INDEX_SESSION_TIMEOUT_SECONDS": "6",
        "CARESIGNAL_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "services.index"], cwd=REPO, env=env)


def test_index_worker_killed_mid_stream_and_restarted_indexes_everything_once(
    settings: CommonSettings, es: Elasticsearch
) -> None:
    names = Names(settings)
    items = [evidence(f"kill-{i}") for i in range(4000)]
    producer = create_producer(settings)
    produce(producer, settings.topic(Topic.EVIDENCE_CLASSIFIED), items)
    producer.close()
    worker = start_worker_process(settings)
    try:
        wait_until(lambda: count(es, names.evidence_alias) >= 60, seconds=60, what="indexing under way")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        at_kill = count(es, names.evidence_alias)
        assert at_kill < len(items), "the worker finished before it was killed: the test proved nothing"
        group, topics = settings.group_id("index"), [settings.topic(Topic.EVIDENCE_CLASSIFIED)]
        wait_until(
            lambda: rewind_group(settings, group, topics), seconds=30, what="the killed member to leave"
        )
        worker = start_worker_process(
            settings
        )  # redelivers everything indexed before the kill, as after lost commits
        wait_until(
            lambda: all(done >= end for done, end in group_progress(settings, group, topics).values()),
            seconds=90,
            what="every item read again and committed",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            worker.kill()
        delete_templates(es, settings)
    assert documents_per_reference(es, names.evidence_alias) == {item.source_reference: 1 for item in items}


def documents_per_reference(es: Elasticsearch, alias: str) -> dict[str, int]:
    """How many documents hold each source reference, over every index behind the alias."""
    es.indices.refresh(index=alias)
    response = es.search(
        index=alias,
        size=0,
        aggs={"references": {"terms": {"field": "source_reference", "size": 10_000}}},
    )
    return {
        bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["references"]["buckets"]
    }
