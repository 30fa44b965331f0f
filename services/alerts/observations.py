"""Classified evidence → the observations each rule makes of it, one per group key."""

from __future__ import annotations

from functools import cache

from schemas.alerts import AlertKey
from schemas.evidence import DuplicateKind, EvidenceClassified, SeverityLevel
from schemas.reference import local_authorities, quality_statements
from services.alerts.domain import Observation
from services.alerts.rules import (
    AreaLevel,
    CampaignRule,
    EvidenceMatch,
    FlatlineRule,
    NewTermRule,
    RatingDowngradeRule,
    RollingSpikeRule,
    Rule,
    SeverityRule,
    SpikeRule,
)
from services.alerts.terms import item_terms


@cache
def _statement_titles() -> dict[str, str]:
    return {statement.id: statement.title for statement in quality_statements()}


def statement_title(statement_id: str) -> str:
    return _statement_titles().get(statement_id, statement_id)


def area_code(evidence: EvidenceClassified, level: AreaLevel) -> str | None:
    """The item's code at an area level, or its location or provider id."""
    return {
        "local_authority": evidence.area.local_authority_code,
        "icb": evidence.area.icb_code,
        "region": evidence.area.region_code,
        "location": evidence.provider.location_id,
        "provider": evidence.provider.provider_id,
    }[level]


def area_label(evidence: EvidenceClassified, level: AreaLevel) -> str:
    """The key in words: 'Oldham', 'Sunnyside Care Home (1-123)'."""
    area = evidence.area
    code = area_code(evidence, level) or "?"
    if level in ("location", "provider"):
        return f"{evidence.provider.name} ({code})" if evidence.provider.name else code
    if level == "local_authority":
        known = local_authorities().get(code)
        return area.local_authority_name or (known.name if known else code)
    if level == "icb":
        return area.icb_name or code
    return area.region_name or code


def counts(rule: Rule, evidence: EvidenceClassified) -> bool:
    """Whether the item is of a kind the rule counts (its `source_types`)."""
    return evidence.source_type in rule.source_types


def matches(evidence: EvidenceClassified, match: EvidenceMatch) -> bool:
    return (match.sentiment is None or evidence.sentiment.label == match.sentiment) and (
        match.severity is None or evidence.severity.level == match.severity
    )


def _observation(rule: Rule, evidence: EvidenceClassified, key: AlertKey, label: str) -> Observation:
    return Observation(
        rule_id=rule.id,
        key=key,
        label=label,
        evidence_id=evidence.evidence_id,
        occurred_at=evidence.occurred_at,
        source_type=evidence.source_type,
        severity_reasons=list(evidence.severity.reasons),
        location_id=evidence.provider.location_id,
        finding=evidence.inspection,
    )


def _spike(rule: SpikeRule | RollingSpikeRule, evidence: EvidenceClassified) -> list[Observation]:
    code = area_code(evidence, rule.level)
    if code is None or not matches(evidence, rule.match):
        return []
    label = area_label(evidence, rule.level)
    if rule.by_quality_statement:
        statements = dict.fromkeys(score.id for score in evidence.quality_statements)
        keyed = [
            (
                AlertKey(level=rule.level, code=code, quality_statement=statement),
                f"{statement_title(statement)} in {label}",
            )
            for statement in statements
        ]
    else:
        keyed = [(AlertKey(level=rule.level, code=code), label)]
    cluster = evidence.duplication and evidence.duplication.cluster_id  # copies count once per cluster
    return [
        _observation(rule, evidence, key, text).model_copy(update={"cluster_id": cluster})
        for key, text in keyed
    ]


def _severity(rule: SeverityRule, evidence: EvidenceClassified) -> list[Observation]:
    if evidence.severity.level != SeverityLevel.HIGH:
        return []
    if rule.reasons and not set(rule.reasons) & set(evidence.severity.reasons):
        return []
    for level in rule.levels:
        if code := area_code(evidence, level):
            key = AlertKey(level=level, code=code)
            return [_observation(rule, evidence, key, area_label(evidence, level))]
    return []


def _rating_downgrade(rule: RatingDowngradeRule, evidence: EvidenceClassified) -> list[Observation]:
    finding, location_id = evidence.inspection, evidence.provider.location_id
    if finding is None or location_id is None:
        return []
    wanted = rule.overall if finding.key_question is None else finding.key_question in rule.key_questions
    if not wanted:
        return []
    key = AlertKey(level="location", code=location_id)
    return [_observation(rule, evidence, key, area_label(evidence, "location"))]


def _flatline(rule: FlatlineRule, evidence: EvidenceClassified) -> list[Observation]:
    code = area_code(evidence, rule.level)
    if code is None:
        return []
    key = AlertKey(level=rule.level, code=code, source_type=evidence.source_type.value)
    return [_observation(rule, evidence, key, area_label(evidence, rule.level))]


def _new_term(rule: NewTermRule, evidence: EvidenceClassified) -> list[Observation]:
    code = area_code(evidence, rule.level)
    if code is None or not matches(evidence, rule.match):
        return []
    observation = _observation(
        rule, evidence, AlertKey(level=rule.level, code=code), area_label(evidence, rule.level)
    )
    terms = item_terms(evidence.lemmas, min_length=rule.min_term_length, ignore=rule.ignore_terms)
    return [observation.model_copy(update={"terms": terms})]


def _campaign(rule: CampaignRule, evidence: EvidenceClassified) -> list[Observation]:
    """A copy (exact or near) observed under its cluster; first items and unclustered items are not."""
    duplication, code = evidence.duplication, area_code(evidence, rule.level)
    if duplication is None or duplication.kind is DuplicateKind.ORIGINAL or code is None:
        return []
    key = AlertKey(level=rule.level, code=code, cluster_id=duplication.cluster_id)
    observation = _observation(rule, evidence, key, area_label(evidence, rule.level))
    return [
        observation.model_copy(update={"copy_kind": duplication.kind.value, "author": duplication.author})
    ]


def observations_for(evidence: EvidenceClassified, rules: list[Rule]) -> list[Observation]:
    """Every observation the enabled rules make of one item."""
    found: list[Observation] = []
    for rule in rules:
        if not counts(rule, evidence):
            continue
        if isinstance(rule, SpikeRule | RollingSpikeRule):
            found += _spike(rule, evidence)
        elif isinstance(rule, SeverityRule):
            found += _severity(rule, evidence)
        elif isinstance(rule, RatingDowngradeRule):
            found += _rating_downgrade(rule, evidence)
        elif isinstance(rule, FlatlineRule):
            found += _flatline(rule, evidence)
        elif isinstance(rule, NewTermRule):
            found += _new_term(rule, evidence)
        elif isinstance(rule, CampaignRule):
            found += _campaign(rule, evidence)
    return found
