"""Log set-up (services/common/logs.py): JSON lines with `extra=` fields and trace ids, or text lines."""

from __future__ import annotations

import importlib
import io
import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider

from services.common.config import CommonSettings
from services.common.logs import key_fields, logging_config


def formatter(log_format: str) -> logging.Formatter:
    """The formatter `logging_config` names, built as dictConfig would (the process's logging untouched)."""
    spec = logging_config(CommonSettings(log_format=log_format))["formatters"]["default"]
    if "()" in spec:
        module, _, name = spec["()"].rpartition(".")
        return getattr(importlib.import_module(module), name)()
    return logging.Formatter(spec["format"])


def emit(log_format: str, *, extra: dict | None = None, exc: bool = False) -> str:
    """One record through the configured formatter, as the handler would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(log_format))
    logger = logging.getLogger("caresignal.test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc:
            try:
                raise ValueError("broken")
            except ValueError:
                logger.exception("failed %s", "here", extra=extra)
        else:
            logger.warning("dead-lettered %s", "t[0]@1", extra=extra)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_json_lines_carry_the_message_the_level_and_the_evidence_id() -> None:
    line = emit("json", extra={"evidence_id": "5f0c6d2e", "error_type": "ValidationError"})
    entry = json.loads(line)
    assert entry["message"] == "dead-lettered t[0]@1"
    assert entry["level"] == "WARNING" and entry["logger"] == "caresignal.test"
    assert entry["evidence_id"] == "5f0c6d2e" and entry["error_type"] == "ValidationError"
    assert entry["time"].endswith("+00:00")
    assert "trace_id" not in entry  # no current span


def test_json_lines_carry_the_current_trace_and_span() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        entry = json.loads(emit("json"))
    context = span.get_span_context()
    assert entry["trace_id"] == f"{context.trace_id:032x}"
    assert entry["span_id"] == f"{context.span_id:016x}"


def test_json_lines_hold_the_exception_on_one_line() -> None:
    output = emit("json", exc=True)
    assert output.count("\n") == 1
    assert "ValueError: broken" in json.loads(output)["exception"]


def test_text_is_the_default_and_stays_human() -> None:
    assert CommonSettings().log_format == "text"
    line = emit("text", extra={"evidence_id": "5f0c6d2e"})
    assert line.rstrip().endswith("WARNING caresignal.test dead-lettered t[0]@1")


@pytest.mark.parametrize(
    ("topic", "field"),
    [
        ("p-evidence.received.v1", "evidence_id"),
        ("evidence.classified.v1", "evidence_id"),
        ("alerts.raised.v1", "message_key"),
    ],
)
def test_messages_are_named_by_evidence_id_on_evidence_topics(topic: str, field: str) -> None:
    assert key_fields(topic, b"k-1") == {field: "k-1"}
    assert key_fields(topic, None) == {}
