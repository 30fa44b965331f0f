"""What of an item may leave classify, field by field: dropped, redacted, or kept for a stated reason.

Pure domain code. The text is redacted by the analyser; the other fields a source or a client fills in
are decided here (the table is in services/ingest/FORMATS.md, "What is published"):
* `source_reference`: redacted (kept because it leads back to the item in the source's own system);
* `provider`: CQC ids kept when they have the shape of a CQC id (public register), else dropped; the name
  is the registered name when the location is known (public), else the given name redacted;
* `area`: codes kept when they have the shape of an ONS code; names from the reference data for known
  codes, else redacted; `place` redacted;
* `metadata`: the allow-list of `schemas.metadata`, each key kept, redacted or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from schemas.common import AreaRef, ProviderRef
from schemas.evidence import SourceType
from schemas.metadata import METADATA_FIELDS, Disclosure
from services.common.areas import icb_areas, local_authority_area, region_areas

Redact = Callable[[str], str]

# CQC location and provider ids: "1-101641329", "1-RW602-ROH", or an NHS organisation code such as "RXPCP".
CQC_ID = re.compile(r"(?:\d-[A-Z0-9-]{1,24}|[A-Z0-9]{3,8})")
ONS_CODE = re.compile(r"E\d{8}")


def cqc_id(value: str | None) -> str | None:
    return value if value is not None and CQC_ID.fullmatch(value) else None


def published_provider(provider: ProviderRef, registered_name: str | None, redact: Redact) -> ProviderRef:
    """Ids of CQC's shape; the registered name, else the given name redacted."""
    name = registered_name or (redact(provider.name) if provider.name else None)
    return ProviderRef(
        location_id=cqc_id(provider.location_id), provider_id=cqc_id(provider.provider_id), name=name
    )


_LEVELS: tuple[tuple[str, str, Callable[[str], AreaRef | None]], ...] = (
    ("local_authority_code", "local_authority_name", local_authority_area),
    ("icb_code", "icb_name", lambda code: icb_areas().get(code)),
    ("region_code", "region_name", lambda code: region_areas().get(code)),
)


def published_area(area: AreaRef, redact: Redact) -> AreaRef:
    """ONS codes, the reference's names for them, and free text (names of unknown codes, place) redacted."""
    published: dict[str, str | None] = {}
    for code_field, name_field, reference_area in _LEVELS:
        code = getattr(area, code_field)
        code = code if code is not None and ONS_CODE.fullmatch(code) else None
        reference = reference_area(code) if code else None
        given = getattr(area, name_field)
        published[code_field] = code
        published[name_field] = (
            getattr(reference, name_field) if reference else (redact(given) if given else None)
        )
    published["place"] = redact(area.place) if area.place else None
    return AreaRef(**published)


def published_metadata(source_type: SourceType, metadata: dict[str, Any], redact: Redact) -> dict[str, Any]:
    """Only allow-listed keys of the right type; each kept, redacted or dropped (schemas.metadata)."""
    allowed = METADATA_FIELDS[source_type]
    published: dict[str, Any] = {}
    for key, value in metadata.items():
        field = allowed.get(key)
        if field is None or field.disclosure is Disclosure.DROP or not field.accepts(value):
            continue
        if field.disclosure is Disclosure.REDACT:
            value = [redact(item) for item in value] if isinstance(value, list) else redact(value)
        published[key] = value
    return published
