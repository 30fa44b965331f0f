"""Streams for the alerts harness: a realistic classified background over real areas, and injected scenarios.

Background: `areas` real local authorities (a few quiet: 2-5 items a week; four cities: 150-300; the rest
10-60; about 18 % of items are negative), each
with 20 locations run by 8 providers; weekdays busier than weekends (a weekend day ~half a weekday); the
daily rate varies from day to day (gamma noise, coefficient of variation ~0.3), as real feeds do. Texts and
sentiment from /work/shared/data/pxtextmining_phase1.csv (criticality < 0 → negative), quality statements
from label_map_phase1.csv, lemmas from classify's lemma rule. High severity: the text names abuse,
neglect, safeguarding or a death, or (3 % of negative items) a reason drawn from the classifier's reasons
(a stand-in for classify's severity model).

Scenarios, each injected into the same background after the warm-up (onset Wednesday 09:00 unless said):
- sudden_burst (a city): extra negative Safeguarding items, twice the area's usual daily negative level,
  for 3 days (3x in all);
- slow_rise (a city): extra negatives rising linearly from 0 to twice the usual level over 21 days;
- weekend_burst (a city): from Saturday 00:00, extra negatives at twice the usual weekend level, 2 days;
- provider_cluster (a 10-60 area): 6 high-severity items (abuse, neglect, safeguarding) about one
  provider in 36 hours;
- outbreak_word (a city): 3 negative items a day for 5 days naming a word the corpus never uses;
- quiet_area: 4 extra negatives over a week in a quiet area (within its noise: nothing should fire);
- control: nothing injected.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid5

from schemas.common import AreaRef, ProviderRef
from schemas.evidence import (
    EvidenceCategory,
    EvidenceClassified,
    QualityStatementScore,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    SourceType,
)
from schemas.reference import local_authorities
from services.common.lemmas import lemma_string

DATA = Path("/work/shared/data")
START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
NAMESPACE = UUID("5e0b7c2a-7f7e-4d55-9c51-6b0d3cbb2a10")
SEVERE = re.compile(r"\b(abus\w*|neglect\w*|safeguard\w*|died|death|assault\w*)\b", re.IGNORECASE)
REASON_OF_WORD = {
    "abus": "abuse",
    "negl": "neglect",
    "safe": "safeguarding",
    "died": "death",
    "deat": "death",
}
BASE_REASONS = [
    ("safeguarding", 30),
    ("neglect", 20),
    ("abuse", 15),
    ("unsafe_staffing", 15),
    ("medication_error", 10),
    ("restraint", 5),
    ("death", 5),
]
SOURCES = [SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT]
WEEKDAY_FACTOR, WEEKEND_FACTOR = 7 / 6, 7 / 12  # five weekdays and two half-weekdays make a week
DAY = timedelta(days=1)
SCENARIOS = (
    "sudden_burst",
    "slow_rise",
    "weekend_burst",
    "provider_cluster",
    "outbreak_word",
    "quiet_area",
    "control",
)
OUTBREAK_WORD = "scabies"


@dataclass(frozen=True)
class Row:
    text: str
    sentiment: SentimentLabel
    statement: str | None


@dataclass(frozen=True)
class Area:
    ref: AreaRef
    weekly: float
    quiet: bool

    @property
    def code(self) -> str:
        return self.ref.local_authority_code or ""

    def location(self, n: int) -> str:
        return f"1-{self.code}-{n:02d}"

    @staticmethod
    def provider_of(location: str) -> str:
        return f"P-{location[2:-3]}-{int(location[-2:]) % 8}"


@dataclass
class Stream:
    """One scenario's events in event-time order and what was injected."""

    name: str
    scenario: str
    events: list[EvidenceClassified]
    target: Area
    onset: datetime
    end: datetime
    injected: set[UUID] = field(default_factory=set)
    target_provider: str | None = None


def load_rows() -> list[Row]:
    statement_for = {
        row["code"]: row["quality_statement"]
        for row in csv.DictReader((DATA / "label_map_phase1.csv").open())
    }
    rows = []
    for row in csv.DictReader((DATA / "pxtextmining_phase1.csv").open(encoding="utf-8")):
        if not row["feedback"].strip() or not row["criticality"].lstrip("-").isdigit():
            continue
        criticality = int(row["criticality"])
        sentiment = (
            SentimentLabel.NEGATIVE
            if criticality < 0
            else SentimentLabel.POSITIVE
            if criticality > 0
            else SentimentLabel.NEUTRAL
        )
        rows.append(Row(row["feedback"], sentiment, statement_for.get(row["code"]) or None))
    return rows


class Builder:
    """Makes items with deterministic ids from one random generator."""

    def __init__(self, rng: random.Random, lemmas: dict[str, str]) -> None:
        self.rng = rng
        self.lemmas = lemmas
        self.serial = 0

    def reasons(self, row: Row) -> list[str]:
        found = {REASON_OF_WORD.get(match.lower()[:4], "abuse") for match in SEVERE.findall(row.text)}
        if not found and row.sentiment == SentimentLabel.NEGATIVE and self.rng.random() < 0.03:
            names, weights = zip(*BASE_REASONS, strict=True)
            found = {self.rng.choices(names, weights)[0]}
        return sorted(found)

    def item(
        self,
        row: Row,
        at: datetime,
        area: Area,
        location: str,
        statement: str | None = None,
        reasons: list[str] | None = None,
    ) -> EvidenceClassified:
        self.serial += 1
        evidence_id = uuid5(NAMESPACE, f"{self.serial}")
        statement = statement or row.statement
        reasons = self.reasons(row) if reasons is None else reasons
        return EvidenceClassified(
            event_id=evidence_id,
            occurred_at=at,
            source="bench/alerts",
            evidence_id=evidence_id,
            source_type=SOURCES[int(location[-2:]) % len(SOURCES)],
            source_reference=str(evidence_id),
            received_at=at,
            classified_at=at,
            text=row.text,
            lemmas=lemma_string(row.text, self.lemmas or None),
            provider=ProviderRef(
                location_id=location, provider_id=Area.provider_of(location), name=f"Location {location}"
            ),
            area=area.ref,
            quality_statements=[QualityStatementScore(id=statement, score=0.8)] if statement else [],
            sentiment=Sentiment(label=row.sentiment, score=0.8),
            severity=Severity(level=SeverityLevel.HIGH if reasons else SeverityLevel.NORMAL, reasons=reasons),
            evidence_category=EvidenceCategory.PEOPLES_EXPERIENCE,
            model_name="bench",
            model_version="0",
        )


def poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def day_factor(at: datetime) -> float:
    return WEEKEND_FACTOR if at.weekday() >= 5 else WEEKDAY_FACTOR


CITIES = 4


def pick_areas(rng: random.Random, count: int) -> list[Area]:
    """Quiet areas first, then the cities, then the rest."""
    chosen = rng.sample(sorted(local_authorities().values(), key=lambda la: la.code), count)
    quiet = max(2, count // 8)

    def weekly(index: int) -> float:
        if index < quiet:
            return rng.uniform(2, 5)
        return rng.uniform(150, 300) if index < quiet + CITIES else rng.uniform(10, 60)

    return [
        Area(
            AreaRef(local_authority_code=la.code, local_authority_name=la.name), weekly(index), index < quiet
        )
        for index, la in enumerate(chosen)
    ]


def background(builder: Builder, areas: list[Area], rows: list[Row], weeks: int) -> list[EvidenceClassified]:
    rng = builder.rng
    events = []
    for area in areas:
        for day in range(weeks * 7):
            at = START + DAY * day
            rate = area.weekly / 7 * day_factor(at) * rng.gammavariate(10.0, 0.1)
            for _ in range(poisson(rng, rate)):
                moment = at + timedelta(seconds=rng.uniform(0, 86_400))
                events.append(builder.item(rng.choice(rows), moment, area, area.location(rng.randrange(20))))
    return events


def negative_share(rows: list[Row]) -> float:
    return sum(row.sentiment == SentimentLabel.NEGATIVE for row in rows) / len(rows)


def build(
    scenario: str,
    rows: list[Row],
    lemmas: dict[str, str],
    *,
    weeks: int,
    areas: int,
    seed: int,
    warm_weeks: int,
    name: str | None = None,
) -> Stream:
    """The background for `seed` with `scenario` injected (one seed, one background for every scenario)."""
    builder = Builder(random.Random(seed), lemmas)
    chosen = pick_areas(builder.rng, areas)
    events = background(builder, chosen, rows, weeks)
    inject = random.Random(seed * 1000 + SCENARIOS.index(scenario))
    injector = Builder(inject, lemmas)
    injector.serial = 10_000_000
    negatives = [
        row for row in rows if row.sentiment == SentimentLabel.NEGATIVE and not SEVERE.search(row.text)
    ]
    quiet = [area for area in chosen if area.quiet]
    cities = [area for area in chosen if area.weekly >= 150]
    middling = [area for area in chosen if not area.quiet and area.weekly < 150]
    target = {
        "quiet_area": quiet[0],
        "provider_cluster": middling[0],
        "slow_rise": cities[1 % len(cities)],
        "weekend_burst": cities[2 % len(cities)],
        "outbreak_word": cities[3 % len(cities)],
    }.get(scenario, cities[0])
    onset = START + timedelta(weeks=warm_weeks + 1, days=2, hours=9)
    usual = target.weekly / 7 * negative_share(rows)  # the target's usual negatives per day
    injected: list[EvidenceClassified] = []
    provider = None

    def add(at: datetime, row: Row, location: str | None = None, **extra: object) -> None:
        where = location or target.location(inject.randrange(20))
        injected.append(injector.item(row, at, target, where, **extra))  # type: ignore[arg-type]

    def spread(start: datetime, days: float, per_day: float, rising: bool = False) -> None:
        hours = int(days * 24)
        for hour in range(hours):
            at = start + timedelta(hours=hour)
            share = (hour + 1) / hours if rising else 1.0
            for _ in range(poisson(inject, per_day * share / 24 * day_factor(at))):
                add(
                    at + timedelta(seconds=inject.uniform(0, 3600)),
                    inject.choice(negatives),
                    None,
                    statement="safe.safeguarding",
                    reasons=[],
                )

    end = onset
    if scenario == "sudden_burst":
        spread(onset, 3, 2 * usual)
        end = onset + 3 * DAY
    elif scenario == "slow_rise":
        spread(onset, 21, 2 * usual, rising=True)
        end = onset + 21 * DAY
    elif scenario == "weekend_burst":
        onset = onset.replace(hour=0) + 3 * DAY  # the Saturday
        spread(onset, 2, 2 * usual)
        end = onset + 2 * DAY
    elif scenario == "provider_cluster":
        location = target.location(3)
        provider = Area.provider_of(location)
        siblings = [target.location(n) for n in range(20) if Area.provider_of(target.location(n)) == provider]
        for n, reason in enumerate(["abuse", "neglect", "safeguarding", "neglect", "abuse", "safeguarding"]):
            add(
                onset + timedelta(hours=6 * n),
                inject.choice(negatives),
                siblings[n % len(siblings)],
                reasons=[reason],
            )
        end = onset + timedelta(hours=36)
    elif scenario == "outbreak_word":
        for day in range(5):
            for _ in range(3):
                row = inject.choice(negatives)
                at = onset + DAY * day + timedelta(seconds=inject.uniform(0, 86_400))
                add(at, Row(f"{row.text} And now {OUTBREAK_WORD}.", row.sentiment, row.statement), reasons=[])
        end = onset + 5 * DAY
    elif scenario == "quiet_area":
        for _ in range(4):
            add(
                onset + timedelta(seconds=inject.uniform(0, 7 * 86_400)), inject.choice(negatives), reasons=[]
            )
        end = onset + 7 * DAY
    events += injected
    events.sort(key=lambda event: (event.occurred_at, str(event.evidence_id)))
    injected_ids = {event.evidence_id for event in injected}
    return Stream(name or scenario, scenario, events, target, onset, end, injected_ids, provider)
