"""How the web app writes dates, numbers and labels (UK conventions), registered as Jinja filters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from schemas.reference import quality_statements

UK = ZoneInfo("Europe/London")
LABELS = {
    "call_centre_note": "Call-centre note",
    "healthwatch_feedback": "Healthwatch feedback",
    "inspection_result": "Inspection result",
    "social_media_comment": "Social-media comment",
    "peoples_experience": "People's experience",
    "feedback_from_staff_and_leaders": "Feedback from staff and leaders",
    "feedback_from_partners": "Feedback from partners",
    "local_authority": "Local authority",
    "icb": "Integrated care board",
    "well_led": "Well-led",
    "new_term": "New term",
    "relative_or_carer": "Relative or carer",
    "no_rating": "No rating",
}


def uk_date(value: datetime | date | str | None) -> str:
    """'1 December 2026' (dates in UK time)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(UK) if value.tzinfo else value
    return f"{value.day} {value:%B %Y}"


def last_day(end: datetime) -> date:
    """The last day (UTC) of a period that ends before `end`: 2026-12-02T00:00Z → 1 December 2026."""
    return (end - timedelta(microseconds=1)).date()


def uk_datetime(value: datetime | None) -> str:
    """'1 December 2026 at 2:05pm' in UK time (GOV.UK style)."""
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{uk_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def uk_month(value: str) -> str:
    """'2026-11' → 'November 2026'."""
    return f"{datetime.strptime(value, '%Y-%m'):%B %Y}"


def short_month(value: str) -> str:
    """'2026-11' → 'Nov 2026' (chart axes)."""
    return f"{datetime.strptime(value, '%Y-%m'):%b %Y}"


def thousands(value: int | float | None) -> str:
    """1234567 → '1,234,567'."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def percent(value: float | None) -> str:
    """0.253 → '25%'."""
    if value is None:
        return "–"
    return f"{value:.0%}"


def q_value(value: float | None) -> str:
    """A p or q value as a reviewer reads it: '0.012', '< 0.001' for tiny ones, '–' when not tested."""
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def label(value: object) -> str:
    """An enum value or code as words: 'call_centre_note' → 'Call-centre note'."""
    text = str(getattr(value, "value", value))
    if text in LABELS:
        return LABELS[text]
    if text in statement_titles():
        return statement_titles()[text]
    return text.replace("_", " ").capitalize()


@cache
def statement_titles() -> dict[str, str]:
    return {statement.id: statement.title for statement in quality_statements()}


HIGHLIGHT = re.compile(r"</?em>")


def highlight(fragment: str) -> Markup:
    """An Elasticsearch highlight fragment: the text escaped, its <em> marks turned into <mark>."""
    parts = HIGHLIGHT.split(fragment)
    return Markup("").join(
        escape(part) if index % 2 == 0 else Markup("<mark>") + escape(part) + Markup("</mark>")
        for index, part in enumerate(parts)
    )


def mark_spans(text: str, spans: list[str]) -> Markup:
    """The text escaped, with every occurrence of the given spans (case-insensitive) marked."""
    wanted = [span for span in sorted(set(spans), key=len, reverse=True) if span.strip()]
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(span) for span in wanted), re.IGNORECASE)
    out, last = Markup(""), 0
    for match in pattern.finditer(text):
        out += escape(text[last : match.start()])
        out += Markup('<mark class="app-severity-span">') + escape(match.group()) + Markup("</mark>")
        last = match.end()
    return out + escape(text[last:])


FILTERS = {
    "uk_date": uk_date,
    "last_day": last_day,
    "uk_datetime": uk_datetime,
    "uk_month": uk_month,
    "thousands": thousands,
    "q_value": q_value,
    "percent": percent,
    "label": label,
    "highlight": highlight,
    "mark_spans": mark_spans,
}
