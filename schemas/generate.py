"""Write the JSON Schema of every event model to schemas/json/ (`make schemas`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from schemas.alerts import AlertRaised, AlertStatusChanged
from schemas.audit import AuditRecorded
from schemas.corrections import EvidenceCorrected
from schemas.dead_letter import DeadLetter
from schemas.evidence import EvidenceClassified, EvidenceReceived
from schemas.locations import LocationReference

JSON_DIR = Path(__file__).parent / "json"

EVENT_MODELS: tuple[type[BaseModel], ...] = (
    EvidenceReceived,
    EvidenceClassified,
    LocationReference,
    AlertRaised,
    AlertStatusChanged,
    EvidenceCorrected,
    DeadLetter,
    AuditRecorded,
)


def schema_documents() -> dict[str, str]:
    """File name → JSON Schema text for every event model."""
    documents = {}
    for model in EVENT_MODELS:
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"https://caresignal.uk/schemas/{model.__name__}.schema.json"
        schema["x-cloudevents-type"] = model.event_type  # type: ignore[attr-defined]
        schema["x-schema-revision"] = model.schema_revision  # type: ignore[attr-defined]
        documents[f"{model.__name__}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return documents


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, text in schema_documents().items():
        (JSON_DIR / name).write_text(text)
        print(f"wrote {JSON_DIR / name}")


if __name__ == "__main__":
    main()
