"""Analysts' corrections as training data: the latest correction of each item wins, statements kept or
added are positives, removed ones negatives, and `mixed` is not a sentiment label the model learns."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from factories.corrections import corrected
from factories.index import BASE_TIME, evidence

from schemas import CorrectionChange, SentimentLabel
from services.classify.training.corrections import (
    CORRECTION_CORPUS,
    correction_records,
    latest_per_item,
    read_corrections,
    record_of,
)

ITEM = evidence("hw-1", text="Staff  shouted at my dad", statements=["safe.medicines_optimisation"])
OTHER = evidence("hw-2", text="Lovely garden", sentiment=SentimentLabel.NEGATIVE)
POSITIVE = CorrectionChange(sentiment=SentimentLabel.POSITIVE)
KINDNESS = CorrectionChange(add_quality_statements=["caring.kindness_compassion_dignity"])


def at(minutes: int):  # type: ignore[no-untyped-def]
    return BASE_TIME + timedelta(minutes=minutes)


def test_the_latest_correction_of_each_item_wins_whatever_the_order() -> None:
    first = corrected(ITEM, POSITIVE, at(1))
    second = corrected(ITEM, KINDNESS, at(2), first)
    other = corrected(OTHER, POSITIVE, at(0))
    latest = latest_per_item([second, other, first])
    assert {c.event_id for c in latest} == {second.event_id, other.event_id}
    assert latest == sorted(latest, key=lambda c: str(c.evidence_id))
    (kept,) = [c for c in latest if c.evidence_id == ITEM.evidence_id]
    assert kept.corrected.sentiment is SentimentLabel.POSITIVE  # the latest holds the whole corrected state


def test_a_correction_becomes_a_partially_labelled_record() -> None:
    change = CorrectionChange(
        add_quality_statements=["caring.kindness_compassion_dignity"],
        remove_quality_statements=["safe.medicines_optimisation"],
        sentiment=SentimentLabel.NEGATIVE,
    )
    record = record_of(corrected(ITEM, change, at(1)), weight=3.0)
    assert record.corpus == CORRECTION_CORPUS and record.group == f"correction:{ITEM.evidence_id}"
    assert record.statements == {"caring.kindness_compassion_dignity"}
    assert record.negatives == {"safe.medicines_optimisation"} and not record.complete
    assert record.sentiment == "negative" and record.weight == 3.0
    assert record.text == "Staff shouted at my dad"  # the redacted text, whitespace normalised
    mixed = record_of(corrected(ITEM, CorrectionChange(sentiment=SentimentLabel.MIXED), at(1)), weight=1.0)
    assert mixed.sentiment is None  # a long-item label the sentiment model does not learn


def test_an_exported_file_gives_one_record_per_item(tmp_path: Path) -> None:
    first = corrected(ITEM, POSITIVE, at(1))
    second = corrected(ITEM, CorrectionChange(sentiment=SentimentLabel.NEUTRAL), at(2), first)
    path = tmp_path / "corrections.jsonl"
    path.write_text("".join(c.model_dump_json() + "\n" for c in (second, first)) + "\n")
    assert len(read_corrections(path)) == 2
    (record,) = correction_records(path, weight=2.0)
    assert record.sentiment == "neutral"
