"""Reference data bundled with the contracts: quality statements and ONS area lookups."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files
from typing import NamedTuple


class QualityStatement(NamedTuple):
    id: str
    key_question: str
    title: str


class LocalAuthority(NamedTuple):
    code: str
    name: str
    region_code: str
    region_name: str
    icb_code: str
    icb_name: str


def _rows(name: str) -> list[dict[str, str]]:
    with files("schemas.reference_data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def quality_statements() -> tuple[QualityStatement, ...]:
    """The 34 quality statements in framework order."""
    return tuple(
        QualityStatement(row["id"], row["key_question"], row["title"])
        for row in _rows("quality_statements.csv")
    )


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    """The 153 councils CQC assesses, by ONS code (majority ICB)."""
    return {
        row["utla23_code"]: LocalAuthority(
            row["utla23_code"],
            row["utla23_name"],
            row["region24_code"],
            row["region24_name"],
            row["majority_icb24_code"],
            row["majority_icb24_name"],
        )
        for row in _rows("utla23_england_social_care_authorities.csv")
    }


@cache
def district_rows() -> tuple[dict[str, str], ...]:
    """District → ICB → region → upper-tier authority rows (one per district–ICB pair)."""
    return tuple(_rows("lad24_to_icb24_region24_utla23_england.csv"))
