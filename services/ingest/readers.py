"""Stream records out of CSV, JSON and JSON Lines in constant memory, keeping each one's original bytes."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from services.ingest.records import RecordError, SourceRecord

CHUNK_BYTES = 1 << 20


class InputFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"


_SUFFIXES = {
    ".csv": InputFormat.CSV,
    ".json": InputFormat.JSON,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
}


def detect_format(path: Path) -> InputFormat | None:
    """The format a file name implies (a trailing .gz is looked through), or None."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _SUFFIXES.get(suffixes[-1]) if suffixes else None


class CountingReader:
    """Wraps a binary stream and counts the bytes taken from it (for progress bars)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.position += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self.position += len(line)
            yield line


def read_records(
    stream: BinaryIO | CountingReader, input_format: InputFormat, name: str
) -> Iterator[SourceRecord]:
    """Every record of the input, in order; undecodable ones carry an error instead of fields."""
    if input_format is InputFormat.CSV:
        return _csv_records(stream, name)
    if input_format is InputFormat.JSONL:
        return _jsonl_records(stream, name)
    return _json_records(stream, name)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="surrogateescape")


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


NOT_UTF8 = RecordError("not valid UTF-8", "NotUtf8")


class _LineTap:
    """Feeds decoded lines to csv.reader, remembering the raw bytes and line numbers of the current row."""

    def __init__(self, stream: BinaryIO | CountingReader) -> None:
        self._lines = iter(stream)
        self._pending: list[bytes] = []
        self.line_number = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        if self.line_number == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        self.line_number += 1
        self._pending.append(raw)
        return _decode(raw)

    def take(self) -> bytes:
        raw, self._pending = b"".join(self._pending), []
        return raw


def _csv_records(stream: BinaryIO | CountingReader, name: str) -> Iterator[SourceRecord]:
    """Rows as dicts keyed by the header; 'row N' is the line the row starts on (the header is row 1)."""
    tap = _LineTap(stream)
    reader = csv.reader(tap, strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        yield SourceRecord(
            f"{name}:row 1", tap.take(), error=RecordError(f"unreadable header: {error}", "MalformedCsv")
        )
        return
    tap.take()
    while True:
        start = tap.line_number + 1
        reference = f"{name}:row {start}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield SourceRecord(
                reference, tap.take(), error=RecordError(f"malformed CSV: {error}", "MalformedCsv")
            )
            continue
        raw = tap.take()
        if not any(cell.strip() for cell in row):
            continue  # blank line: not a record
        if len(row) != len(header):
            problem = RecordError(f"row has {len(row)} fields, the header has {len(header)}", "MalformedCsv")
            yield SourceRecord(reference, raw, error=problem)
        elif any(_not_utf8(cell) for cell in row):
            yield SourceRecord(reference, raw, error=NOT_UTF8)
        else:
            yield SourceRecord(reference, raw, fields=dict(zip(header, row, strict=True)))


def _jsonl_records(stream: BinaryIO | CountingReader, name: str) -> Iterator[SourceRecord]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        yield _json_record(
            f"{name}:line {number}", raw.rstrip(b"\r\n"), raw.decode("utf-8", errors="surrogateescape")
        )


def _json_record(reference: str, raw: bytes, text: str) -> SourceRecord:
    if _not_utf8(text):
        return SourceRecord(reference, raw, error=NOT_UTF8)
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return SourceRecord(reference, raw, error=RecordError(f"broken JSON: {error}", "MalformedJson"))
    return _object_record(reference, raw, value)


def _object_record(reference: str, raw: bytes, value: object) -> SourceRecord:
    if not isinstance(value, dict):
        return SourceRecord(reference, raw, error=RecordError("not a JSON object", "MalformedJson"))
    return SourceRecord(reference, raw, fields=value)


def _json_records(stream: BinaryIO | CountingReader, name: str) -> Iterator[SourceRecord]:
    """One object, or an array of objects streamed item by item ('item N', counted from 1).

    Inside an array a syntax error cannot be skipped past safely: the rest of the input becomes one
    rejected record.
    """
    source = _JsonText(stream)
    first = source.peek_non_space()
    if first is None:
        return
    if first != "[":
        text = source.rest()
        yield _json_record(f"{name}:item 1", text.encode("utf-8", errors="surrogateescape"), text)
        return
    source.advance(1)
    decoder = json.JSONDecoder()
    for number in range(1, 1 << 62):
        reference = f"{name}:item {number}"
        char = source.peek_non_space()
        if char == "]" and number == 1:
            source.advance(1)
            char = None
        if char is None:
            return
        try:
            value, text = source.decode_value(decoder)
        except (json.JSONDecodeError, RecursionError) as error:
            rest = source.rest()
            yield SourceRecord(
                reference,
                rest.encode("utf-8", errors="surrogateescape"),
                error=RecordError(f"broken JSON array from here on: {error}", "MalformedJson"),
            )
            return
        raw = text.encode("utf-8", errors="surrogateescape")
        yield (
            SourceRecord(reference, raw, error=NOT_UTF8)
            if _not_utf8(text)
            else _object_record(reference, raw, value)
        )
        separator = source.peek_non_space()
        if separator == ",":
            source.advance(1)
        elif separator == "]":
            source.advance(1)
            return
        else:
            rest = source.rest()
            yield SourceRecord(
                f"{name}:item {number + 1}",
                rest.encode("utf-8", errors="surrogateescape"),
                error=RecordError(f"expected ',' or ']' after item {number}", "MalformedJson"),
            )
            return


class _JsonText:
    """A growing window of decoded text over a byte stream."""

    def __init__(self, stream: BinaryIO | CountingReader) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._text = ""
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(CHUNK_BYTES)
        self._eof = not chunk
        if self._pos > CHUNK_BYTES:
            self._text, self._pos = self._text[self._pos :], 0
        self._text += self._decoder.decode(chunk, final=self._eof)
        if self._pos == 0 and self._text.startswith("\ufeff"):
            self._text = self._text[1:]
        return True

    def peek_non_space(self) -> str | None:
        while True:
            while self._pos < len(self._text) and self._text[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._fill():
                return None

    def advance(self, count: int) -> None:
        self._pos += count

    def decode_value(self, decoder: json.JSONDecoder) -> tuple[object, str]:
        """The next JSON value and its text; reads more input while the value may be incomplete."""
        while True:
            try:
                value, end = decoder.raw_decode(self._text, self._pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            if end < len(self._text) or not self._fill():
                text, self._pos = self._text[self._pos : end], end
                return value, text

    def rest(self) -> str:
        while self._fill():
            pass
        text, self._pos = self._text[self._pos :], len(self._text)
        return text
