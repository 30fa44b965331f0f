"""Generations of the monthly evidence indices, and the atomic switch from one generation to the next.

Searches read the alias `evidence`; the index worker writes each item to its month's name
`evidence-v1-YYYY.MM`. At first that name is a concrete index. A re-classification writes the next
generation `evidence-v1-gen<N>-YYYY.MM` beside it (no alias yet, so searches never see both), then moves
the `evidence` alias of every month to the new indices in one `_aliases` request: searches see the old
documents or the new ones, never neither and never both. After a drain period (searches already running on
the old indices finish), a second request deletes the old indices and makes each month's write name an
alias of its new index; the worker writes there from then on (its writes refused meanwhile by the old
indices' write block are retried).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from services.common.indices import EVIDENCE_GENERATION_PREFIX, MAY_BE_EMPTY, UNRESTRICTED_FILTER, Names

MONTH = re.compile(r"(\d{4}\.\d{2})$")
GENERATION = re.compile(r"gen(\d+)-\d{4}\.\d{2}$")


@dataclass(frozen=True)
class MonthIndex:
    month: str  # 'YYYY.MM'
    index: str  # the concrete index behind the month's name
    generation: int  # 0 for a month's first index


def live_months(es: Elasticsearch, names: Names) -> dict[str, MonthIndex]:
    """The concrete index of each month that searches read now (behind the `evidence` alias)."""
    found = es.options(ignore_status=404).indices.get_alias(name=names.evidence_alias)
    months: dict[str, MonthIndex] = {}
    for index in found.body if found.meta.status == 200 else {}:
        month = MONTH.search(index)
        if month:
            generation = GENERATION.search(index)
            months[month.group(1)] = MonthIndex(
                month.group(1), index, int(generation.group(1)) if generation else 0
            )
    return dict(sorted(months.items()))


def next_generation(es: Elasticsearch, names: Names) -> int:
    """One above every generation that exists, live or left by an unfinished run."""
    pattern = names.settings.index(f"{EVIDENCE_GENERATION_PREFIX}*")
    found = es.indices.get(index=pattern, **MAY_BE_EMPTY)
    generations = [int(m.group(1)) for index in found if (m := GENERATION.search(index))]
    live = [month.generation for month in live_months(es, names).values()]
    return max([0, *generations, *live]) + 1


def create_generation_index(es: Elasticsearch, index: str) -> None:
    """The generation template gives it the evidence mappings and no alias."""
    if not es.indices.exists(index=index):
        es.options(ignore_status=400).indices.create(index=index)  # 400: made by a concurrent start


def block_writes(es: Elasticsearch, index: str) -> None:
    """Refuse writes (the index worker retries them) while the last changes are carried over."""
    es.indices.add_block(index=index, block="write")


def read_switch_actions(names: Names, months: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """`_aliases` actions giving each (month, old index, new index) pair's `evidence` alias to the new one,
    and its month's write name when that is an alias already (from an earlier re-classification)."""
    actions: list[dict[str, Any]] = []
    unrestricted = names.evidence_unrestricted_alias  # the same filtered view on the new index
    for month, old, new in months:
        actions += [
            {"remove": {"index": old, "alias": names.evidence_alias, "must_exist": False}},
            {"add": {"index": new, "alias": names.evidence_alias}},
            {"remove": {"index": old, "alias": unrestricted, "must_exist": False}},
            {"add": {"index": new, "alias": unrestricted, "filter": UNRESTRICTED_FILTER}},
        ]
        if old != names.evidence_month_name(month):
            actions += [
                {"remove": {"index": old, "alias": names.evidence_month_name(month), "must_exist": False}},
                {"add": {"index": new, "alias": names.evidence_month_name(month), "is_write_index": True}},
            ]
    return actions


def retire_actions(names: Names, months: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """`_aliases` actions deleting each old index; where the old index bears the month's write name, that
    name becomes an alias of the new one in the same step."""
    actions: list[dict[str, Any]] = []
    for month, old, new in months:
        actions.append({"remove_index": {"index": old}})
        if old == names.evidence_month_name(month):
            actions.append(
                {"add": {"index": new, "alias": names.evidence_month_name(month), "is_write_index": True}}
            )
    return actions


def switch(es: Elasticsearch, names: Names, months: list[tuple[str, str, str]], drain_seconds: float) -> None:
    """Searches move to the new indices in one request; `drain_seconds` later (searches that began on the
    old indices have ended), the old indices go and the month names point at the new ones."""
    if not months:
        return
    es.indices.update_aliases(actions=read_switch_actions(names, months))
    time.sleep(drain_seconds)
    es.indices.update_aliases(actions=retire_actions(names, months))
