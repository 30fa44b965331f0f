"""The pipeline's `doc._` attributes are declared once, through one helper."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from services.classify.pipeline.extensions import declare_doc_extensions


def test_declare_doc_extensions_defaults_to_none_and_is_idempotent() -> None:
    declare_doc_extensions("test_extension_a", "test_extension_b")
    declare_doc_extensions("test_extension_a")  # a module imported twice declares again: no error
    doc = spacy.blank("en")("some text")
    assert doc._.test_extension_a is None
    assert doc._.test_extension_b is None
    Doc.remove_extension("test_extension_a")
    Doc.remove_extension("test_extension_b")
