"""`caresignal_redacted_doc`: a tokenised, sentence-split Doc of the redacted text.

Components that expose text to consumers (severity matches, segment evidence, statement rules) work on
`doc._.redacted_doc`, so every span they report is a span of the redacted text: personal data cannot leak
through them. Sentences come from spaCy's rule-based `sentencizer`, with line breaks as boundaries too.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

PUNCT_CHARS = [".", "!", "?", "…", "\n", "\n\n", "\n\n\n"]

if not Doc.has_extension("redacted_doc"):
    Doc.set_extension("redacted_doc", default=None)


def sentencizer() -> Sentencizer:
    """The sentence splitter every component and the evaluation use: punctuation and line breaks."""
    return Sentencizer(punct_chars=PUNCT_CHARS)


def redacted_doc(doc: Doc) -> Doc:
    """The redacted view of `doc`, or `doc` itself when no redactor ran (rule-only test pipelines)."""
    return doc._.redacted_doc if doc._.redacted_doc is not None else doc


class RedactedDoc:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.tokenizer = nlp.tokenizer
        self.sentencizer = sentencizer()

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.redacted_text if doc._.redacted_text is not None else doc.text
        view = doc if text == doc.text else self.tokenizer(text)
        doc._.redacted_doc = self.sentencizer(view)
        return doc


@Language.factory("caresignal_redacted_doc", assigns=["doc._.redacted_doc"], requires=["doc._.redacted_text"])
def make_redacted_doc(nlp: Language, name: str) -> RedactedDoc:
    return RedactedDoc(nlp, name)
