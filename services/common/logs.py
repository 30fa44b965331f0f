"""Logging set-up of every entry point: human lines for a terminal, or one JSON object per line.

`CARESIGNAL_LOG_FORMAT=json` turns on JSON lines for log collectors: time, level, logger, message, the
fields a call passed with `extra=` (such as `evidence_id`), the trace and span of the current
OpenTelemetry span when there is one, and the exception. `text` (the default) keeps the familiar
`time level logger message` line.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

from schemas.topics import Topic
from services.common.config import CommonSettings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
_DROPPED = _STANDARD | {"color_message"}  # uvicorn's copy of the message with terminal colours


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with its `extra=` fields and the current trace and span ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _DROPPED})
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry.setdefault("trace_id", trace.format_trace_id(span.trace_id))
            entry.setdefault("span_id", trace.format_span_id(span.span_id))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def key_fields(topic: str, key: bytes | None) -> dict[str, str]:
    """`extra=` fields naming a message by its key: `evidence_id` on the evidence topics (their key),
    `message_key` elsewhere."""
    if key is None:
        return {}
    evidence = topic.endswith((Topic.EVIDENCE_RECEIVED, Topic.EVIDENCE_CLASSIFIED))
    return {"evidence_id" if evidence else "message_key": key.decode(errors="replace")}


def logging_config(settings: CommonSettings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the root logger on stderr (faust and uvicorn take it too)."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if settings.log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": settings.log_level.upper(), "handlers": ["default"]},
        # uvicorn's own loggers would otherwise keep their handlers and print every line twice
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(settings: CommonSettings) -> None:
    """Apply `logging_config` to this process."""
    logging.config.dictConfig(logging_config(settings))
