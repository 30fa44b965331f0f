"""The bundled samples as the alerts worker sees them after `make run`: classified events, built offline.

The same pure steps as the pipeline (ingest's readers and adapters, classify's analyser, area resolution
and event builder), without Kafka: the CQC locations first (the location table and its provider names),
then every evidence sample, in event-time order. Needs the trained model (`make model`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from schemas import EvidenceClassified, EvidenceReceived, LocationReference
from services.classify.analyser import EvidenceAnalyser
from services.classify.domain import build_classified
from services.classify.gazetteer import ProviderGazetteer
from services.classify.resolve import KnownLocation, is_newer, resolve
from services.ingest.adapters import Source, adapter_for
from services.ingest.files import resolve_format
from services.ingest.mapping import map_record
from services.ingest.readers import read_records
from services.ingest.records import MappingContext

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MODEL = ROOT / "models" / "caresignal_evidence"
LOCATIONS = ("cqc_locations.json", Source.CQC_API)
EVIDENCE = (
    ("healthwatch_feedback.csv", Source.HEALTHWATCH),
    ("call_centre_notes.jsonl", Source.CALL_CENTRE),
    ("social_comments.jsonl", Source.SOCIAL),
)


def _mapped(name: str, source: Source) -> tuple[list[EvidenceReceived], list[LocationReference]]:
    path = SAMPLES / name
    adapter = adapter_for(source)
    base = MappingContext(received_at=datetime.now(UTC), reference="")
    evidence: list[EvidenceReceived] = []
    locations: list[LocationReference] = []
    with path.open("rb") as stream:
        for record in read_records(stream, resolve_format(path, source, None), path.name):
            outcome = map_record(adapter, record, replace(base, reference=record.reference))
            evidence += outcome.mapped.evidence
            locations += outcome.mapped.locations
    return evidence, locations


def classified_samples(model_dir: Path = MODEL) -> list[EvidenceClassified]:
    """Every sample item classified as the classify worker would, oldest first."""
    received, references = _mapped(*LOCATIONS)
    for name, source in EVIDENCE:
        received += _mapped(name, source)[0]
    known: dict[str, KnownLocation] = {}
    for reference in references:
        candidate = KnownLocation.from_reference(reference)
        if is_newer(candidate, known.get(candidate.location_id)):
            known[candidate.location_id] = candidate
    providers = ProviderGazetteer(entry for location in known.values() for entry in location.named_areas())
    analyser = EvidenceAnalyser.load(model_dir)
    analyses = analyser.analyse([item.text for item in received])
    now = datetime.now(UTC)
    classified = [
        build_classified(
            item,
            analysis,
            resolve(item, known.get(item.provider.location_id or ""), providers),
            analyser.model_name,
            analyser.model_version,
            now,
            analyser.redact,
        )
        for item, analysis in zip(received, analyses, strict=True)
    ]
    return sorted(classified, key=lambda event: (event.occurred_at, str(event.evidence_id)))
