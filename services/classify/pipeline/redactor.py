"""`caresignal_redactor`: the redaction and the lemma string of every doc.

Writes `doc._.redaction` (a `Redaction`: redacted text, counts per kind, and the spans replaced, so that
any span of the doc shown elsewhere is rendered from the redacted text) and `doc._.lemmas` (of the redacted
text). The lemma lookup table (spaCy's English `lemma_lookup`, when spacy-lookups-data is installed at build
time) and the word classes the name rules use are saved with the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from services.classify.pipeline.extensions import declare_doc_extensions
from services.classify.pipeline.io import write_gzip_json
from services.common.lemmas import lemma_string, load_lookup_table
from services.common.redaction import Redaction, redact
from services.common.redaction.word_classes import WordClasses, word_classes

TABLE_FILE = "lemma_lookup.json"
WORDS_FILE = "word_classes.json"

declare_doc_extensions("redaction", "lemmas")


class Redactor:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.table: dict[str, str] = {}
        self.words: WordClasses | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        use_lookups: bool = True,
    ) -> None:
        self.table = load_lookup_table() if use_lookups else {}
        self.words = word_classes()

    def redact(self, text: str) -> Redaction:
        if self.words is None:  # a model saved before the word classes were
            self.words = word_classes()
        return redact(text, self.words)

    def __call__(self, doc: Doc) -> Doc:
        redaction = self.redact(doc.text)
        doc._.redaction = redaction
        doc._.lemmas = lemma_string(redaction.text, self.table or None)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_gzip_json(path / (TABLE_FILE + ".gz"), self.table)
        if self.words is not None:
            write_gzip_json(path / (WORDS_FILE + ".gz"), self.words.to_json())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Redactor:
        file = Path(path) / (TABLE_FILE + ".gz")
        self.table = dict(srsly.read_gzip_json(file)) if file.is_file() else {}
        words = Path(path) / (WORDS_FILE + ".gz")
        self.words = WordClasses.from_json(srsly.read_gzip_json(words)) if words.is_file() else None
        return self


@Language.factory(
    "caresignal_redactor",
    assigns=["doc._.redaction", "doc._.lemmas"],
)
def make_redactor(nlp: Language, name: str) -> Redactor:
    return Redactor(nlp, name)
