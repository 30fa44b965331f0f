"""The review pack's builder on hand-made inputs: every section's numbers come from its inputs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from schemas import SentimentLabel, SourceType
from services.alerts.models import AlertView
from services.index.models import (
    AreaInfo,
    AreaProfile,
    ComparisonSet,
    CountBySentiment,
    EmergingTerms,
    FacetBucket,
    InspectionResults,
    MonthCount,
    PerCapacity,
    Period,
    ProviderCount,
    RatingChange,
    RatingChanges,
    SoftIntelligence,
    Trend,
)
from services.report.models import Comparator
from services.report.pack import Counts, PackInputs, area_pack, trend
from services.report.quotes import Candidate, near_duplicate, representative, typical_sentiment

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
PERIOD = Period(date_from=START, date_to=END)
BEFORE = Period(date_from=datetime(2024, 1, 1, tzinfo=UTC), date_to=START)
OLDHAM = AreaInfo(code="E08000004", name="Oldham", level="local_authority")


def month(name: str, total: int, negative: int) -> MonthCount:
    return MonthCount(
        month=name,
        total=total,
        negative=negative,
        high_severity=0,
        negative_share=negative / total if total else None,
        interval_low=None,
        interval_high=None,
        volume_change=None,
        volume_q=None,
        negative_share_change=None,
        negative_share_q=None,
    )


def soft(
    statements: dict[str, dict[str, int]], months: list[MonthCount], **fields: object
) -> SoftIntelligence:
    rows = [CountBySentiment(key=k, total=sum(s.values()), sentiment=s) for k, s in statements.items()]
    key_questions: dict[str, int] = {}
    for row in rows:
        key_questions[row.key.split(".")[0]] = key_questions.get(row.key.split(".")[0], 0) + row.total
    values: dict[str, object] = {
        "counts": "",
        "source_types": [],
        "search": {},
        "total": sum(m.total for m in months),
        "by_source_type": [FacetBucket(value="healthwatch_feedback", count=sum(m.total for m in months))],
        "by_key_question": [FacetBucket(value=k, count=n) for k, n in key_questions.items()],
        "by_quality_statement": rows,
        "trend": Trend(counts="", method="", minimum_items=20, months=months),
        "top_providers_negative": [],
        "top_providers_high_severity": [],
        "comparisons": [],
        "emerging_terms": EmergingTerms(
            counts="",
            method="",
            recent_from=START,
            recent_items=0,
            earlier_items=0,
            minimum_recent_items=20,
            minimum_earlier_items=50,
            minimum_term_items=5,
            status="ok",
            terms=[],
        ),
    }
    return SoftIntelligence(**{**values, **fields})


def profile(section: SoftIntelligence, changes: list[RatingChange] | None = None) -> AreaProfile:
    latest = changes or []
    return AreaProfile(
        area=OLDHAM,
        period=PERIOD,
        soft_intelligence=section,
        inspection_results=InspectionResults(
            counts="",
            search={},
            locations=7,
            current_overall=[FacetBucket(value="Good", count=5), FacetBucket(value="Inadequate", count=2)],
            current_by_key_question={},
            changes=RatingChanges(
                improved=1, declined=sum(c.direction == "declined" for c in latest), changed=0, latest=latest
            ),
            since_last_inspection=[],
            statements_by_key_question={},
        ),
        per_capacity=PerCapacity(
            counts="",
            items=0,
            registered_locations=0,
            items_per_location=None,
            england_items_per_location=None,
            care_homes=0,
            care_home_beds=0,
            care_home_items=0,
            care_home_items_per_100_beds=None,
        ),
    )


def candidate(number: int, text: str, sentiment: str = "negative", high: bool = False) -> Candidate:
    return Candidate(
        evidence_id=f"id-{number}",
        occurred_at=END - timedelta(days=number),
        source_type=SourceType.HEALTHWATCH_FEEDBACK,
        sentiment=SentimentLabel(sentiment),
        high_severity=high,
        text=text,
    )


def alert(code: str, level: str, occurred_at: datetime, status: str = "open") -> AlertView:
    return AlertView(
        alert_id=f"alert-{code}-{occurred_at:%m%d}",
        rule_id="r",
        rule_kind="spike",
        key={"level": level, "code": code},
        severity="high",
        reason="negative evidence tripled",
        occurred_at=occurred_at,
        window_start=occurred_at - timedelta(days=7),
        window_end=occurred_at,
        counts={},
        query={},
        evidence_ids=[],
        status=status,
    )


def inputs(**overrides: object) -> PackInputs:
    now = soft(
        {
            "safe.safeguarding": {"negative": 30, "positive": 10},  # 75% negative, was 25%
            "caring.kindness_compassion_dignity": {"negative": 5, "positive": 45},
            "effective.assessing_needs": {"negative": 3},  # too few to stand out
        },
        [month("2025-11", 40, 20), month("2025-12", 53, 18)],
        top_providers_negative=[ProviderCount(location_id="1-A", name="Acorn House", count=12)],
        top_providers_high_severity=[ProviderCount(location_id="1-B", name="Birch Court", count=3)],
    )
    before = soft(
        {
            "safe.safeguarding": {"negative": 10, "positive": 30},
            "caring.kindness_compassion_dignity": {"negative": 5, "positive": 45},
        },
        [month("2024-12", 90, 15)],
    )
    values: dict[str, object] = {
        "profile": profile(
            now,
            [
                RatingChange(
                    evidence_id="e1",
                    location_id="1-C",
                    name="Cedar Lodge",
                    key_question=None,
                    previous_rating="Good",
                    rating="Inadequate",
                    report_date=END - timedelta(days=10),
                    direction="declined",
                )
            ],
        ),
        "previous": before,
        "previous_period": BEFORE,
        "england": Counts(300, 1000),
        "region": Counts(60, 200),
        "region_name": "North West",
        "themes": {"ensuring_safety": Counts(30, 40)},
        "cross_cutting": {"workforce": Counts(4, 9)},
        "candidates": {
            "safe.safeguarding": [
                candidate(1, "Nobody told us about the safeguarding concern raised for [PERSON] last week."),
                candidate(2, "Nobody told us about the safeguarding concern raised for [PERSON] this week."),
                candidate(3, "Staff did not report the bruising to the family until days afterwards, again."),
                candidate(4, "He was hit by another resident and no one investigated it.", high=True),
                candidate(5, "Lovely staff, always kind and the home is clean and bright.", "positive"),
            ]
        },
        "alerts": [
            alert("E08000004", "local_authority", END - timedelta(days=3), "closed"),
            alert("E08000004", "local_authority", START - timedelta(days=3)),  # before the period
            alert("1-B", "provider", END - timedelta(days=2)),
        ],
        "source_months": {
            SourceType.HEALTHWATCH_FEEDBACK: {"2025-11": 40, "2025-12": 53},
            SourceType.SOCIAL_MEDIA_COMMENT: {"2024-12": 8},
        },
        "source_bounds": {},
        "model_versions": [FacetBucket(value="1.0.0+abc", count=93)],
    }
    return PackInputs(**{**values, **overrides})


def build(**overrides: object):
    return area_pack(
        inputs(**overrides), generated_at=END, marking="OFFICIAL-SENSITIVE", base_url="http://web"
    )


def test_pack_summary_counts_the_period_against_england_and_the_region() -> None:
    summary = build().summary
    assert (summary.total, summary.previous_total) == (93, 90)
    assert (summary.area.negative, summary.area.total) == (38, 93)
    assert summary.england.share == pytest.approx(0.3)
    assert summary.region.share == pytest.approx(0.3) and summary.region_name == "North West"
    assert (summary.ratings_improved, summary.ratings_declined, summary.locations) == (1, 1, 7)


def test_pack_standouts_need_enough_items_and_rank_by_share_and_rise() -> None:
    standouts = [(s.key, s.why) for s in build().summary.standouts]
    assert standouts == [
        ("safe.safeguarding", "highest negative share"),
        ("caring.kindness_compassion_dignity", "highest negative share"),
        ("safe.safeguarding", "largest rise in negative share"),
    ]


def test_pack_statements_group_by_key_question_with_trend_and_typical_quotes() -> None:
    safe = next(k for k in build().statements.key_questions if k.key == "safe")
    safeguarding = safe.statements[0]
    assert (safeguarding.total, safeguarding.trend) == (40, "up")
    assert safeguarding.previous.share == pytest.approx(0.25)
    texts = [q.text for q in safeguarding.quotes]
    assert len(texts) == 2  # the near-duplicate collapsed, the high-severity and the positive item left out
    assert not any("hit by another resident" in t for t in texts)
    assert safeguarding.quotes[0].link.startswith("http://web/evidence/id-")
    effective = next(k for k in build().statements.key_questions if k.key == "effective")
    assert effective.statements[0].trend == "too few items"


def test_pack_themes_list_every_assessment_and_cross_cutting_theme() -> None:
    themes = build().themes
    assert [t.key for t in themes.assessment] == [
        "working_with_people",
        "providing_support",
        "ensuring_safety",
        "leadership",
    ]
    assert sum(len(t.statements) for t in themes.assessment) == 9
    safety = next(t for t in themes.assessment if t.key == "ensuring_safety")
    assert (safety.current.negative, safety.current.total) == (30, 40)
    assert next(r for r in themes.cross_cutting if r.key == "workforce").current.total == 9


def test_pack_providers_to_look_at_put_high_severity_and_downgrades_first() -> None:
    rows = build().providers.providers
    assert [r.location_id for r in rows] == ["1-B", "1-C", "1-A"]
    assert rows[0].open_alerts == 1 and rows[1].downgrades[0].rating == "Inadequate"


def test_pack_alerts_are_those_raised_in_the_period_with_their_status() -> None:
    alerts = build().alerts
    assert alerts.raised == 2
    assert alerts.by_status == {"open": 1, "closed": 1}
    assert alerts.alerts[0].link.startswith("http://web/alerts/")


def test_pack_data_notes_find_the_source_that_went_silent() -> None:
    notes = build().data_notes
    assert notes.silent_sources == [SourceType.SOCIAL_MEDIA_COMMENT]
    healthwatch = next(s for s in notes.sources if s.source_type == SourceType.HEALTHWATCH_FEEDBACK)
    assert (healthwatch.items, healthwatch.months_with_items, healthwatch.silent) == (93, 2, False)
    assert notes.model_versions[0].value == "1.0.0+abc" and "[PERSON]" in notes.redaction


def test_pack_carries_no_reviewer_names_or_notes() -> None:
    named = alert("E08000004", "local_authority", END - timedelta(days=1), "acknowledged").model_copy(
        update={"status_by": "j.smith", "status_note": "called Mrs Jones on 07700 900123"}
    )
    text = build(alerts=[named]).model_dump_json()
    assert "j.smith" not in text and "Jones" not in text and "07700" not in text


def test_pack_trend_gives_each_month_its_sources_key_questions_and_the_rest_of_the_comparator() -> None:
    compared = [
        ComparisonSet(
            by=by,
            comparator="region",
            comparator_code="E12000002",
            comparator_name="North West",
            counts="",
            method="Fisher.",
            minimum_items=20,
            confidence_level=0.95,
            false_discovery_rate=0.05,
            rows=[],
        )
        for by in ("quality_statement", "key_question")
    ]
    section = soft({}, [month("2025-11", 40, 20), month("2025-12", 53, 18)], comparisons=compared)
    pack = build(
        profile=profile(section),
        key_question_months={"safe": {"2025-12": Counts(9, 12)}},
        compare_with=Comparator.REGION,
        comparator_months={"2025-11": Counts(50, 140), "2025-12": Counts(18, 53)},
    )
    november, december = pack.trend.months
    assert november.by_source_type == {"healthwatch_feedback": 40}
    assert (november.comparator.negative, november.comparator.total) == (30, 100)  # the region without us
    assert (december.comparator.total, december.comparator.share) == (0, None)
    assert [(m.negative, m.total) for m in pack.trend.by_key_question[0].months] == [(0, 0), (9, 12)]
    assert pack.trend.comparator_name == "North West" and "North West without" in pack.trend.method
    assert pack.comparison.comparator_name == "North West" and pack.comparison.method.endswith("Fisher.")
    plain = build()
    assert plain.trend.comparator_name is None and plain.comparison is None
    assert all(m.comparator is None for m in plain.trend.months)


def test_trend_is_steady_within_noise() -> None:
    assert trend(Counts(11, 40), Counts(10, 40)) == "steady"
    assert trend(Counts(30, 40), Counts(10, 40)) == "up"
    assert trend(Counts(5, 40), Counts(30, 40)) == "down"


def test_quotes_prefer_typical_length_and_collapse_near_duplicates() -> None:
    pool = [
        candidate(1, "short but long enough to be quoted here, just about."),
        candidate(2, "a middling item that says what most of them say about the waiting."),
        candidate(3, "a middling item that says what most of them say about the waiting!"),
        candidate(4, "x" * 500),
    ]
    chosen = representative(pool, SentimentLabel.NEGATIVE, 2)
    assert [c.evidence_id for c in chosen] == ["id-2", "id-1"]
    assert near_duplicate(pool[1].text, pool[2].text) and not near_duplicate(pool[0].text, pool[1].text)
    assert typical_sentiment({"positive": 4, "negative": 4}) == SentimentLabel.NEGATIVE
    assert typical_sentiment({}) is None


def test_quotes_take_one_item_of_a_near_duplicate_cluster_however_reworded() -> None:
    pool = [
        replace(candidate(1, "Campaign wording one about closing the day centre for good."), cluster="c"),
        replace(candidate(2, "Reworded second version: keep our day centre open for all!"), cluster="c"),
        candidate(3, "Different concern entirely, the lift in the home is broken again."),
    ]
    assert not near_duplicate(pool[0].text, pool[1].text)
    chosen = representative(pool, SentimentLabel.NEGATIVE, 3)
    assert sorted(c.evidence_id for c in chosen) == ["id-1", "id-3"]
