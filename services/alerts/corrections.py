"""Analysts' corrections (corrections.v1) as the alert rules see them: the item with the corrected labels.

A correction is observed like the item it corrects, with the analyst's labels applied over the model's,
by the rules whose view depends on labels (spikes of negative or high-severity items, per quality
statement; single high-severity items; new terms in negative items). Those rules count an item once per
window (by evidence id), so an item already counted is not counted again and an alert already raised is
not raised again, while an item the correction brings into a rule's match (now negative, now high
severity, now about a statement) counts as of when it occurred.

A correction that takes an item out of a spike or severity rule's match (no longer negative, severity
cleared, a statement removed) sends that rule's key a withdrawal (`services/alerts/withdrawals.py`): a key
that never counted the item ignores it. New-term rules do not forget an item (a term's users are kept for
two windows only). Source silence, rating downgrades and campaigns do not depend on labels: they ignore
corrections.
"""

from __future__ import annotations

from schemas.alerts import AlertCorrection
from schemas.corrections import EvidenceCorrected
from schemas.evidence import EvidenceClassified, QualityStatementScore, Sentiment, Severity, SeverityLevel
from services.alerts.domain import Observation, Withdrawal
from services.alerts.observations import observations_for
from services.alerts.rules import NewTermRule, RollingSpikeRule, Rule, SeverityRule, SpikeRule

LABEL_RULES = (SpikeRule, RollingSpikeRule, SeverityRule, NewTermRule)
WITHDRAWING_RULES = (SpikeRule, RollingSpikeRule, SeverityRule)


def corrected_evidence(event: EvidenceCorrected) -> EvidenceClassified:
    """The classified item with every correction so far applied over the model's labels."""
    return event.corrected.apply_to(event.item)


def label_rules(rules: list[Rule]) -> list[Rule]:
    """The rules whose observations depend on an item's labels."""
    return [rule for rule in rules if isinstance(rule, LABEL_RULES)]


def correction_of(event: EvidenceCorrected) -> AlertCorrection:
    return AlertCorrection(
        evidence_id=event.evidence_id, correction_event_id=event.event_id, by=event.by, at=event.occurred_at
    )


def _matching(rule: Rule, item: EvidenceClassified, event: EvidenceCorrected) -> EvidenceClassified:
    """The item as the rule would count it under every key it may have been counted under before this
    correction: its model's, corrected and removed statements, and the labels the rule matches."""
    shown = [score.id for score in item.quality_statements]
    model = [score.id for score in event.item.quality_statements]
    extra = [*model, *event.corrected.removed_quality_statements]
    statements = shown + [sid for sid in dict.fromkeys(extra) if sid not in shown]
    update: dict[str, object] = {
        "quality_statements": [
            *item.quality_statements,
            *(QualityStatementScore(id=sid, score=1.0, method="analyst") for sid in statements[len(shown) :]),
        ]
    }
    if isinstance(rule, SeverityRule):
        reasons = list(dict.fromkeys([*item.severity.reasons, *rule.reasons]))
        update["severity"] = Severity(level=SeverityLevel.HIGH, reasons=reasons)
    elif isinstance(rule, SpikeRule | RollingSpikeRule):
        if rule.match.sentiment is not None:
            update["sentiment"] = Sentiment(label=rule.match.sentiment, score=1.0)
        if rule.match.severity is not None:
            update["severity"] = Severity(level=rule.match.severity, reasons=list(item.severity.reasons))
    return item.model_copy(update=update)


def correction_messages(event: EvidenceCorrected, rules: list[Rule]) -> list[Observation | Withdrawal]:
    """The corrected item's observations by the label rules, and withdrawals from every key of a spike or
    severity rule that may have counted the item before and no longer matches it."""
    item = corrected_evidence(event)
    messages: list[Observation | Withdrawal] = []
    correction = correction_of(event)
    for rule in label_rules(rules):
        observed = observations_for(item, [rule])
        messages += observed
        if not isinstance(rule, WITHDRAWING_RULES):
            continue
        kept = {observation.state_key for observation in observed}
        messages += [
            Withdrawal(
                rule_id=rule.id,
                key=candidate.key,
                label=candidate.label,
                evidence_id=item.evidence_id,
                occurred_at=item.occurred_at,
                correction=correction,
            )
            for candidate in observations_for(_matching(rule, item, event), [rule])
            if candidate.state_key not in kept
        ]
    return messages
