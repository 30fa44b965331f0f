"""The web app in a real Chromium against the real stack, with the samples flowing through the pipeline.

One pipeline per module (ingest → classify → index, alerts: `factories.pipeline`) under a private prefix,
the app served by uvicorn as `caresignal api` serves it, Debian's /usr/bin/chromium driven by Playwright
for Python (Playwright's own browser download is not used). Every page a test opens is checked with axe-core.
Module scope, and one module of browser tests, so that all of it stops before other tests run:
Playwright's sync API keeps its event loop marked as running in this thread while it is open.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from factories.browser import AXE, CHROMIUM, WebApp, open_context
from factories.pipeline import ALERTS, CLASSIFY, INDEX, ingest_samples, pipeline_workers, wait_until_consumed
from factories.prefixed import remove_prefixed
from playwright.sync_api import Page, Playwright, sync_playwright

from schemas import Topic
from services.common.config import CommonSettings
from services.common.topics import ensure_topics

API_KEY = {"X-API-Key": "dev-key"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_pipeline(es: Elasticsearch, settings: CommonSettings, expected: int, timeout_s: float) -> None:
    """Until every item is searchable and the alerts worker has raised at least one alert."""
    deadline = time.monotonic() + timeout_s
    evidence, alerts = settings.index("evidence"), settings.index("alerts")
    counts = (0, 0)
    while time.monotonic() < deadline:
        try:
            es.indices.refresh(index=f"{evidence},{alerts}", ignore_unavailable=True, allow_no_indices=True)
            counts = tuple(
                es.count(index=name, ignore_unavailable=True, allow_no_indices=True)["count"]
                for name in (evidence, alerts)
            )
        except Exception:  # shards still starting
            counts = (0, 0)
        if counts[0] >= expected and counts[1] > 0:
            break
        time.sleep(2)
    else:
        raise AssertionError(f"pipeline did not finish: {counts[0]}/{expected} items, {counts[1]} alerts")
    # `expected` counts soft intelligence only: the inspection results of the CQC sample are done when
    # classify and the index worker have consumed everything, locations too (pages and the API then agree)
    wait_until_consumed(settings, settings.topic(Topic.EVIDENCE_RECEIVED), settings.group_id("classify"))
    for topic in (Topic.EVIDENCE_CLASSIFIED, Topic.LOCATIONS_REFERENCE):
        wait_until_consumed(settings, settings.topic(topic), settings.group_id("index"))
    es.indices.refresh(index=f"{evidence},{settings.index('locations')}", ignore_unavailable=True)


@pytest.fixture(scope="module")
def web_app(stack_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    prefix = f"web-{uuid.uuid4().hex[:8]}-"
    settings = CommonSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    ensure_topics(settings)
    logs = tmp_path_factory.mktemp("web-logs")
    port = _free_port()
    es = Elasticsearch(**settings.es_options())
    try:
        with pipeline_workers(settings, logs, CLASSIFY, INDEX, ALERTS, ["api", "--port", str(port)]):
            accepted = sum(ingest_samples(settings, logs / "ingest").values())
            _wait_for_pipeline(es, settings, accepted, timeout_s=420)
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, headers=API_KEY, timeout=60) as admin:
                deadline = time.monotonic() + 60
                while admin.get("/healthz").status_code != 200 and time.monotonic() < deadline:
                    time.sleep(0.5)
                # The pages (no sign-in) never show restricted items: the API is asked as a role that
                # may not read them either, so both count the same items.
                made = admin.post("/v1/api-keys", json={"name": "browser-tests", "role": "analyst"})
                made.raise_for_status()
                with httpx.Client(base_url=url, headers={"X-API-Key": made.json()["key"]}, timeout=60) as api:
                    yield WebApp(url=url, settings=settings, api=api, admin=admin)
    finally:
        es.close()
        remove_prefixed(settings)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make browser` (make test does)"
    assert AXE.exists(), "axe-core is missing: run `make assets` (npm ci)"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def page(playwright_driver: Playwright, tmp_path: Path) -> Iterator[Page]:
    context = open_context(playwright_driver, tmp_path / "profile")
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page_without_javascript(playwright_driver: Playwright, tmp_path: Path) -> Iterator[Page]:
    context = open_context(playwright_driver, tmp_path / "profile-nojs", javascript=False)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()
