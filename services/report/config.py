"""Settings of the review pack: its protective marking and how many quotes each statement gets."""

from __future__ import annotations

from pydantic import Field

from services.index.config import IndexSettings


class ReportSettings(IndexSettings):
    """`CARESIGNAL_REPORT_*`: what the pack prints on every page, and how much it quotes."""

    report_marking: str = Field(
        default="OFFICIAL-SENSITIVE",
        description="Protective marking printed at the top and bottom of every page ('' for none).",
    )
    report_quotes_per_statement: int = Field(default=3, ge=0, le=5)
    report_quote_candidates: int = Field(
        default=30, ge=1, le=100, description="Recent items per statement the quotes are chosen from."
    )
    report_web_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Where the pack's links to items point."
    )
