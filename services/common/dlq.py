"""The dead-letter toolkit every consumer uses: decode, build a dead letter, count them, stop.

Modelled on getsentry/arroyo's `dlq.py`: a bad message raises (or is represented by) one
`PoisonMessageError`; `decode` turns bytes into a contract or that error; `dead_letter` builds the
`DeadLetter` event with the original bytes and where they came from; `dead_letter_message` adds the
`x-*` headers DLQ tooling filters on; `DeadLetterBreaker` stops a consumer that dead-letters too many
messages in a row, because a bad deploy should halt rather than drain a topic into the DLQ.

A new dead-letter reason is a new `error_type` on a PoisonMessageError raised where it is detected.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from uuid import uuid4

from pydantic import BaseModel, ValidationError

from schemas.cloudevents import cloudevent_headers, encode
from schemas.dead_letter import DeadLetter
from services.common.errors import PoisonMessageError
from services.common.logs import key_fields
from services.common.metrics import BREAKER_OPEN, CONSECUTIVE_DEAD_LETTERS, DEAD_LETTERS

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)
MAX_HEADER_MESSAGE = 1000
# A dead letter must fit the topic (Kafka's default limit is 1 MB): the original bytes are kept whole up to
# this size (base64 adds a third), beyond it their start with the size and SHA-256 of the whole.
MAX_DEAD_LETTER_PAYLOAD_BYTES = 256 * 1024
MAX_DEAD_LETTER_ERROR_CHARS = 4000


def decode(model: type[Model], raw: bytes | None) -> Model:
    """The message body as `model`; PoisonMessageError ('EmptyMessage', 'ValidationError') otherwise."""
    if not raw:
        raise PoisonMessageError("empty message where an event was expected", "EmptyMessage")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise PoisonMessageError(str(error), "ValidationError") from error


@dataclass(frozen=True)
class Origin:
    """Where rejected bytes came from: a topic position, or a file line / HTTP item reference."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    reference: str | None = None


def dead_letter(raw: bytes | None, error: PoisonMessageError, *, service: str, origin: Origin) -> DeadLetter:
    """The dead letter for `raw`: why it was rejected, by which service, and the bytes unchanged (up to
    MAX_DEAD_LETTER_PAYLOAD_BYTES, with the size and SHA-256 of the whole). Counted by service and reason."""
    raw = raw or b""
    DEAD_LETTERS.labels(service, error.error_type).inc()
    return DeadLetter(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        source=f"caresignal/{service}",
        stage=service,
        service=service,
        error_type=error.error_type,
        error=_shortened(str(error)),
        source_topic=origin.topic,
        source_partition=origin.partition,
        source_offset=origin.offset,
        source_reference=origin.reference,
        payload_b64=DeadLetter.encode_payload(raw[:MAX_DEAD_LETTER_PAYLOAD_BYTES]),
        payload_size=len(raw),
        payload_sha256=hashlib.sha256(raw).hexdigest(),
        payload_truncated=len(raw) > MAX_DEAD_LETTER_PAYLOAD_BYTES,
    )


def _shortened(error: str) -> str:
    """The reason, its middle cut when long (an error may quote a whole oversized value): both ends stay."""
    if len(error) <= MAX_DEAD_LETTER_ERROR_CHARS:
        return error
    half = MAX_DEAD_LETTER_ERROR_CHARS // 2
    return f"{error[:half]} … [{len(error) - 2 * half} characters cut] … {error[-half:]}"


def dead_letter_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """CloudEvents headers plus x-* headers, so that DLQ tooling can filter without decoding the body."""
    headers = [
        ("x-error-type", letter.error_type.encode()),
        ("x-error-message", letter.error[:MAX_HEADER_MESSAGE].encode()),
        ("x-service", letter.service.encode()),
        ("x-stage", letter.stage.encode()),
        ("x-failed-at", letter.occurred_at.isoformat().encode()),
    ]
    if letter.source_topic is not None:
        headers += [
            ("x-source-topic", letter.source_topic.encode()),
            ("x-source-partition", str(letter.source_partition).encode()),
            ("x-source-offset", str(letter.source_offset).encode()),
        ]
    if letter.source_reference is not None:
        headers.append(("x-source-reference", letter.source_reference.encode()))
    return cloudevent_headers(letter) + headers


def dead_letter_message(letter: DeadLetter, key: bytes | None) -> dict[str, Any]:
    """Keyword arguments of a send (kafka-python's `producer.send` or faust's `topic.send`)."""
    return {"key": key, "value": encode(letter), "headers": dead_letter_headers(letter)}


class RawMessage(Protocol):
    """The part of a consumed record (kafka-python or faust) a dead letter needs."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class FaustTopic(Protocol):
    async def send(self, **kwargs: Any) -> Awaitable[Any]: ...


async def send_dead_letter(
    topic: FaustTopic, message: RawMessage, error: PoisonMessageError, *, service: str
) -> Awaitable[Any]:
    """Send a faust message's original bytes to `topic` as a dead letter; returns the send's future."""
    origin = Origin(message.topic, message.partition, message.offset)
    letter = dead_letter(message.value, error, service=service, origin=origin)
    log.warning(
        "dead-lettered %s[%d]@%d: %s",
        message.topic,
        message.partition,
        message.offset,
        error.error_type,
        extra={"error_type": error.error_type, **key_fields(message.topic, message.key)},
    )
    return await topic.send(**dead_letter_message(letter, message.key), force=True)


class TooManyDeadLettersError(RuntimeError):
    """The breaker opened: too many messages in a row were dead-lettered."""


class DeadLetterBreaker:
    """Counts dead letters in a row; open once `limit` is reached (`check` then raises). Publishes the
    run's length and whether it is open as the service's Prometheus gauges."""

    def __init__(self, limit: int, *, service: str) -> None:
        self.limit = limit
        self.consecutive = 0
        self._consecutive_gauge = CONSECUTIVE_DEAD_LETTERS.labels(service)
        self._open_gauge = BREAKER_OPEN.labels(service)
        self._publish()

    def record(self, dead_lettered: bool) -> None:
        """One message settled: dead-lettered, or processed (which closes the run)."""
        self.consecutive = self.consecutive + 1 if dead_lettered else 0
        self._publish()

    def _publish(self) -> None:
        self._consecutive_gauge.set(self.consecutive)
        self._open_gauge.set(1 if self.is_open else 0)

    @property
    def is_open(self) -> bool:
        return self.consecutive >= self.limit

    def check(self) -> None:
        """Raise TooManyDeadLettersError when open."""
        if self.is_open:
            raise TooManyDeadLettersError(
                f"{self.consecutive} consecutive dead letters (limit {self.limit}); stopping: "
                "check the dead-letter topic and the deploy"
            )
