"""Personal-data redaction of free text: typed placeholders, a count per kind, and the spans replaced.

Pure functions, no spaCy. Rules run in order on the original text; each rule sees the spans of earlier
rules masked (same length, so offsets stay those of the original): structured identifiers first (e-mail
before URL and handle, NHS number before phone), then addresses, then person names.

Kinds (key in the counts dict -> placeholder): PERSON [PERSON], ADDRESS [ADDRESS], PHONE [PHONE],
EMAIL [EMAIL], NHS_NUMBER [NHS_NUMBER], DATE_OF_BIRTH [DATE_OF_BIRTH], POSTCODE [POSTCODE],
HANDLE [HANDLE], URL [URL].

Every piece of text shown beside the redacted text (severity matches, segments) must come from the redacted
text: `Redaction.render(original, start, end)` gives the redacted form of a span of the original.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from services.common.redaction.addresses import ADDRESS_RE
from services.common.redaction.identifiers import (
    BARE_DATE_RE,
    DOB_WITH_CUE_RE,
    EMAIL_RE,
    HANDLE_RE,
    PHONE_RE,
    POSTCODE_RE,
    TEN_DIGIT_RE,
    URL_RE,
    date_of_birth_kind,
    nhs_checksum_ok,
)
from services.common.redaction.identifiers import ten_digit_kind as _ten_digit_kind
from services.common.redaction.names import NameFinder
from services.common.redaction.word_classes import WordClasses, word_classes

__all__ = ["PLACEHOLDERS", "Redaction", "Span", "nhs_checksum_ok", "redact"]

PLACEHOLDERS: dict[str, str] = {
    "PERSON": "[PERSON]",
    "ADDRESS": "[ADDRESS]",
    "PHONE": "[PHONE]",
    "EMAIL": "[EMAIL]",
    "NHS_NUMBER": "[NHS_NUMBER]",
    "DATE_OF_BIRTH": "[DATE_OF_BIRTH]",
    "POSTCODE": "[POSTCODE]",
    "HANDLE": "[HANDLE]",
    "URL": "[URL]",
}
MASK = "\ue000"  # a private-use character: neither a word character nor a space, so no rule matches it

Judge = Callable[[re.Match[str]], str | None]
# (regex, kind or a function deciding the kind, group replaced), in the order they run.
RULES: tuple[tuple[re.Pattern[str], str | Judge, int], ...] = (
    (EMAIL_RE, "EMAIL", 0),
    (URL_RE, "URL", 0),
    (HANDLE_RE, "HANDLE", 0),
    (DOB_WITH_CUE_RE, "DATE_OF_BIRTH", 3),
    (TEN_DIGIT_RE, _ten_digit_kind, 0),
    (PHONE_RE, "PHONE", 0),
    (POSTCODE_RE, "POSTCODE", 0),
    (BARE_DATE_RE, date_of_birth_kind, 0),
    (ADDRESS_RE, "ADDRESS", 0),
)


@dataclass(frozen=True, order=True)
class Span:
    """Characters [start, end) of the original text, replaced by the placeholder of `kind`."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redaction:
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()

    def render(self, original: str, start: int, end: int) -> str:
        """The redacted form of `original[start:end]`; a span touching personal data shows its placeholder."""
        pieces, position = [], start
        for span in self.spans:
            if span.end <= start or span.start >= end:
                continue
            pieces.append(original[position : max(position, span.start)])
            pieces.append(PLACEHOLDERS[span.kind])
            position = max(position, span.end)
        pieces.append(original[position:end] if position < end else "")
        return "".join(pieces)


def redact(text: str, words: WordClasses | None = None) -> Redaction:
    """Replace personal data in `text` by typed placeholders; counts per kind (only kinds found)."""
    spans: list[Span] = []
    work = text
    for regex, kind, group in RULES:
        found = []
        for match in regex.finditer(work):
            label = kind(match) if callable(kind) else kind
            if label is not None:
                found.append(Span(match.start(group), match.end(group), label))
        work = _masked(work, found)
        spans.extend(found)
    finder = name_finder(words or word_classes())
    spans.extend(Span(start, end, "PERSON") for start, end in finder.spans(work))
    spans = _merged(sorted(spans))
    pieces, last = [], 0
    for span in spans:
        pieces.append(text[last : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        last = span.end
    pieces.append(text[last:])
    counts = Counter(span.kind for span in spans)
    return Redaction(text="".join(pieces), counts=dict(sorted(counts.items())), spans=tuple(spans))


@lru_cache(maxsize=4)
def name_finder(words: WordClasses) -> NameFinder:
    """One finder per word classes (a model's), so its word caches last across texts."""
    return NameFinder(words)


def _masked(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    chars = list(text)
    for span in spans:
        chars[span.start : span.end] = MASK * (span.end - span.start)
    return "".join(chars)


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping spans of one kind become one; of different kinds, the earlier span wins."""
    merged: list[Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.kind == last.kind:
                merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
            continue
        merged.append(span)
    return merged
