"""Bytes at the worker's edges: decode with pydantic (failures are poison), encode stage messages."""

from __future__ import annotations

from schemas.corrections import EvidenceCorrected
from schemas.evidence import EvidenceClassified
from services.alerts.domain import Observation, StageEnvelope, WatermarkTick, Withdrawal
from services.common.dlq import decode


def decode_classified(raw: bytes | None) -> EvidenceClassified:
    return decode(EvidenceClassified, raw)


def decode_correction(raw: bytes | None) -> EvidenceCorrected:
    return decode(EvidenceCorrected, raw)


def decode_stage(raw: bytes | None) -> Observation | Withdrawal | WatermarkTick:
    return decode(StageEnvelope, raw).message


def encode_stage(message: Observation | Withdrawal | WatermarkTick) -> bytes:
    return StageEnvelope(message=message).model_dump_json().encode()
