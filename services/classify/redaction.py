"""Personal-data redaction of free text: typed placeholders and a count per kind.

Pure functions, no spaCy. Order matters: structured identifiers first (e-mail before URL and handle, NHS
number before phone), person names last, so later rules never see the digits or @ of earlier ones.

Kinds (key in the counts dict -> placeholder): PERSON [PERSON], PHONE [PHONE], EMAIL [EMAIL],
NHS_NUMBER [NHS_NUMBER], DATE_OF_BIRTH [DATE_OF_BIRTH], POSTCODE [POSTCODE], HANDLE [HANDLE], URL [URL].
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from services.classify.names import AMBIGUOUS_NAMES, FIRST_NAMES, NOT_NAMES, RELATIONS, TITLES

PLACEHOLDERS: dict[str, str] = {
    "PERSON": "[PERSON]",
    "PHONE": "[PHONE]",
    "EMAIL": "[EMAIL]",
    "NHS_NUMBER": "[NHS_NUMBER]",
    "DATE_OF_BIRTH": "[DATE_OF_BIRTH]",
    "POSTCODE": "[POSTCODE]",
    "HANDLE": "[HANDLE]",
    "URL": "[URL]",
}


@dataclass(frozen=True)
class Redaction:
    text: str
    counts: dict[str, int] = field(default_factory=dict)


# --- structured identifiers -------------------------------------------------------------------------------

_AT = r"(?:@|\s?(?:\[at\]|\(at\))\s?)"
_DOT = r"(?:\.|\s?(?:\[dot\]|\(dot\))\s?)"
EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,24}}\b"
)
URL_RE = re.compile(
    r"(?i)\b(?:(?:https?://|ftp://|www\.)[^\s<>\"']+"
    r"|(?:[a-z0-9-]+\.)+(?:com|co\.uk|org|org\.uk|net|uk|io|ly|me|info|biz|gov\.uk|nhs\.uk|tv|app|page|link)"
    r"(?:/[^\s<>\"']*)?(?=[\s.,;:!?)\]]|$))"
)
HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
# 10 digits grouped 3-3-4 (NHS style), or contiguous; separators space, dash or dot.
TEN_DIGIT_RE = re.compile(r"(?<![\w+])(\d{3})([ \-.]?)(\d{3})\2(\d{4})(?![\w])")
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\s?44|0044|\+\s?\(44\))\s?(?:\(0\)\s?)?[1-9](?:[\s\-.()]?\d){8,9}(?!\w)"
    r"|(?<![\w+])\(?0[1-9](?:[\s\-.()]{0,2}\d){8,9}(?!\w)"
)
POSTCODE_RE = re.compile(
    r"(?i)(?<![\w])(?:GIR\s?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
    r"\s?\d[ABD-HJLNP-UW-Z]{2})(?![\w])"
)

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE_PATTERN = (
    r"(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2})"
    r"|\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+(?:\d{{4}}|'?\d{{2}})"
    rf"|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
DOB_CUE = r"(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|b\.)"
DOB_WITH_CUE_RE = re.compile(rf"(?i)\b({DOB_CUE})(\s*(?:is|was|:|-|=)?\s*)({DATE_PATTERN})")
BARE_DATE_RE = re.compile(rf"(?i)(?<![\w/.\-]){DATE_PATTERN}(?![\w/])")
OLD_YEAR_RE = re.compile(r"(?:19\d\d|18\d\d)")


def nhs_checksum_ok(digits: str) -> bool:
    """Modulus-11 check digit of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _ten_digits(match: re.Match[str]) -> str | None:
    digits = match.group(1) + match.group(3) + match.group(4)
    grouped = bool(match.group(2))
    context = match.string[max(0, match.start() - 25) : match.start()].lower()
    if digits.startswith("0") and not (grouped and nhs_checksum_ok(digits)):
        return None  # a UK phone number (national format starts with 0): the phone rule takes it
    if grouped or nhs_checksum_ok(digits) or "nhs" in context:
        return "NHS_NUMBER"
    return None


def _dob(match: re.Match[str]) -> str | None:
    return "DATE_OF_BIRTH" if OLD_YEAR_RE.search(match.group(0)) else None


# --- person names -----------------------------------------------------------------------------------------

NAME_WORD = r"(?:[A-Z]['’][A-Z][a-z]+|[A-Z][a-z]+(?:[A-Z][a-z]+)?)(?:-[A-Z][a-z]+)?"
TITLE_RE = re.compile(rf"\b(?:{'|'.join(TITLES)})\.?\s+((?:[A-Z]\.?\s+)?{NAME_WORD}(?:\s+{NAME_WORD})?)")
RELATION_RE = re.compile(
    rf"(?i:\bmy|\bour|\bhis|\bher|\btheir)\s+(?i:{'|'.join(RELATIONS)})s?,?\s+(?:(?i:called|named|is)\s+)?"
    rf"({NAME_WORD}(?:\s+{NAME_WORD})?)"
)
CALLED_RE = re.compile(
    rf"(?i:\bcalled|\bnamed|\bname\s+is|\bname\s+was|\bname's|\bknown\s+as|\bspoke\s+to|\bspoke\s+with|"
    rf"\bthanks\s+to|\bthank\s+you\s+to|\bthank\s+you,?|\bthanks,?|\bask\s+for|\bsigned,?|\bregards,?|"
    rf"\bfrom|\bto|\bwith)\s+({NAME_WORD}(?:\s+(?:and|&)\s+{NAME_WORD})*(?:\s+{NAME_WORD})?)"
)
CANDIDATE_RE = re.compile(rf"\b({NAME_WORD})(\s+{NAME_WORD})?")
PLACE_WORDS = re.compile(
    r"^\s+(?:Ward|Unit|House|Hospital|Centre|Center|Court|Lodge|Road|Street|Lane|Avenue|Close|Drive|Way|"
    r"Park|Place|Surgery|Practice|Medical|Health|Clinic|Suite|Wing|Block|Building|Hall|Gardens|Grange|"
    r"Manor|Trust|Team|Service|Services|Care|Nursing|Home|Village|Green|Hill|Square|Terrace|Crescent|Mews|"
    r"Ambulance|General|Royal|University|College|School|Station|Bay|Room|Theatre|Department|Dept)\b"
)


def _is_name(word: str, *, with_context: bool) -> bool:
    lower = word.lower()
    if lower in NOT_NAMES:
        return False
    if with_context:
        return True
    return lower in FIRST_NAMES and lower not in AMBIGUOUS_NAMES


def _redact_names(text: str, counts: Counter[str]) -> str:
    spans: list[tuple[int, int]] = []

    def keep(start: int, end: int) -> None:
        if PLACE_WORDS.match(text[end:]):
            return
        spans.append((start, end))

    for regex in (TITLE_RE, RELATION_RE):
        for match in regex.finditer(text):
            words = match.group(1)
            first = words.split()[0].rstrip(".")
            if _is_name(first, with_context=True) or len(first) == 1:
                keep(match.start(1), match.end(1))
    for match in CALLED_RE.finditer(text):
        # "called X" is strong context; "to X", "from X", "with X", "thank you X" need a known first name.
        cue = match.group(0)[: match.start(1) - match.start(0)].strip().lower()
        strong = cue.split()[0] in {"called", "named", "name", "name's", "known", "spoke"}
        for part in re.finditer(NAME_WORD + rf"(?:\s+{NAME_WORD})?", match.group(1)):
            first = part.group(0).split()[0]
            if first in {"and"}:
                continue
            if _is_name(first, with_context=strong) or (
                not strong
                and first.lower() in FIRST_NAMES | AMBIGUOUS_NAMES
                and first.lower() not in NOT_NAMES
                and cue.startswith(("thank", "spoke", "ask", "signed", "regards"))
            ):
                keep(match.start(1) + part.start(), match.start(1) + part.end())
    for match in CANDIDATE_RE.finditer(text):
        if _is_name(match.group(1), with_context=False):
            end = (
                match.end(2)
                if match.group(2) and match.group(2).strip().lower() not in NOT_NAMES
                else match.end(1)
            )
            if match.group(2) and PLACE_WORDS.match(match.group(2)):
                end = match.end(1)
            keep(match.start(1), end)
    if not spans:
        return text
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    pieces, last = [], 0
    for start, end in merged:
        pieces.append(text[last:start])
        pieces.append(PLACEHOLDERS["PERSON"])
        last = end
    pieces.append(text[last:])
    counts["PERSON"] += len(merged)
    return "".join(pieces)


# --- driver -----------------------------------------------------------------------------------------------


def _substitute(
    text: str,
    regex: re.Pattern[str],
    kind: str | Callable[[re.Match[str]], str | None],
    counts: Counter[str],
    group: int = 0,
) -> str:
    def replace(match: re.Match[str]) -> str:
        label = kind(match) if callable(kind) else kind
        if label is None:
            return match.group(0)
        counts[label] += 1
        if group:
            return match.group(0)[: match.start(group) - match.start(0)] + PLACEHOLDERS[label]
        return PLACEHOLDERS[label]

    return regex.sub(replace, text)


def redact(text: str) -> Redaction:
    """Replace personal data in `text` by typed placeholders; counts per kind (only kinds found)."""
    counts: Counter[str] = Counter()
    text = _substitute(text, EMAIL_RE, "EMAIL", counts)
    text = _substitute(text, URL_RE, "URL", counts)
    text = _substitute(text, HANDLE_RE, "HANDLE", counts)
    text = _substitute(text, DOB_WITH_CUE_RE, "DATE_OF_BIRTH", counts, group=3)
    text = _substitute(text, TEN_DIGIT_RE, _ten_digits, counts)
    text = _substitute(text, PHONE_RE, "PHONE", counts)
    text = _substitute(text, POSTCODE_RE, "POSTCODE", counts)
    text = _substitute(text, BARE_DATE_RE, _dob, counts)
    text = _redact_names(text, counts)
    return Redaction(text=text, counts=dict(sorted(counts.items())))
