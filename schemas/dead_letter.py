"""Dead letters: a record a stage could not process, with the reason and the original bytes."""

from __future__ import annotations

import base64
from typing import ClassVar

from pydantic import Field

from schemas.common import Event


class DeadLetter(Event):
    """Why a record was rejected, and the record itself, unchanged."""

    event_type: ClassVar[str] = "uk.caresignal.dead_letter.v1"

    stage: str = Field(description="'ingest', 'classify', 'index' or 'alerts'.")
    service: str
    error_type: str = Field(description="Exception class or rejection code, e.g. 'ValidationError'.")
    error: str = Field(description="Human-readable reason.")
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    source_reference: str | None = Field(default=None, description="File and line/row, HTTP item index, ...")
    payload_b64: str = Field(description="The original bytes, base64-encoded (their start when truncated).")
    payload_size: int | None = Field(default=None, description="Size of the original bytes.")
    payload_sha256: str | None = Field(default=None, description="SHA-256 of the original bytes (hex).")
    payload_truncated: bool = Field(
        default=False, description="True when only the first bytes are kept, so the letter fits the topic."
    )

    @property
    def payload(self) -> bytes:
        return base64.b64decode(self.payload_b64)

    @staticmethod
    def encode_payload(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")
