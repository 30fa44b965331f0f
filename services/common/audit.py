"""The audit trail of the HTTP app: one `AuditRecorded` per request, published before the response goes out.

`AuditMiddleware` wraps the whole app, so no route can skip it: it holds the response's start until the
event is on `audit.v1` (acknowledged by the broker), and answers 503 instead when it cannot be written —
the request fails closed and nothing is served unaudited. A streamed response (a CSV export) is audited
before its first byte, with its search; a JSON response with the ids it returns and their count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs
from uuid import uuid4

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas import AuditActor, AuditRecorded, Topic
from schemas.audit import MAX_AUDITED_IDS
from services.common.config import CommonSettings
from services.common.kafka import SharedProducer
from services.common.publishing import EventPublisher
from services.common.roles import Principal

log = logging.getLogger(__name__)

AuditSink = Callable[[AuditRecorded], None]  # raises when the event was not written
SOURCE = "caresignal/api"
PUBLISH_TIMEOUT_SECONDS = 5
REFUSED_BODY = json.dumps(
    {"detail": "the audit trail cannot be written now, so nothing is served; retry later"}
)
ID_FIELDS = {"hits": "evidence_id", "alerts": "alert_id"}
TARGET_PARAMETERS = ("evidence_id", "alert_id")


class KafkaAuditSink:
    """Publishes to `audit.v1` (keyed by the actor) and waits for the broker's acknowledgement."""

    def __init__(self, settings: CommonSettings, producer: SharedProducer) -> None:
        self.publish = EventPublisher(producer, settings.topic(Topic.AUDIT), PUBLISH_TIMEOUT_SECONDS)

    def __call__(self, event: AuditRecorded) -> None:
        self.publish(event, event.actor.subject or "anonymous")


def outcome_of(status_code: int) -> str:
    if status_code in (401, 403, 429):
        return "denied"
    return "allowed" if status_code < 400 else "failed"


def result_of(body: bytes | None, path_params: dict[str, str]) -> tuple[list[str], int | None]:
    """The ids a JSON response returns (search hits, alerts) and how many matched; else the item asked for."""
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    if isinstance(document, dict):
        for field, id_field in ID_FIELDS.items():
            if isinstance(document.get(field), list):
                ids = [str(row.get(id_field)) for row in document[field] if isinstance(row, dict)]
                total = document.get("total")
                return ids[:MAX_AUDITED_IDS], total if isinstance(total, int) else len(ids)
    targets = [path_params[name] for name in TARGET_PARAMETERS if name in path_params]
    return targets, None


def note_results(request: Request, ids: list[str], count: int) -> None:
    """What a page showed (its HTML is not read): the audit event records these ids and count."""
    request.state.audit_result = (ids[:MAX_AUDITED_IDS], count)


def note_covered(request: Request, covered: dict[str, str]) -> None:
    """What an export covered (e.g. a pack's area and period), for the audit event's `covered`."""
    request.state.audit_covered = covered


def audit_event(scope: Scope, status_code: int, body: bytes | None) -> AuditRecorded:
    """The event for one request, from its scope (route, parameters, caller) and its response."""
    principal: Principal | None = scope.get("state", {}).get("principal")
    route = scope.get("route")
    path_params = {key: str(value) for key, value in scope.get("path_params", {}).items()}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    noted = scope.get("state", {}).get("audit_result")
    ids, count = noted if noted else result_of(body, path_params)
    headers = dict(scope.get("headers", []))
    client = scope.get("client")
    return AuditRecorded(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        source=SOURCE,
        actor=AuditActor(**principal.model_dump(mode="json")) if principal else AuditActor(),
        via="api" if scope["path"].startswith("/v1/") else "web",
        action=f"{scope['method']} {getattr(route, 'path', scope['path'])}",
        path=scope["path"],
        path_params=path_params,
        filters={key: values for key, values in query.items() if key != "q"},
        query_text=query["q"][0] if query.get("q") else None,
        result_ids=ids,
        result_count=count,
        covered=scope.get("state", {}).get("audit_covered", {}),
        status_code=status_code,
        outcome=outcome_of(status_code),
        client_address=client[0] if client else None,
        user_agent=headers.get(b"user-agent", b"").decode("latin-1")[:512] or None,
    )


class _Refused(Exception):
    """The audit event was not written and 503 was sent: the app must stop sending."""


NOT_AUDITED = ("/assets/", "/healthz", "/metrics", "/docs", "/redoc", "/openapi.json")


def audited_paths(web: bool) -> Callable[[str], bool]:
    """The JSON API; with `web`, every page too (not static assets, health, metrics or docs)."""
    if web:
        return lambda path: not path.startswith(NOT_AUDITED)
    return lambda path: path.startswith("/v1/")


class AuditMiddleware:
    """Audits every request `audited` says; the sink is `app.state.audit` (none: every such request 503)."""

    def __init__(self, app: ASGIApp, audited: Callable[[str], bool] | None = None) -> None:
        self.app = app
        self.audited = audited or audited_paths(web=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.audited(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        held: Message | None = None
        audited = False

        async def audited_send(message: Message) -> None:
            nonlocal held, audited
            if message["type"] == "http.response.start":
                held = message
                return
            if held is not None:
                start, held = held, None
                body = None if message.get("more_body") else message.get("body", b"")
                audited = True
                written = await self._record(scope, start["status"], body)
                if not written and start["status"] < 400:  # an error response serves nothing: it goes out
                    await _refuse(send)
                    raise _Refused
                await send(start)
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except _Refused:
            return
        except Exception:
            if not audited:
                await self._record(scope, 500, None)  # the error page goes out whatever this says
            raise

    async def _record(self, scope: Scope, status_code: int, body: bytes | None) -> bool:
        sink: AuditSink | None = getattr(scope["app"].state, "audit", None)
        if sink is None:
            log.error("no audit sink: refusing %s %s", scope["method"], scope["path"])
            return False
        try:
            await run_in_threadpool(sink, audit_event(scope, status_code, body))
        except Exception as error:  # any failure to write: fail closed
            log.error("audit event not written, refusing %s %s: %s", scope["method"], scope["path"], error)
            return False
        return True


async def _refuse(send: Send) -> None:
    body = REFUSED_BODY.encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"5"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
