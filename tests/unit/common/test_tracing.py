"""Trace context in Kafka headers (services/common/tracing.py): written, read back, continued."""

from __future__ import annotations

from opentelemetry import trace

from services.common.tracing import item_span, parent_context, with_trace_headers


def traceparent(headers: list[tuple[str, bytes | None]]) -> str:
    (value,) = [v.decode() for name, v in headers if name == "traceparent" and v is not None]
    return value


def test_a_span_writes_its_traceparent_beside_the_other_headers() -> None:
    with item_span("ingest", "e-1") as span:
        headers = with_trace_headers([("ce_id", b"1")])
    context = span.get_span_context()
    assert context.is_valid  # the SDK makes real ids even with no exporter
    assert headers[0] == ("ce_id", b"1")
    version, trace_id, span_id, flags = traceparent(headers).split("-")
    assert (version, trace_id, span_id) == ("00", f"{context.trace_id:032x}", f"{context.span_id:016x}")
    assert int(flags, 16) & 1  # sampled


def test_the_next_hop_continues_the_trace_as_a_child_and_replaces_the_header() -> None:
    with item_span("ingest", "e-1") as first:
        received = with_trace_headers([])
    with item_span("classify", "e-1", parent=received) as second:
        classified = with_trace_headers(received)
    assert second.get_span_context().trace_id == first.get_span_context().trace_id
    assert second.parent is not None and second.parent.span_id == first.get_span_context().span_id
    assert [name for name, _ in classified].count("traceparent") == 1
    assert traceparent(classified) != traceparent(received)


def test_headers_without_trace_context_start_a_new_trace() -> None:
    assert not trace.get_current_span(parent_context([("ce_id", b"1")])).get_span_context().is_valid
    with item_span("index", "e-2", parent={"ce_id": b"1"}) as span:
        assert span.parent is None
    with item_span("index", "e-3", parent=[("traceparent", b"not a traceparent")]) as span:
        assert span.parent is None
