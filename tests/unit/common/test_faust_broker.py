"""SASL/SSL credentials and broker URLs for the faust worker."""

from __future__ import annotations

import faust
import pytest
from factories.fakes import FakeAnalyser

from services.alerts.app import create_app as create_alerts_app
from services.alerts.config import AlertsSettings
from services.classify.app import create_app as create_classify_app
from services.classify.config import ClassifySettings
from services.common.config import CommonSettings
from services.common.faust_broker import broker_credentials, broker_url


def test_broker_url_lists_every_bootstrap_server() -> None:
    settings = CommonSettings(kafka_bootstrap="k1:9092, k2:9093")
    assert broker_url(settings) == "kafka://k1:9092;kafka://k2:9093"


def test_broker_credentials_plaintext_is_none() -> None:
    assert broker_credentials(CommonSettings()) is None


def test_broker_credentials_sasl_ssl_carries_user_mechanism_and_tls() -> None:
    settings = CommonSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="alerts",
        kafka_sasl_password="s3cret-value",
    )
    credentials = broker_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("alerts", "s3cret-value")
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.protocol.value == "SASL_SSL" and credentials.ssl_context is not None


def test_broker_credentials_sasl_plaintext_has_no_tls() -> None:
    settings = CommonSettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="alerts",
        kafka_sasl_password="s3cret-value",
    )
    credentials = broker_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_PLAINTEXT" and credentials.ssl_context is None


def test_broker_credentials_ssl_is_tls_only() -> None:
    credentials = broker_credentials(CommonSettings(kafka_security_protocol="SSL"))
    assert isinstance(credentials, faust.SSLCredentials)
    assert credentials.protocol.value == "SSL"


def test_broker_credentials_sasl_without_a_password_is_refused() -> None:
    settings = CommonSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN")
    with pytest.raises(ValueError, match="SASL"):
        broker_credentials(settings)


def test_every_stream_worker_produces_with_acks_from_all_in_sync_replicas(tmp_path) -> None:
    classify = create_classify_app(
        ClassifySettings(classify_web_enabled=False, state_dir=tmp_path), analyser=FakeAnalyser()
    )
    alerts = create_alerts_app(AlertsSettings(alerts_web_enabled=False, state_dir=tmp_path))
    assert classify.conf.producer_acks == alerts.conf.producer_acks == -1
