"""CloudEvents Kafka protocol binding (binary mode): ce_* headers derived from an event."""

from __future__ import annotations

from schemas.common import Event

SPEC_VERSION = "1.0"


def cloudevent_headers(event: Event) -> list[tuple[str, bytes]]:
    """Headers that let any subscriber route a message without decoding its body."""
    return [
        ("ce_id", str(event.event_id).encode()),
        ("ce_source", event.source.encode()),
        ("ce_type", type(event).event_type.encode()),
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_time", event.occurred_at.isoformat().replace("+00:00", "Z").encode()),
        ("content-type", b"application/json"),
    ]


def encode(event: Event) -> bytes:
    """The message body: the event as compact JSON."""
    return event.model_dump_json().encode()
