"""Alerts evaluation: replay a realistic classified stream with one injected spike; measure detection.

Background: `--areas` real local authorities, each with a steady weekly volume (10-60 items), 20
locations, texts and sentiment from /work/shared/data/pxtextmining_phase1.csv (criticality < 0 →
negative), quality statements from label_map_phase1.csv, high severity when the text mentions abuse,
neglect, safeguarding or death (a stand-in for classify's severity rules), lemmas from classify's
lookup table (the trained model's, when built). Injected: from the onset, `--spike-per-day` extra
negative Safeguarding items a day for `--spike-days` days in one authority, each also reporting an
outbreak of `--new-term` (a word the corpus never uses), which the new-term rule should find.

Runs the pure detectors (services.alerts.engine) over the default rules file, moving the event-time
watermark every 200 items, and prints the detection delay (items and event time after onset) and the
false alerts per 10k items, for the injected stream and for the same stream without the spike.

    .venv/bin/python bench/alerts_eval.py [--weeks 16] [--areas 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from schemas.alerts import AlertRaised, AlertRuleKind
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
from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.engine import AlertEngine
from services.alerts.rules import load_rules
from services.classify.pipeline.redactor import TABLE_FILE
from services.common.lemmas import lemma_string

DATA = Path("/work/shared/data")
LEMMA_TABLE = Path("models/caresignal_evidence/redactor") / f"{TABLE_FILE}.gz"
START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
SEVERE = re.compile(r"\b(abus\w*|neglect\w*|safeguard\w*|died|death|assault\w*)\b", re.IGNORECASE)
SOURCES = [SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT]
STATISTICAL = {AlertRuleKind.SPIKE, AlertRuleKind.FLATLINE, AlertRuleKind.NEW_TERM}
WARM_UP_WEEKS = 4  # = baseline_windows: before that every key is new and only the floor applies


def lemma_table() -> dict[str, str]:
    """classify's lemma lookup table when the model is built (else its rule lemmatiser is used)."""
    return json.loads(gzip.decompress(LEMMA_TABLE.read_bytes())) if LEMMA_TABLE.exists() else {}


LEMMAS = lemma_table()


@dataclass(frozen=True)
class Row:
    text: str
    sentiment: SentimentLabel
    statement: str | None


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


def item(
    row: Row, at: datetime, area: AreaRef, location: str, statement: str | None = None
) -> EvidenceClassified:
    evidence_id = uuid4()
    statement = statement or row.statement
    return EvidenceClassified(
        event_id=uuid4(),
        occurred_at=at,
        source="bench/alerts",
        evidence_id=evidence_id,
        source_type=SOURCES[hash(location) % len(SOURCES)],
        source_reference=str(evidence_id),
        received_at=at,
        classified_at=at,
        text=row.text,
        lemmas=lemma_string(row.text, LEMMAS or None),
        provider=ProviderRef(location_id=location, name=f"Location {location}"),
        area=area,
        quality_statements=[QualityStatementScore(id=statement, score=0.8)] if statement else [],
        sentiment=Sentiment(label=row.sentiment, score=0.8),
        severity=Severity(
            level=SeverityLevel.HIGH if SEVERE.search(row.text) else SeverityLevel.NORMAL,
            reasons=[match.lower() for match in SEVERE.findall(row.text)],
        ),
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


def outbreak(row: Row, term: str) -> Row:
    return Row(f"{row.text} And now {term}.", row.sentiment, row.statement)


def stream(
    args: argparse.Namespace, rows: list[Row], inject: bool
) -> tuple[list[EvidenceClassified], AreaRef, datetime]:
    rng = random.Random(args.seed)
    areas = [
        AreaRef(local_authority_code=la.code, local_authority_name=la.name)
        for la in rng.sample(sorted(local_authorities().values()), args.areas)
    ]
    events = []
    for area in areas:
        weekly = rng.uniform(10, 60)
        locations = [f"1-{area.local_authority_code}-{n:02d}" for n in range(20)]
        for week in range(args.weeks):
            for _ in range(poisson(rng, weekly)):
                at = START + timedelta(weeks=week, seconds=rng.uniform(0, 7 * 86_400))
                events.append(item(rng.choice(rows), at, area, rng.choice(locations)))
    target = areas[0]
    onset = START + timedelta(weeks=args.weeks - 4, days=2, hours=9)
    if inject:
        negatives = [row for row in rows if row.sentiment == SentimentLabel.NEGATIVE]
        locations = [f"1-{target.local_authority_code}-{n:02d}" for n in range(20)]
        for day in range(args.spike_days):
            for _ in range(poisson(rng, args.spike_per_day)):
                at = onset + timedelta(days=day, seconds=rng.uniform(0, 86_400))
                row = outbreak(rng.choice(negatives), args.new_term)
                events.append(item(row, at, target, rng.choice(locations), "safe.safeguarding"))
    events.sort(key=lambda event: event.occurred_at)
    return events, target, onset


def replay(events: list[EvidenceClassified], rules_file: Path) -> list[tuple[int, AlertRaised]]:
    engine = AlertEngine(load_rules(rules_file), {}, classified_partitions=6)
    raised: list[tuple[int, AlertRaised]] = []
    for index, event in enumerate(events):
        raised += [(index, alert) for alert in engine.run(event)]
        if index % 200 == 199:
            raised += [(index, alert) for alert in engine.advance(event.occurred_at)]
    return raised


def is_true(alert: AlertRaised, target: AreaRef, onset: datetime, end: datetime, term: str) -> bool:
    code = target.local_authority_code or ""
    about_target = alert.key.code == code or alert.key.code.startswith(f"1-{code}-")
    if alert.rule_kind == AlertRuleKind.NEW_TERM and alert.query.get("q") != term:
        return False
    return about_target and alert.window_end > onset and alert.window_start <= end


def report(
    name: str, events: list, raised: list, target: AreaRef, onset: datetime, end: datetime, term: str
) -> None:
    statistical = [(i, a) for i, a in raised if a.rule_kind in STATISTICAL]
    true = [(i, a) for i, a in statistical if is_true(a, target, onset, end, term)]
    false = [a for _, a in statistical if not is_true(a, target, onset, end, term)]
    per_10k = 10_000 / len(events)
    print(f"\n== {name}: {len(events)} items, {len(raised)} alerts ==")
    by_kind = Counter(alert.rule_id for _, alert in raised)
    print("alerts by rule:", dict(sorted(by_kind.items())))
    print(
        f"false statistical alerts (spike/flatline/new term): {len(false)} = "
        f"{len(false) * per_10k:.2f} per 10k items"
    )
    warm = START + timedelta(weeks=WARM_UP_WEEKS)
    warm_items = sum(1 for event in events if event.occurred_at >= warm)
    false_warm = [alert for alert in false if alert.window_start >= warm]
    for rule_id, count in sorted(Counter(alert.rule_id for alert in false).items()):
        after = sum(1 for alert in false_warm if alert.rule_id == rule_id)
        print(
            f"  {rule_id}: {count * per_10k:.2f} per 10k; after the {WARM_UP_WEEKS}-week warm-up: "
            f"{after * 10_000 / warm_items:.2f} per 10k"
        )
    severity = sum(1 for _, alert in raised if alert.rule_kind == AlertRuleKind.SEVERITY)
    print(
        f"severity alerts (one per high-severity item and key, by design): {severity * per_10k:.1f} per 10k"
    )
    if name.startswith("injected"):
        onset_index = next(i for i, event in enumerate(events) if event.occurred_at >= onset)
        if not true:
            print("spike NOT detected")
            return
        first_by_kind = {}
        for index, alert in sorted(true, key=lambda pair: pair[0]):
            first_by_kind.setdefault(alert.rule_kind, (index, alert))
        for index, alert in sorted(first_by_kind.values(), key=lambda pair: pair[0]):
            injected = sum(
                1
                for event in events[onset_index : index + 1]
                if event.area.local_authority_code == target.local_authority_code
                and any(s.id == "safe.safeguarding" for s in event.quality_statements)
                and event.sentiment.label == SentimentLabel.NEGATIVE
            )
            delay = events[index].occurred_at - onset
            print(
                f"detected by {alert.rule_id}: {index - onset_index} items after onset "
                f"({injected} negative safeguarding items in the area), {delay.total_seconds() / 3600:.1f} h "
                f"event time\n  reason: {alert.reason}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--areas", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--spike-per-day", type=float, default=3.0)
    parser.add_argument("--spike-days", type=int, default=10)
    parser.add_argument("--new-term", default="scabies", help="The outbreak word the injected items use.")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES_FILE)
    args = parser.parse_args()
    rows = load_rows()
    for inject in (True, False):
        events, target, onset = stream(args, rows, inject)
        end = onset + timedelta(days=args.spike_days)
        name = f"injected spike in {target.local_authority_name}" if inject else "control (no spike)"
        report(
            name if not inject else f"injected: {name}",
            events,
            replay(events, args.rules),
            target,
            onset,
            end,
            args.new_term,
        )


if __name__ == "__main__":
    main()
