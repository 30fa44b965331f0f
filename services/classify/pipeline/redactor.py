"""`caresignal_redactor`: redacted text, redaction counts and lemma string on every doc.

Writes `doc._.redacted_text`, `doc._.redactions` and `doc._.lemmas`. The lemma lookup table (spaCy's English
`lemma_lookup`, when spacy-lookups-data is installed at build time) is saved with the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from services.classify.pipeline.io import write_gzip_json
from services.classify.redaction import redact
from services.common.lemmas import lemma_string, load_lookup_table

TABLE_FILE = "lemma_lookup.json"

for _name in ("redacted_text", "redactions", "lemmas"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Redactor:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.table: dict[str, str] = {}

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        use_lookups: bool = True,
    ) -> None:
        self.table = load_lookup_table() if use_lookups else {}

    def __call__(self, doc: Doc) -> Doc:
        redaction = redact(doc.text)
        doc._.redacted_text = redaction.text
        doc._.redactions = redaction.counts
        doc._.lemmas = lemma_string(redaction.text, self.table or None)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_gzip_json(path / (TABLE_FILE + ".gz"), self.table)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Redactor:
        file = Path(path) / (TABLE_FILE + ".gz")
        self.table = dict(srsly.read_gzip_json(file)) if file.is_file() else {}
        return self


@Language.factory(
    "caresignal_redactor",
    assigns=["doc._.redacted_text", "doc._.redactions", "doc._.lemmas"],
)
def make_redactor(nlp: Language, name: str) -> Redactor:
    return Redactor(nlp, name)
