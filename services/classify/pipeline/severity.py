"""`caresignal_severity`: reason-coded severity triggers with clause-level negation.

Writes `doc._.severity_reasons` (reason codes in REASONS order) and `doc._.severity_matches` (matched text).
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from services.classify.pipeline.severity_patterns import (
    CLAUSE_BREAKS,
    NEGATION_BREAKERS,
    NEGATION_CUES,
    REASONS,
)

NEGATION_WINDOW = 4

for _name in ("severity_reasons", "severity_matches"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def is_negated(doc: Doc, start: int, window: int = NEGATION_WINDOW) -> bool:
    """True when a negation cue sits within `window` tokens before `start`, in the same clause."""
    i = start - 1
    while i >= 0 and start - i <= window:
        lower = doc[i].lower_
        if lower in CLAUSE_BREAKS:
            return False
        if lower in NEGATION_CUES or lower.endswith("n't"):
            following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            return following not in NEGATION_BREAKERS
        i -= 1
    return False


class SeverityDetector:
    def __init__(self, nlp: Language, name: str, patterns: dict[str, list[list[dict[str, Any]]]]) -> None:
        unknown = set(patterns) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown severity reasons: {sorted(unknown)}")
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        for reason, reason_patterns in patterns.items():
            self.matcher.add(reason, reason_patterns)

    def __call__(self, doc: Doc) -> Doc:
        reasons: set[str] = set()
        matches: list[str] = []
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: (m[1], m[2])):
            if is_negated(doc, start):
                continue
            reasons.add(doc.vocab.strings[match_id])
            text = doc[start:end].text
            if text not in matches:
                matches.append(text)
        doc._.severity_reasons = [reason for reason in REASONS if reason in reasons]
        doc._.severity_matches = matches
        return doc


@Language.factory(
    "caresignal_severity",
    assigns=["doc._.severity_reasons", "doc._.severity_matches"],
    default_config={"patterns": {"@misc": "caresignal.severity_patterns.v1"}},
)
def make_severity(
    nlp: Language, name: str, patterns: dict[str, list[list[dict[str, Any]]]]
) -> SeverityDetector:
    return SeverityDetector(nlp, name, patterns)
