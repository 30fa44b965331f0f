"""Settings of the classify service: the model, its training and the stream worker."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator

from schemas.evidence import AuthorRole
from services.classify.restriction import DEFAULT_AUTHOR_ROLES, DEFAULT_SEVERITY_REASONS, RestrictionRule
from services.common.config import PLACEHOLDER_SECRETS, CommonSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


class ClassifySettings(CommonSettings):
    """The model and training knobs (CARESIGNAL_MODEL_DIR, ...) and the worker's (CARESIGNAL_CLASSIFY_*)."""

    models_dir: Path = Field(
        default=DEFAULT_MODELS_DIR, description="The model registry: installed models side by side."
    )
    model_dir: Path | None = Field(
        default=None, description="Load this model folder (default: the registry's current model)."
    )
    model_version: str | None = Field(
        default=None, description="Load the installed model with this version, e.g. '1.1.0+3fa2c9d1e0b4'."
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Labelled corpora (shared/data).")
    batch_size: int = Field(
        default=256, ge=1, le=10_000, description="Texts per nlp.pipe batch of `caresignal classify`."
    )
    train_workers: int = Field(default=2, ge=1, le=8, description="Parallel model fits during training.")
    cv_folds: int = Field(default=4, ge=2, le=10, description="Folds for threshold tuning and evaluation.")
    seed: int = 13
    corrections_file: Path | None = Field(
        default=None,
        description="Where `corrections export` writes and `train` / `model evaluate` read "
        "(default: <state_dir>/corrections/corrections.jsonl).",
    )

    classify_batch_size: int = Field(default=64, ge=1, description="Items the worker analyses per batch.")
    classify_batch_seconds: float = Field(default=0.5, gt=0, description="Longest wait to fill a batch.")
    classify_analyse_in_thread: bool = Field(default=True, description="Run spaCy off the event loop.")
    classify_analysis_cache_entries: int = Field(
        default=10_000,
        ge=0,
        description="Analyses kept for exact-repeat texts (keyed by digest; 0 turns the cache off).",
    )
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
    classify_restricted_author_roles: list[AuthorRole] = Field(
        default=list(DEFAULT_AUTHOR_ROLES),
        description="Items given by these authors are restricted to the sensitive role (JSON list).",
    )
    classify_restricted_severity_reasons: list[str] = Field(
        default=list(DEFAULT_SEVERITY_REASONS),
        description="Items with any of these severity reasons are restricted to the sensitive role.",
    )
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

    classify_neardup_enabled: bool = Field(
        default=True, description="Give every classified item its near-duplicate cluster (`duplication`)."
    )
    classify_neardup_threshold: float = Field(
        default=0.5, gt=0, le=1, description="Least estimated Jaccard similarity for a near-duplicate."
    )
    classify_neardup_horizon_seconds: float = Field(
        default=90 * 86_400.0,
        gt=0,
        description="How far back copies are looked for (at most the classified topic's 90-day retention).",
    )
    classify_neardup_max_items_per_area: int = Field(
        default=500_000,
        ge=1_000,
        description="Items held per local authority (about 550 bytes each); the oldest go first beyond it.",
    )

    classify_author_key: SecretStr = Field(
        default=SecretStr("dev-author-key"),
        description="Key of the pseudonymous author tokens in `duplication.author` (every classify worker "
        "of a deployment needs the same one; a placeholder is refused in prod).",
    )

    @model_validator(mode="after")
    def _real_author_key_in_prod(self) -> ClassifySettings:
        key = self.classify_author_key.get_secret_value()
        if self.environment == "prod" and (
            key in PLACEHOLDER_SECRETS or key.startswith("dev-") or len(key) < 24
        ):
            raise ValueError("CARESIGNAL_CLASSIFY_AUTHOR_KEY: set a real key of 24+ characters in prod")
        return self

    @model_validator(mode="after")
    def _corrections_under_state_dir(self) -> ClassifySettings:
        if self.corrections_file is None:
            self.corrections_file = self.service_state_dir("corrections") / "corrections.jsonl"
        return self

    @field_validator("models_dir", "model_dir", "data_dir")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser().resolve()

    @property
    def restriction_rule(self) -> RestrictionRule:
        return RestrictionRule(
            tuple(self.classify_restricted_author_roles), tuple(self.classify_restricted_severity_reasons)
        )
