"""Build the area review pack from what the index's queries answered (pure: no Elasticsearch here).

`area_pack` takes the area's profile for the period and the one before, the counts and candidates that
`services/report/queries.py` read, and returns sections 1–6 of `AreaPack`, each with its method in one line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from schemas import KeyQuestion, SourceType
from schemas.reference import quality_statements
from services.alerts.models import AlertView
from services.index.comparisons import MIN_ITEMS
from services.index.models import AreaProfile, FacetBucket, Period, SoftIntelligence
from services.index.statistics import fisher_exact
from services.index.trend import METHOD as TREND_METHOD
from services.report import quotes
from services.report.models import (
    AlertOutcome,
    Alerts,
    AreaPack,
    AssessmentTheme,
    Comparator,
    ComparisonSection,
    DataNotes,
    KeyQuestionMonths,
    KeyQuestionSection,
    NegativeShare,
    Providers,
    ProviderToLook,
    Quote,
    SourceCoverage,
    Standout,
    StatementRow,
    Statements,
    Summary,
    ThemeRow,
    Themes,
    TrendMonth,
    TrendSection,
)

STATEMENT_TITLES = {s.id: s.title for s in quality_statements()}
KEY_QUESTION_TITLES = {q.value: q.value.replace("_", "-").capitalize() for q in KeyQuestion}
# CQC's local-authority assessment: four themes, nine quality statements.
ASSESSMENT_THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "working_with_people": (
        "Working with people",
        (
            "effective.assessing_needs",
            "effective.healthier_lives",
            "responsive.equity_in_experiences_outcomes",
        ),
    ),
    "providing_support": (
        "Providing support",
        ("responsive.care_provision_integration_continuity", "well_led.partnerships_communities"),
    ),
    "ensuring_safety": ("Ensuring safety", ("safe.safe_systems_pathways_transitions", "safe.safeguarding")),
    "leadership": (
        "Leadership",
        ("well_led.governance_management_sustainability", "well_led.learning_improvement_innovation"),
    ),
}
CROSS_CUTTING_THEMES = (
    "access",
    "workforce",
    "personalisation",
    "market_shaping",
    "commissioning",
    "discharge",
    "integration_partnership",
)
SIGNIFICANCE = 0.05
STANDOUTS = 3
MAX_PROVIDERS = 15
SILENT_MONTHS = 2  # a source with no items in the period's last two months, but items before, went silent
REDACTION = (
    "Personal data is redacted before anything is indexed: names, addresses, phone numbers, e-mail "
    "addresses, NHS numbers, dates of birth, postcodes, handles and links become typed placeholders such as "
    "[PERSON]. The pack quotes only that redacted text and shows no reviewer's name or note."
)


@dataclass(frozen=True)
class Counts:
    negative: int = 0
    total: int = 0


@dataclass(frozen=True)
class PackInputs:
    """What the queries read for one area and period."""

    profile: AreaProfile
    previous: SoftIntelligence = field(repr=False)
    previous_period: Period
    england: Counts
    region: Counts | None
    region_name: str | None
    themes: dict[str, Counts]
    cross_cutting: dict[str, Counts]
    candidates: dict[str, list[quotes.Candidate]]
    alerts: list[AlertView]
    source_months: dict[SourceType, dict[str, int]] = field(repr=False)
    source_bounds: dict[SourceType, tuple[datetime, datetime]]
    model_versions: list[FacetBucket]
    key_question_months: dict[str, dict[str, Counts]] = field(default_factory=dict, repr=False)
    compare_with: Comparator | None = None
    comparator_months: dict[str, Counts] = field(default_factory=dict, repr=False)


def share(counts: Counts) -> NegativeShare:
    return NegativeShare(
        negative=counts.negative,
        total=counts.total,
        share=counts.negative / counts.total if counts.total else None,
    )


def _by_statement(section: SoftIntelligence) -> dict[str, Counts]:
    return {
        row.key: Counts(row.sentiment.get("negative", 0), row.total) for row in section.by_quality_statement
    }


def _by_key_question(section: SoftIntelligence) -> dict[str, Counts]:
    by_statement = _by_statement(section)
    totals = {b.value: b.count for b in section.by_key_question}
    negative = Counter[str]()
    for key, counts in by_statement.items():
        negative[key.split(".")[0]] += counts.negative
    # An item about two statements of one key question is one item of it: the key question's own total is
    # exact; its negatives are bounded by it.
    return {key: Counts(min(negative[key], total), total) for key, total in totals.items()}


def trend(now: Counts, before: Counts) -> str:
    """'up' or 'down' when the negative share differs from the period before beyond noise (Fisher's exact
    test, p < 0.05, at least 20 items in each), else 'steady' (or 'too few items')."""
    if now.total < MIN_ITEMS or before.total < MIN_ITEMS:
        return "too few items"
    p = fisher_exact(now.negative, now.total - now.negative, before.negative, before.total - before.negative)
    if p >= SIGNIFICANCE:
        return "steady"
    return "up" if now.negative / now.total > before.negative / before.total else "down"


def _total(section: SoftIntelligence) -> Counts:
    months = section.trend.months
    return Counts(sum(m.negative for m in months), sum(m.total for m in months))


def _standouts(now: dict[str, Counts], before: dict[str, Counts]) -> list[Standout]:
    enough = {key: c for key, c in now.items() if c.total >= MIN_ITEMS}

    def standout(key: str, why: str) -> Standout:
        return Standout(
            key=key,
            title=STATEMENT_TITLES.get(key, key),
            why=why,
            current=share(now[key]),
            previous=share(before.get(key, Counts())),
        )

    highest = sorted(enough, key=lambda k: (-enough[k].negative / enough[k].total, k))[:STANDOUTS]
    rises = {
        key: c.negative / c.total - before[key].negative / before[key].total
        for key, c in enough.items()
        if before.get(key, Counts()).total >= MIN_ITEMS
    }
    rising = [k for k in sorted(rises, key=lambda k: (-rises[k], k)) if rises[k] > 0][:STANDOUTS]
    return [standout(k, "highest negative share") for k in highest] + [
        standout(k, "largest rise in negative share") for k in rising
    ]


def summary(inputs: PackInputs) -> Summary:
    section, results = inputs.profile.soft_intelligence, inputs.profile.inspection_results
    return Summary(
        method="Soft intelligence (Healthwatch feedback, call-centre notes, social media) counted by source "
        "and month; the negative share against the rest of England and of the region is the share of "
        f"items labelled negative. Standouts: the statements with at least {MIN_ITEMS} items and the "
        "highest negative share, and those whose share rose most against the period before. Ratings: "
        "CQC's published ratings of the registered locations.",
        total=section.total,
        previous_total=inputs.previous.total,
        by_source_type=section.by_source_type,
        months=section.trend.months,
        area=share(_total(section)),
        region_name=inputs.region_name,
        region=share(inputs.region) if inputs.region else None,
        england=share(inputs.england),
        standouts=_standouts(_by_statement(section), _by_statement(inputs.previous)),
        locations=results.locations,
        current_overall=results.current_overall,
        ratings_improved=results.changes.improved,
        ratings_declined=results.changes.declined,
    )


def trend_section(inputs: PackInputs) -> TrendSection:
    """Section 2: month by month, the area's items, negative share and sources, beside the comparator."""
    months = inputs.profile.soft_intelligence.trend.months
    area_months = {m.month: Counts(m.negative, m.total) for m in months}
    name = _comparator_name(inputs)

    def rest(month: str) -> NegativeShare | None:
        if inputs.compare_with is None:
            return None
        whole, own = inputs.comparator_months.get(month, Counts()), area_months[month]
        return share(Counts(whole.negative - own.negative, whole.total - own.total))

    by_question = inputs.key_question_months
    return TrendSection(
        method=f"{TREND_METHOD} Items per source by month; per key question, its items' negative share "
        "by month."
        + (f" Beside them, the same month in {name} without {inputs.profile.area.name}." if name else ""),
        comparator_name=name,
        months=[
            TrendMonth(
                month=m.month,
                total=m.total,
                negative=m.negative,
                high_severity=m.high_severity,
                share=m.negative_share,
                interval_low=m.interval_low,
                interval_high=m.interval_high,
                volume_change=m.volume_change,
                negative_share_change=m.negative_share_change,
                by_source_type={
                    source.value: counts[m.month]
                    for source, counts in sorted(inputs.source_months.items(), key=lambda kv: kv[0].value)
                    if counts.get(m.month)
                },
                comparator=rest(m.month),
            )
            for m in months
        ],
        by_key_question=[
            KeyQuestionMonths(
                key=question.value,
                title=KEY_QUESTION_TITLES[question.value],
                months=[share(by_question[question.value].get(m.month, Counts())) for m in months],
            )
            for question in KeyQuestion
            if question.value in by_question
        ],
    )


def _comparator_name(inputs: PackInputs) -> str | None:
    if inputs.compare_with is None:
        return None
    return inputs.region_name if inputs.compare_with is Comparator.REGION else "England"


def comparison_section(inputs: PackInputs) -> ComparisonSection | None:
    """The area beside its region or England by key question and statement: the area profile's comparison."""
    if inputs.compare_with is None:
        return None
    sets = {
        s.by: s
        for s in inputs.profile.soft_intelligence.comparisons
        if s.comparator == inputs.compare_with.value
    }
    statements, questions = sets["quality_statement"], sets["key_question"]
    return ComparisonSection(
        method="Negative soft intelligence by key question and quality statement, "
        f"{inputs.profile.area.name} against the rest of {statements.comparator_name}, as the area "
        "profile compares them. "
        f"{statements.method}",
        comparator=inputs.compare_with,
        comparator_name=statements.comparator_name,
        by_key_question=questions.rows,
        by_quality_statement=statements.rows,
    )


def _quote(candidate: quotes.Candidate, base_url: str) -> Quote:
    return Quote(
        evidence_id=candidate.evidence_id,
        occurred_at=candidate.occurred_at,
        source_type=candidate.source_type,
        sentiment=candidate.sentiment,
        text=candidate.text,
        link=f"{base_url}/evidence/{candidate.evidence_id}",
    )


def statements(inputs: PackInputs, *, quotes_per_statement: int, base_url: str) -> Statements:
    section = inputs.profile.soft_intelligence
    now, before = _by_statement(section), _by_statement(inputs.previous)
    sentiment = {row.key: row.sentiment for row in section.by_quality_statement}
    kq_now, kq_before = _by_key_question(section), _by_key_question(inputs.previous)
    sections = []
    for question in KeyQuestion:
        rows = [
            StatementRow(
                key=key,
                title=STATEMENT_TITLES.get(key, key),
                total=now[key].total,
                sentiment=sentiment[key],
                current=share(now[key]),
                previous=share(before.get(key, Counts())),
                trend=trend(now[key], before.get(key, Counts())),
                quotes=[
                    _quote(c, base_url)
                    for c in quotes.representative(
                        inputs.candidates.get(key, []),
                        quotes.typical_sentiment(sentiment[key]),
                        quotes_per_statement,
                    )
                ],
            )
            for key in sorted(now, key=lambda k: (-now[k].total, k))
            if key.split(".")[0] == question.value
        ]
        sections.append(
            KeyQuestionSection(
                key=question.value,
                title=KEY_QUESTION_TITLES[question.value],
                current=share(kq_now.get(question.value, Counts())),
                previous=share(kq_before.get(question.value, Counts())),
                statements=rows,
            )
        )
    return Statements(
        method="Items per key question and quality statement (an item can speak to several), by sentiment; "
        "the trend compares the negative share with the period before of the same length (Fisher's "
        f"exact test, p < 0.05, at least {MIN_ITEMS} items in each). {quotes.METHOD}",
        key_questions=sections,
    )


def _title(key: str) -> str:
    return key.replace("_", " ").capitalize()


def themes(inputs: PackInputs) -> Themes:
    now = _by_statement(inputs.profile.soft_intelligence)
    return Themes(
        method="The local-authority assessment themes and their quality statements, and the cross-cutting "
        "themes: items the classifier assigned to each (a theme from its statements or from words naming "
        "the topic), with the share negative.",
        assessment=[
            AssessmentTheme(
                key=key,
                title=title,
                current=share(inputs.themes.get(key, Counts())),
                statements=[
                    ThemeRow(key=s, title=STATEMENT_TITLES[s], current=share(now.get(s, Counts())))
                    for s in members
                ],
            )
            for key, (title, members) in ASSESSMENT_THEMES.items()
        ],
        cross_cutting=[
            ThemeRow(key=key, title=_title(key), current=share(inputs.cross_cutting.get(key, Counts())))
            for key in CROSS_CUTTING_THEMES
        ],
    )


def providers(inputs: PackInputs) -> Providers:
    section, changes = inputs.profile.soft_intelligence, inputs.profile.inspection_results.changes
    names: dict[str, str | None] = {}
    negative, high = Counter[str](), Counter[str]()
    for row in section.top_providers_negative:
        negative[row.location_id] = row.count
        names[row.location_id] = row.name
    for row in section.top_providers_high_severity:
        high[row.location_id] = row.count
        names.setdefault(row.location_id, row.name)
    downgrades = [c for c in changes.latest if c.direction == "declined" and c.location_id]
    for change in downgrades:
        names.setdefault(change.location_id or "", change.name)
    open_alerts = Counter(
        a.key.get("code") for a in inputs.alerts if a.key.get("level") == "provider" and a.status == "open"
    )
    rows = [
        ProviderToLook(
            location_id=location,
            name=name,
            negative=negative[location],
            high_severity=high[location],
            downgrades=[c for c in downgrades if c.location_id == location],
            open_alerts=open_alerts[location],
        )
        for location, name in names.items()
    ]
    rows.sort(
        key=lambda r: (-r.high_severity, -len(r.downgrades), -r.open_alerts, -r.negative, r.location_id)
    )
    return Providers(
        method="Locations with the most negative and the most high-severity soft intelligence in the period, "
        "those whose published rating declined in it, with their open alerts; ordered by high-severity "
        "items, then downgrades, open alerts and negative items.",
        providers=rows[:MAX_PROVIDERS],
    )


def alerts(inputs: PackInputs, *, base_url: str) -> Alerts:
    period = inputs.profile.period
    raised = sorted(
        (a for a in inputs.alerts if period.date_from <= a.occurred_at < period.date_to),
        key=lambda a: (a.occurred_at, a.alert_id),
        reverse=True,
    )
    return Alerts(
        method="Alerts about the area or its providers whose latest version was raised in the period, with "
        "the furthest step taken on each (open, acknowledged or closed) and when.",
        raised=len(raised),
        by_status=dict(Counter(a.status.value for a in raised)),
        alerts=[
            AlertOutcome(
                alert_id=a.alert_id,
                rule_kind=a.rule_kind.value,
                subject=str(a.key.get("code", "")),
                severity=a.severity.value,
                reason=a.reason,
                raised_at=a.occurred_at,
                status=a.status.value,
                status_at=a.status_at,
                versions=a.version,
                link=f"{base_url}/alerts/{a.alert_id}",
            )
            for a in raised
        ],
    )


def _last_months(period: Period, count: int) -> set[str]:
    year, month = period.date_to.year, period.date_to.month
    if period.date_to.day == 1 and period.date_to.hour == 0 and period.date_to.minute == 0:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months = set()
    for _ in range(count):
        months.add(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def data_notes(inputs: PackInputs) -> DataNotes:
    period = inputs.profile.period
    current = {m.month for m in inputs.profile.soft_intelligence.trend.months}
    recent = _last_months(period, SILENT_MONTHS)
    sources = []
    for source in sorted(inputs.source_months, key=lambda s: s.value):
        months = {m: n for m, n in inputs.source_months[source].items() if m in current and n}
        first, last = inputs.source_bounds.get(source, (None, None))
        sources.append(
            SourceCoverage(
                source_type=source,
                items=sum(months.values()),
                months_with_items=len(months),
                first=first,
                last=last,
                silent=not (set(months) & recent),
            )
        )
    return DataNotes(
        method="Each source's items in the period and the months that have any; a source went silent when it "
        f"has items in this period or the one before but none in the period's last {SILENT_MONTHS} months.",
        months=len(current),
        sources=sources,
        silent_sources=[s.source_type for s in sources if s.silent],
        model_versions=inputs.model_versions,
        redaction=REDACTION,
    )


def area_pack(
    inputs: PackInputs,
    *,
    generated_at: datetime,
    marking: str,
    quotes_per_statement: int = 3,
    base_url: str = "",
) -> AreaPack:
    """Sections 1–7 of the review pack (and the comparison, when asked for)."""
    profile = inputs.profile
    return AreaPack(
        area=profile.area,
        period=profile.period,
        previous_period=inputs.previous_period,
        generated_at=generated_at,
        marking=marking,
        summary=summary(inputs),
        trend=trend_section(inputs),
        comparison=comparison_section(inputs),
        statements=statements(inputs, quotes_per_statement=quotes_per_statement, base_url=base_url),
        themes=themes(inputs),
        providers=providers(inputs),
        alerts=alerts(inputs, base_url=base_url),
        data_notes=data_notes(inputs),
    )
