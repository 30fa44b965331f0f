"""The custom `doc._` attributes the pipeline's components write."""

from __future__ import annotations

from spacy.tokens import Doc


def declare_doc_extensions(*names: str) -> None:
    """Register `doc._.<name>` (default None) for each name not registered yet (idempotent on re-import)."""
    for name in names:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
