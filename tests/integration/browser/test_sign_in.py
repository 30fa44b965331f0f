"""Signing in to the web app through the real Keycloak in a real Chromium: each role sees what it may and
nothing more (restricted items only for `sensitive`, in search, exports and alerts), strangers are sent to
sign in, sign-out ends the session, the sign-in and each page are in the audit trail, and an admin finds on
the audit trail page who looked at an item and who exported a search."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from factories.browser import AXE, CHROMIUM, assert_accessible, open_context
from factories.index import alert, evidence, index_directly
from factories.prefixed import remove_prefixed
from kafka import KafkaConsumer
from playwright.sync_api import Page, Playwright, sync_playwright

from schemas import AuditRecorded, AuthorRole, Topic
from services.classify.restriction import RestrictionRule
from services.common.config import CommonSettings
from services.common.topics import ensure_topics
from services.index.config import IndexSettings
from services.index.worker import Indexer

pytestmark = pytest.mark.browser
PORT = 8765  # a redirect URI of the caresignal-web client in deploy/keycloak/caresignal-realm.json
URL = f"http://127.0.0.1:{PORT}"
OLDHAM = "E08000004"
RESTRICTED_WORDS = "whistleblower reports night staff asleep"
PUBLIC_ID = evidence("open-1").evidence_id  # an item everyone may read (ids follow the reference)
SECRET_ID = evidence("blown").evidence_id  # a whistleblower's item
ALERT_ID = uuid.uuid4()  # an alert raised by both


@pytest.fixture(scope="module")
def signed_in_app(
    stack_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CommonSettings]:
    try:
        httpx.get("http://127.0.0.1:8180/realms/caresignal", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"Keycloak is not reachable: {error}; run `make up`")
    prefix = f"signin-{uuid.uuid4().hex[:8]}-"
    settings = CommonSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    ensure_topics(settings)
    es = Elasticsearch(**settings.es_options())
    rule = RestrictionRule()
    public = [rule.apply(evidence(f"open-{i}", la_code=OLDHAM)) for i in range(2)]
    secret = rule.apply(
        evidence("blown", la_code=OLDHAM, text=RESTRICTED_WORDS).model_copy(
            update={"author_role": AuthorRole.WHISTLEBLOWER}
        )
    )
    raised = alert(alert_id=ALERT_ID).model_copy(update={"evidence_ids": [PUBLIC_ID, SECRET_ID]})
    index_directly(es, settings, [*public, secret, raised])
    indexing = IndexSettings(
        topic_prefix=prefix, es_index_prefix=prefix, environment="test", index_linger_seconds=0.1
    )
    stop = threading.Event()  # the index worker writes the audit topic into the audit index
    indexer = threading.Thread(target=Indexer(indexing).run, args=(stop,), daemon=True)
    indexer.start()
    log = tmp_path_factory.mktemp("signin") / "api.log"
    env = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": prefix,
        "CARESIGNAL_WEB_SIGN_IN": "true",
        "CARESIGNAL_WEB_PUBLIC_URL": URL,
    }
    command = [sys.executable, "-m", "services", "api", "--port", str(PORT)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{URL}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield settings
    finally:
        server.terminate()
        server.wait(timeout=30)
        stop.set()
        indexer.join(timeout=30)
        es.close()
        remove_prefixed(settings)


@pytest.fixture(scope="module")
def driver() -> Iterator[Playwright]:
    assert CHROMIUM.exists() and AXE.exists(), "run `make browser` and `make assets`"
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def page(driver: Playwright, tmp_path: Path) -> Iterator[Page]:
    context = open_context(driver, tmp_path / "profile")
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, user: str, path: str) -> None:
    page.goto(f"{URL}{path}")
    assert page.url.startswith("http://127.0.0.1:8180/realms/caresignal/"), page.url  # sent to sign in
    page.fill("#username", user)
    page.fill("#password", f"{user}-password")
    page.click("#kc-login")
    page.wait_for_url(f"{URL}{path}*")


@pytest.mark.parametrize(
    ("user", "sees_restricted", "may_export"),
    [
        ("viewer", False, False),
        ("analyst", False, True),
        ("sensitive", True, True),
    ],
)
def test_each_role_signs_in_and_sees_what_it_may(
    signed_in_app: CommonSettings, page: Page, user: str, sees_restricted: bool, may_export: bool
) -> None:
    search = f"/search?local_authority={OLDHAM}"
    sign_in(page, user, search)
    text = page.content()
    assert (RESTRICTED_WORDS in text) is sees_restricted
    total = page.get_attribute("#result-count", "data-total")
    assert total == ("3" if sees_restricted else "2")  # counts come from the same filtered query
    export = page.request.get(f"{URL}/search/export.csv?local_authority={OLDHAM}")
    assert export.status == (200 if may_export else 403)
    if may_export:
        assert (RESTRICTED_WORDS in export.text()) is sees_restricted
    page.goto(f"{URL}/alerts/{ALERT_ID}")
    alert_page = page.content()
    assert str(PUBLIC_ID) in alert_page and (str(SECRET_ID) in alert_page) is sees_restricted
    assert (page.locator("#alert-restricted").count() == 0) is sees_restricted
    assert page.locator('a[href="/audit"]').count() == 0  # the audit trail is for admins
    assert page.goto(f"{URL}/audit").status == 403
    cookie = next(c for c in page.context.cookies() if c["name"] == "caresignal_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.goto(f"{URL}/auth/logout")  # ends the provider's session too, then the app asks to sign in again
    page.wait_for_selector("#username")
    assert (
        page.url.startswith("http://127.0.0.1:8180/realms/caresignal/")
        and "code_challenge_method=S256" in page.url
    )
    page.goto(f"{URL}{search}")
    page.wait_for_selector("#username")  # no silent sign-in: the provider's session ended as well

    trail = [event for event in audit_events(signed_in_app) if event.actor.name == user]
    actions = [event.action for event in trail]
    assert actions[:5] == [
        "GET /auth/callback",
        "GET /search",
        "GET /search/export.csv",
        "GET /alerts/{alert_id}",
        "GET /audit",
    ], actions
    assert "GET /auth/logout" in actions and all(event.via == "web" for event in trail)
    assert trail[1].result_count == int(total) and trail[2].outcome == ("allowed" if may_export else "denied")


def test_an_admin_finds_who_looked_at_an_item_and_who_exported_a_search(
    signed_in_app: CommonSettings, page: Page
) -> None:
    sign_in(page, "analyst", f"/evidence/{PUBLIC_ID}")
    exported = page.request.get(f"{URL}/search/export.csv?local_authority={OLDHAM}&q=staff")
    assert exported.status == 200
    page.goto(f"{URL}/auth/logout")
    page.wait_for_selector("#username")

    sign_in(page, "admin", "/")
    page.click('nav a[href="/audit"]')  # admins have the audit trail in the navigation
    page.wait_for_selector("#audit-count")
    assert_accessible(page)
    page.fill("#item", str(PUBLIC_ID))
    looked = rows_until(page, lambda row: row["action"] == "GET /evidence/{evidence_id}")
    assert looked["actor"] == "analyst", looked
    assert_accessible(page)

    exports = '#action option[value="GET /search/export.csv"]'  # the actions the trail holds
    deadline = time.monotonic() + 30
    while page.goto(f"{URL}/audit") and page.locator(exports).count() == 0:
        assert time.monotonic() < deadline, "no export in the trail's actions"
        time.sleep(1)
    page.select_option("#action", "GET /search/export.csv")
    export = rows_until(page, lambda row: row["actor"] == "analyst")
    assert "local_authority: E08000004" in export["what"] and "“staff”" in export["what"], export
    assert export["outcome"].startswith("Allowed"), export


def rows_until(page: Page, wanted: Callable[[dict[str, str]], bool], timeout_s: float = 30) -> dict[str, str]:
    """Apply the filters until a row of the results table is `wanted` (the index worker writes the trail
    a moment after each request)."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.click("#audit-filters button")
        page.wait_for_selector("#audit-count")
        rows = [
            {
                "actor": row.get_attribute("data-actor") or "",
                "action": row.get_attribute("data-action") or "",
                "what": row.locator("td").nth(3).inner_text(),
                "outcome": row.locator("td").nth(5).inner_text(),
            }
            for row in page.locator("#audit-events tbody tr").all()
        ]
        found = next((row for row in rows if wanted(row)), None)
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"no such row on {page.url}: {rows}"
        time.sleep(1)


def audit_events(settings: CommonSettings) -> list[AuditRecorded]:
    """Every audit event of this module's app so far (the topic, read from the start)."""
    consumer = KafkaConsumer(
        settings.topic(Topic.AUDIT),
        **settings.kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=5000,
    )
    try:
        events = [AuditRecorded.model_validate_json(record.value) for record in consumer]
    finally:
        consumer.close()
    return sorted(events, key=lambda event: event.occurred_at)
