"""Re-classification on the real node: searches keep answering with the same counts while 5,000 items are
re-classified and the alias switches; a correction survives; a killed run resumes with nothing missing or
doubled; personal data does not come back; two runs never interleave (a lease)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, evidence, index_directly, once_searchable

from schemas import CorrectionChange, EvidenceClassified, SentimentLabel, Topic
from schemas.reference import local_authorities
from services.classify.analyser import EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.registry import active_model
from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.kafka import read_topic
from services.index import correcting
from services.index.generations import live_months
from services.reclassify.job import Reclassifier
from services.reclassify.lease import LEASE_ID, Holder, Lease, LeaseHeldError, LeaseLostError
from services.reclassify.state import RunStore

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def analyser() -> EvidenceAnalyser:
    return EvidenceAnalyser.load(active_model(ClassifySettings()).path)


SENTENCES = (
    "Staff were kind and caring and always had time for my dad",
    "Medication was late again and nobody wrote down why",
    "The call bell was ignored for an hour while she was in pain",
    "We waited six weeks for a care plan review from the council",
    "The home was clean, the food was good and the garden is lovely",
    "He had a fall at night and the family were not informed until morning",
    "The manager listened to our complaint and changed the rota",
    "Agency staff did not know his dementia needs and he was confused and frightened",
)


def ignore(event: object) -> None:
    """Publishes nothing (these tests write corrections to the index directly)."""


def corpus(count: int, seed: int) -> list[EvidenceClassified]:
    """Items over six months and thirty authorities, labelled by an older model (0.1.0)."""
    rng = random.Random(seed)
    codes = sorted(local_authorities())[:30]
    return [
        evidence(
            f"item-{seed}-{i}",
            text=" ".join(rng.sample(SENTENCES, k=rng.randint(1, 3))),
            la_code=rng.choice(codes),
            occurred_at=BASE_TIME - timedelta(days=rng.randint(0, 180)),
        )
        for i in range(count)
    ]


def count(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index)
    return es.count(index=index)["count"]


class Searcher(threading.Thread):
    """Keeps asking the alias how many items there are, as users' searches would."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        super().__init__(daemon=True)
        self.es, self.alias = es, alias
        self.totals: list[int] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.es.search(index=self.alias, size=0, track_total_hits=True)
                if response["_shards"]["failed"]:  # a partial answer, e.g. from an index deleted under it
                    self.errors.append(f"shard failures: {response['_shards']}")
                self.totals.append(response["hits"]["total"]["value"])
            except Exception as error:  # noqa: BLE001 - every failure is a finding
                self.errors.append(repr(error))


def test_reclassify_5000_items_while_searches_keep_answering_and_a_correction_survives(
    es: Elasticsearch, settings: CommonSettings, analyser: EvidenceAnalyser
) -> None:
    names = Names(settings)
    items = corpus(5000, seed=5)
    private = evidence(
        "person-1",
        text="My mum [PERSON] was left in pain all night and nobody came when she rang the bell",
        statements=["safe.medicines_optimisation"],
        sentiment=SentimentLabel.POSITIVE,
    )
    items.append(private)
    index_directly(es, settings, items)
    change = CorrectionChange(add_quality_statements=["safe.safeguarding"], sentiment=SentimentLabel.NEGATIVE)
    correcting.correct(es, names, ignore, private.evidence_id, change, by="a.khan", via="api")
    before = {month: count(es, m.index) for month, m in live_months(es, names).items()}
    assert sum(before.values()) == 5001

    # Once the first month is copied, an analyst corrects one of its items: the catch-up must carry it over.
    first_month = min(before)
    corrected_late = next(item for item in items if f"{item.occurred_at:%Y.%m}" == first_month)
    progressed: list[int] = []

    def correct_once_the_first_month_is_copied(n: int) -> None:
        progressed.append(n)
        if sum(progressed) == before[first_month]:
            change = CorrectionChange(sentiment=SentimentLabel.MIXED)
            correcting.correct(es, names, ignore, corrected_late.evidence_id, change, by="j.smith", via="api")

    searcher = Searcher(es, names.evidence_alias)
    searcher.start()
    job = Reclassifier(es, names, analyser, batch_size=500)
    started = time.monotonic()
    summary = job.run(job.start_or_resume(), progress=correct_once_the_first_month_is_copied)
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    searcher.stop.set()
    searcher.join(timeout=30)
    print(f"\nre-classified {summary.documents} in {elapsed:.1f}s: {summary.documents_per_second:.0f}/s")

    assert not searcher.errors, searcher.errors[:3]
    # Nothing goes to the classified topic: the alerts worker never sees covered evidence a second time.
    assert list(read_topic(settings, settings.topic(Topic.EVIDENCE_CLASSIFIED))) == []
    assert len(searcher.totals) > 20 and set(searcher.totals) == {5001}  # never empty, never doubled
    after = live_months(es, names)
    assert {m.generation for m in after.values()} == {summary.generation}
    assert {month: count(es, m.index) for month, m in after.items()} == before
    assert (
        es.count(index=names.evidence_alias, query={"term": {"model_version": analyser.model_version}})[
            "count"
        ]
        == 5001
    )

    document = es.get(index=names.evidence_month_name("2025.03"), id=str(private.evidence_id))["_source"]
    assert "safe.safeguarding" in document["quality_statement_ids"]  # the analyst's correction, kept
    assert document["sentiment"]["label"] == "negative"
    assert document["model"]["sentiment"]["label"] != "positive" or document["model_version"] != "0.1.0"
    assert document["model_version"] == analyser.model_version and document["correction"]["by"] == "a.khan"
    assert document["text"] == private.text  # the redacted text, redacted again: nothing comes back
    late = es.get(index=names.evidence_month_name(first_month), id=str(corrected_late.evidence_id))["_source"]
    assert late["sentiment"]["label"] == "mixed" and late["correction"]["by"] == "j.smith"
    assert late["model_version"] == analyser.model_version
    hits = es.search(index=names.evidence_alias, query={"match": {"text": "mum"}})["hits"]["hits"]
    assert all(
        "[PERSON]" in hit["_source"]["text"]
        for hit in hits
        if "person-1" in hit["_source"]["source_reference"]
    )


def reclassify_process(settings: CommonSettings) -> subprocess.Popen:
    env = {
        **os.environ,
        "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
    }
    command = [
        sys.executable,
        "-m",
        "services",
        "reclassify",
        "--batch-size",
        "100",
        "--drain-seconds",
        "1",
        "--json",
    ]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_reclassify_killed_mid_way_resumes_with_nothing_missing_or_doubled(
    es: Elasticsearch, settings: CommonSettings, analyser: EvidenceAnalyser
) -> None:
    names = Names(settings)
    items = corpus(3000, seed=9)
    index_directly(es, settings, items)
    store = RunStore(es, names)
    process = reclassify_process(settings)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # kill it once some batches are in, long before it is done
        run = once_searchable(store.unfinished)  # its index may be new: wait out a shard starting
        if run and 0 < sum(m.copied for m in run.months.values()) < 2000:
            break
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed_at = sum(m.copied for m in store.unfinished().months.values())
    assert 0 < killed_at < 3000

    # Meanwhile the index worker keeps indexing into the old indices.
    late = [evidence(f"late-{i}", occurred_at=items[i].occurred_at) for i in range(25)]
    index_directly(es, settings, late)

    resumed = reclassify_process(settings)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-2000:]
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["documents"] >= 3000

    es.indices.refresh(index=names.evidence_alias)
    total = es.count(index=names.evidence_alias)["count"]
    distinct = es.search(
        index=names.evidence_alias,
        size=0,
        aggs={"ids": {"cardinality": {"field": "evidence_id", "precision_threshold": 40000}}},
    )["aggregations"]["ids"]["value"]
    assert total == distinct == 3025  # every item once: none missing, none doubled
    assert (
        es.count(index=names.evidence_alias, query={"term": {"model_version": analyser.model_version}})[
            "count"
        ]
        == 3025
    )
    assert {m.generation for m in live_months(es, names).values()} == {1}
    assert store.unfinished() is None and store.latest().status == "done"


def test_two_reclassify_runs_started_together_one_runs_and_the_other_stops(
    es: Elasticsearch, settings: CommonSettings, analyser: EvidenceAnalyser
) -> None:
    names = Names(settings)
    index_directly(es, settings, corpus(1500, seed=11))
    first, second = reclassify_process(settings), reclassify_process(settings)
    outcomes = [
        (process.returncode, out, err)
        for process in (first, second)
        for out, err in [process.communicate(timeout=300)]
    ]

    assert sorted(code for code, _, _ in outcomes) == [0, 3], [err[-1500:] for _, _, err in outcomes]
    _, loser_out, loser_err = next(outcome for outcome in outcomes if outcome[0] == 3)
    assert "another reclassify holds the lease" in loser_out + loser_err
    es.indices.refresh(index=names.evidence_alias)
    total = es.count(index=names.evidence_alias)["count"]
    distinct = es.search(
        index=names.evidence_alias, size=0, aggs={"ids": {"cardinality": {"field": "evidence_id"}}}
    )["aggregations"]["ids"]["value"]
    assert total == distinct == 1500
    assert {m.generation for m in live_months(es, names).values()} == {1}
    assert RunStore(es, names).latest().status == "done"
    assert (
        not es.options(ignore_status=404)
        .get(index=names.reclassify_lease_index, id=LEASE_ID)
        .body.get("found")
    )  # released when done


def test_reclassify_lease_is_taken_over_only_when_stale_and_fences_its_old_holder(
    es: Elasticsearch, settings: CommonSettings
) -> None:
    names = Names(settings)
    now = datetime.now(UTC)
    on_a = Lease(es, names, seconds=60, holder=Holder("host-a", 111, "a"), clock=lambda: now)
    on_a.acquire()
    on_b = Lease(es, names, seconds=60, holder=Holder("host-b", 222, "b"), clock=lambda: now)
    with pytest.raises(LeaseHeldError, match="process 111 on host-a"):
        on_b.acquire()
    on_a.renew()  # still ours

    later = Lease(
        es, names, seconds=60, holder=Holder("host-b", 222, "b"), clock=lambda: now + timedelta(seconds=61)
    )
    later.acquire()  # expired: taken over
    with pytest.raises(LeaseLostError):
        on_a.renew()  # the old holder stops before its next write
    on_a.release()  # releases nothing that is not its own
    with pytest.raises(LeaseHeldError, match="process 222 on host-b"):
        Lease(es, names, holder=Holder("host-c", 333, "c")).acquire()

    # On the holder's own host, a holder whose process is gone is taken over at once (a killed run resumes).
    killed = Lease(es, names, holder=Holder("host-b", 444, "d"), alive=lambda pid: pid != 222)
    killed.acquire()
    killed.release()
    free = Lease(es, names, holder=Holder("host-c", 333, "c"))
    free.acquire()  # released: free again
    free.release()
