"""`caresignal_redacted_doc`: a tokenised, sentence-split Doc of the redacted text.

Components that expose text to consumers (severity matches, segment evidence, statement rules) work on
`doc._.redacted_doc`, so every span they report is a span of the redacted text: personal data cannot leak
through them. Sentences come from spaCy's rule-based `sentencizer`, with line breaks as boundaries too.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from services.classify.pipeline.extensions import declare_doc_extensions

PUNCT_CHARS = [".", "!", "?", "…", "\n", "\n\n", "\n\n\n"]

declare_doc_extensions("redacted_doc")


def text_length(doc: Doc) -> int:
    """len(doc.text) without building the text (`Doc.text` joins every token's text)."""
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a sentence-split doc (one span for a doc without sentence boundaries).

    Read from the SENT_START array: `doc.sents` makes a Python Token object for every token, which was the
    largest cost of the later components on long texts.
    """
    if not len(doc):
        return []
    starts = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(doc)]
    return [doc[start:end] for start, end in zip(starts, ends, strict=True)]


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
        redacted = doc._.redaction is not None and bool(doc._.redaction.counts)
        view = self.tokenizer(doc._.redaction.text) if redacted else doc  # nothing redacted: the same text
        doc._.redacted_doc = self.sentencizer(view)
        return doc


@Language.factory("caresignal_redacted_doc", assigns=["doc._.redacted_doc"], requires=["doc._.redaction"])
def make_redacted_doc(nlp: Language, name: str) -> RedactedDoc:
    return RedactedDoc(nlp, name)
