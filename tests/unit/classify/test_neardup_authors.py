"""Pseudonymous author tokens: stable per author and source, keyed, absent when no author is named."""

from __future__ import annotations

import pytest
from factories.classify import received
from pydantic import ValidationError

from schemas.evidence import SourceType
from services.classify.config import ClassifySettings
from services.classify.neardup.authors import author_token

KEY = b"a-long-enough-test-author-key"


def social(handle: str | None, reference: str = "s-1"):
    metadata = {"author_handle": handle} if handle is not None else {}
    return received(reference, source_type=SourceType.SOCIAL_MEDIA_COMMENT, metadata=metadata)


def test_the_same_author_gets_the_same_token_whatever_the_case_or_at_sign() -> None:
    token = author_token(KEY, social("@Jo_Smith77"))
    assert token == author_token(KEY, social("jo_smith77", "s-2"))
    assert token is not None and len(token) == 16 and "smith" not in token


def test_tokens_differ_between_authors_and_between_keys() -> None:
    assert author_token(KEY, social("@one")) != author_token(KEY, social("@two"))
    assert author_token(KEY, social("@one")) != author_token(b"another-key-entirely-here", social("@one"))


def test_items_naming_no_author_have_no_token() -> None:
    assert author_token(KEY, social(None)) is None
    assert author_token(KEY, social("  @ ")) is None


def test_prod_refuses_the_placeholder_author_key() -> None:
    with pytest.raises(ValidationError, match="AUTHOR_KEY"):
        ClassifySettings(environment="prod", api_keys=[])
    settings = ClassifySettings(environment="prod", api_keys=[], classify_author_key="k" * 12 + "x" * 12)
    assert settings.classify_author_key.get_secret_value().startswith("k")
