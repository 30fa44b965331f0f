"""The Helm chart under deploy/kubernetes: lint, render for dev and production, and check the manifests."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

import services.classify.metrics  # noqa: F401 - registers classify's own series beside the shared ones
import services.ingest.metrics as ingest_metrics
from deploy.helm import KUBE_VERSION, helm_path
from deploy.manifests import CHART_DIR, TOPICS_FILE, topics_json
from deploy.settings import StackSettings
from schemas.topics import TOPIC_CATALOGUE
from services.alerts.config import AlertsSettings
from services.api import ApiSettings
from services.classify.config import ClassifySettings
from services.index.config import IndexSettings
from services.ingest.config import IngestSettings

VALUES = {
    "dev": CHART_DIR.parent / "values-dev.yaml",
    "production": CHART_DIR.parent / "values-production.yaml",
}
API_VERSIONS = {
    "ConfigMap": "v1",
    "Secret": "v1",
    "Service": "v1",
    "ServiceAccount": "v1",
    "PersistentVolumeClaim": "v1",
    "Deployment": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "PodDisruptionBudget": "policy/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Ingress": "networking.k8s.io/v1",
    "ScaledObject": "keda.sh/v1alpha1",
    "TriggerAuthentication": "keda.sh/v1alpha1",
    "Kafka": "kafka.strimzi.io/v1beta2",
    "KafkaNodePool": "kafka.strimzi.io/v1beta2",
    "KafkaTopic": "kafka.strimzi.io/v1beta2",
    "KafkaUser": "kafka.strimzi.io/v1beta2",
    "Elasticsearch": "elasticsearch.k8s.elastic.co/v1",
    "PrometheusRule": "monitoring.coreos.com/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1",
}
# Secrets the chart expects operators (Strimzi, ECK) or the platform to make.
EXTERNAL_SECRETS = {
    "caresignal-app",
    "caresignal",
    "caresignal-cluster-ca-cert",
    "caresignal-es-http-certs-public",
    "caresignal-es-elastic-user",
}
FUTURE_SECRET_SETTINGS: set[str] = set()  # settings read from the Secret before their settings class exists


def _helm() -> Path:
    binary = helm_path(StackSettings().cache_dir)
    if not binary.is_file():
        pytest.fail(f"helm not found at {binary}: run `make helm` (builds it from the Go module proxy)")
    return binary


def _run_helm(*args: str) -> str:
    result = subprocess.run([str(_helm()), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@cache
def _rendered(environment: str) -> tuple[dict[str, Any], ...]:
    out = _run_helm(
        "template", "cs", str(CHART_DIR), "-f", str(VALUES[environment]), "--kube-version", KUBE_VERSION
    )
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def _of_kind(environment: str, kind: str) -> list[dict[str, Any]]:
    return [doc for doc in _rendered(environment) if doc["kind"] == kind]


def _config(environment: str) -> dict[str, Any]:
    """The ConfigMap of CARESIGNAL_* settings (the dashboard has its own)."""
    (config,) = [c for c in _of_kind(environment, "ConfigMap") if c["metadata"]["name"].endswith("-config")]
    return config


def _pod_specs(environment: str) -> list[tuple[str, dict[str, Any]]]:
    specs = []
    for doc in _rendered(environment):
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] in {"Deployment", "Job"}:
            specs.append((name, doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "CronJob":
            specs.append((name, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return specs


def _settings_env_names() -> set[str]:
    classes = (ClassifySettings, IndexSettings, AlertsSettings, IngestSettings, ApiSettings)
    return {f"CARESIGNAL_{field.upper()}" for cls in classes for field in cls.model_fields}


ENVIRONMENTS = pytest.mark.parametrize("environment", sorted(VALUES))


@ENVIRONMENTS
def test_chart_lints_clean(environment: str) -> None:
    out = _run_helm("lint", "--strict", str(CHART_DIR), "-f", str(VALUES[environment]))
    assert "0 chart(s) failed" in out


@ENVIRONMENTS
def test_chart_renders_known_kinds_with_names_and_labels(environment: str) -> None:
    for doc in _rendered(environment):
        assert API_VERSIONS.get(doc["kind"]) == doc["apiVersion"], doc["kind"]
        assert doc["metadata"]["name"], doc
        assert doc["metadata"]["labels"]["app.kubernetes.io/instance"] == "cs", doc["metadata"]


@ENVIRONMENTS
def test_chart_every_container_has_limits_and_runs_as_non_root(environment: str) -> None:
    specs = _pod_specs(environment)
    assert len(specs) >= 5
    for name, spec in specs:
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] > 0, name
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] > 0, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), (name, bound)


@ENVIRONMENTS
def test_chart_every_long_running_container_has_probes_on_its_port(environment: str) -> None:
    deployments = _of_kind(environment, "Deployment")
    assert {d["metadata"]["labels"]["app.kubernetes.io/component"] for d in deployments} == {
        "api",
        "classify",
        "index",
        "alerts",
    }
    for deployment in deployments:
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            ports = {port["name"] for port in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["httpGet"]["port"] in ports, (deployment["metadata"]["name"], probe)


@ENVIRONMENTS
def test_chart_probe_ports_are_the_ports_the_services_listen_on(environment: str) -> None:
    listen = {
        "api": 8000,
        "classify": ClassifySettings.model_fields["classify_web_port"].default,
        "index": IndexSettings.model_fields["index_metrics_port"].default,
        "alerts": AlertsSettings.model_fields["alerts_web_port"].default,
    }
    for deployment in _of_kind(environment, "Deployment"):
        component = deployment["metadata"]["labels"]["app.kubernetes.io/component"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["ports"][0]["containerPort"] == listen[component]
    config = _config(environment)
    assert config["data"]["CARESIGNAL_INDEX_METRICS_ENABLED"] == "true"
    for host in ("CLASSIFY_WEB_HOST", "ALERTS_WEB_HOST", "INDEX_METRICS_HOST"):
        assert config["data"][f"CARESIGNAL_{host}"] == "0.0.0.0"


@ENVIRONMENTS
def test_chart_config_names_only_settings_that_exist(environment: str) -> None:
    known = _settings_env_names()
    config = _config(environment)
    assert set(config["data"]) <= known, set(config["data"]) - known
    for _, spec in _pod_specs(environment):
        for container in spec["containers"]:
            names = {item["name"] for item in container.get("env", [])}
            assert names <= known | FUTURE_SECRET_SETTINGS, names - known


@ENVIRONMENTS
def test_chart_secrets_referenced_are_rendered_or_made_by_operators(environment: str) -> None:
    rendered = {doc["metadata"]["name"] for doc in _of_kind(environment, "Secret")}
    for name, spec in _pod_specs(environment):
        for container in spec["containers"]:
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] in rendered | EXTERNAL_SECRETS, (name, ref)


def test_chart_production_topics_match_the_catalogue() -> None:
    topics = {doc["spec"]["topicName"]: doc["spec"] for doc in _of_kind("production", "KafkaTopic")}
    assert set(topics) == {spec.topic.value for spec in TOPIC_CATALOGUE}
    for spec in TOPIC_CATALOGUE:
        rendered = topics[spec.topic.value]
        assert rendered["partitions"] == spec.partitions
        assert rendered["replicas"] == 3
        assert rendered["config"] == {**spec.config(), "min.insync.replicas": "2"}


def test_chart_topics_file_is_generated_from_the_catalogue() -> None:
    assert json.loads(TOPICS_FILE.read_text()) == json.loads(topics_json()), "run `make manifests`"


def test_chart_dev_creates_topics_with_a_job_and_production_with_strimzi() -> None:
    assert not _of_kind("dev", "KafkaTopic")
    (job,) = _of_kind("dev", "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["caresignal", "topics", "create"]
    assert not _of_kind("production", "Job")


def test_chart_production_cluster_is_replicated() -> None:
    (pool,) = _of_kind("production", "KafkaNodePool")
    assert pool["spec"]["replicas"] == 3 and set(pool["spec"]["roles"]) == {"controller", "broker"}
    (kafka,) = _of_kind("production", "Kafka")
    assert kafka["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    assert kafka["spec"]["kafka"]["listeners"][0]["authentication"]["type"] == "scram-sha-512"
    (elasticsearch,) = _of_kind("production", "Elasticsearch")
    assert elasticsearch["spec"]["nodeSets"][0]["count"] == 3
    config = _config("production")
    assert config["data"]["CARESIGNAL_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["data"]["CARESIGNAL_KAFKA_REPLICATION_FACTOR"] == "3"


def test_chart_production_scales_workers_on_lag_within_partitions() -> None:
    partitions = {spec.topic.value: spec.partitions for spec in TOPIC_CATALOGUE}
    deployments = {d["metadata"]["name"]: d for d in _of_kind("production", "Deployment")}
    scaled = _of_kind("production", "ScaledObject")
    targets = {s["spec"]["scaleTargetRef"]["name"] for s in scaled}
    assert targets == {"cs-caresignal-classify", "cs-caresignal-index"}
    for scaled_object in scaled:
        target = deployments[scaled_object["spec"]["scaleTargetRef"]["name"]]
        assert "replicas" not in target["spec"], "KEDA owns the replica count"
        (trigger,) = scaled_object["spec"]["triggers"]
        assert trigger["type"] == "kafka"
        assert scaled_object["spec"]["maxReplicaCount"] <= partitions[trigger["metadata"]["topic"]]


def test_chart_production_guards_every_component_with_a_pdb_and_network_policy() -> None:
    pdbs = [p["spec"]["selector"]["matchLabels"] for p in _of_kind("production", "PodDisruptionBudget")]
    policies = [p["spec"]["podSelector"]["matchLabels"] for p in _of_kind("production", "NetworkPolicy")]
    for deployment in _of_kind("production", "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert any(selector.items() <= labels.items() for selector in pdbs), labels
        assert any(selector.items() <= labels.items() for selector in policies), labels


def test_chart_refuses_chart_made_secrets_in_production() -> None:
    result = subprocess.run(
        [str(_helm()), "template", "cs", str(CHART_DIR), "--kube-version", KUBE_VERSION],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "existingSecret" in result.stderr


MONITORING_FILES = CHART_DIR / "files"
ALERTS = {
    "CareSignalConsumerLagGrowing",
    "CareSignalDeadLetters",
    "CareSignalBreakerOpen",
    "CareSignalNoItemsProcessed",
    "CareSignalCqcPollStale",
    "CareSignalIngestRunFailed",
}


def _rules() -> dict[str, Any]:
    return yaml.safe_load((MONITORING_FILES / "prometheus-rules.yaml").read_text())


def _dashboard() -> dict[str, Any]:
    return json.loads((MONITORING_FILES / "grafana-dashboard.json").read_text())


def _exported_series() -> set[str]:
    """Every series name the services' metrics modules define, as Prometheus stores them."""
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"], "gauge": [""]}
    return {
        family.name + suffix
        for registry in (REGISTRY, ingest_metrics.REGISTRY)  # ingest runs push theirs (own registry)
        for family in registry.collect()
        if family.name.startswith("caresignal_")
        for suffix in suffixes.get(family.type, [])
    }


def test_chart_production_installs_the_alerting_rules_and_the_dashboard_from_deploy() -> None:
    (rule,) = _of_kind("production", "PrometheusRule")
    assert rule["spec"] == _rules()
    rules = [r for group in _rules()["groups"] for r in group["rules"]]
    assert {r["alert"] for r in rules} >= ALERTS
    for r in rules:
        assert r["labels"]["severity"] in {"warning", "critical"} and r["annotations"]["summary"], r["alert"]
    (board,) = [
        cm for cm in _of_kind("production", "ConfigMap") if cm["metadata"]["labels"].get("grafana_dashboard")
    ]
    assert json.loads(board["data"]["caresignal-pipeline.json"]) == _dashboard()


def test_chart_rules_and_dashboard_query_only_series_the_services_export() -> None:
    exprs = [r["expr"] for group in _rules()["groups"] for r in group["rules"]]
    exprs += [target["expr"] for panel in _dashboard()["panels"] for target in panel["targets"]]
    queried = set(re.findall(r"\bcaresignal_[a-z_]+", " ".join(exprs)))
    assert len(queried) >= 8
    assert queried <= _exported_series(), queried - _exported_series()


def test_chart_production_scrapes_every_component_on_a_port_its_service_names() -> None:
    ports = {
        svc["spec"]["selector"]["app.kubernetes.io/component"]: {p["name"] for p in svc["spec"]["ports"]}
        for svc in _of_kind("production", "Service")
    }
    monitors = {
        m["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]: m["spec"]["endpoints"]
        for m in _of_kind("production", "ServiceMonitor")
    }
    assert set(monitors) == {"api", "classify", "index", "alerts"}
    for component, endpoints in monitors.items():
        assert all(e["port"] in ports[component] and e["path"] == "/metrics" for e in endpoints), component


def test_chart_production_cqc_poller_pushes_its_run_metrics_through_its_network_policy() -> None:
    assert _config("production")["data"]["CARESIGNAL_INGEST_METRICS_PUSHGATEWAY"].startswith("http://")
    assert "CARESIGNAL_INGEST_METRICS_PUSHGATEWAY" not in _config("dev")["data"]
    (policy,) = [
        p for p in _of_kind("production", "NetworkPolicy") if p["metadata"]["name"].endswith("-cqc-poller")
    ]
    assert {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]} == {443, 9091}


def test_chart_production_config_is_one_the_api_starts_with(monkeypatch: pytest.MonkeyPatch) -> None:
    """prod refuses the web app without sign-in, a public URL and a session secret: the chart sets them
    (the secret from the operators' Secret)."""
    for name, value in _config("production")["data"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CARESIGNAL_API_KEYS", "[]")
    monkeypatch.setenv("CARESIGNAL_WEB_SESSION_SECRET", "s" * 16 + "e" * 16 + "c" * 8)
    settings = ApiSettings()
    assert settings.web_sign_in and settings.oidc_issuer and not settings.web_served_on_localhost
    assert settings.cors_origins == []
