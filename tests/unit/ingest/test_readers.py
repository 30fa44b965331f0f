from __future__ import annotations

import io
import json

import pytest

from services.ingest import readers
from services.ingest.readers import InputFormat, read_records


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_json_array_streams_items_whatever_the_chunk_size(monkeypatch, samples, chunk):
    monkeypatch.setattr(readers, "CHUNK_BYTES", chunk)
    data = (samples / "healthwatch_feedback.json").read_bytes()
    records = list(read_records(io.BytesIO(data), InputFormat.JSON, "hw.json"))
    assert [record.fields for record in records] == json.loads(data)
    assert records[3].reference == "hw.json:item 4"
    assert json.loads(records[3].raw) == json.loads(data)[3]


def test_json_single_object_and_empty_array():
    assert [r.fields for r in read_records(io.BytesIO(b' {"a": 1} '), InputFormat.JSON, "x")] == [{"a": 1}]
    assert list(read_records(io.BytesIO(b"[ ]"), InputFormat.JSON, "x")) == []


def test_broken_json_array_rejects_the_rest_once():
    records = list(read_records(io.BytesIO(b'[{"a": 1}, {"b": oops}, {"c": 3}]'), InputFormat.JSON, "x.json"))
    assert records[0].fields == {"a": 1}
    assert len(records) == 2 and records[1].error.code == "MalformedJson"
    assert records[1].raw.startswith(b'{"b": oops}')


def test_jsonl_rejects_each_broken_line_and_carries_on():
    data = b'{"a": 1}\nnot json\n\n[1, 2]\n{"b": 2}\n'
    records = list(read_records(io.BytesIO(data), InputFormat.JSONL, "x.jsonl"))
    assert [(r.reference, r.error.code if r.error else None) for r in records] == [
        ("x.jsonl:line 1", None),
        ("x.jsonl:line 2", "MalformedJson"),
        ("x.jsonl:line 4", "MalformedJson"),
        ("x.jsonl:line 5", None),
    ]
    assert records[1].raw == b"not json"


def test_csv_keeps_raw_bytes_and_start_line_of_multiline_rows():
    data = b'\xef\xbb\xbfid,text\n1,"two\nlines"\n2,plain\n3,"bad"x\n4,ok\n'
    records = list(read_records(io.BytesIO(data), InputFormat.CSV, "f.csv"))
    assert records[0].fields == {"id": "1", "text": "two\nlines"} and records[0].raw == b'1,"two\nlines"\n'
    assert records[1].reference == "f.csv:row 4"
    assert records[2].error.code == "MalformedCsv" and records[2].reference == "f.csv:row 5"
    assert records[3].fields == {"id": "4", "text": "ok"}
