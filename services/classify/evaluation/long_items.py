"""Synthetic long items: labelled v6 comments concatenated into stories of 1,000-3,000 characters.

Each item is made from comments of one cross-validation fold only (folds are grouped by respondent, as in
training), so the fold-k models that score it never saw any of its comments. The truth is the union of
the comments' quality statements; the sentiment is the item's recipe: `positive` (positive comments only),
`negative` (negative only), `mixed` (both, each at least a third of the comments) or `neutral` (neutral
only). Comments shorter than MIN_COMMENT_CHARS are left out, so an item has a handful to a dozen parts,
like the paragraphs of a story. The same data and seed give the same items.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from services.classify.training.data import Record
from services.classify.training.registered import fold_of

MIN_COMMENT_CHARS = 60
LENGTH_RANGE = (1000, 3000)
RECIPES: tuple[tuple[str, float], ...] = (
    ("positive", 0.3),
    ("negative", 0.3),
    ("mixed", 0.3),
    ("neutral", 0.1),
)


@dataclass(frozen=True)
class LongItem:
    uid: str
    fold: int
    text: str
    statements: frozenset[str]
    sentiment: str
    parts: tuple[str, ...]  # uids of the comments it is made of


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def _draw(pools: dict[str, list[Record]], recipe: str, rng: random.Random) -> list[Record]:
    target = rng.randint(*LENGTH_RANGE)
    if recipe == "mixed":
        order = ["positive", "negative"]
        rng.shuffle(order)
    else:
        order = [recipe]
    parts: list[Record] = []
    length = 0
    while length < target or (recipe == "mixed" and len(parts) < 3):
        pool = pools[order[len(parts) % len(order)]]
        record = pool[rng.randrange(len(pool))]
        if any(record.uid == part.uid for part in parts):
            if len(parts) >= len(pool):
                break
            continue
        if length + len(record.text) > LENGTH_RANGE[1] and length >= LENGTH_RANGE[0]:
            break
        parts.append(record)
        length += len(record.text) + 1
    rng.shuffle(parts)
    return parts


def build_long_items(
    records: Sequence[Record], n_folds: int, per_fold: int = 100, seed: int = 13
) -> list[LongItem]:
    """`per_fold` items from the comments of each fold (labelled v6 records with a sentiment)."""
    rng = random.Random(seed)
    items: list[LongItem] = []
    for fold in range(n_folds):
        usable = [
            r
            for r in records
            if r.sentiment and len(r.text) >= MIN_COMMENT_CHARS and fold_of(r.group, n_folds) == fold
        ]
        pools = {
            label: [r for r in usable if r.sentiment == label]
            for label in ("positive", "neutral", "negative")
        }
        if not all(pools.values()):
            continue
        recipes = [name for name, share in RECIPES for _ in range(round(share * per_fold))]
        for index, recipe in enumerate(recipes[:per_fold]):
            parts = _draw(pools, recipe, rng)
            items.append(
                LongItem(
                    uid=f"long:{fold}:{index}",
                    fold=fold,
                    text=" ".join(_sentence(part.text) for part in parts),
                    statements=frozenset().union(*(part.statements for part in parts)),
                    sentiment=recipe,
                    parts=tuple(part.uid for part in parts),
                )
            )
    return items
