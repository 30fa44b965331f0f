"""Recall and over-redaction of the redactor on a marked evaluation set (`evaluation_cases.txt`).

A case is one line of text with personal data marked `[[KIND:value]]`; `## name` lines start a category.
* Recall of a kind: the share of its marked values of which no word survives redaction (the placeholder
  may be of another kind: the value is gone either way).
* Over-redaction: the share of ordinary words (outside every marked value) that a redaction swallowed,
  by the kind of placeholder that swallowed them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from services.common.redaction import Redaction

CASES_FILE = Path(__file__).with_name("evaluation_cases.txt")
_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Case:
    category: str
    text: str
    marked: tuple[tuple[int, int, str], ...]  # (start, end, kind) in `text`


@dataclass(frozen=True)
class Miss:
    category: str
    kind: str
    value: str
    redacted: str


@dataclass(frozen=True)
class Scores:
    values: dict[str, int]
    caught: dict[str, int]
    ordinary_words: int
    over_redacted: dict[str, int]
    misses: tuple[Miss, ...]
    over_redactions: tuple[tuple[str, str], ...]  # (word, redacted text)

    def recall(self, kind: str) -> float:
        return self.caught.get(kind, 0) / self.values[kind] if self.values.get(kind) else 1.0

    def over_redaction(self, kind: str | None = None) -> float:
        swallowed = sum(self.over_redacted.values()) if kind is None else self.over_redacted.get(kind, 0)
        return swallowed / self.ordinary_words if self.ordinary_words else 0.0


def parse_cases(lines: Iterable[str]) -> list[Case]:
    cases, category = [], ""
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("## "):
            category = line[3:].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        text, marked, last = [], [], 0
        length = 0
        for match in _MARK.finditer(line):
            plain = line[last : match.start()]
            text.append(plain)
            length += len(plain)
            value = match.group(2)
            marked.append((length, length + len(value), match.group(1)))
            text.append(value)
            length += len(value)
            last = match.end()
        text.append(line[last:])
        cases.append(Case(category, "".join(text), tuple(marked)))
    return cases


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    return parse_cases(path.read_text(encoding="utf-8").splitlines())


def score(cases: list[Case], redactor: Callable[[str], Redaction]) -> Scores:
    values: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    over: Counter[str] = Counter()
    ordinary = 0
    misses: list[Miss] = []
    over_redactions: list[tuple[str, str]] = []
    for case in cases:
        result = redactor(case.text)
        for start, end, kind in case.marked:
            values[kind] += 1
            words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(case.text[start:end])]
            if all(_covered(result, word_start, word_end) for word_start, word_end in words):
                caught[kind] += 1
            else:
                misses.append(Miss(case.category, kind, case.text[start:end], result.text))
        for match in _WORD.finditer(case.text):
            if any(start <= match.start() < end for start, end, _ in case.marked):
                continue
            ordinary += 1
            by = _covering_kind(result, match.start(), match.end())
            if by is not None:
                over[by] += 1
                over_redactions.append((match.group(0), result.text))
    return Scores(dict(values), dict(caught), ordinary, dict(over), tuple(misses), tuple(over_redactions))


def by_category(cases: list[Case], redactor: Callable[[str], Redaction]) -> dict[str, Scores]:
    grouped: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        grouped[case.category].append(case)
    return {category: score(group, redactor) for category, group in grouped.items()}


def _covered(result: Redaction, start: int, end: int) -> bool:
    return any(span.start <= start and end <= span.end for span in result.spans)


def _covering_kind(result: Redaction, start: int, end: int) -> str | None:
    return next((span.kind for span in result.spans if span.start < end and start < span.end), None)
