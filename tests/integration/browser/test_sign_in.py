"""Signing in to the web app through the real Keycloak in a real Chromium: each role sees what it may and
nothing more (restricted items only for `sensitive`), strangers are sent to sign in, sign-out ends the
session, and the sign-in and each page are in the audit trail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from factories.browser import AXE, CHROMIUM, open_context
from factories.index import evidence, index_directly
from factories.prefixed import remove_prefixed
from kafka import KafkaConsumer
from playwright.sync_api import Page, Playwright, sync_playwright

from schemas import AuditRecorded, AuthorRole, Topic
from services.classify.restriction import RestrictionRule
from services.common.config import CommonSettings
from services.common.topics import ensure_topics

pytestmark = pytest.mark.browser
PORT = 8765  # a redirect URI of the caresignal-web client in deploy/keycloak/caresignal-realm.json
URL = f"http://127.0.0.1:{PORT}"
OLDHAM = "E08000004"
RESTRICTED_WORDS = "whistleblower reports night staff asleep"


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
    index_directly(es, settings, [*public, secret])
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
    assert actions[:3] == ["GET /auth/callback", "GET /search", "GET /search/export.csv"], actions
    assert "GET /auth/logout" in actions and all(event.via == "web" for event in trail)
    assert trail[1].result_count == int(total) and trail[2].outcome == ("allowed" if may_export else "denied")


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
