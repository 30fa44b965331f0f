"""`caresignal_severity`: incidents of harm, found sentence by sentence in the redacted text.

A trigger (`severity_patterns.py`) becomes a reason unless its context cancels it (`severity_cues.py`):
negated in its clause, hypothetical or feared before it in its sentence, reported news in its sentence, or
training and policy talk in its clause. Outcomes (a death, a fracture, a medication error, an injury) also
need their companion cue in the same or a neighbouring sentence.

Writes `doc._.severity_reasons` (reason codes in REASONS order), `doc._.severity_matches` (matched text),
`doc._.severity_evidence` ((reason, start_char, end_char) of each kept trigger in the redacted text) and
`doc._.severity_cancelled` (the same for each trigger its context cancelled: harm words read as no
incident, which the harm classifier must not overrule, see `decisions.py`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from services.classify.pipeline.anchored import AnchoredMatcher
from services.classify.pipeline.extensions import declare_doc_extensions
from services.classify.pipeline.redacted_doc import redacted_doc, sentences
from services.classify.pipeline.severity_cues import (
    CANCELLING,
    CLAUSE_BREAKS,
    COMPANIONS,
    GRATITUDE,
    NEGATION_BREAKERS,
    NEGATION_CUES,
)
from services.classify.pipeline.severity_patterns import REASONS

NEGATION_WINDOW = 5
POLICY_WINDOW = 4
OUTCOME_SEPARATOR = "|needs:"

declare_doc_extensions("severity_reasons", "severity_matches", "severity_evidence", "severity_cancelled")


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int


def is_negated(doc: Doc, start: int, window: int = NEGATION_WINDOW) -> bool:
    """True when a negation cue sits within `window` tokens before `start`, in the same clause."""
    i = start - 1
    while i >= 0 and start - i <= window:
        lower = doc[i].lower_
        if lower in CLAUSE_BREAKS:
            return False
        if lower in NEGATION_CUES:
            following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            return following not in NEGATION_BREAKERS
        i -= 1
    return False


def clause_bounds(doc: Doc, start: int, end: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """Token range of the clause around [start, end), within its sentence."""
    left = start
    while left > sentence[0] and doc[left - 1].lower_ not in CLAUSE_BREAKS:
        left -= 1
    right = end
    while right < sentence[1] and doc[right].lower_ not in CLAUSE_BREAKS:
        right += 1
    return left, right


class SeverityDetector:
    def __init__(
        self,
        nlp: Language,
        name: str,
        triggers: dict[str, dict[str, Any]],
        cues: dict[str, list[list[dict[str, Any]]]],
    ) -> None:
        unknown = set(triggers) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown severity reasons: {sorted(unknown)}")
        missing = {*CANCELLING, *COMPANIONS, GRATITUDE} - set(cues)
        if missing:
            raise ValueError(f"missing severity cues: {sorted(missing)}")
        self.name = name
        self.triggers = AnchoredMatcher(nlp.vocab)
        for reason, spec in triggers.items():
            if spec.get("acts"):
                self.triggers.add(reason, spec["acts"])
            if spec.get("outcomes"):
                self.triggers.add(f"{reason}{OUTCOME_SEPARATOR}{spec['needs']}", spec["outcomes"])
        self.cues = AnchoredMatcher(nlp.vocab)
        for kind, patterns in cues.items():
            self.cues.add(kind, patterns)
        self.gratitude = Matcher(nlp.vocab)
        self.gratitude.add(GRATITUDE, cues[GRATITUDE])

    def __call__(self, doc: Doc) -> Doc:
        view = redacted_doc(doc)
        evidence, cancelled = self.find(view)
        reasons = {reason for reason, _, _ in evidence}
        doc._.severity_reasons = [reason for reason in REASONS if reason in reasons]
        doc._.severity_evidence = [(r, view[s:e].start_char, view[s:e].end_char) for r, s, e in evidence]
        doc._.severity_cancelled = [(r, view[s:e].start_char, view[s:e].end_char) for r, s, e in cancelled]
        matches: list[str] = []
        for _, start, end in evidence:
            text = view[start:end].text
            if text not in matches:
                matches.append(text)
        doc._.severity_matches = matches
        return doc

    def find(self, doc: Doc) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
        """(reason, start token, end token) of every trigger its context keeps, in text order, and of
        every trigger its context cancels."""
        spans = sentences(doc)
        lowers = doc.to_array(LOWER)
        found = [match for span in spans for match in self.triggers(span, lowers)]
        if not found:
            return [], []
        bounds = [(span.start, span.end) for span in spans]
        starts = [start for start, _ in bounds]
        sentence_of = {start: bisect_right(starts, start) - 1 for _, start, _ in found}
        near = {sentence_of[start] + step for _, start, _ in found for step in (-1, 0, 1)}
        cues: dict[str, list[Cue]] = {}
        for index in sorted(near & set(range(len(spans)))):  # cues only matter near a trigger
            for match_id, start, end in self.cues(spans[index], lowers):
                kind = doc.vocab.strings[match_id]
                cues.setdefault(kind, []).append(Cue(kind, start, end))
        acts: list[tuple[str, int, int]] = []
        outcomes: list[tuple[str, str, int, int]] = []
        cancelled: list[tuple[str, int, int]] = []
        for match_id, start, end in found:
            reason, _, needs = doc.vocab.strings[match_id].partition(OUTCOME_SEPARATOR)
            if self.cancelled(doc, reason, start, end, bounds[sentence_of[start]], cues):
                cancelled.append((reason, start, end))
                continue
            if needs:
                outcomes.append((reason, needs, start, end))
            else:
                acts.append((reason, start, end))
        kept = list(acts)
        waiting = outcomes
        thanking = [bounds[bisect_right(starts, c.start) - 1] for c in cues.get(GRATITUDE, [])]
        while waiting:  # an outcome kept can accompany another ("wrong tablets ... unconscious")
            still = []
            for reason, needs, start, end in waiting:
                companions = [
                    c for c in cues.get(needs, []) if not any(a <= c.start < b for a, b in thanking)
                ] + [Cue(r, s, e) for r, s, e in kept if r != reason]
                if self.accompanied(doc, companions, bounds, sentence_of[start], start, end):
                    kept.append((reason, start, end))
                else:
                    still.append((reason, needs, start, end))
            if len(still) == len(waiting):
                break
            waiting = still
        return sorted(kept, key=lambda m: (m[1], m[2])), cancelled

    def overrules_classifier(self, doc: Doc, start: int, end: int) -> bool:
        """Context in [start, end) of the redacted text that the harm classifier must not overrule: a trigger
        the context cancelled ("Nobody has ever shouted at Mum"), or thanks and praise ("passed away
        peacefully")."""
        if any(start <= begin < end for _, begin, _ in doc._.severity_cancelled or ()):
            return True
        span = redacted_doc(doc).char_span(start, end, alignment_mode="expand")
        return span is not None and bool(self.gratitude(span))

    @staticmethod
    def cancelled(
        doc: Doc, reason: str, start: int, end: int, sentence: tuple[int, int], cues: dict[str, list[Cue]]
    ) -> bool:
        if is_negated(doc, start):
            return True
        first, last = sentence
        before = [
            c
            for kind in ("hypothetical", "fear")
            for c in cues.get(kind, [])
            if first <= c.start and c.end <= start
        ]
        if reason == "closed_culture":  # fear of speaking up is what this reason is about
            before = [c for c in before if c.kind != "fear"]
        if before:
            return True
        if any(first <= c.start < last for c in cues.get("news", [])):
            return True
        if any(c.start < end and start < c.end for c in cues.get("idiom", [])):
            return True
        left, right = clause_bounds(doc, start, end, sentence)
        left, right = max(left, start - POLICY_WINDOW), min(right, end + POLICY_WINDOW)
        if any(c.start < end and start < c.end for c in cues.get("other_setting", [])):
            return True
        return any(
            left <= c.start and c.end <= right and not (start <= c.start < end)
            for c in cues.get("policy", [])
        )

    @staticmethod
    def accompanied(
        doc: Doc, companions: list[Cue], sentences: list[tuple[int, int]], index: int, start: int, end: int
    ) -> bool:
        """A companion cue outside the trigger itself, in its sentence or the one before or after, and not
        negated ("he wasn't alone")."""
        low = sentences[max(index - 1, 0)][0]
        high = sentences[min(index + 1, len(sentences) - 1)][1]
        return any(
            low <= c.start < high and not (start <= c.start < end) and not is_negated(doc, c.start)
            for c in companions
        )


@Language.factory(
    "caresignal_severity",
    assigns=[
        "doc._.severity_reasons",
        "doc._.severity_matches",
        "doc._.severity_evidence",
        "doc._.severity_cancelled",
    ],
    default_config={
        "triggers": {"@misc": "caresignal.harm_patterns.v1"},
        "cues": {"@misc": "caresignal.severity_cues.v1"},
    },
)
def make_severity(
    nlp: Language,
    name: str,
    triggers: dict[str, dict[str, Any]],
    cues: dict[str, list[list[dict[str, Any]]]],
) -> SeverityDetector:
    return SeverityDetector(nlp, name, triggers, cues)
