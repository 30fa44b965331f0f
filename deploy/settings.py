"""Settings of the local stack: versions, ports, where engines are cached and where state lives."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field

from services.common.config import CommonSettings


def _default_cache_dir() -> Path:
    # Elasticsearch runs as an unprivileged user, which cannot read under root's home (mode 700).
    if os.geteuid() == 0:
        return Path("/var/cache/caresignal")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "caresignal"


class StackSettings(CommonSettings):
    """CARESIGNAL_STACK_* style knobs for the local Kafka broker and Elasticsearch node."""

    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Downloaded engines.")
    kafka_version: str = "4.1.1"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_heap: str = "768m"
    es_version: str = "8.19.7"
    es_port: int = 9200
    es_transport_port: int = 9300
    es_heap: str = "1g"
    es_user: str = Field(
        default="caresignal", description="Unprivileged user that runs Elasticsearch as root."
    )
    java_home: Path | None = Field(default=None, description="JDK for both engines; found if unset.")
    start_timeout_seconds: float = 180.0
