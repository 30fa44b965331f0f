"""The faust apps of the stream workers: broker URLs, SASL/SSL credentials and shared app options."""

from __future__ import annotations

import ssl
from typing import Any

import faust

from services.common.config import CommonSettings
from services.common.faust_rewind import RewindingApp
from services.common.logs import logging_config
from services.common.tracing import configure_tracing

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


def aiokafka_options(settings: CommonSettings) -> dict[str, Any]:
    """`CommonSettings.kafka_options()` in aiokafka's spelling: the CA file becomes an SSL context."""
    options = settings.kafka_options()
    options.pop("ssl_cafile", None)
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl_context(settings)
    return options


def ssl_context(settings: CommonSettings) -> ssl.SSLContext:
    """Verifies the broker against CARESIGNAL_KAFKA_SSL_CAFILE, or the system CAs when unset."""
    cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    return ssl.create_default_context(cafile=cafile)


def create_faust_app(
    settings: CommonSettings,
    service: str,
    *,
    session_timeout_seconds: float,
    web_enabled: bool,
    web_host: str,
    web_port: int,
    **options: Any,
) -> faust.App:
    """The faust app of a stream worker: group id, broker and options every worker shares.

    Topics carry raw bytes (pydantic decodes inside the agents, so validation failures reach our
    dead-letter code); consumers start from the earliest offset; faust's data directory follows the
    state-directory rule. The web server (bound to `web_host`, 127.0.0.1 by default) serves health at `/`
    and the worker's own pages (metrics) only: faust's router, table, graph and statistics views are off,
    since tables hold evidence ids and words of evidence. `options` adds what one worker needs beyond that.
    """
    app_id = settings.group_id(service)
    datadir = settings.service_state_dir(service) / app_id
    datadir.mkdir(parents=True, exist_ok=True)
    return RewindingApp(
        app_id,
        broker=broker_url(settings),
        broker_credentials=broker_credentials(settings),
        datadir=str(datadir),
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        topic_replication_factor=settings.kafka_replication_factor,
        broker_session_timeout=session_timeout_seconds,
        broker_heartbeat_interval=max(1.0, session_timeout_seconds / 10),
        web_enabled=web_enabled,
        web_bind=web_host,
        web_port=web_port,
        web_router_enabled=False,
        web_tables_enabled=False,
        web_graph_enabled=False,
        web_stats_enabled=False,
        web_metrics_enabled=False,
        autodiscover=False,
        **options,
    )


def run_faust_worker(app: faust.App, settings: CommonSettings) -> None:
    """Run a faust app until it is stopped (Ctrl-C, SIGTERM) or crashes (exit code 1)."""
    configure_tracing(settings, app.conf.id)
    worker = faust.Worker(
        app,
        loglevel=settings.log_level.lower(),
        logging_config=logging_config(settings),
        quiet=True,
        redirect_stdouts=False,
    )
    worker.execute_from_commandline()
