"""The audit trail of the `caresignal` commands that read Elasticsearch: one `AuditRecorded` (via `cli`)
per command, published and acknowledged before it reads anything, like the HTTP app's requests.

Who is the operating-system user running the command (the CLI reads with the operator's own credentials,
so no CareSignal role is known), what is the command path and its parameters (the words searched for as
`query_text`; an alert or evidence id it acts on in `result_ids`), from where is the host. When the event
cannot be written the command fails closed: `CommandNotAuditedError`, and nothing is read.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from uuid import uuid4

import typer

from schemas import AuditActor, AuditRecorded, Topic
from services.common.config import CommonSettings
from services.common.kafka import SharedProducer
from services.common.publishing import EventPublisher

SOURCE = "caresignal/cli"
PUBLISH_TIMEOUT_SECONDS = 5
PRODUCER_MAX_BLOCK_MS = 5_000
QUERY_PARAMETERS = ("text",)  # the words a command searches for
TARGET_PARAMETERS = ("alert_id", "evidence_id")  # what a command acts on or reads
NOT_RECORDED = ("as_json",)

CommandSink = Callable[[AuditRecorded], None]  # raises when the event was not written


class CommandNotAuditedError(Exception):
    """The command's audit event was not written, so the command must not run."""


def _text(value: object) -> str:
    return str(value.value if isinstance(value, Enum) else value)


def command_event(command: str, params: Mapping[str, object], user: str, host: str) -> AuditRecorded:
    """The audit event of one command run by `user` on `host` with these parameters."""
    given = {name: value for name, value in params.items() if value not in (None, "", (), [])}
    words = next((given[name] for name in QUERY_PARAMETERS if isinstance(given.get(name), str)), None)
    filters = {
        name: [_text(item) for item in value] if isinstance(value, list | tuple) else [_text(value)]
        for name, value in given.items()
        if name not in (*QUERY_PARAMETERS, *NOT_RECORDED)
    }
    return AuditRecorded(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        source=SOURCE,
        actor=AuditActor(subject=f"os:{user}@{host}", name=user, client="cli"),
        via="cli",
        action=command,
        path=command,
        filters=filters,
        query_text=words,
        result_ids=[_text(given[name]) for name in TARGET_PARAMETERS if name in given],
        status_code=0,
        outcome="allowed",
        client_address=host,
    )


def kafka_sink(settings: CommonSettings) -> CommandSink:
    """Publishes to `audit.v1` and waits for the broker's acknowledgement, then closes the producer."""

    def publish(event: AuditRecorded) -> None:
        producer = SharedProducer(settings, max_block_ms=PRODUCER_MAX_BLOCK_MS)
        try:
            EventPublisher(producer, settings.topic(Topic.AUDIT), PUBLISH_TIMEOUT_SECONDS)(
                event, event.actor.subject or "anonymous"
            )
        finally:
            producer.close()

    return publish


def record_command(settings: CommonSettings, command: typer.Context, sink: CommandSink | None = None) -> None:
    """Audit the running command (its typer context: path and parameters); `CommandNotAuditedError` when
    the event was not written."""
    event = command_event(command.command_path, command.params, getpass.getuser(), socket.gethostname())
    try:
        (sink or kafka_sink(settings))(event)
    except Exception as error:  # any failure to write: fail closed
        raise CommandNotAuditedError(
            f"the audit trail ({settings.topic(Topic.AUDIT)}) cannot be written, so {event.action} reads "
            f"nothing: {error}"
        ) from error
