"""Synthetic long items: deterministic, grouped by fold, labelled by the union of their comments."""

from __future__ import annotations

from services.classify.evaluation.long_items import LENGTH_RANGE, build_long_items
from services.classify.training.data import Record
from services.classify.training.registered import fold_of

LABELS = {"positive": "caring.kindness_compassion_dignity", "negative": "responsive.equity_in_access"}


def corpus(n: int = 400) -> list[Record]:
    records = []
    for i in range(n):
        sentiment = ("positive", "negative", "neutral")[i % 3]
        records.append(
            Record(
                uid=f"v6:{i}",
                text=f"Comment number {i} about the service, which was {sentiment} in every way we noticed",
                corpus="v6",
                group=f"v6:respondent-{i // 2}",
                statements=frozenset({LABELS[sentiment]} if sentiment in LABELS else ()),
                sentiment=sentiment,
            )
        )
    return records


def test_long_items_are_deterministic_and_grouped_by_fold() -> None:
    records = corpus()
    items = build_long_items(records, n_folds=4, per_fold=10, seed=13)
    assert items == build_long_items(records, n_folds=4, per_fold=10, seed=13)
    by_uid = {record.uid: record for record in records}
    for item in items:
        assert {fold_of(by_uid[uid].group, 4) for uid in item.parts} == {item.fold}
        assert item.statements == frozenset().union(*(by_uid[uid].statements for uid in item.parts))
        assert LENGTH_RANGE[0] <= len(item.text) <= LENGTH_RANGE[1] + 200
        assert all(by_uid[uid].text in item.text for uid in item.parts)


def test_long_item_sentiment_follows_its_recipe() -> None:
    records = corpus()
    by_uid = {record.uid: record for record in records}
    items = build_long_items(records, n_folds=2, per_fold=20, seed=5)
    assert {item.sentiment for item in items} == {"positive", "negative", "mixed", "neutral"}
    for item in items:
        parts = [by_uid[uid].sentiment for uid in item.parts]
        if item.sentiment == "mixed":
            assert parts.count("positive") * 3 >= len(parts) and parts.count("negative") * 3 >= len(parts)
        else:
            assert set(parts) == {item.sentiment}
