"""Settings of the ingest service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from services.common.config import CommonSettings


class IngestSettings(CommonSettings):
    """Shared settings plus ingest's own (CARESIGNAL_INGEST_STATE_DIR, CARESIGNAL_INGEST_BATCH_SIZE, ...)."""

    ingest_state_dir: Path = Field(
        default=Path(".local/ingest"), description="Where the seen-id store lives."
    )
    ingest_seen_store_path: Path | None = Field(
        default=None,
        description="sqlite file of ids already accepted; default <ingest_state_dir>/seen.sqlite.",
    )
    ingest_batch_size: int = Field(
        default=2000, ge=1, description="Records mapped and acknowledged together."
    )
    ingest_ack_timeout_s: float = Field(default=120.0, gt=0, description="Longest wait for broker acks.")
    ingest_max_http_items: int = Field(default=1000, ge=1, description="Largest batch accepted over HTTP.")
    cqc_poll_marks_path: Path | None = Field(
        default=None,
        description="JSON file of where each CQC API's last complete poll ended; "
        "default <ingest_state_dir>/cqc-poll-marks.json.",
    )
    cqc_api_timeout_s: float = Field(default=30.0, gt=0)
    cqc_api_subscription_key: str | None = Field(
        default=None, description="Sent as Ocp-Apim-Subscription-Key to the CQC API when set."
    )

    def seen_store_file(self) -> Path:
        return self.ingest_seen_store_path or self.ingest_state_dir / "seen.sqlite"

    def poll_marks_file(self) -> Path:
        return self.cqc_poll_marks_path or self.ingest_state_dir / "cqc-poll-marks.json"
