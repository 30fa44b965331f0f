"""Settings of the alerts service: where the rules are and how the faust worker runs."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from schemas.topics import Topic, spec_for
from services.common.config import CommonSettings

DEFAULT_RULES_FILE = Path(__file__).with_name("rules.yaml")


class AlertsSettings(CommonSettings):
    """Knobs of the alerts worker; env names are CARESIGNAL_ALERTS_*."""

    alerts_rules_file: Path = Field(default=DEFAULT_RULES_FILE, description="YAML file of alert rules.")
    alerts_observation_partitions: int = Field(
        default=6, ge=1, description="Partitions of the internal observations topic (and of the state table)."
    )
    alerts_classified_partitions: int = Field(
        default=spec_for(Topic.EVIDENCE_CLASSIFIED).partitions,
        ge=1,
        description="Partitions of evidence.classified.v1; the event-time watermark waits for all of them.",
    )
    alerts_tick_interval_seconds: float = Field(
        default=10.0, gt=0, description="How often the worker publishes its event-time progress (flatline)."
    )
    alerts_max_consecutive_dead_letters: int = Field(
        default=1000, ge=1, description="Circuit breaker: stop when this many messages in a row are rejected."
    )
    alerts_session_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Kafka session timeout: how soon a dead worker's partitions move."
    )
    alerts_web_enabled: bool = Field(default=True, description="Run faust's web server (health, stats).")
    alerts_web_host: str = "127.0.0.1"
    alerts_web_port: int = Field(default=6067, ge=1, le=65535, description="Beside classify on 6066.")
