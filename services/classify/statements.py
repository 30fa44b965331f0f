"""Statement ids and their key questions, from the reference data bundled with the contracts."""

from __future__ import annotations

from functools import cache

from schemas.common import KeyQuestion
from schemas.reference import quality_statements


@cache
def statement_ids() -> tuple[str, ...]:
    return tuple(s.id for s in quality_statements())


@cache
def key_question_of() -> dict[str, KeyQuestion]:
    return {s.id: KeyQuestion(s.key_question) for s in quality_statements()}
