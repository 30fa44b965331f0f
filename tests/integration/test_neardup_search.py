"""Near-duplicates in search and profiles on real Elasticsearch: 50 copies of one complaint collapse (by
default) into one hit with 49 similar items, a cluster filter lists them, collapsed pages show every
cluster exactly once, exports say which rows they hold, the area profile counts one concern beside the
raw items, and the backfill clusters documents indexed before classify did."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, evidence, index_directly
from fastapi.testclient import TestClient

from schemas.evidence import DuplicateKind, Duplication
from services.api import create_app
from services.common.config import CommonSettings
from services.common.indices import Names
from services.index.backfill import backfill_clusters
from services.index.documents import evidence_action
from services.index.templates import install_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM = "E08000004"
COMPLAINT = (
    "My mother was left in a soiled bed for hours on the night ward and nobody came when she pressed the "
    "call bell. When we complained the manager told us they were short staffed again."
)


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def campaign() -> list:
    first = evidence("copy-0", text=COMPLAINT, occurred_at=BASE_TIME - timedelta(days=3))
    own = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.ORIGINAL, similarity=1.0)
    copies = [
        evidence(
            f"copy-{n}",
            text=f"{COMPLAINT} #{n}",
            occurred_at=BASE_TIME - timedelta(days=3, minutes=-n),
            duplication=Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.NEAR, similarity=0.9),
        )
        for n in range(1, 50)
    ]
    return [first.model_copy(update={"duplication": own}), *copies]


def test_copies_collapse_into_one_hit_and_count_as_one_concern(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = campaign()
    others = [
        evidence(
            f"other-{n}",
            text=f"Different concern {n} about the pharmacy",
            occurred_at=BASE_TIME - timedelta(days=1),
        )
        for n in range(3)
    ]
    index_directly(es, settings, [*items, *others])
    window = {"date_from": (BASE_TIME - timedelta(days=30)).isoformat(), "date_to": BASE_TIME.isoformat()}
    collapsed = client.get("/v1/search", params={"local_authority": OLDHAM, **window}, headers=KEY)
    assert collapsed.status_code == 200, collapsed.text
    page = collapsed.json()
    assert (page["total"], page["clusters"], len(page["hits"]), page["collapsed"]) == (53, 4, 4, True)
    similar = {hit["cluster_id"]: hit["similar"] for hit in page["hits"]}
    assert similar[str(items[0].evidence_id)] == 49
    assert sorted(similar.values()) == [0, 0, 0, 49]
    every = client.get(
        "/v1/search",
        params={"local_authority": OLDHAM, "collapse": "false", "size": 100, **window},
        headers=KEY,
    ).json()
    assert (every["total"], len(every["hits"]), every["collapsed"]) == (53, 53, False)
    assert {hit["similar"] for hit in every["hits"]} == {None}
    expanded = client.get(
        "/v1/search", params={"cluster": str(items[0].evidence_id), "size": 100, **window}, headers=KEY
    ).json()  # a cluster filter lists every copy, collapse or not
    assert {hit["evidence_id"] for hit in expanded["hits"]} == {str(item.evidence_id) for item in items}
    assert client.get("/v1/search", params={"cursor": "x"}, headers=KEY).status_code == 400
    profile = client.get(f"/v1/areas/{OLDHAM}", params=window, headers=KEY).json()["soft_intelligence"]
    assert (profile["total"], profile["concerns"], profile["negative_concerns"]) == (53, 4, 4)


def paged_corpus() -> list:
    """12 clusters of 1 to 4 items whose copies interleave in time and differ in length (so in score)."""
    items = []
    for n in range(12):
        first = evidence(
            f"pc-{n}",
            text=f"Waiting for care {n}" + " again" * (n % 3),
            occurred_at=BASE_TIME - timedelta(hours=n),
        )
        own = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.ORIGINAL, similarity=1.0)
        items.append(first.model_copy(update={"duplication": own}))
        for c in range(n % 4):
            copy = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.NEAR, similarity=0.8)
            when = BASE_TIME - timedelta(hours=(n * 5 + c * 7) % 12, minutes=c + 1)
            text = f"{first.text} #copy{c}" + " please" * c
            items.append(evidence(f"pc-{n}-{c}", text=text, occurred_at=when, duplication=copy))
    return items


def test_collapsed_pages_show_every_cluster_exactly_once_and_exports_say_which_rows(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = paged_corpus()
    index_directly(es, settings, items)
    latest = {}
    for item in items:
        cluster = str(item.duplication.cluster_id)
        latest[cluster] = max(latest.get(cluster, item.occurred_at), item.occurred_at)
    for params in ({"sort": "date"}, {"q": "waiting care"}):
        seen, similar, cursor, pages = [], 0, None, 0
        while True:
            page = client.get(
                "/v1/search",
                params={**params, "size": 5, **({"cursor": cursor} if cursor else {})},
                headers=KEY,
            ).json()
            assert (page["total"], page["clusters"], page["collapsed"]) == (len(items), 12, True), page
            seen += [hit["cluster_id"] for hit in page["hits"]]
            similar += sum(hit["similar"] for hit in page["hits"])
            if params.get("sort") == "date":  # each cluster stands as its newest copy
                assert all(
                    datetime.fromisoformat(hit["occurred_at"]) == latest[hit["cluster_id"]]
                    for hit in page["hits"]
                )
            pages += 1
            if not (cursor := page["next_cursor"]):
                break
        assert sorted(seen) == sorted(latest) and pages == 3, (params, seen)
        assert similar + 12 == len(items)

    collapsed = client.get("/v1/search/export", headers=KEY)
    assert "one-per-cluster.csv" in collapsed.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(collapsed.text)))
    assert sorted(row["cluster_id"] for row in rows) == sorted(latest)
    assert sum(int(row["similar_items"]) for row in rows) + 12 == len(items)
    every = client.get("/v1/search/export", params={"collapse": "false"}, headers=KEY)
    assert "every-copy.csv" in every.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(every.text)))
    assert sorted(row["evidence_id"] for row in rows) == sorted(str(item.evidence_id) for item in items)
    assert {row["similar_items"] for row in rows} == {""}


def test_backfill_clusters_documents_indexed_before_classify_did(
    es: Elasticsearch, settings: CommonSettings
) -> None:
    old = [evidence(f"old-{n}", text=f"{COMPLAINT} {'!' * n}") for n in range(5)]
    alone = evidence(
        "old-alone", text="The garden at the home is lovely and the cook makes a fine Sunday roast."
    )
    names = Names(settings)
    install_templates(es, settings)
    for item in [*old, alone]:  # as indexed before documents carried cluster_id
        action = evidence_action(item, names, datetime.now(UTC))
        del action["_source"]["cluster_id"]
        es.index(index=action["_index"], id=action["_id"], document=action["_source"], refresh=True)
    summary = backfill_clusters(es, names)
    assert (summary.scanned, summary.clustered, summary.copies, summary.failed) == (6, 6, 4, 0)
    hits = es.search(index=names.evidence_alias, size=10)["hits"]["hits"]
    clusters = {hit["_source"]["evidence_id"]: hit["_source"]["cluster_id"] for hit in hits}
    assert len({clusters[str(item.evidence_id)] for item in old}) == 1
    assert clusters[str(alone.evidence_id)] == str(alone.evidence_id)
    assert backfill_clusters(es, names).scanned == 0  # done: nothing left without a cluster
