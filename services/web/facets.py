"""The search page's "filter a list" options: every facet of the API, its values in a useful order, counts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schemas import EvidenceCategory, KeyQuestion, SentimentLabel, SeverityLevel, SourceType
from schemas.reference import quality_statements
from services.index.models import FacetBucket
from services.web.formatting import label
from services.web.names import area_name


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    count: int


@dataclass(frozen=True)
class Facet:
    """One filter: radios for short fixed lists, a select for long ones, a text box for identifiers."""

    name: str
    legend: str
    control: str  # "radios", "select" or "text"
    options: tuple[Option, ...] = ()


RADIOS: dict[str, tuple[str, type[StrEnum]]] = {
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


def facets(counts: dict[str, list[FacetBucket]], values: dict[str, str]) -> list[Facet]:
    """The filters in the order a reviewer narrows by: where, what, how it reads, where it came from."""
    by_value = {name: {b.value: b.count for b in buckets} for name, buckets in counts.items()}
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
    for name, (legend, enum) in RADIOS.items():
        result.append(Facet(name, legend, "radios", _fixed([m.value for m in enum], by_value.get(name, {}))))
    return result
