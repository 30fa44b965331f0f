"""How the faust worker reaches Kafka: broker URLs and SASL/SSL credentials from CommonSettings."""

from __future__ import annotations

import ssl

import faust

from services.common.config import CommonSettings

FaustCredentials = faust.SASLCredentials | faust.SSLCredentials


def broker_url(settings: CommonSettings) -> str:
    """faust's spelling of the bootstrap servers: `kafka://host:port;kafka://host:port`."""
    return ";".join(f"kafka://{host.strip()}" for host in settings.kafka_bootstrap.split(","))


def broker_credentials(settings: CommonSettings) -> FaustCredentials | None:
    """faust's `broker_credentials` for the configured security protocol; None for PLAINTEXT."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl_context(settings) if protocol in ("SSL", "SASL_SSL") else None
    if protocol == "SSL":
        return faust.SSLCredentials(context)
    if not (settings.kafka_sasl_mechanism and settings.kafka_sasl_username and settings.kafka_sasl_password):
        raise ValueError(f"{protocol} needs CARESIGNAL_KAFKA_SASL_MECHANISM, _USERNAME and _PASSWORD")
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=settings.kafka_sasl_password.get_secret_value(),
        mechanism=settings.kafka_sasl_mechanism,
        ssl_context=context,
    )


def ssl_context(settings: CommonSettings) -> ssl.SSLContext:
    """Verifies the broker against CARESIGNAL_KAFKA_SSL_CAFILE, or the system CAs when unset."""
    cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    return ssl.create_default_context(cafile=cafile)
