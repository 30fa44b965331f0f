"""Near-duplicates in the classify worker on the real broker: copies classified by two workers share one
cluster, and a worker started afterwards rebuilds the clusters from the classified topic."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from factories.classify import received
from factories.classify_worker import Drain, body, classify_worker, produce, require_model
from factories.waiting import wait_until

from schemas.common import AreaRef
from schemas.evidence import EvidenceReceived
from services.classify.neardup.evaluation import quoted, reordered, tagged, typos
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration

CLASSIFIED = "evidence.classified.v1"
OLDHAM = AreaRef(place="Oldham")
COMPLAINT = (
    "My mother was left in a soiled bed for hours on the night ward and nobody came when she pressed the "
    "call bell. When we complained the manager told us they were short staffed again. This has to stop."
)
DIFFERENT = (
    "The pharmacy at the hospital closes at five and my father waited two days for his discharge "
    "medicines because nobody could dispense them over the weekend."
)


def copies(count: int, first_reference: int) -> list[EvidenceReceived]:
    """Copies of the complaint with one realistic edit each (seeded), about Oldham."""
    rng = random.Random(first_reference)
    edits = (typos, tagged, reordered, quoted)
    return [
        received(f"nd-{first_reference + n}", text=edits[n % 4](COMPLAINT, rng), area=OLDHAM)
        for n in range(count)
    ]


def references(messages: list[Any]) -> set[str]:
    """The source references classified so far (at-least-once: an item may be published twice)."""
    return {body(message)["source_reference"] for message in messages}


def references_of(*items: EvidenceReceived) -> set[str]:
    return {item.source_reference for item in items}


def test_copies_share_one_cluster_across_two_workers_and_after_a_restart(
    settings: CommonSettings, tmp_path: Path
) -> None:
    require_model()
    first = received("nd-0", text=COMPLAINT, area=OLDHAM)
    burst = copies(20, 1)
    different = received("nd-other", text=DIFFERENT, area=OLDHAM)
    later = copies(1, 100)
    drain = Drain(settings, CLASSIFIED)
    try:
        with (
            classify_worker(settings, tmp_path / "worker-a.log") as one,
            classify_worker(settings, tmp_path / "worker-b.log") as two,
        ):
            workers = (one, two)
            wait_until(
                lambda: [w.metric("caresignal_classify_assigned_partitions") for w in workers].count(3) == 2,
                60,
                "the group to settle with 3 of the 6 partitions on each worker",
            )
            produce(settings, "evidence.received.v1", [(first, str(first.evidence_id))])
            wait_until(
                lambda: all(w.metric("caresignal_classify_neardup_items") == 1 for w in workers),
                30,
                "both workers to hold the first item (one classified it, the other read it back)",
            )
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in burst])
            produce(settings, "evidence.received.v1", [(different, str(different.evidence_id))])
            everything = references_of(first, *burst, different)
            drain.until(lambda got: references(got) >= everything, 60, "the burst classified")
            shares = [w.metric("caresignal_items_processed_total") for w in workers]
        with classify_worker(settings, tmp_path / "worker-c.log") as restarted:
            wait_until(
                lambda: restarted.metric("caresignal_classify_neardup_items") == 22,
                60,
                "the restarted worker to rebuild the clusters from the classified topic",
            )
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in later])
            drain.until(lambda got: references(got) >= references_of(*later), 60, "the later copy classified")
    finally:
        drain.close()
    duplication = {
        body(message)["source_reference"]: body(message)["duplication"] for message in drain.messages
    }
    assert all(share > 0 for share in shares), f"one worker classified everything: {shares}"
    cluster = str(first.evidence_id)
    assert duplication["nd-0"] == {
        "cluster_id": cluster,
        "kind": "original",
        "similarity": 1.0,
        "author": None,
    }
    copied = [duplication[item.source_reference] for item in (*burst, *later)]
    assert [copy["cluster_id"] for copy in copied] == [cluster] * len(copied)
    assert {copy["kind"] for copy in copied} <= {"near", "exact"}
    assert all(0.5 <= copy["similarity"] <= 1.0 for copy in copied)
    assert duplication["nd-other"]["cluster_id"] == str(different.evidence_id)
