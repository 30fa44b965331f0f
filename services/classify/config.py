"""Settings of the classify service: the model, its training and the stream worker."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from services.common.config import CommonSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "caresignal_evidence"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


class ClassifySettings(CommonSettings):
    """The model and training knobs (CARESIGNAL_MODEL_DIR, ...) and the worker's (CARESIGNAL_CLASSIFY_*)."""

    model_dir: Path = Field(
        default=DEFAULT_MODEL_DIR, description="Trained pipeline (caresignal train output)."
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Labelled corpora (shared/data).")
    batch_size: int = Field(
        default=256, ge=1, le=10_000, description="Texts per nlp.pipe batch of `caresignal classify`."
    )
    train_workers: int = Field(default=2, ge=1, le=8, description="Parallel model fits during training.")
    cv_folds: int = Field(default=4, ge=2, le=10, description="Folds for threshold tuning and evaluation.")
    seed: int = 13

    classify_batch_size: int = Field(default=64, ge=1, description="Items the worker analyses per batch.")
    classify_batch_seconds: float = Field(default=0.5, gt=0, description="Longest wait to fill a batch.")
    classify_analyse_in_thread: bool = Field(default=True, description="Run spaCy off the event loop.")
    classify_max_consecutive_dead_letters: int = Field(
        default=50,
        ge=1,
        description="Circuit breaker: stop the worker after this many dead letters in a row.",
    )
    classify_session_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A worker that stops heartbeating loses its partitions after this long.",
    )
    classify_store: str = Field(default="memory://", description="faust table store (changelog-backed).")
    classify_web_enabled: bool = Field(default=True, description="Run the worker's web server (/metrics).")
    classify_web_host: str = "127.0.0.1"
    classify_web_port: int = Field(default=6066, ge=1, le=65535)
    classify_metrics_log_seconds: float = Field(
        default=30.0, gt=0, description="Period of the summary log line."
    )
    classify_gazetteer_refresh_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Longest age of the provider-name index built from the location table.",
    )

    @field_validator("model_dir", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()
