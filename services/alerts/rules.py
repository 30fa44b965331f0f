"""Alert rules: pydantic models of the YAML rules file, one model per rule kind."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from schemas.alerts import AlertSeverity
from schemas.common import KeyQuestion
from schemas.evidence import EvidenceKind, SentimentLabel, SeverityLevel, SourceType, source_types_of

AreaLevel = Literal["local_authority", "icb", "region", "location", "provider"]
DURATION = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def _parse_duration(value: object) -> object:
    """Accept '7d', '24h', '30m', '45s' as well as what pydantic takes (seconds, ISO 8601 'P7D')."""
    if isinstance(value, str) and (match := DURATION.match(value)):
        return timedelta(seconds=int(match.group(1)) * UNIT_SECONDS[match.group(2)])
    return value


Duration = Annotated[timedelta, BeforeValidator(_parse_duration)]


class RulesFileError(ValueError):
    """The rules file cannot be read or does not validate; the message says where and why."""


class StrictModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceMatch(StrictModel):
    """Which of the counted items a rule looks at: all given filters must hold (search API parameters)."""

    sentiment: SentimentLabel | None = None
    severity: SeverityLevel | None = None


SOFT_INTELLIGENCE = list(source_types_of(EvidenceKind.SOFT_INTELLIGENCE))


class RuleBase(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="Stable id; part of every alert id.")
    description: str = ""
    enabled: bool = True
    source_types: list[SourceType] = Field(
        default_factory=lambda: list(SOFT_INTELLIGENCE),
        min_length=1,
        description="The kinds of evidence the rule counts (default: soft intelligence only).",
    )
    severity: AlertSeverity = AlertSeverity.MEDIUM
    silence: Duration = Field(
        default=timedelta(days=14), description="Event time during which the same rule and key stay quiet."
    )

    @field_validator("silence")
    @classmethod
    def _silence_not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("silence must not be negative")
        return value


class WindowedRule(RuleBase):
    window: Duration = Field(default=timedelta(days=7), description="Tumbling window size, by occurred_at.")
    baseline_windows: int = Field(default=4, ge=1, le=52, description="Earlier windows forming the baseline.")

    @field_validator("window")
    @classmethod
    def _window_positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=1):
            raise ValueError("window must be at least 1 minute")
        return value


class CountedRule(StrictModel):
    """What a count-based rule counts and per which key."""

    level: AreaLevel = "local_authority"
    by_quality_statement: bool = False
    match: EvidenceMatch = EvidenceMatch(sentiment=SentimentLabel.NEGATIVE)


class SpikeRule(WindowedRule, CountedRule):
    """Matching items in the current tumbling window against the mean of the same key's earlier windows."""

    kind: Literal["spike"]
    ratio: float = Field(default=3.0, gt=1.0, description="Fire at count >= ratio x baseline mean.")
    min_count: int = Field(default=5, ge=1, description="Fire only with at least this many items.")
    baseline_floor: float = Field(
        default=1.0, gt=0.0, description="The baseline mean used when history is thinner than this."
    )


class RollingSpikeRule(RuleBase, CountedRule):
    """The last days' count, judged as each item arrives, against what the key's own history predicts.

    Daily counts per key; the expected count of a window is the baseline's daily rate for each of its days
    (weekdays and weekends apart when `weekly_pattern`), and the alert fires when the count's upper-tail
    probability under a Poisson or negative-binomial law (the key's own day-to-day variability) is below
    `p_value`. An open alert grows, escalates, or is reopened within the silence instead of repeating.
    """

    kind: Literal["rolling_spike"]
    windows_days: list[int] = Field(
        default_factory=lambda: [1, 3], min_length=1, description="Window lengths in days, each ending today."
    )
    baseline_days: int = Field(
        default=28, ge=7, le=182, description="Days before a window forming its baseline."
    )
    min_history_days: int = Field(
        default=14,
        ge=0,
        description="Days since the key's first item before it is judged (0: a key never seen before is "
        "judged too, its baseline days counted as days without items).",
    )
    weekly_pattern: bool = Field(default=True, description="Expect weekdays and weekends at their own rates.")
    distribution: Literal["poisson", "negative_binomial"] = "negative_binomial"
    min_dispersion: float = Field(
        default=0.0, ge=0.0, description="Least overdispersion assumed (negative binomial: var = m + d m^2)."
    )
    p_value: float = Field(
        default=1e-4, gt=0.0, lt=1.0, description="Fire when P(count or more) is below this."
    )
    min_count: int = Field(
        default=6, ge=1, description="Fire only with at least this many items in the window."
    )
    floor_per_day: float = Field(
        default=0.2, gt=0.0, description="The least daily rate assumed, so quiet keys do not flap."
    )
    escalate_ratio: float = Field(
        default=5.0,
        gt=1.0,
        description="Escalate once the count reaches this multiple of the expected count.",
    )
    escalated_severity: AlertSeverity = AlertSeverity.CRITICAL
    update_growth: float = Field(
        default=0.5, ge=0.0, description="Publish a new version when the count grew by this share."
    )
    severity: AlertSeverity = AlertSeverity.HIGH

    @field_validator("windows_days")
    @classmethod
    def _windows_sensible(cls, value: list[int]) -> list[int]:
        if any(days < 1 or days > 28 for days in value):
            raise ValueError("window lengths must be 1 to 28 days")
        return sorted(set(value))


class SeverityRule(RuleBase):
    """A single high-severity item alerts at once."""

    kind: Literal["severity"]
    levels: list[AreaLevel] = Field(
        default_factory=lambda: ["location", "local_authority"],
        min_length=1,
        description="Group by the first of these the item has.",
    )
    reasons: list[str] = Field(
        default_factory=list, description="Severity reasons that count; empty means any high-severity item."
    )
    severity: AlertSeverity = AlertSeverity.CRITICAL
    silence: Duration = Field(
        default=timedelta(days=1),
        description="Without grouping: later items of the key stay quiet this long.",
    )
    group_window: Duration = Field(
        default=timedelta(0),
        description="Items of a key in one aligned window form one alert that grows; 0: one alert per item.",
    )
    critical_reasons: list[str] = Field(
        default_factory=list, description="With grouping: items with any of these reasons page alone."
    )
    escalate_at: int = Field(default=0, ge=0, description="A group escalates at this many items (0: never).")
    escalated_severity: AlertSeverity = Field(
        default=AlertSeverity.CRITICAL, description="Of an escalated group and of an item paging alone."
    )


class RatingDowngradeRule(RuleBase):
    """A location's overall or key-question rating gets worse between inspection results."""

    kind: Literal["rating_downgrade"]
    source_types: list[SourceType] = Field(
        default_factory=lambda: [SourceType.INSPECTION_RESULT],
        description="Ratings come only from inspection results.",
    )

    @field_validator("source_types")
    @classmethod
    def _only_inspection_results(cls, value: list[SourceType]) -> list[SourceType]:
        if value != [SourceType.INSPECTION_RESULT]:
            raise ValueError("a rating rule counts inspection results only: [inspection_result]")
        return value

    overall: bool = True
    key_questions: list[KeyQuestion] = Field(default_factory=lambda: list(KeyQuestion))
    severity: AlertSeverity = AlertSeverity.HIGH
    inadequate_severity: AlertSeverity = AlertSeverity.CRITICAL
    silence: Duration = timedelta(0)


class FlatlineRule(WindowedRule):
    """A source that normally feeds an area goes silent: a data-quality alert."""

    kind: Literal["flatline"]
    level: AreaLevel = "local_authority"
    min_per_window: int = Field(default=5, ge=1, description="Every baseline window had at least this many.")
    severity: AlertSeverity = AlertSeverity.LOW
    silence: Duration = timedelta(days=28)


class NewTermRule(WindowedRule):
    """A term several items about a key use this window that none of its items used in the windows before."""

    kind: Literal["new_term"]
    level: AreaLevel = "local_authority"
    match: EvidenceMatch = EvidenceMatch(sentiment=SentimentLabel.NEGATIVE)
    min_items: int = Field(default=3, ge=2, description="Distinct items using the term in the window.")
    min_baseline_items: int = Field(
        default=10,
        ge=1,
        description="Matching items the baseline windows need before 'absent' means anything.",
    )
    min_term_length: int = Field(default=4, ge=2)
    ignore_terms: list[str] = Field(default_factory=list, description="Lemmas never reported as new.")
    severity: AlertSeverity = AlertSeverity.MEDIUM
    silence: Duration = timedelta(days=28)


class CampaignRule(RuleBase):
    """Many near-identical items from several authors about one area in a window: one alert per cluster."""

    kind: Literal["campaign"]
    level: AreaLevel = Field(
        default="local_authority",
        description="Clusters are found within a local authority; the alert is about it.",
    )
    window: Duration = Field(default=timedelta(days=7), description="Sliding window, by occurred_at.")
    min_items: int = Field(
        default=10, ge=2, description="Items of one cluster in the window, first included."
    )
    min_authors: int = Field(default=5, ge=1, description="Distinct authors among the copies.")
    max_items_kept: int = Field(default=200, ge=10, le=2000, description="Copies a cluster's state keeps.")
    severity: AlertSeverity = AlertSeverity.MEDIUM


Rule = Annotated[
    SpikeRule
    | RollingSpikeRule
    | SeverityRule
    | RatingDowngradeRule
    | FlatlineRule
    | NewTermRule
    | CampaignRule,
    Field(discriminator="kind"),
]


class RuleSet(StrictModel):
    rules: list[Rule] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _ids_unique(cls, rules: list[Rule]) -> list[Rule]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return rules

    def enabled(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.enabled]

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.enabled()}


def _describe(error: ValidationError, document: object) -> str:
    lines = []
    for item in error.errors():
        loc = list(item["loc"])
        where = ".".join(str(part) for part in loc) or "(top level)"
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = document.get("rules") if isinstance(document, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                field = ".".join(str(part) for part in loc[2:]) or "-"
                where = f"rule {rules[loc[1]].get('id', loc[1])!r} ({field})"
        lines.append(f"{where}: {item['msg']}")
    return "\n".join(lines)


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Validate a YAML document of rules; RulesFileError lists every problem with its place."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesFileError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise RulesFileError(f"{source}: expected a mapping with a 'rules' list at the top level")
    try:
        return RuleSet.model_validate(document)
    except ValidationError as error:
        raise RulesFileError(f"{source}: invalid rules:\n{_describe(error, document)}") from error


def load_rules(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesFileError(f"{path}: cannot read: {error}") from error
    return parse_rules(text, str(path))
