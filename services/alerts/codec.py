"""Bytes at the worker's edges: decode with pydantic (failures are poison), encode stage messages."""

from __future__ import annotations

from pydantic import ValidationError

from schemas.evidence import EvidenceClassified
from services.alerts.domain import Observation, StageEnvelope, WatermarkTick
from services.common.errors import PoisonMessageError


def decode_classified(raw: bytes | None) -> EvidenceClassified:
    if not raw:
        raise PoisonMessageError("empty message", "EmptyMessage")
    try:
        return EvidenceClassified.model_validate_json(raw)
    except ValidationError as error:
        raise PoisonMessageError(str(error), "ValidationError") from error


def decode_stage(raw: bytes | None) -> Observation | WatermarkTick:
    if not raw:
        raise PoisonMessageError("empty message", "EmptyMessage")
    try:
        return StageEnvelope.model_validate_json(raw).message
    except ValidationError as error:
        raise PoisonMessageError(str(error), "ValidationError") from error


def encode_stage(message: Observation | WatermarkTick) -> bytes:
    return StageEnvelope(message=message).model_dump_json().encode()


class TooManyDeadLettersError(RuntimeError):
    """Circuit breaker: too many messages in a row were rejected; stop rather than drain the topic."""


class DeadLetterBreaker:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.consecutive = 0

    def passed(self) -> None:
        self.consecutive = 0

    def rejected(self) -> None:
        self.consecutive += 1
        if self.consecutive >= self.limit:
            raise TooManyDeadLettersError(f"{self.consecutive} messages in a row dead-lettered; stopping")
