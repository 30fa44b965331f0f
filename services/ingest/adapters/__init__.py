"""One adapter per source format; each maps a decoded record to events (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.ingest.adapters import call_centre, cqc_api, cqc_directory, healthwatch, social
from services.ingest.readers import InputFormat
from services.ingest.records import Mapped, MappingContext


class Source(StrEnum):
    """The --source names of `caresignal ingest`."""

    CQC_API = "cqc-api"
    CQC_DIRECTORY = "cqc-directory"
    HEALTHWATCH = "healthwatch"
    CALL_CENTRE = "call-centre"
    SOCIAL = "social"


@dataclass(frozen=True)
class Adapter:
    source: Source
    map: Callable[[Mapping[str, Any], MappingContext], Mapped]
    formats: tuple[InputFormat, ...]
    history_key: Callable[[Mapping[str, Any]], str | None] | None = None


_ALL = InputFormat.CSV, InputFormat.JSON, InputFormat.JSONL
ADAPTERS: dict[Source, Adapter] = {
    Source.CQC_API: Adapter(
        Source.CQC_API, cqc_api.map_location, (InputFormat.JSON, InputFormat.JSONL), cqc_api.location_id_of
    ),
    Source.CQC_DIRECTORY: Adapter(Source.CQC_DIRECTORY, cqc_directory.map_row, (InputFormat.CSV,)),
    Source.HEALTHWATCH: Adapter(Source.HEALTHWATCH, healthwatch.map_feedback, _ALL),
    Source.CALL_CENTRE: Adapter(Source.CALL_CENTRE, call_centre.map_note, _ALL),
    Source.SOCIAL: Adapter(Source.SOCIAL, social.map_comment, (InputFormat.JSONL, InputFormat.JSON)),
}


def adapter_for(source: Source | str) -> Adapter:
    return ADAPTERS[Source(source)]
