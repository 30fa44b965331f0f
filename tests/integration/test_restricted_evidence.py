"""Restricted evidence on the real node: an item classify restricted (whistleblowing, staff, safeguarding)
is invisible to a caller without the sensitive role everywhere — hits, counts, facets, the item itself,
profiles, the overview, the review pack, CSV exports, alerts and the web app — and visible to `sensitive`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.index import alert, evidence, index_directly
from fastapi.testclient import TestClient
from pydantic import SecretStr

from schemas import AlertItem, AlertRuleKind, AuthorRole, Severity, SeverityLevel
from services.api import create_app
from services.classify.restriction import RestrictionRule
from services.common.api_keys import ConfiguredKey
from services.common.config import CommonSettings
from services.common.roles import Role
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
OLDHAM = "E08000004"
KEYS = {role: f"{role.value}-restricted-test-key" for role in (Role.VIEWER, Role.ANALYST, Role.SENSITIVE)}
SECRET_WORDS = "whistleblower says night staff sleep on shift"


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    keyed = settings.model_copy(
        update={
            "api_keys": [
                ConfiguredKey(name=role.value, role=role, key=SecretStr(key)) for role, key in KEYS.items()
            ]
        }
    )
    with TestClient(create_app(keyed)) as test_client:
        yield test_client
    delete_templates(es, settings)


def as_role(role: Role) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def test_restricted_items_are_invisible_without_the_sensitive_role_and_visible_with_it(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    rule = RestrictionRule()
    public = [rule.apply(evidence(f"public-{i}", la_code=OLDHAM)) for i in range(3)]
    whistleblowing = rule.apply(
        evidence("whistle", la_code=OLDHAM, text=SECRET_WORDS).model_copy(
            update={"author_role": AuthorRole.WHISTLEBLOWER}
        )
    )
    safeguarding = rule.apply(
        evidence("concern", la_code=OLDHAM, text="safeguarding concern about bruising").model_copy(
            update={"severity": Severity(level=SeverityLevel.HIGH, reasons=["safeguarding"])}
        )
    )
    assert whistleblowing.restriction.restricted and safeguarding.restriction.restricted
    index_directly(es, settings, [*public, whistleblowing, safeguarding])
    hidden = {str(whistleblowing.evidence_id), str(safeguarding.evidence_id)}
    params = {"local_authority": OLDHAM}

    for role, expected in ((Role.VIEWER, 3), (Role.ANALYST, 3), (Role.SENSITIVE, 5)):
        page = client.get("/v1/search", params=params, headers=as_role(role)).json()
        ids = {hit["evidence_id"] for hit in page["hits"]}
        assert page["total"] == expected and (ids & hidden == set()) == (role is not Role.SENSITIVE), role
        assert sum(bucket["count"] for bucket in page["facets"]["source_type"]) == expected
        words = client.get("/v1/search", params={"q": "whistleblower"}, headers=as_role(role)).json()
        assert words["total"] == (1 if role is Role.SENSITIVE else 0)
        item = client.get(f"/v1/evidence/{whistleblowing.evidence_id}", headers=as_role(role))
        assert item.status_code == (200 if role is Role.SENSITIVE else 404)
        profile = client.get("/v1/areas/Oldham", headers=as_role(role))
        assert profile.json()["soft_intelligence"]["total"] == expected
        for path in ("/v1/areas/Oldham", "/v1/overview", "/v1/areas/Oldham/report"):
            shown = client.get(path, headers=as_role(role)).text
            if role is not Role.SENSITIVE:
                assert SECRET_WORDS not in shown and not any(i in shown for i in hidden), (role, path)

    period = {"date_from": "2025-01-01T00:00:00Z", "date_to": "2025-07-01T00:00:00Z"}
    for role, expected in ((Role.ANALYST, 3), (Role.SENSITIVE, 5)):
        pack = client.get("/v1/areas/Oldham/report", params=period, headers=as_role(role)).json()
        assert pack["summary"]["total"] == sum(m["total"] for m in pack["trend"]["months"]) == expected
        by_question = [sum(m["total"] for m in row["months"]) for row in pack["trend"]["by_key_question"]]
        assert max(by_question) == expected, (role, by_question)  # every factory item is about one question
        exported = client.get("/v1/search/export", params=params, headers=as_role(role))
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert len(rows) == expected and (SECRET_WORDS in exported.text) == (role is Role.SENSITIVE)

    page = client.get("/search", params={"local_authority": OLDHAM})  # the web app: no sign-in yet
    assert page.status_code == 200 and SECRET_WORDS not in page.text


def test_alerts_leave_restricted_evidence_out_without_the_sensitive_role(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    rule = RestrictionRule()
    public = rule.apply(evidence("seen", la_code=OLDHAM, text="the home was short staffed at night"))
    secret = rule.apply(
        evidence("whistle", la_code=OLDHAM, text=SECRET_WORDS).model_copy(
            update={"author_role": AuthorRole.WHISTLEBLOWER}
        )
    )
    both = [public.evidence_id, secret.evidence_id]
    items = [
        AlertItem(evidence_id=e.evidence_id, occurred_at=e.occurred_at, source_type=e.source_type.value)
        for e in (public, secret)
    ]
    grouped = alert(reason="2 high-severity items about Oldham").model_copy(
        update={"evidence_ids": both, "items": items}
    )
    single_reason = "High-severity call about Oldham on 2025-03-01 (whistleblowing)"
    single = alert(kind=AlertRuleKind.SEVERITY, reason=single_reason).model_copy(
        update={"evidence_ids": [secret.evidence_id]}
    )
    index_directly(es, settings, [public, secret, grouped, single])
    hidden = str(secret.evidence_id)

    for role in (Role.VIEWER, Role.ANALYST, Role.SENSITIVE):
        sees = role is Role.SENSITIVE
        listing = client.get("/v1/alerts", headers=as_role(role))
        assert listing.status_code == 200 and (hidden in listing.text) is sees, role
        assert (single_reason in listing.text) is sees, role
        by_id = {a["alert_id"]: a for a in listing.json()["alerts"]}
        assert by_id[str(grouped.alert_id)]["restricted_not_shown"] == (0 if sees else 1)
        assert by_id[str(single.alert_id)]["restricted_not_shown"] == (0 if sees else 1)
        one = client.get(f"/v1/alerts/{grouped.alert_id}", headers=as_role(role)).json()
        shown = {item["evidence_id"] for item in one["items"]}
        assert (
            set(one["evidence_ids"])
            == shown
            == ({str(i) for i in both} if sees else {str(public.evidence_id)})
        )
        other = client.get(f"/v1/alerts/{single.alert_id}", headers=as_role(role))
        assert (hidden in other.text) is sees and (single_reason in other.text) is sees, role
    acknowledged = client.post(
        f"/v1/alerts/{grouped.alert_id}/acknowledge", json={"by": "analyst"}, headers=as_role(Role.ANALYST)
    )
    assert acknowledged.status_code == 200 and hidden not in acknowledged.text

    for path in ("/alerts", f"/alerts/{grouped.alert_id}", f"/alerts/{single.alert_id}"):  # no sign-in
        page = client.get(path)
        assert page.status_code == 200 and hidden not in page.text and SECRET_WORDS not in page.text, path
        assert single_reason not in page.text and "1 restricted item not shown" in page.text, path
    assert str(public.evidence_id) in client.get(f"/alerts/{grouped.alert_id}").text
