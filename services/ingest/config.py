"""Settings of the ingest service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from services.common.config import CommonSettings


class IngestSettings(CommonSettings):
    """Ingest's own settings (CARESIGNAL_INGEST_*); its state lives under <state_dir>/ingest."""

    ingest_batch_size: int = Field(
        default=2000, ge=1, description="Records mapped and acknowledged together."
    )
    ingest_ack_timeout_seconds: float = Field(
        default=120.0, gt=0, description="Longest wait for broker acks."
    )
    ingest_max_http_items: int = Field(default=1000, ge=1, description="Largest batch accepted over HTTP.")
    ingest_max_http_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="Largest request body accepted over HTTP (413 beyond)."
    )
    ingest_metrics_pushgateway: str | None = Field(
        default=None,
        description="Prometheus Pushgateway URL an ingest run pushes its metrics to (none: not pushed).",
    )
    cqc_api_timeout_seconds: float = Field(default=30.0, gt=0)
    cqc_api_subscription_key: str | None = Field(
        default=None, description="Sent as Ocp-Apim-Subscription-Key to the CQC API when set."
    )

    def seen_store_file(self) -> Path:
        """sqlite file of the ids already accepted."""
        return self.service_state_dir("ingest") / "seen.sqlite"

    def poll_marks_file(self) -> Path:
        """JSON file of where each CQC API's last complete poll ended."""
        return self.service_state_dir("ingest") / "cqc-poll-marks.json"
