"""Poll marks: where each CQC API's last complete poll ended."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.ingest.poll_marks import PollMarks


def test_poll_marks_round_trip_per_api_and_none_before_the_first_poll(tmp_path: Path) -> None:
    marks = PollMarks(tmp_path / "state" / "marks.json")
    assert marks.get("https://api.example/v1") is None
    first, second = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, 6, tzinfo=UTC)
    marks.set("https://api.example/v1/", first)
    marks.set("https://other.example", second)
    reread = PollMarks(tmp_path / "state" / "marks.json")
    assert reread.get("https://api.example/v1") == first
    assert reread.get("https://other.example") == second
    assert [path.name for path in (tmp_path / "state").iterdir()] == ["marks.json"]
