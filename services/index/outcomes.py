"""Classify Elasticsearch bulk item results: done, superseded, rejected (poison) or transient."""

from __future__ import annotations

from enum import Enum
from typing import Any


class Outcome(Enum):
    DONE = "done"
    SUPERSEDED = "superseded"  # 409: a newer version is already indexed
    REJECTED = "rejected"  # the document is malformed: dead-letter it
    TRANSIENT = "transient"  # Elasticsearch is overloaded or unavailable: retry

    @property
    def final(self) -> bool:
        return self is not Outcome.TRANSIENT


TRANSIENT_STATUSES = {408, 429}


def is_transient_status(status: int) -> bool:
    """Overload or unavailability (retry), as opposed to a request Elasticsearch will never accept."""
    return status in TRANSIENT_STATUSES or status >= 500


def classify_item(ok: bool, item: dict[str, Any]) -> tuple[Outcome, str | None]:
    """Outcome of one streaming_bulk item, with Elasticsearch's reason when it failed."""
    if ok:
        return Outcome.DONE, None
    result = next(iter(item.values()))
    status = int(result.get("status", 500))
    reason = describe_error(result.get("error"))
    error = result.get("error")
    error_type = error.get("type") if isinstance(error, dict) else None
    if status == 409 or error_type == "document_missing_exception":
        return Outcome.SUPERSEDED, reason  # newer already indexed / a correction of an item not indexed yet
    if is_transient_status(status) or error_type == "cluster_block_exception":
        return Outcome.TRANSIENT, reason  # a write block lasts while `reclassify` switches indices
    return Outcome.REJECTED, reason


def describe_error(error: Any) -> str:
    """'type: reason (caused by: type: reason)' from an item error (dict, or str for whole requests)."""
    if not isinstance(error, dict):
        return str(error)
    text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    cause = error.get("caused_by")
    if isinstance(cause, dict):
        text += f" (caused by: {describe_error(cause)})"
    return text


def worst(outcomes: list[Outcome]) -> Outcome:
    """One message's outcome from its actions' outcomes: transient beats rejected beats done."""
    for outcome in (Outcome.TRANSIENT, Outcome.REJECTED):
        if outcome in outcomes:
            return outcome
    return Outcome.DONE
