"""CSV export: a header, one row per hit, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from schemas import InspectionFinding, Rating
from services.index.export import COLUMNS, csv_lines
from services.index.models import SearchHit


def _hit(number: int, text: str, inspection: InspectionFinding | None = None) -> SearchHit:
    return SearchHit(
        evidence_id=f"id-{number}",
        score=None,
        occurred_at=datetime(2025, 7, 1, tzinfo=UTC),
        source_type="social_media_comment",
        source_reference=f"ref-{number}",
        text=text,
        highlights=[],
        provider={"location_id": "1-100", "name": "Oakwood"},
        area={"local_authority_code": "E08000004"},
        quality_statement_ids=["safe.safeguarding", "caring.kindness_compassion_dignity"],
        key_questions=["safe", "caring"],
        themes=[],
        sentiment="negative",
        sentiment_method="rating" if inspection else "model",
        inspection=inspection,
        severity="high",
        severity_reasons=["abuse"],
        evidence_category="peoples_experience",
        model_version="1.0.0",
    )


def test_export_writes_every_hit_and_neutralises_formulas() -> None:
    hits = [_hit(1, "Staff were kind,\nbut slow"), _hit(2, '=HYPERLINK("http://x")'), _hit(3, "+1 good")]
    rows = list(csv.reader(io.StringIO("".join(csv_lines(iter(hits))))))
    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == ["id-1", "id-2", "id-3"]
    text = COLUMNS.index("text")
    assert rows[1][text] == "Staff were kind,\nbut slow"
    assert rows[2][text].startswith("'=") and rows[3][text].startswith("'+")
    assert (
        rows[1][COLUMNS.index("quality_statements")] == "safe.safeguarding;caring.kindness_compassion_dignity"
    )


def test_export_gives_an_inspection_results_rating_and_leaves_it_blank_for_soft_intelligence() -> None:
    finding = InspectionFinding(
        rating=Rating.REQUIRES_IMPROVEMENT,
        previous_rating=Rating.GOOD,
        report_date=datetime(2025, 3, 14, tzinfo=UTC),
    )
    rows = list(
        csv.reader(io.StringIO("".join(csv_lines([_hit(1, "Overall: RI", finding), _hit(2, "Kind")]))))
    )
    columns = [
        COLUMNS.index(name) for name in ("sentiment_method", "rating", "previous_rating", "report_date")
    ]
    assert [rows[1][c] for c in columns] == ["rating", "Requires improvement", "Good", "2025-03-14"]
    assert [rows[2][c] for c in columns] == ["model", "", "", ""]


def test_export_gives_each_row_its_cluster_and_similar_copies_when_collapsed() -> None:
    collapsed = _hit(1, "Left in a soiled bed").model_copy(update={"cluster_id": "id-1", "similar": 49})
    every_copy = _hit(2, "Left in a soiled bed").model_copy(update={"cluster_id": "id-1"})
    rows = list(csv.reader(io.StringIO("".join(csv_lines([collapsed, every_copy])))))
    cluster, similar = COLUMNS.index("cluster_id"), COLUMNS.index("similar_items")
    assert [(row[cluster], row[similar]) for row in rows[1:]] == [("id-1", "49"), ("id-1", "")]
