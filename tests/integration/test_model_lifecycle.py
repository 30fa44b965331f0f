"""The model lifecycle end to end on the real broker and node, on a tiny corpus: analysts correct items
through the API, `corrections export`, `train` with them, `model evaluate` and `promote`, a deliberately
worse model refused, then `reclassify` applies the promoted model to everything indexed, corrections kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.corrections import corrected
from factories.index import BASE_TIME, evidence, index_directly
from factories.training import V6_TEXTS, write_tiny_corpus
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from schemas import CorrectionChange, SentimentLabel
from services.api import create_app
from services.cli import app
from services.common.config import CommonSettings
from services.common.indices import Names
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
KINDNESS = "caring.kindness_compassion_dignity"


@pytest.fixture
def environment(tmp_path: Path, settings: CommonSettings) -> dict[str, str | None]:
    """CLI settings: this test's topics and indices, a registry and state of its own, the tiny corpus."""
    return {
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
        "CARESIGNAL_MODELS_DIR": str(tmp_path / "models"),
        "CARESIGNAL_MODEL_DIR": None,  # unset: the registry's current model
        "CARESIGNAL_MODEL_VERSION": None,
        "CARESIGNAL_DATA_DIR": str(write_tiny_corpus(tmp_path / "corpus")),
        "CARESIGNAL_STATE_DIR": str(tmp_path / "state"),
        "CARESIGNAL_CV_FOLDS": "2",
        "CARESIGNAL_TRAIN_WORKERS": "1",
    }


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def caresignal(environment: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)


def models(environment: dict[str, str | None]) -> dict:
    listed = caresignal(environment, "model", "list", "--json")
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.stdout)


def test_correct_export_train_evaluate_promote_and_reclassify(
    environment: dict[str, str | None], client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    registry = Path(environment["CARESIGNAL_MODELS_DIR"])
    first = caresignal(
        environment, "train", "--no-corrections", "--output", str(registry / "caresignal_evidence")
    )
    assert first.exit_code == 0, first.output

    # Items as an older model left them; analysts correct the rude ones through the API.
    items = [
        evidence(
            f"life-{copy}-{i}", text=f"{text} ({copy})", occurred_at=BASE_TIME - timedelta(days=40 * copy)
        )
        for copy in range(2)
        for i, (text, _, _) in enumerate(V6_TEXTS)
    ]
    index_directly(es, settings, items)
    rude = [item for item in items if item.text.startswith("Rude receptionist")]
    for item in rude:
        body = {"add_quality_statements": [KINDNESS], "sentiment": "negative", "by": "a.khan", "note": "rude"}
        response = client.post(f"/v1/evidence/{item.evidence_id}/corrections", json=body, headers=KEY)
        assert response.status_code == 201, response.text

    exported = caresignal(environment, "corrections", "export")
    assert exported.exit_code == 0, exported.output
    assert f"{len(rude)} corrections of {len(rude)} items" in exported.output

    second = caresignal(environment, "train")  # the last export is used by default
    assert second.exit_code == 0, second.output
    listed = models(environment)
    current, new = listed["models"][0], listed["models"][1]
    assert current["current"] and current["corrections"] == 0
    assert new["corrections"] == len(rude) and new["model_version"] != current["model_version"]
    card = (registry / new["folder"] / "MODEL_CARD.md").read_text()
    assert "## Analysts' corrections" in card and f"{len(rude)} corrected items used" in card

    evaluated = caresignal(environment, "model", "evaluate", new["folder"], "--json")
    comparison = json.loads(evaluated.stdout)
    assert comparison["folds_comparable"] and {row["group"] for row in comparison["rows"]} >= {
        "cross-validation",
        "hand-written set",
        "corrections",
    }
    promoted = caresignal(environment, "model", "promote", new["folder"], "--by", "r.jones")
    assert promoted.exit_code == 0, promoted.output
    listed = models(environment)
    assert [m["folder"] for m in listed["models"] if m["current"]] == [new["folder"]]
    assert listed["promotions"][-1]["by"] == "r.jones" and not listed["promotions"][-1]["forced"]

    # A deliberately worse model: kind, grateful comments "corrected" to negative, without kindness.
    poisoned_file = Path(environment["CARESIGNAL_STATE_DIR"]) / "poisoned.jsonl"
    flip = CorrectionChange(remove_quality_statements=[KINDNESS], sentiment=SentimentLabel.NEGATIVE)
    poisoned = [
        corrected(
            evidence(f"poison-{i}", text=text, statements=[KINDNESS], sentiment=SentimentLabel.POSITIVE),
            flip,
            BASE_TIME,
        )
        for i, text in enumerate(
            f"{text} ({n})" for n in range(6) for text, sentiment, _ in V6_TEXTS if sentiment in ("1", "2")
        )
    ]
    poisoned_file.write_text("".join(c.model_dump_json() + "\n" for c in poisoned))
    worse = caresignal(
        environment, "train", "--corrections", str(poisoned_file), "--corrections-weight", "20"
    )
    assert worse.exit_code == 0, worse.output
    worse_folder = next(
        m["folder"] for m in models(environment)["models"] if m["corrections"] == len(poisoned)
    )
    judged = caresignal(environment, "model", "evaluate", worse_folder, "--json")
    verdicts = {(row["group"], row["label"]): row["verdict"] for row in json.loads(judged.stdout)["rows"]}
    assert judged.exit_code == 1 and json.loads(judged.stdout)["folds_comparable"]
    assert verdicts[("cross-validation", "sentiment macro-F1")] == "worse", verdicts
    refused = caresignal(environment, "model", "promote", worse_folder, "--by", "r.jones")
    assert refused.exit_code == 1 and "refused" in refused.output, refused.output
    assert [m["folder"] for m in models(environment)["models"] if m["current"]] == [new["folder"]]

    reclassified = caresignal(environment, "reclassify", "--drain-seconds", "1", "--json")
    assert reclassified.exit_code == 0, reclassified.output
    summary = json.loads(reclassified.stdout.strip().splitlines()[-1])
    assert summary["model_version"] == new["model_version"] and summary["documents"] == len(items)
    names = Names(settings)
    es.indices.refresh(index=names.evidence_alias)
    hits = es.search(index=names.evidence_alias, size=100)["hits"]["hits"]
    assert len(hits) == len(items)
    assert {hit["_source"]["model_version"] for hit in hits} == {new["model_version"]}
    for hit in hits:
        if hit["_id"] in {str(item.evidence_id) for item in rude}:  # the analysts' labels survive
            assert hit["_source"]["correction"]["by"] == "a.khan"
            assert KINDNESS in hit["_source"]["quality_statement_ids"]
            assert hit["_source"]["sentiment"]["label"] == "negative"
