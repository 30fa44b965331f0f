"""Settings shared by every service: where Kafka and Elasticsearch are and how to reach them.

Naming rules for every service's `Settings(CommonSettings)`: a setting of one service starts with the
service's name (`index_batch_size`, `alerts_web_port`); a duration ends in `_seconds`; consumer groups and
faust app ids come from `group_id(service)`; local state lives in `service_state_dir(service)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from elasticsearch.serializer import OrjsonSerializer
from pydantic import BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.api_keys import ConfiguredKey, configured_keys
from services.common.roles import Role

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "dev-key", "secret"}
MIN_PROD_KEY_LENGTH = 32
MIN_PROD_KEY_DISTINCT = 12  # a crude floor on entropy: "aaaa…" or "1234…" repeated is refused


class CommonSettings(BaseSettings):
    """Read from CARESIGNAL_* environment variables (nesting with `__`) or a .env file."""

    model_config = SettingsConfigDict(
        env_prefix="CARESIGNAL_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["dev", "test", "prod"] = "dev"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="`json`: one JSON object per line (for log collectors)."
    )
    tracing_exporter: Literal["none", "console", "otlp"] = Field(
        default="none", description="Where spans go; trace context is carried in Kafka headers either way."
    )

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    topic_prefix: str = Field(default="", description="Prepended to every topic name (test isolation).")
    kafka_replication_factor: int = Field(
        default=1, ge=1, description="Replicas of each topic `topics create` makes (3 on a cluster)."
    )
    kafka_min_insync_replicas: int = Field(
        default=1, ge=1, description="min.insync.replicas of each catalogue topic (2 with 3 replicas)."
    )

    es_url: str = Field(default="http://127.0.0.1:9200", description="Comma-separated for several nodes.")
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_file: Path | None = None
    es_index_prefix: str = Field(default="", description="Prepended to every index and alias name.")

    api_keys: Annotated[list[ConfiguredKey], BeforeValidator(configured_keys)] = Field(
        default_factory=lambda: [ConfiguredKey(name="dev", role=Role.ADMIN, key=SecretStr("dev-key"))],
        description="Named keys with a role for bootstrap (`{name, role, sha256}`; `key` in dev); "
        "machine clients' keys are made with `caresignal api-keys create`.",
    )

    oidc_issuer: str | None = Field(
        default="http://127.0.0.1:8180/realms/caresignal",
        description="OpenID Connect issuer whose bearer tokens the API accepts (unset: API keys only).",
    )
    oidc_audience: str = Field(default="caresignal-api", description="The `aud` a token must carry.")
    oidc_roles_claim: str = Field(
        default="caresignal_roles", description="Claim (dotted path, e.g. realm_access.roles) with the roles."
    )
    oidc_leeway_seconds: float = Field(default=30, ge=0, description="Clock skew allowed on exp/iat.")

    state_dir: Path = Field(
        default=Path(".local"), description="Local state, one folder per service: <state_dir>/<service>."
    )

    @model_validator(mode="after")
    def _insync_within_replicas(self) -> CommonSettings:
        if self.kafka_min_insync_replicas > self.kafka_replication_factor:
            raise ValueError(
                "CARESIGNAL_KAFKA_MIN_INSYNC_REPLICAS exceeds CARESIGNAL_KAFKA_REPLICATION_FACTOR"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_api_keys(self) -> CommonSettings:
        """In prod no key given in clear is a placeholder, short, or of few distinct characters."""
        keys = [key.key.get_secret_value() for key in self.api_keys if key.key is not None]
        if self.environment == "prod" and any(key in PLACEHOLDER_SECRETS for key in keys):
            raise ValueError("CARESIGNAL_API_KEYS holds a placeholder key; set real keys in prod")
        if self.environment == "prod" and any(
            len(key) < MIN_PROD_KEY_LENGTH or len(set(key)) < MIN_PROD_KEY_DISTINCT for key in keys
        ):
            raise ValueError(
                f"CARESIGNAL_API_KEYS: in prod every key needs at least {MIN_PROD_KEY_LENGTH} characters, "
                f"{MIN_PROD_KEY_DISTINCT} of them distinct (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`)"
            )
        return self

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def index(self, name: str) -> str:
        return f"{self.es_index_prefix}{name}"

    def group_id(self, service: str) -> str:
        """Consumer group and faust app id of a service: `caresignal-<service>`, prefixed like topics."""
        return self.topic(f"caresignal-{service}")

    def service_state_dir(self, service: str) -> Path:
        """Where a service keeps local state (seen ids, poll marks, faust's data directory)."""
        return self.state_dir / service

    def kafka_options(self) -> dict[str, Any]:
        """Connection options in kafka-python's spelling."""
        options: dict[str, Any] = {
            "bootstrap_servers": [host.strip() for host in self.kafka_bootstrap.split(",")],
            "security_protocol": self.kafka_security_protocol,
        }
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            if self.kafka_sasl_password:
                options["sasl_plain_password"] = self.kafka_sasl_password.get_secret_value()
        if self.kafka_ssl_cafile:
            options["ssl_cafile"] = str(self.kafka_ssl_cafile)
        return options

    def es_options(self) -> dict[str, Any]:
        """Connection options for elasticsearch.Elasticsearch: orjson encodes bulk bodies and decodes every
        response (the client's documented serializer option; about 3x faster than the json module)."""
        hosts = [url.strip() for url in self.es_url.split(",")]
        options: dict[str, Any] = {"hosts": hosts, "request_timeout": 30, "serializer": OrjsonSerializer()}
        if self.es_api_key:
            options["api_key"] = self.es_api_key.get_secret_value()
        elif self.es_username and self.es_password:
            options["basic_auth"] = (self.es_username, self.es_password.get_secret_value())
        if self.es_ca_file:
            options["ca_certs"] = str(self.es_ca_file)
        return options
