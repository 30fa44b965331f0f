"""The audit middleware: one event per request with who, what and the result, written before the response
goes out; a request whose event cannot be written is refused (503) and serves nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from schemas import AuditRecorded
from services.common.audit import AuditMiddleware, result_of
from services.common.roles import Principal, Role

ANALYST = Principal(subject="key:abc", name="review-team", role=Role.ANALYST, client="api-key")


class FailingSink:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, event: AuditRecorded) -> None:
        self.calls += 1
        raise RuntimeError("broker down")


def app_with(sink: object, streamed: list[str]) -> FastAPI:
    app = FastAPI()
    app.add_middleware(AuditMiddleware)
    app.state.audit = sink

    @app.get("/v1/search")
    def search(request: Request, q: str | None = None) -> dict[str, object]:
        request.state.principal = ANALYST
        return {"total": 42, "hits": [{"evidence_id": "e-1"}, {"evidence_id": "e-2"}]}

    @app.get("/v1/items/{evidence_id}")
    def item(evidence_id: str) -> dict[str, str]:
        return {"evidence_id": evidence_id}

    @app.get("/v1/export")
    def export() -> StreamingResponse:
        def rows() -> Iterator[str]:
            for row in ("a\n", "b\n"):
                streamed.append(row)
                yield row

        return StreamingResponse(rows(), media_type="text/csv")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def test_a_search_is_recorded_with_its_caller_filters_words_and_results() -> None:
    events: list[AuditRecorded] = []
    client = TestClient(app_with(events.append, []))
    response = client.get("/v1/search", params={"q": "falls", "severity": ["high", "medium"]})
    assert response.status_code == 200
    (event,) = events
    assert (event.actor.name, event.actor.role, event.actor.subject) == ("review-team", "analyst", "key:abc")
    assert (event.action, event.via, event.outcome, event.status_code) == (
        "GET /v1/search",
        "api",
        "allowed",
        200,
    )
    assert event.query_text == "falls" and event.filters == {"severity": ["high", "medium"]}
    assert (event.result_ids, event.result_count) == (["e-1", "e-2"], 42)
    assert event.client_address == "testclient"


def test_an_item_view_names_the_item_and_paths_outside_the_api_are_not_audited() -> None:
    events: list[AuditRecorded] = []
    client = TestClient(app_with(events.append, []))
    client.get("/v1/items/e-9")
    client.get("/healthz")
    assert [(event.action, event.result_ids, event.actor.subject) for event in events] == [
        ("GET /v1/items/{evidence_id}", ["e-9"], None)
    ]


def test_when_the_event_cannot_be_written_the_request_is_refused_and_nothing_served() -> None:
    sink, streamed = FailingSink(), []
    client = TestClient(app_with(sink, streamed))
    refused = client.get("/v1/search", params={"q": "falls"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert "e-1" not in refused.text and "audit trail" in refused.json()["detail"]
    export = client.get("/v1/export")
    assert export.status_code == 503 and export.text.count("\n") == 0
    assert streamed in ([], ["a\n"])  # the stream stopped at its first row, which never left
    assert sink.calls == 2


def test_without_a_sink_every_api_request_is_refused() -> None:
    client = TestClient(app_with(None, []))
    assert client.get("/v1/search").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_stream_is_recorded_before_its_first_byte() -> None:
    events: list[AuditRecorded] = []
    streamed: list[str] = []

    def sink(event: AuditRecorded) -> None:
        assert streamed in ([], ["a\n"]) and len(events) == 0  # nothing sent yet
        events.append(event)

    client = TestClient(app_with(sink, streamed))
    assert client.get("/v1/export").text == "a\nb\n"
    assert [event.action for event in events] == ["GET /v1/export"]


@pytest.mark.parametrize(
    ("body", "params", "expected"),
    [
        (b'{"alerts": [{"alert_id": "a-1"}]}', {}, (["a-1"], 1)),
        (b"not json", {"alert_id": "a-2"}, (["a-2"], None)),
        (b'{"detail": "nope"}', {}, ([], None)),
        (None, {}, ([], None)),
    ],
)
def test_results_are_read_from_the_response(
    body: bytes | None, params: dict[str, str], expected: object
) -> None:
    assert result_of(body, params) == expected


def test_an_error_response_goes_out_even_when_its_event_cannot_be_written() -> None:
    """It serves nothing, and its own reason (e.g. 'not confirmed by the broker') is what the caller needs."""
    app = app_with(FailingSink(), [])
    refused = TestClient(app).get("/v1/no-such-route")
    assert refused.status_code == 404 and refused.json() == {"detail": "Not Found"}
