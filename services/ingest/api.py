"""HTTP intake: `POST /v1/evidence`, mounted by services/api.py.

Sends with the app's producer (`services/common/http.py`); the seen store is opened once, in this
router's lifespan, and closed at shutdown.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from kafka.errors import KafkaError

from schemas.common import utc_now
from services.common.auth import Submitter, authorize
from services.common.http import get_settings
from services.common.roles import Permission
from services.ingest.config import IngestSettings
from services.ingest.intake import DeliveryError, Intake
from services.ingest.mapping import reject_conflicting_duplicates
from services.ingest.records import MappingContext, Outcome, RecordError, SourceRecord
from services.ingest.seen_store import SeenStore
from services.ingest.submissions import (
    BATCH_TAG,
    ITEM_TAG,
    EvidenceAccepted,
    EvidenceBatch,
    EvidencePayload,
    ItemAccepted,
    map_submission,
)
from services.ingest.summary import Status


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the seen store once; close it at shutdown."""
    settings: IngestSettings = app.state.settings
    app.state.seen_store = SeenStore(settings.seen_store_file())
    try:
        yield
    finally:
        app.state.seen_store.close()


def get_intake(request: Request) -> Intake:
    """An intake over the app's producer and seen store; 503 while the broker cannot be reached."""
    state = request.app.state
    try:
        producer = state.producer.get()
    except KafkaError as error:
        raise _unavailable(error) from error
    return Intake(state.settings, producer, state.seen_store)


def _unavailable(error: Exception) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE, f"broker unavailable: {error}", headers={"Retry-After": "5"}
    )


class _DeadLetteringRoute(APIRoute):
    """Invalid bodies from authenticated callers go to the DLQ before FastAPI answers 422."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            settings = get_settings(request)
            limit = settings.ingest_max_http_body_bytes
            if await _body_size(request) > limit:
                await authorize(request, Permission.INGEST)  # 401/403 before 413
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE, f"the body must be at most {limit} bytes"
                )
            try:
                return await handler(request)
            except RequestValidationError as error:
                await authorize(request, Permission.INGEST)  # 401/403 before 422
                body = await request.body()
                errors = [_without_union_tag(problem) for problem in error.errors()]
                try:
                    await run_in_threadpool(_dead_letter_invalid, get_intake(request), body, errors)
                except DeliveryError as failure:
                    raise _unavailable(failure) from failure
                raise RequestValidationError(errors, body=error.body) from None

        return route


async def _body_size(request: Request) -> int:
    """The declared length, or (chunked) the length of the body read."""
    declared = request.headers.get("content-length")
    return int(declared) if declared and declared.isdigit() else len(await request.body())


router = APIRouter(prefix="/v1", tags=["intake"], route_class=_DeadLetteringRoute, lifespan=lifespan)


@router.post(
    "/evidence",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EvidenceAccepted,
    summary="Submit evidence (one item or a batch)",
    responses={
        401: {"description": "Missing or invalid API key."},
        413: {"description": "A body or a batch larger than the configured limits."},
        422: {"description": "Field-level errors; nothing was accepted, invalid items were dead-lettered."},
        503: {"description": "The broker did not acknowledge; retry later (resending is safe)."},
    },
)
def submit_evidence(
    _caller: Submitter,
    payload: Annotated[EvidencePayload, Body()],
    intake: Annotated[Intake, Depends(get_intake)],
    settings: Annotated[IngestSettings, Depends(get_settings)],
) -> EvidenceAccepted:
    """Each item becomes an `EvidenceReceived` on `evidence.received.v1`, keyed by its deterministic id.

    202 only once the broker acknowledged every new item; items sent before (same source type and
    `source_reference`) are reported as `already_seen` and not sent again.
    """
    items = payload.items if isinstance(payload, EvidenceBatch) else [payload]
    if len(items) > settings.ingest_max_http_items:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"at most {settings.ingest_max_http_items} items per request"
        )
    context = MappingContext(received_at=utc_now(), reference="")
    outcomes = []
    for index, item in enumerate(items):
        raw = item.model_dump_json(exclude_unset=True).encode()
        record = SourceRecord(f"http:item {index}", raw)
        try:
            outcomes.append(Outcome(record, mapped=map_submission(item, context)))
        except RecordError as error:
            outcomes.append(Outcome(record, error=error))
    outcomes = reject_conflicting_duplicates(outcomes)
    if failed := [(index, o.error) for index, o in enumerate(outcomes) if o.error is not None]:
        raise RequestValidationError(
            [
                {"loc": ("body", "items", index, _field_of(error)), "msg": error.reason, "type": error.code}
                for index, error in failed
            ]
        )
    try:
        results = intake.deliver(outcomes)
    except DeliveryError as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, str(error), headers={"Retry-After": "5"}
        ) from error
    accepted = [
        ItemAccepted(index=index, evidence_id=result.evidence_ids[0], status=result.status.value)
        for index, result in enumerate(results)
    ]
    return EvidenceAccepted(
        accepted=sum(result.status is Status.ACCEPTED for result in results),
        already_seen=sum(result.status is Status.ALREADY_SEEN for result in results),
        evidence_ids=[item.evidence_id for item in accepted],
        items=accepted,
    )


def _field_of(error: RecordError) -> str:
    return "source_reference" if error.code == "ConflictingDuplicate" else "text"


def _without_union_tag(problem: Any) -> dict[str, Any]:
    """('body', 'batch', 'items', 0, 'text') → ('body', 'items', 0, 'text')."""
    location = tuple(problem.get("loc", ()))
    if location[:1] == ("body",) and location[1:2] in ((ITEM_TAG,), (BATCH_TAG,)):
        location = ("body", *location[2:])
    return {**problem, "loc": location}


def _dead_letter_invalid(intake: Intake, body: bytes, errors: list[dict[str, Any]]) -> None:
    """One dead letter per invalid item (by its index in `items`), or one for the whole body."""
    by_item: dict[int | None, list[str]] = {}
    for problem in errors:
        location = list(problem["loc"])
        in_items = len(location) > 2 and location[:2] == ["body", "items"] and isinstance(location[2], int)
        index = location[2] if in_items else None
        by_item.setdefault(index, []).append(
            f"{'.'.join(map(str, location[1:])) or 'body'}: {problem.get('msg')}"
        )
    items = _items_of(body)
    outcomes = []
    for index, reasons in by_item.items():
        raw = (
            json.dumps(items[index]).encode() if index is not None and items and index < len(items) else body
        )
        reference = f"http:item {index}" if index is not None else "http:body"
        outcomes.append(
            Outcome(SourceRecord(reference, raw), error=RecordError("; ".join(reasons), "ValidationError"))
        )
    intake.deliver(outcomes)


def _items_of(body: bytes) -> list[Any] | None:
    try:
        parsed = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    return parsed.get("items") if isinstance(parsed, dict) and isinstance(parsed.get("items"), list) else None
