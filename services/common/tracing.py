"""W3C trace context carried in Kafka headers, so one item can be followed from intake to index.

Intake starts a trace per evidence item and writes its `traceparent` header on evidence.received.v1;
classify continues it (a child span) and writes its own span's `traceparent` on evidence.classified.v1;
the index worker records its span as a child of that. The OpenTelemetry SDK makes the ids whether or not
anything is exported: exporting is off by default (`CARESIGNAL_TRACING_EXPORTER=none`); `console`
prints each span as one JSON line on stderr (beside the logs), `otlp` sends them to the collector the
standard `OTEL_EXPORTER_OTLP_*` variables name (needs the `otlp` extra: `pip install caresignal[otlp]`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from services.common.config import CommonSettings

Headers = Sequence[tuple[str, bytes | None]] | Mapping[str, bytes | None]
TRACE_HEADERS = ("traceparent", "tracestate")
_PROPAGATOR = TraceContextTextMapPropagator()
_provider = TracerProvider()


def configure_tracing(settings: CommonSettings, service: str) -> None:
    """Name this process's spans after the service and attach the configured exporter (once, at start)."""
    global _provider
    _provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if settings.tracing_exporter == "console":
        exporter = ConsoleSpanExporter(out=sys.stderr, formatter=_one_line)
        _provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif settings.tracing_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))


def _one_line(span: ReadableSpan) -> str:
    return span.to_json(indent=None) + os.linesep


def tracer() -> trace.Tracer:
    return _provider.get_tracer("caresignal")


def with_trace_headers(headers: Headers) -> list[tuple[str, bytes | None]]:
    """`headers` without any trace context they had, plus the current span's `traceparent`."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    kept = [(name, value) for name, value in _pairs(headers) if name not in TRACE_HEADERS]
    return kept + [(name, value.encode()) for name, value in carrier.items()]


def parent_context(headers: Headers | None) -> Context:
    """The trace context a message's headers carry (empty: the span starts a new trace)."""
    carrier = {
        name: value.decode(errors="replace")
        for name, value in _pairs(headers or ())
        if name in TRACE_HEADERS and value is not None
    }
    return _PROPAGATOR.extract(carrier)


def _pairs(headers: Headers) -> Sequence[tuple[str, bytes | None]]:
    return list(headers.items()) if isinstance(headers, Mapping) else headers


@contextmanager
def item_span(
    name: str,
    evidence_id: str,
    *,
    parent: Headers | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    start_time: int | None = None,
) -> Iterator[Span]:
    """A current span for one item, continuing the trace in `parent` (a consumed message's headers);
    `start_time` (ns since the epoch) backdates it to when the work began."""
    with tracer().start_as_current_span(
        name,
        context=parent_context(parent),
        kind=kind,
        attributes={"caresignal.evidence_id": evidence_id},
        start_time=start_time,
    ) as span:
        yield span
