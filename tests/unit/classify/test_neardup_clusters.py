"""The worker's near-duplicate clusters: per area, idempotent, decisions read back kept as published."""

from __future__ import annotations

from uuid import UUID

from factories.classify import OLDHAM_AREA, received

from schemas.common import AreaRef, Rating
from schemas.evidence import DuplicateKind, Duplication, InspectionFinding, SourceType
from services.classify.neardup.clusters import NearDuplicates
from services.classify.neardup.signature import MinHasher

COMPLAINT = (
    "My mother was left in a soiled bed for hours on the night ward and nobody came when she pressed the "
    "call bell. When we complained the manager told us they were short staffed again."
)
LEEDS_ID = UUID(int=7)
LEEDS = AreaRef(local_authority_code="E08000035", local_authority_name="Leeds")


def clusters() -> NearDuplicates:
    return NearDuplicates(MinHasher(), threshold=0.5, horizon_seconds=90 * 86_400, max_items_per_area=1_000)


def test_copies_in_one_area_share_the_first_items_cluster_and_say_how_close_they_are() -> None:
    held = clusters()
    first = received("c-1", text=COMPLAINT, area=OLDHAM_AREA)
    exact = received("c-2", text=f"{COMPLAINT} #NHS https://t.co/x", area=OLDHAM_AREA)
    near = received(
        "c-3", text=COMPLAINT.replace("soiled", "soilled").replace("again", "as usual"), area=OLDHAM_AREA
    )
    assert held.assign(first) == Duplication(
        cluster_id=first.evidence_id, kind=DuplicateKind.ORIGINAL, similarity=1.0
    )
    assert held.assign(exact) == Duplication(
        cluster_id=first.evidence_id, kind=DuplicateKind.EXACT, similarity=1.0
    )
    copy = held.assign(near)
    assert copy is not None and (copy.cluster_id, copy.kind) == (first.evidence_id, DuplicateKind.NEAR)
    assert 0.5 <= copy.similarity < 1.0


def test_the_same_text_in_another_area_is_a_cluster_of_its_own() -> None:
    held = clusters()
    held.assign(received("a-1", text=COMPLAINT, area=OLDHAM_AREA))
    elsewhere = received("a-2", text=COMPLAINT, area=LEEDS)
    assert held.assign(elsewhere) == Duplication(
        cluster_id=elsewhere.evidence_id, kind=DuplicateKind.ORIGINAL, similarity=1.0
    )


def test_a_redelivered_item_gets_the_answer_it_got_first() -> None:
    held = clusters()
    original = received("r-1", text=COMPLAINT, area=OLDHAM_AREA)
    copy = received("r-2", text=f"RT @someone: {COMPLAINT}", area=OLDHAM_AREA)
    held.assign(original)
    first_answer = held.assign(copy)
    assert held.assign(copy) == first_answer and held.assign(original).kind is DuplicateKind.ORIGINAL
    assert len(held) == 2


def test_an_item_read_back_keeps_the_cluster_it_was_published_with() -> None:
    held = clusters()
    elsewhere = received("b-0", text="A different story entirely about the pharmacy and its opening hours.")
    decided = Duplication(cluster_id=elsewhere.evidence_id, kind=DuplicateKind.NEAR, similarity=0.62)
    item = received("b-1", text=COMPLAINT, area=OLDHAM_AREA)
    held.remember(item, decided)
    held.remember(item, decided)  # read again after a restart: held once
    assert len(held) == 1
    assert held.assign(item) == decided  # the redelivery on this worker repeats the other worker's answer
    later = held.assign(received("b-2", text=COMPLAINT, area=OLDHAM_AREA))
    assert later is not None and later.cluster_id == elsewhere.evidence_id


def test_items_published_before_duplication_existed_are_clustered_when_read_back() -> None:
    held = clusters()
    old = received("o-1", text=COMPLAINT, area=OLDHAM_AREA)
    held.remember(old, None)
    copy = held.assign(received("o-2", text=COMPLAINT, area=OLDHAM_AREA))
    assert copy is not None and copy.cluster_id == old.evidence_id


def test_inspection_results_and_short_texts_are_never_clustered() -> None:
    held = clusters()
    rating = received(
        "i-1",
        text=COMPLAINT,
        source_type=SourceType.INSPECTION_RESULT,
        inspection=InspectionFinding(rating=Rating.GOOD),
    )
    assert held.assign(rating) is None
    assert held.assign(received("s-1", text="Nothing.")) is None
    assert len(held) == 0


def test_items_decided_here_are_known_so_their_read_back_is_skipped() -> None:
    held = clusters()
    mine = received("m-1", text=COMPLAINT, area=OLDHAM_AREA)
    answer = held.assign(mine)
    assert held.decided_here(mine.evidence_id)
    assert not held.decided_here(received("m-2", text=COMPLAINT).evidence_id)
    other = Duplication(cluster_id=LEEDS_ID, kind=DuplicateKind.NEAR, similarity=0.7)
    held.remember(mine, other)  # its own output read back: the decision made here stands
    assert held.assign(mine) == answer and len(held) == 1
