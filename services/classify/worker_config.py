"""Settings of the classify stream worker (faust), on top of the classify settings (model_dir, ...)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import Field

from services.classify.config import ClassifySettings

APP_ID = "caresignal-classify"


class WorkerSettings(ClassifySettings):
    """CARESIGNAL_WORKER_* variables tune batching, the circuit breaker and the worker's web server."""

    worker_batch_size: int = Field(default=64, ge=1, description="Items analysed per spaCy batch.")
    worker_batch_seconds: float = Field(default=0.5, gt=0, description="Longest wait to fill a batch.")
    worker_analyse_in_thread: bool = Field(default=True, description="Run spaCy off the event loop.")
    worker_max_consecutive_dead_letters: int = Field(
        default=50,
        ge=1,
        description="Circuit breaker: stop the worker after this many dead letters in a row.",
    )
    worker_session_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A worker that stops heartbeating loses its partitions after this long.",
    )
    worker_store: str = Field(default="memory://", description="faust table store (changelog-backed).")
    worker_data_dir: Path = Field(default=Path(tempfile.gettempdir()) / "caresignal-classify")
    worker_web_enabled: bool = True
    worker_web_host: str = "127.0.0.1"
    worker_web_port: int = 6066
    worker_metrics_log_seconds: float = Field(
        default=30.0, gt=0, description="Period of the summary log line."
    )
    worker_gazetteer_refresh_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Longest age of the provider-name index built from the location table.",
    )

    @property
    def app_id(self) -> str:
        """faust app id and consumer group; the topic prefix keeps test runs apart."""
        return f"{self.topic_prefix}{APP_ID}"
