"""`caresignal_segments`: every item scored by the trained textcats, long items segment by segment.

The `statements`, `sentiment` and `harm` components stay in the pipeline (saved and loaded with it) but are
disabled: this component runs them. A short item (under `min_chars` characters, what the models were
trained on) is scored as a whole, on its text as given, into `doc.cats`. A longer item (stories, threads,
long notes) is split into segments, the sentences of the redacted text (a fragment shorter than
`min_segment_chars` joins the next sentence), and each segment is scored like a short comment; the whole
text is not scored (the decisions component aggregates the segments and keeps which one triggered what).

Writes `doc.cats` for short items and `doc._.segments`: a list of `SegmentScores` (character offsets in
the redacted text, statement scores, sentiment probabilities and harm scores in those components' label
order), or [] for short items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from services.classify.pipeline.extensions import declare_doc_extensions
from services.classify.pipeline.redacted_doc import redacted_doc, sentences, text_length
from services.classify.pipeline.shared_features import SharedFeatures

MIN_ITEM_CHARS = 500
MIN_SEGMENT_CHARS = 20

declare_doc_extensions("segments")


@dataclass(frozen=True)
class SegmentScores:
    start: int
    end: int
    statements: np.ndarray  # scores in the `statements` component's label order (empty without it)
    sentiment: np.ndarray  # probabilities in the `sentiment` component's label order (empty without it)
    harm: np.ndarray  # scores in the `harm` component's label order (empty without it)


def redacted_text(doc: Doc) -> str:
    """The text of `redacted_doc(doc)`, without rebuilding it from the tokens."""
    return doc._.redaction.text if doc._.redaction is not None else doc.text


def segment_spans(doc: Doc, min_segment_chars: int, text: str | None = None) -> list[Span]:
    """The sentences of a sentence-split doc; a fragment shorter than `min_segment_chars` joins the next.
    `text`: `doc.text` when the caller has it (a span's text is then sliced, not rebuilt from its tokens)."""
    source = doc.text if text is None else text

    def stripped(span: Span) -> str:
        return source[span.start_char : span.end_char].strip()

    spans: list[Span] = []
    start = None
    for sentence in sentences(doc):
        start = sentence.start if start is None else start
        if len(stripped(doc[start : sentence.end])) >= min_segment_chars:
            spans.append(doc[start : sentence.end])
            start = None
    if start is not None:
        if spans and len(stripped(doc[start:])) < min_segment_chars:
            spans[-1] = doc[spans[-1].start :]
        else:
            spans.append(doc[start:])
    return [span for span in spans if stripped(span)]


class Segments:
    def __init__(
        self,
        nlp: Language,
        name: str,
        min_chars: int,
        min_segment_chars: int,
        statements_component: str,
        sentiment_component: str,
        harm_component: str,
    ) -> None:
        self.name = name
        self.nlp = nlp
        self.min_chars = min_chars
        self.min_segment_chars = min_segment_chars
        self.components = (statements_component, sentiment_component, harm_component)
        self._shared: SharedFeatures | None = None
        self._shared_key: tuple[int, ...] | None = None

    def spans(self, doc: Doc) -> list[Span]:
        """The segments of a long item; [] for a short one (decided on the length of the text as given)."""
        if text_length(doc) < self.min_chars:
            return []
        return segment_spans(redacted_doc(doc), self.min_segment_chars, redacted_text(doc))

    def textcats(self) -> list:
        return [self.nlp.get_pipe(name) for name in self.components if name in self.nlp.component_names]

    def shared(self) -> SharedFeatures | None:
        """The textcats' features counted once per text (rebuilt when a textcat is refitted or reloaded);
        None when they do not share their analysers."""
        textcats = self.textcats()
        key = tuple(id(textcat.coef) for textcat in textcats)
        if key != self._shared_key:
            try:
                self._shared = SharedFeatures(textcats) if textcats else None
            except ValueError:
                self._shared = None
            self._shared_key = key
        return self._shared

    def predict(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Each textcat's scores for the texts, by component name."""
        shared = self.shared()
        if shared is not None:
            return {t.name: s for t, s in zip(shared.textcats, shared.scores(texts), strict=True)}
        docs = [self.nlp.make_doc(text) for text in texts]
        return {textcat.name: textcat.predict(docs) for textcat in self.textcats()}

    def set_annotations(self, docs: list[Doc]) -> None:
        per_doc = [self.spans(doc) for doc in docs]
        short = [doc for doc, spans in zip(docs, per_doc, strict=True) if not spans]
        texts = [
            source[span.start_char : span.end_char]
            for doc, spans in zip(docs, per_doc, strict=True)
            if spans
            for source in (redacted_text(doc),)
            for span in spans
        ]
        flat = [span for spans in per_doc for span in spans]
        scores = {}
        if short:
            for name, rows in self.predict([doc.text for doc in short]).items():
                self.nlp.get_pipe(name).set_annotations(short, rows)
        if flat:
            scores = {name: np.asarray(rows, dtype=np.float32) for name, rows in self.predict(texts).items()}
        empty = np.zeros(0, dtype=np.float32)
        row = 0
        for doc, spans in zip(docs, per_doc, strict=True):
            doc._.segments = [
                SegmentScores(
                    span.start_char,
                    span.end_char,
                    *(
                        scores[name][row + i] if scores.get(name) is not None else empty
                        for name in self.components
                    ),
                )
                for i, span in enumerate(spans)
            ]
            row += len(spans)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            docs = list(batch)
            self.set_annotations(docs)
            yield from docs


@Language.factory(
    "caresignal_segments",
    assigns=["doc._.segments"],
    requires=["doc._.redacted_doc"],
    default_config={
        "min_chars": MIN_ITEM_CHARS,
        "min_segment_chars": MIN_SEGMENT_CHARS,
        "statements_component": "statements",
        "sentiment_component": "sentiment",
        "harm_component": "harm",
    },
)
def make_segments(
    nlp: Language,
    name: str,
    min_chars: int,
    min_segment_chars: int,
    statements_component: str,
    sentiment_component: str,
    harm_component: str,
) -> Segments:
    return Segments(
        nlp, name, min_chars, min_segment_chars, statements_component, sentiment_component, harm_component
    )
