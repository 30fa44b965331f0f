"""A review pack is an export: what its audit event records (the area, the period, what it quoted)."""

from __future__ import annotations

from fastapi import Request

from services.common.audit import note_covered, note_results
from services.report.models import AreaPack


def note_export(request: Request, pack: AreaPack) -> None:
    """The pack's audit record: its area and period, the items it quotes and the alerts it lists."""
    note_covered(
        request,
        {
            "area": pack.area.code,
            "area_level": pack.area.level,
            "date_from": pack.period.date_from.isoformat(),
            "date_to": pack.period.date_to.isoformat(),
        },
    )
    quoted = [
        quote.evidence_id
        for question in pack.statements.key_questions
        for row in question.statements
        for quote in row.quotes
    ]
    note_results(request, [*quoted, *(alert.alert_id for alert in pack.alerts.alerts)], pack.summary.total)
