"""What an alert shows a reader without the sensitive role: restricted items left out and counted."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from schemas import AlertChange, AlertItem, AlertRuleKind, AlertSeverity, AlertStatus
from services.alerts.models import AlertVersionEntry, AlertView
from services.alerts.visibility import WITHHELD_REASON, without

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
REASON = "High-severity call about Oldham Care Home on 2026-11-30 (safeguarding)"


def alert(evidence_ids: list[str]) -> AlertView:
    return AlertView(
        alert_id=str(uuid4()),
        rule_id="severity-1",
        rule_kind=AlertRuleKind.SEVERITY,
        key={"level": "location", "code": "1-000000001"},
        severity=AlertSeverity.HIGH,
        reason=REASON,
        occurred_at=NOW,
        window_start=NOW,
        window_end=NOW,
        counts={"count": float(len(evidence_ids))},
        query={},
        evidence_ids=evidence_ids,
        items=[
            AlertItem(evidence_id=i, occurred_at=NOW, source_type="call_centre", severity_reasons=["abuse"])
            for i in evidence_ids
        ],
        reason_counts={"abuse": len(evidence_ids)},
        status=AlertStatus.OPEN,
        versions=[
            AlertVersionEntry(
                version=1,
                change=AlertChange.RAISED,
                severity=AlertSeverity.HIGH,
                reason=REASON,
                occurred_at=NOW,
            )
        ],
    )


def test_without_leaves_restricted_items_out_and_counts_them() -> None:
    ids = [str(uuid4()) for _ in range(3)]
    shown = without(alert(ids), restricted={ids[1], str(uuid4())})
    assert shown.evidence_ids == [ids[0], ids[2]]
    assert [str(item.evidence_id) for item in shown.items] == [ids[0], ids[2]]
    assert shown.restricted_not_shown == 1
    assert shown.reason == REASON and shown.reason_counts == {"abuse": 3}  # others' items still tell it


def test_without_withholds_the_reason_of_an_alert_raised_by_restricted_items_alone() -> None:
    ids = [str(uuid4())]
    shown = without(alert(ids), restricted=set(ids))
    assert shown.evidence_ids == [] and shown.items == [] and shown.restricted_not_shown == 1
    assert shown.reason == WITHHELD_REASON and shown.reason_counts == {}
    assert [v.reason for v in shown.versions] == [WITHHELD_REASON]


def test_without_keeps_an_alert_with_no_restricted_items_as_it_is() -> None:
    original = alert([str(uuid4()), str(uuid4())])
    assert without(original, restricted={str(uuid4())}) is original
