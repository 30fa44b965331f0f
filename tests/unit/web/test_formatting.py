"""UK dates, thousands separators, labels and safe highlighting on the pages."""

from __future__ import annotations

from datetime import UTC, datetime

from services.web.formatting import highlight, label, mark_spans, percent, thousands, uk_date, uk_datetime


def test_formatting_dates_are_written_in_uk_order_and_uk_time() -> None:
    assert uk_date(datetime(2025, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2025"  # 00:30 BST
    assert uk_date(datetime(2025, 12, 1, 23, 30, tzinfo=UTC)) == "1 December 2025"  # GMT
    assert uk_datetime(datetime(2025, 12, 1, 14, 5, tzinfo=UTC)) == "1 December 2025 at 2:05pm"
    assert uk_datetime(datetime(2025, 12, 1, 0, 5, tzinfo=UTC)) == "1 December 2025 at 12:05am"
    assert uk_date("2025-07-14") == "14 July 2025"


def test_formatting_numbers_have_thousands_separators() -> None:
    assert thousands(1234567) == "1,234,567"
    assert thousands(3.0) == "3"
    assert thousands(4.25) == "4.2"
    assert percent(0.253) == "25%"
    assert percent(None) == "–"


def test_formatting_labels_read_as_words() -> None:
    assert label("call_centre_note") == "Call-centre note"
    assert label("safe.safeguarding") == "Safeguarding"
    assert label("well_led") == "Well-led"
    assert label("negative") == "Negative"


def test_formatting_highlights_escape_the_text_and_mark_only_the_matches() -> None:
    html = str(highlight("a <script>x</script> <em>waiting</em> time"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>waiting</mark>" in html
    spans = str(mark_spans("Unexplained bruising & staff <b>refused</b>", ["unexplained bruising"]))
    assert spans.startswith(
        '<mark class="app-severity-span">Unexplained bruising</mark> &amp; staff &lt;b&gt;'
    )
