"""`caresignal_statement_rules`: PhraseMatcher + Matcher over the statement patterns, on the redacted text.

The token patterns run sentence by sentence through an `AnchoredMatcher` (only the patterns whose anchor
words occur in a sentence); none of them spans a sentence boundary.

Writes `doc._.rule_statements` ({statement id: score}) and the matched spans of the redacted view to
`doc._.redacted_doc.spans["statement_rules"]`.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from services.classify.pipeline.anchored import AnchoredMatcher
from services.classify.pipeline.extensions import declare_doc_extensions
from services.classify.pipeline.redacted_doc import redacted_doc, sentences

SPANS_KEY = "statement_rules"

declare_doc_extensions("rule_statements")


class StatementRules:
    def __init__(self, nlp: Language, name: str, patterns: dict[str, dict[str, Any]]) -> None:
        self.name = name
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher = AnchoredMatcher(nlp.vocab)
        self.scores: dict[str, float] = {}
        for statement_id, spec in patterns.items():
            self.scores[statement_id] = float(spec.get("score", 0.8))
            phrases = [nlp.make_doc(text) for text in spec.get("phrases", [])]
            if phrases:
                self.phrase_matcher.add(statement_id, phrases)
            if spec.get("patterns"):
                self.matcher.add(statement_id, spec["patterns"])

    def __call__(self, doc: Doc) -> Doc:
        view = redacted_doc(doc)
        found: dict[str, float] = {}
        spans: list[Span] = []
        lowers = view.to_array(LOWER)
        token_matches = [match for span in sentences(view) for match in self.matcher(span, lowers)]
        for match_id, start, end in [*self.phrase_matcher(view), *token_matches]:
            label = view.vocab.strings[match_id]
            found[label] = self.scores.get(label, 0.8)
            spans.append(Span(view, start, end, label=label))
        doc._.rule_statements = found
        view.spans[SPANS_KEY] = spans
        return doc


@Language.factory(
    "caresignal_statement_rules",
    assigns=["doc._.rule_statements"],
    default_config={"patterns": {"@misc": "caresignal.statement_patterns.v1"}},
)
def make_statement_rules(nlp: Language, name: str, patterns: dict[str, dict[str, Any]]) -> StatementRules:
    return StatementRules(nlp, name, patterns)
