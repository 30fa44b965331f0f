"""Pseudonymous author tokens: distinct authors can be counted in a cluster without anyone being named."""

from __future__ import annotations

import hmac
from hashlib import sha256

from schemas.evidence import EvidenceReceived

AUTHOR_FIELDS = ("author_handle",)


def author_token(key: bytes, received: EvidenceReceived) -> str | None:
    """HMAC-SHA256 (keyed by the deployment's author key) of the source type and the author's handle as
    the source gave it (case and a leading @ ignored), 16 hex characters; None when the item names no
    author. Without the key a token cannot be tied to a handle, even by trying likely handles."""
    for field in AUTHOR_FIELDS:
        value = received.metadata.get(field)
        if isinstance(value, str) and value.strip().lstrip("@"):
            handle = value.strip().lstrip("@").lower()
            message = f"{received.source_type.value}:{handle}".encode()
            return hmac.new(key, message, sha256).hexdigest()[:16]
    return None
