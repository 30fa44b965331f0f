"""Analysts' corrections (corrections.v1) as the alert rules see them: the item with the corrected labels.

A correction is observed like the item it corrects, with the analyst's labels applied over the model's,
by the rules whose view depends on labels (spikes of negative or high-severity items, per quality
statement; single high-severity items; new terms in negative items). Those rules count an item once per
window (by evidence id), so an item already counted is not counted again and an alert already raised is
not raised again, while an item the correction brings into a rule's match (now negative, now high
severity, now about a statement) counts as of when it occurred. Source silence and rating downgrades do
not depend on labels: they ignore corrections.
"""

from __future__ import annotations

from schemas.corrections import EvidenceCorrected
from schemas.evidence import EvidenceClassified
from services.alerts.rules import NewTermRule, RollingSpikeRule, Rule, SeverityRule, SpikeRule

LABEL_RULES = (SpikeRule, RollingSpikeRule, SeverityRule, NewTermRule)


def corrected_evidence(event: EvidenceCorrected) -> EvidenceClassified:
    """The classified item with every correction so far applied over the model's labels."""
    return event.corrected.apply_to(event.item)


def label_rules(rules: list[Rule]) -> list[Rule]:
    """The rules whose observations depend on an item's labels."""
    return [rule for rule in rules if isinstance(rule, LABEL_RULES)]
