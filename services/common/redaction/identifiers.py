"""Structured identifiers: e-mail addresses, URLs, handles, dates of birth, NHS numbers, phones, postcodes."""

from __future__ import annotations

import re

_AT = r"(?:@|\s?(?:\[at\]|\(at\))\s?)"
_DOT = r"(?:\.|\s?(?:\[dot\]|\(dot\))\s?)"
EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,24}}\b"
)
URL_RE = re.compile(
    r"(?i)\b(?:(?:https?://|ftp://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]"
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


def ten_digit_kind(match: re.Match[str]) -> str | None:
    digits = match.group(1) + match.group(3) + match.group(4)
    grouped = bool(match.group(2))
    context = match.string[max(0, match.start() - 25) : match.start()].lower()
    if digits.startswith("0") and not (grouped and nhs_checksum_ok(digits)):
        return None  # a UK phone number (national format starts with 0): the phone rule takes it
    if grouped or nhs_checksum_ok(digits) or "nhs" in context:
        return "NHS_NUMBER"
    return None


def date_of_birth_kind(match: re.Match[str]) -> str | None:
    return "DATE_OF_BIRTH" if OLD_YEAR_RE.search(match.group(0)) else None
