"""Flatline: a source that fed an area every window goes silent for a whole window (judged on event time)."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import LEEDS, at, classified

from schemas.alerts import AlertRuleKind
from schemas.evidence import SourceType
from services.alerts.domain import WatermarkTick

RULE = """
rules:
  - id: flat
    kind: flatline
    source_types: [call_centre_note]
    window: 7d
    baseline_windows: 4
    min_per_window: 3
    silence: 28d
"""
WEEK = timedelta(days=7)
START = at("2025-05-05", hour=0)  # a Monday; weeks of 05-05, 05-12, 05-19, 05-26 feed, 06-02 is silent


def notes(weeks: range, per_week: int = 3, area=None):
    return [
        classified(
            occurred_at=START + WEEK * week + timedelta(hours=n),
            source_type=SourceType.CALL_CENTRE_NOTE,
            **({"area": area} if area else {}),
        )
        for week in weeks
        for n in range(per_week)
    ]


def test_flatline_alerts_when_a_fed_source_goes_silent(make_engine) -> None:
    engine = make_engine(RULE)
    assert [a for item in notes(range(4)) for a in engine.run(item)] == []
    assert engine.advance(START + 5 * WEEK - timedelta(hours=1)) == []  # the silent week is not over yet
    [alert] = engine.advance(START + 5 * WEEK + timedelta(hours=1))
    assert alert.rule_kind == AlertRuleKind.FLATLINE
    assert alert.key.source_type == "call_centre_note" and alert.key.code == "E08000004"
    assert alert.window_start == START + 4 * WEEK
    assert alert.reason == (
        "No call centre notes about Oldham in the week of 2025-06-02, "
        "after at least 3 a week (mean 3.0) in each of the 4 weeks before"
    )
    assert alert.query["source_type"] == "call_centre_note"
    assert alert.query["from"] == START.isoformat()


def test_flatline_no_alert_when_the_source_keeps_feeding_or_was_thin(make_engine) -> None:
    engine = make_engine(RULE)
    for item in notes(range(5)) + notes(range(4), per_week=2, area=LEEDS):
        engine.run(item)
    assert engine.advance(START + 5 * WEEK + timedelta(hours=1)) == []


def test_flatline_waits_for_every_classified_partition(make_engine) -> None:
    engine = make_engine(RULE)
    for item in notes(range(4)):
        engine.run(item)
    later = START + 6 * WEEK
    [progress] = engine.judge(WatermarkTick(maxima={0: later, 1: later}), partition=0)
    assert progress.alerts == []  # 2 of 6 partitions reported: no watermark yet


def test_flatline_alerts_once_per_outage(make_engine) -> None:
    engine = make_engine(RULE)
    for item in notes(range(4)):
        engine.run(item)
    assert len(engine.advance(START + 5 * WEEK + timedelta(hours=1))) == 1
    assert engine.advance(START + 5 * WEEK + timedelta(hours=2)) == []
    assert engine.advance(START + 9 * WEEK) == []


def test_flatline_only_judges_keys_of_its_partition(make_engine) -> None:
    engine = make_engine(RULE)
    for item in notes(range(4)):
        engine.run(item, partition=3)
    assert engine.advance(START + 5 * WEEK + timedelta(hours=1), partition=0) == []
    assert len(engine.advance(START + 5 * WEEK + timedelta(hours=1), partition=3)) == 1
