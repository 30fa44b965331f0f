"""Arbitrary bytes and JSON never crash an adapter: every record becomes events (that can be written), an
ignore, or a reject with a reason. JSON text may spell lone surrogates (unpaired \\u escapes): they are
rejected, never raised."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ingest.adapters import ADAPTERS, Source
from services.ingest.mapping import map_batch
from services.ingest.readers import InputFormat, read_records
from services.ingest.records import MappingContext, SourceRecord

CONTEXT = MappingContext(received_at=datetime(2026, 11, 20, tzinfo=UTC), reference="property")
FIELD_NAMES = [
    "feedback_id", "healthwatch_area", "service_name", "cqc_location_id", "feedback_date", "star_rating",
    "feedback_text", "feedback_from", "contact_id", "contact_date", "contact_type", "note", "whistleblowing",
    "safeguarding_referral_made", "local_authority", "platform", "post_id", "created_at", "text", "place",
    "locationId", "name", "providerId", "localAuthority", "currentRatings", "historicRatings", "reports",
    "onspdIcbCode", "onspdLatitude", "onspdLongitude", "lastInspection", "registrationDate",
    "CQC Location ID (for office use only)", "CQC Provider ID (for office use only)", "Name",
    "Report publication date", "Local authority",
]  # fmt: skip
texts = st.text(max_size=30) | st.text(st.characters(categories=["Cs", "Lu", "Nd"]), min_size=1, max_size=5)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts
dates = st.sampled_from(
    ["2026-10-01", "2026-02-30", "01/10/2026 10:00", "2026-10-01T10:00:00Z", "9999-99-99", ""]
)
nested_keys = st.sampled_from(["overall", "rating", "keyQuestionRatings", "name", "reportDate", "date"])
json_values = st.recursive(
    scalars | dates,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nested_keys | texts, inner, max_size=5),
    max_leaves=20,
)
records = st.dictionaries(st.sampled_from(FIELD_NAMES) | texts, json_values, max_size=12)


def _assert_accounted(source: Source, record: SourceRecord) -> None:
    (outcome,) = map_batch(ADAPTERS[source], [record], CONTEXT)
    if outcome.error is None:
        assert outcome.mapped.evidence or outcome.mapped.locations or outcome.mapped.ignored
        for event in (*outcome.mapped.evidence, *outcome.mapped.locations):
            event.model_dump_json().encode("utf-8")
    else:
        assert outcome.error.reason and outcome.error.code


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(source=st.sampled_from(list(Source)), fields=records)
def test_every_adapter_accounts_for_arbitrary_json_objects(source, fields):
    _assert_accounted(source, SourceRecord("property", json.dumps(fields).encode(), fields=fields))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    source=st.sampled_from(list(Source)),
    input_format=st.sampled_from(list(InputFormat)),
    data=st.binary(max_size=400),
)
def test_every_adapter_accounts_for_arbitrary_bytes(source, input_format, data):
    for record in read_records(io.BytesIO(data), input_format, "fuzz"):
        assert record.fields is not None or record.error is not None
        _assert_accounted(source, record)


@settings(max_examples=100, deadline=None)
@given(source=st.sampled_from(list(Source)), items=st.lists(records, max_size=4), cut=st.integers(0, 200))
def test_truncated_json_arrays_still_account_for_every_item(source, items, cut):
    data = json.dumps(items).encode()[: cut or None]
    for record in read_records(io.BytesIO(data), InputFormat.JSON, "fuzz.json"):
        _assert_accounted(source, record)
