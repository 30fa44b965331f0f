"""The search page's "filter a list" options: every facet of the API, its values in a useful order, counts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schemas import (
    EvidenceCategory,
    EvidenceKind,
    KeyQuestion,
    Rating,
    SentimentLabel,
    SeverityLevel,
    SourceType,
)
from schemas.reference import quality_statements
from services.index.models import FacetBucket
from services.web.formatting import label
from services.web.names import area_name
from services.web.search_state import LIST_FILTERS


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    count: int


@dataclass(frozen=True)
class Facet:
    """One filter: radios for short fixed lists (checkboxes where several values may be chosen), a select
    for long ones."""

    name: str
    legend: str
    control: str  # "radios", "checkboxes" or "select"
    options: tuple[Option, ...] = ()


RADIOS: dict[str, tuple[str, type[StrEnum]]] = {
    "evidence_kind": ("Kind of evidence", EvidenceKind),
    "source_type": ("Source", SourceType),
    "sentiment": ("Sentiment", SentimentLabel),
    "severity": ("Severity", SeverityLevel),
    "key_question": ("Key question", KeyQuestion),
    "evidence_category": ("Evidence category", EvidenceCategory),
}
AREA_SELECTS = {"region": "Region", "icb": "Integrated care board", "local_authority": "Local authority"}


def _fixed(values: list[str], counts: dict[str, int]) -> tuple[Option, ...]:
    return tuple(Option(value, label(value), counts.get(value, 0)) for value in values)


def _ranked(buckets: list[FacetBucket], chosen: str | None, name_of=label) -> tuple[Option, ...]:
    options = [Option(b.value, name_of(b.value), b.count) for b in buckets]
    if chosen and all(option.value != chosen for option in options):
        options.insert(0, Option(chosen, name_of(chosen), 0))
    return tuple(options)


def _by_kind(source_types: dict[str, int]) -> dict[str, int]:
    """Items of each kind of evidence, from the source-type counts (a kind is a set of source types)."""
    kinds: dict[str, int] = {}
    for source, count in source_types.items():
        kind = SourceType(source).kind.value
        kinds[kind] = kinds.get(kind, 0) + count
    return kinds


def facets(counts: dict[str, list[FacetBucket]], values: dict[str, str]) -> list[Facet]:
    """The filters in the order a reviewer narrows by: where, what, how it reads, where it came from."""
    by_value = {name: {b.value: b.count for b in buckets} for name, buckets in counts.items()}
    by_value["evidence_kind"] = _by_kind(by_value.get("source_type", {}))
    result = [
        Facet(name, legend, "select", _ranked(counts.get(name, []), values.get(name), area_name))
        for name, legend in AREA_SELECTS.items()
    ]
    statement_ids = [statement.id for statement in quality_statements()]
    result.append(
        Facet(
            "quality_statement",
            "Quality statement",
            "select",
            _fixed(statement_ids, by_value.get("quality_statement", {})),
        )
    )
    for name, legend in (("theme", "Theme"), ("cross_cutting_theme", "Cross-cutting theme")):
        result.append(Facet(name, legend, "select", _ranked(counts.get(name, []), values.get(name))))
    ratings = by_value.get("rating", {})
    result.append(Facet("rating", "Inspection rating", "select", _fixed([r.value for r in Rating], ratings)))
    for name, (legend, enum) in RADIOS.items():
        control = "checkboxes" if name in LIST_FILTERS else "radios"
        result.append(Facet(name, legend, control, _fixed([m.value for m in enum], by_value.get(name, {}))))
    return result
