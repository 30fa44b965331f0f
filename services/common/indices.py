"""The index catalogue: every Elasticsearch index, alias and template name, and the alert lifecycle fields.

Like the topic catalogue in `schemas/topics.py`, names go through `settings.index()`, so a test
prefix isolates everything. The index service writes these indices; the alerts service updates an
alert's lifecycle fields in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas import AlertStatus, AlertStatusChanged
from services.common.config import CommonSettings

# Indices written by exact name (evidence indices are monthly and created on first write).
FIXED_INDICES = {
    "locations": "locations-v1",
    "alerts": "alerts-v1",
    "alert_status": "alert-status-v1",
    "alert_versions": "alert-versions-v1",
    "corrections": "corrections-v1",
    "correction_history": "correction-history-v1",
    "audit": "audit-v1",
}
EVIDENCE_INDEX_PREFIX = "evidence-v1-"
EVIDENCE_GENERATION_PREFIX = "evidence-v1-gen"  # + "<n>-YYYY.MM": no template alias until switched
# Items restricted to the sensitive role; the `evidence-unrestricted` alias filters them out.
RESTRICTED_FILTER: dict[str, Any] = {"term": {"restriction.restricted": True}}
UNRESTRICTED_FILTER: dict[str, Any] = {"bool": {"must_not": [RESTRICTED_FILTER]}}
# Options of a read: an alias or pattern with no index behind it yet (nothing written) reads as empty.
MAY_BE_EMPTY: dict[str, bool] = {"ignore_unavailable": True, "allow_no_indices": True}


@dataclass(frozen=True)
class Names:
    """Prefixed names of every index, alias and template. `include_restricted`: whether queries read
    restricted items (`evidence_read_alias`); the HTTP app sets it from the caller's role."""

    settings: CommonSettings
    include_restricted: bool = True

    def component(self, name: str) -> str:
        return self.settings.index(f"caresignal-{name}")

    def template(self, name: str) -> str:
        return self.settings.index(f"caresignal-{name}")

    @property
    def evidence_alias(self) -> str:
        return self.settings.index("evidence")

    @property
    def evidence_unrestricted_alias(self) -> str:
        """The evidence alias filtered to items not restricted to the sensitive role."""
        return self.settings.index("evidence-unrestricted")

    @property
    def evidence_read_alias(self) -> str:
        """What queries read: every item, or only unrestricted ones."""
        return self.evidence_alias if self.include_restricted else self.evidence_unrestricted_alias

    def evidence_index(self, year: int, month: int) -> str:
        """The month's write name: a concrete index, or after a re-classification an alias to one."""
        return self.settings.index(f"{EVIDENCE_INDEX_PREFIX}{year:04d}.{month:02d}")

    def evidence_month_name(self, month: str) -> str:
        """`evidence_index` for a month written 'YYYY.MM'."""
        return self.settings.index(f"{EVIDENCE_INDEX_PREFIX}{month}")

    def evidence_generation_index(self, generation: int, month: str) -> str:
        """A concrete monthly index made by re-classification number `generation` (month 'YYYY.MM')."""
        return self.settings.index(f"{EVIDENCE_GENERATION_PREFIX}{generation}-{month}")

    @property
    def reclassify_runs_index(self) -> str:
        return self.settings.index("reclassify-runs-v1")

    @property
    def audit_index(self) -> str:
        """The audit trail, append-only (id: the event id)."""
        return self.settings.index(FIXED_INDICES["audit"])

    @property
    def audit_alias(self) -> str:
        return self.settings.index("audit")

    @property
    def api_keys_index(self) -> str:
        """Hashed API keys made by `caresignal api-keys` (id: the key's SHA-256)."""
        return self.settings.index("api-keys-v1")

    @property
    def reclassify_lease_index(self) -> str:
        """One document: which `caresignal reclassify` may run now (`services/reclassify/lease.py`)."""
        return self.settings.index("reclassify-lease-v1")

    @property
    def locations_index(self) -> str:
        return self.settings.index(FIXED_INDICES["locations"])

    @property
    def locations_alias(self) -> str:
        return self.settings.index("locations")

    @property
    def alerts_index(self) -> str:
        return self.settings.index(FIXED_INDICES["alerts"])

    @property
    def alerts_alias(self) -> str:
        return self.settings.index("alerts")

    @property
    def alert_status_index(self) -> str:
        return self.settings.index(FIXED_INDICES["alert_status"])

    @property
    def alert_status_alias(self) -> str:
        return self.settings.index("alert-status")

    @property
    def alert_versions_index(self) -> str:
        return self.settings.index(FIXED_INDICES["alert_versions"])

    @property
    def alert_versions_alias(self) -> str:
        return self.settings.index("alert-versions")

    @property
    def corrections_index(self) -> str:
        """The latest correction of each item (id: evidence id)."""
        return self.settings.index(FIXED_INDICES["corrections"])

    @property
    def correction_history_index(self) -> str:
        return self.settings.index(FIXED_INDICES["correction_history"])

    @property
    def correction_history_alias(self) -> str:
        return self.settings.index("correction-history")


LIFECYCLE_STEPS = (AlertStatus.CLOSED, AlertStatus.ACKNOWLEDGED)  # furthest first
STEP_FIELDS = ("by", "note", "at")


def lifecycle_fields(event: AlertStatusChanged) -> dict[str, Any]:
    """The fields of an alert document that this change sets: its own step's (`acknowledged_*` or
    `closed_*`), never another's. Applied in any order or again, the alert ends in the same state: the
    status is read from which steps happened (see services/alerts/lifecycle.py), so a person's change
    never moves it back; only a reopened version (its condition came back) makes it open again."""
    step = event.status.value
    return {f"{step}_by": event.by, f"{step}_note": event.note, f"{step}_at": event.at.isoformat()}


def cleared_step_fields(*steps: AlertStatus) -> dict[str, None]:
    """The fields that undo these lifecycle steps on an alert document (the status history keeps them):
    a new version of an alert someone closed clears `closed_*`, a reopened one clears every step."""
    return {f"{step.value}_{field}": None for step in steps for field in STEP_FIELDS}
