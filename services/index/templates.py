"""Composable index templates from mappings/*.json, installed idempotently at start-up.

Component templates (`component_*.json`) hold shared pieces; each index template (`<name>.json`)
composes them. Every template, index pattern and alias name goes through `settings.index()`, so a
test prefix isolates everything. A template is (re)written only when ours has a higher `version`; its
new fields are then added to the indices that already exist (mappings only ever gain fields in v1).
"""

from __future__ import annotations

import copy
import json
import logging
from importlib.resources import files
from typing import Any

from elasticsearch import Elasticsearch

from services.common.config import CommonSettings
from services.common.indices import EVIDENCE_GENERATION_PREFIX, UNRESTRICTED_FILTER, Names

log = logging.getLogger(__name__)

COMPONENTS = ("settings", "envelope", "area")
GENERATION_TEMPLATE = "evidence_generation"
INDEX_TEMPLATES = (
    "evidence",
    "locations",
    "alerts",
    "alert_status",
    "alert_versions",
    "corrections",
    "correction_history",
    "audit",
)


def _load(name: str) -> dict[str, Any]:
    return json.loads(files("services.index.mappings").joinpath(f"{name}.json").read_text(encoding="utf-8"))


def component_template(name: str) -> dict[str, Any]:
    return _load(f"component_{name}")


def index_template(settings: CommonSettings, name: str) -> dict[str, Any]:
    """The index template body with patterns, components and aliases prefixed."""
    names = Names(settings)
    body = copy.deepcopy(_load(name))
    body["index_patterns"] = [settings.index(pattern) for pattern in body["index_patterns"]]
    body["composed_of"] = [names.component(component) for component in body["composed_of"]]
    aliases = body["template"].get("aliases", {})
    body["template"]["aliases"] = {settings.index(alias): spec for alias, spec in aliases.items()}
    if name == "evidence":  # what callers without the sensitive role read (filter in one place)
        body["template"]["aliases"][names.evidence_unrestricted_alias] = {"filter": UNRESTRICTED_FILTER}
    return body


def generation_template(settings: CommonSettings) -> dict[str, Any]:
    """The evidence template for re-classification's indices: the same mappings, a pattern of its own
    that wins over `evidence-v1-*`, and no alias (the switch adds the aliases when they are complete)."""
    body = index_template(settings, "evidence")
    body["index_patterns"] = [settings.index(f"{EVIDENCE_GENERATION_PREFIX}*")]
    body["priority"] = body["priority"] + 100
    body["template"]["aliases"] = {}
    return body


def templates(settings: CommonSettings) -> dict[str, dict[str, Any]]:
    """Every index template by name."""
    names = Names(settings)
    found = {names.template(name): index_template(settings, name) for name in INDEX_TEMPLATES}
    found[names.template(GENERATION_TEMPLATE)] = generation_template(settings)
    return found


def _installed_version(found: list[dict[str, Any]], key: str) -> int | None:
    return found[0][key].get("version") if found else None


def install_templates(es: Elasticsearch, settings: CommonSettings) -> list[str]:
    """Put every component and index template whose installed version is older; create fixed indices.

    Returns the names of the templates written (empty when everything was current).
    """
    names = Names(settings)
    written: list[str] = []
    for component in COMPONENTS:
        name, body = names.component(component), component_template(component)
        found = _get_component(es, name)
        if _installed_version(found, "component_template") != body["version"]:
            es.cluster.put_component_template(name=name, **body)
            written.append(name)
    for name, body in templates(settings).items():
        found = _get_index_template(es, name)
        if _installed_version(found, "index_template") != body["version"]:
            es.indices.put_index_template(name=name, **body)
            es.options(ignore_status=404).indices.put_mapping(
                index=body["index_patterns"],
                properties=body["template"]["mappings"]["properties"],
                allow_no_indices=True,
            )
            written.append(name)
    fixed = (
        names.locations_index,
        names.alerts_index,
        names.alert_status_index,
        names.alert_versions_index,
        names.corrections_index,
        names.correction_history_index,
    )
    for index in fixed:
        if not es.indices.exists(index=index):
            es.options(ignore_status=400).indices.create(index=index)  # 400: created concurrently
    ensure_unrestricted_alias(es, names)
    if written:
        log.info("index templates installed", extra={"templates": written})
    return written


def ensure_unrestricted_alias(es: Elasticsearch, names: Names) -> None:
    """Give every index behind `evidence` the filtered alias too (indices made before it existed)."""
    found = es.options(ignore_status=404).indices.get_alias(name=names.evidence_alias)
    live = sorted(found.body) if found.meta.status == 200 else []
    if live:
        es.indices.put_alias(index=live, name=names.evidence_unrestricted_alias, filter=UNRESTRICTED_FILTER)


def _get_component(es: Elasticsearch, name: str) -> list[dict[str, Any]]:
    response = es.options(ignore_status=404).cluster.get_component_template(name=name)
    return list(response.get("component_templates", []))


def _get_index_template(es: Elasticsearch, name: str) -> list[dict[str, Any]]:
    response = es.options(ignore_status=404).indices.get_index_template(name=name)
    return list(response.get("index_templates", []))


def delete_templates(es: Elasticsearch, settings: CommonSettings) -> None:
    """Remove this prefix's templates (tests and benchmarks): index templates first, then components."""
    names = Names(settings)
    for name in templates(settings):
        es.options(ignore_status=404).indices.delete_index_template(name=name)
    for component in COMPONENTS:
        es.options(ignore_status=404).cluster.delete_component_template(name=names.component(component))
