"""`caresignal ingest-cqc`: fetch locations changed in a time window from a CQC-API-compatible service."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from schemas.common import utc_now
from services.common.errors import TransientError
from services.ingest.adapters import Source, adapter_for
from services.ingest.config import IngestSettings
from services.ingest.files import open_intake
from services.ingest.records import RecordError, SourceRecord
from services.ingest.summary import IngestSummary

RETRIES = 4
PER_PAGE = 1000
_RETRY_STATUSES = {429, 500, 502, 503, 504}


class CqcApiClient:
    """The two calls the poller needs, with bounded retries on 429/5xx and network errors."""

    def __init__(
        self, base_url: str, settings: IngestSettings, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "caresignal-ingest"}
        if settings.cqc_api_subscription_key:
            headers["Ocp-Apim-Subscription-Key"] = settings.cqc_api_subscription_key
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=settings.cqc_api_timeout_seconds,
            transport=transport,
        )

    def changed_location_ids(self, start: datetime, end: datetime) -> Iterator[str]:
        """Ids from `GET /changes/location`, page by page (each id once)."""
        seen: set[str] = set()
        page, total_pages = 1, 1
        while page <= total_pages:
            params = {
                "startTimestamp": _stamp(start),
                "endTimestamp": _stamp(end),
                "page": page,
                "perPage": PER_PAGE,
            }
            body = self._get("/changes/location", params).json()
            total_pages = int(body.get("totalPages") or 1)
            for location_id in body.get("changes") or []:
                if location_id not in seen:
                    seen.add(location_id)
                    yield str(location_id)
            page += 1

    def location(self, location_id: str) -> httpx.Response:
        return self._get(f"/locations/{location_id}", None, allow_not_found=True)

    def close(self) -> None:
        self._client.close()

    def _get(
        self, path: str, params: dict[str, object] | None, allow_not_found: bool = False
    ) -> httpx.Response:
        for attempt in range(RETRIES + 1):
            try:
                response = self._client.get(path, params=params)
            except httpx.TransportError as error:
                problem = f"{path}: {error!r}"
            else:
                if response.status_code not in _RETRY_STATUSES:
                    if response.status_code == 404 and allow_not_found:
                        return response
                    if response.is_error:
                        raise TransientError(f"CQC API {path} answered {response.status_code}")
                    return response
                problem = f"{path} answered {response.status_code}"
            if attempt < RETRIES:
                time.sleep(min(0.5 * 2**attempt, 8.0))
        raise TransientError(f"CQC API unavailable after {RETRIES + 1} tries: {problem}")


def location_records(client: CqcApiClient, start: datetime, end: datetime) -> Iterator[SourceRecord]:
    """One SourceRecord per changed location, its body kept as the original bytes."""
    for location_id in client.changed_location_ids(start, end):
        response = client.location(location_id)
        reference = f"cqc-api:/locations/{location_id}"
        if response.status_code == 404:
            yield SourceRecord(
                reference, response.content, error=RecordError("location not found (404)", "NotFound")
            )
            continue
        try:
            fields = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield SourceRecord(
                reference, response.content, error=RecordError(f"broken JSON: {error}", "MalformedJson")
            )
            continue
        if not isinstance(fields, dict):
            yield SourceRecord(
                reference, response.content, error=RecordError("not a JSON object", "MalformedJson")
            )
            continue
        yield SourceRecord(reference, response.content, fields=fields)


def poll_changes(
    settings: IngestSettings,
    base_url: str,
    since: datetime,
    until: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
) -> IngestSummary:
    """Ingest every location changed between `since` and `until` (default now)."""
    end = until or utc_now()
    client = CqcApiClient(base_url, settings, transport)
    try:
        with open_intake(settings) as intake:
            fetched_at = utc_now()
            records = location_records(client, utc_aware(since), utc_aware(end))
            return intake.ingest(records, adapter_for(Source.CQC_API), fetched_at=fetched_at)
    finally:
        client.close()


def utc_aware(value: datetime) -> datetime:
    """The datetime itself, or UTC when it has no offset."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
