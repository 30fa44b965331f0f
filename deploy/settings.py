"""Settings of the local stack and local cluster: versions, ports, heaps, engine cache and state dirs."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr

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
    cluster_kafka_port: int = Field(
        default=29092, description="Cluster: broker n listens on this + 2(n-1), its controller one above."
    )
    cluster_es_port: int = Field(default=29200, description="Cluster: node n serves HTTP on this + n-1.")
    cluster_es_transport_port: int = Field(default=29300, description="Cluster: node n's transport port.")
    cluster_kafka_heap: str = "512m"
    cluster_es_heap: str = "768m"
    java_home: Path | None = Field(default=None, description="JDK for both engines; found if unset.")
    keycloak_enabled: bool = Field(default=True, description="Run Keycloak (the local OIDC provider).")
    keycloak_version: str = "26.7.3"
    keycloak_port: int = Field(default=8180, description="HTTP; its management port is this + 100.")
    keycloak_heap: str = "512m"
    keycloak_java_home: Path | None = Field(default=None, description="JDK 21+ for Keycloak; found if unset.")
    keycloak_admin_password: SecretStr = Field(
        default=SecretStr("admin"), description="The master realm's bootstrap admin (local stack only)."
    )
    start_timeout_seconds: float = 180.0
