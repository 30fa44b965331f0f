"""The dead-letter toolkit: decode, the dead letter and its headers, the breaker (services/common/dlq.py)."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest

from schemas import DeadLetter, LocationReference
from services.common.dlq import (
    MAX_DEAD_LETTER_PAYLOAD_BYTES,
    DeadLetterBreaker,
    Origin,
    TooManyDeadLettersError,
    dead_letter,
    dead_letter_message,
    decode,
    send_dead_letter,
)
from services.common.errors import PoisonMessageError


@pytest.mark.parametrize(
    ("raw", "error_type"),
    [
        (None, "EmptyMessage"),
        (b"", "EmptyMessage"),
        (b"{not json", "ValidationError"),
        (b"{}", "ValidationError"),
    ],
)
def test_decode_turns_bad_bytes_into_poison(raw: bytes | None, error_type: str) -> None:
    with pytest.raises(PoisonMessageError) as caught:
        decode(LocationReference, raw)
    assert caught.value.error_type == error_type


def test_decode_returns_the_contract() -> None:
    letter = dead_letter(b"x", PoisonMessageError("bad"), service="index", origin=Origin())
    assert decode(DeadLetter, letter.model_dump_json().encode()) == letter


def test_dead_letter_keeps_the_bytes_reason_and_origin() -> None:
    error = PoisonMessageError("field 'text' missing", "ValidationError")
    origin = Origin(topic="t-evidence.received.v1", partition=2, offset=41)
    letter = dead_letter(b"\xff{raw", error, service="classify", origin=origin)
    assert letter.payload == b"\xff{raw"
    assert (letter.error_type, letter.error, letter.service, letter.stage) == (
        "ValidationError",
        "field 'text' missing",
        "classify",
        "classify",
    )
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "t-evidence.received.v1",
        2,
        41,
    )
    assert letter.source == "caresignal/classify"


def test_dead_letter_message_carries_the_headers_dlq_tooling_filters_on() -> None:
    error = PoisonMessageError("x" * 5000, "mapper_rejection")
    letter = dead_letter(b"{}", error, service="index", origin=Origin("t-alerts.raised.v1", 0, 7))
    message = dead_letter_message(letter, b"alert-1")
    headers = dict(message["headers"])
    assert message["key"] == b"alert-1"
    assert DeadLetter.model_validate_json(message["value"]) == letter
    assert headers["x-error-type"] == b"mapper_rejection"
    assert headers["x-error-message"] == b"x" * 1000
    assert (headers["x-service"], headers["x-stage"]) == (b"index", b"index")
    assert (headers["x-source-topic"], headers["x-source-partition"], headers["x-source-offset"]) == (
        b"t-alerts.raised.v1",
        b"0",
        b"7",
    )
    assert headers["x-failed-at"] and headers["ce_type"] == b"uk.caresignal.dead_letter.v1"
    assert "x-source-reference" not in headers


def test_dead_letter_from_a_file_names_the_line_instead_of_a_topic() -> None:
    letter = dead_letter(
        b"a,b",
        PoisonMessageError("bad row", "MalformedCsv"),
        service="ingest",
        origin=Origin(reference="f.csv:row 5"),
    )
    headers = dict(dead_letter_message(letter, None)["headers"])
    assert headers["x-source-reference"] == b"f.csv:row 5"
    assert "x-source-topic" not in headers


def test_send_dead_letter_sends_the_original_message_to_the_topic() -> None:
    class Topic:
        sent: dict[str, Any] = {}

        async def send(self, **kwargs: Any) -> Any:
            self.sent = kwargs
            return "future"

    class Message:
        topic, partition, offset, key, value = "t-in", 3, 9, b"k", b"{bad"

    topic = Topic()
    result = asyncio.run(send_dead_letter(topic, Message(), PoisonMessageError("bad", "E"), service="alerts"))
    assert result == "future" and topic.sent["force"] is True and topic.sent["key"] == b"k"
    letter = DeadLetter.model_validate_json(topic.sent["value"])
    assert (letter.payload, letter.source_topic, letter.source_partition, letter.source_offset) == (
        b"{bad",
        "t-in",
        3,
        9,
    )


def test_breaker_opens_after_the_limit_in_a_row_and_a_success_resets_it() -> None:
    breaker = DeadLetterBreaker(limit=3, service="test")
    for dead_lettered in (True, True, False, True, True):
        breaker.record(dead_lettered)
        breaker.check()
    assert not breaker.is_open
    breaker.record(True)
    assert breaker.is_open
    with pytest.raises(TooManyDeadLettersError, match="3 consecutive dead letters"):
        breaker.check()


def test_dead_letter_of_a_large_message_keeps_its_start_size_and_hash() -> None:
    raw = b"x" * (MAX_DEAD_LETTER_PAYLOAD_BYTES + 10)
    error = PoisonMessageError("a" * 3000 + "b" * 3000, "TooLarge")
    letter = dead_letter(raw, error, service="ingest", origin=Origin(reference="http:item 0"))
    assert letter.payload == raw[:MAX_DEAD_LETTER_PAYLOAD_BYTES] and letter.payload_truncated
    assert (letter.payload_size, letter.payload_sha256) == (len(raw), hashlib.sha256(raw).hexdigest())
    assert letter.error.startswith("a" * 2000) and letter.error.endswith("b" * 2000)
    assert "characters cut" in letter.error
