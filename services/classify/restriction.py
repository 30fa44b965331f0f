"""Which items only the `sensitive` role may see: whistleblowing, staff contacts and safeguarding concerns.

The rule reads what classify already decided (who gave the item, its severity reasons); its settings are
`CARESIGNAL_CLASSIFY_RESTRICTED_AUTHOR_ROLES` and `CARESIGNAL_CLASSIFY_RESTRICTED_SEVERITY_REASONS`, and
the event records the rule with its settings, so a later reader knows why an item was restricted.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.evidence import AuthorRole, EvidenceClassified, Restriction

RULE_NAME = "restriction-v1"
DEFAULT_AUTHOR_ROLES = (AuthorRole.WHISTLEBLOWER, AuthorRole.STAFF)
DEFAULT_SEVERITY_REASONS = ("safeguarding", "abuse", "sexual_abuse", "financial_abuse")


@dataclass(frozen=True)
class RestrictionRule:
    author_roles: tuple[AuthorRole, ...] = DEFAULT_AUTHOR_ROLES
    severity_reasons: tuple[str, ...] = DEFAULT_SEVERITY_REASONS

    @property
    def name(self) -> str:
        roles = ",".join(sorted(role.value for role in self.author_roles))
        return f"{RULE_NAME}(author_roles={roles};severity_reasons={','.join(sorted(self.severity_reasons))})"

    def decide(self, item: EvidenceClassified) -> Restriction:
        reasons = [f"author_role:{item.author_role.value}"] if item.author_role in self.author_roles else []
        severe = [reason for reason in item.severity.reasons if reason in self.severity_reasons]
        reasons += [f"severity:{reason}" for reason in severe]
        return Restriction(restricted=bool(reasons), reasons=reasons, rule=self.name)

    def apply(self, item: EvidenceClassified) -> EvidenceClassified:
        return item.model_copy(update={"restriction": self.decide(item)})
