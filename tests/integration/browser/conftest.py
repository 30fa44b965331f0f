"""The web app in a real Chromium against the real stack, with the samples flowing through the pipeline.

One pipeline per session (ingest → classify → index, alerts) under a private prefix, the app served by
uvicorn as `caresignal api` serves it, Debian's /usr/bin/chromium driven by Playwright for Python
(Playwright's own browser download is not used). Every page a test opens is checked with axe-core.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from deploy.topics import ensure_topics
from services.common.config import CommonSettings
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file
from tests.integration.conftest import remove_prefixed

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLES = (
    ("cqc_locations.json", "cqc-api"),
    ("healthwatch_feedback.csv", "healthwatch"),
    ("call_centre_notes.jsonl", "call-centre"),
    ("social_comments.jsonl", "social"),
)
API_KEY = {"X-API-Key": "dev-key"}
DESKTOP, MOBILE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@dataclass
class WebApp:
    """The running app: its base URL, an API client for the same data, and the stack's settings."""

    url: str
    settings: CommonSettings
    api: httpx.Client
    checked: set[str] = field(default_factory=set)

    def api_json(self, path: str, **params: object) -> dict:
        response = self.api.get(path, params=params)
        response.raise_for_status()
        return response.json()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for_pipeline(es: Elasticsearch, settings: CommonSettings, expected: int, timeout_s: float) -> None:
    """Until every accepted item is searchable and the alerts worker has raised at least one alert."""
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
            return
        time.sleep(2)
    raise AssertionError(f"pipeline did not finish: {counts[0]}/{expected} items, {counts[1]} alerts")


@pytest.fixture(scope="session")
def web_app(stack_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    prefix = f"web-{uuid.uuid4().hex[:8]}-"
    settings = CommonSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    ensure_topics(settings)
    logs = tmp_path_factory.mktemp("web-logs")
    env = {**os.environ, "CARESIGNAL_TOPIC_PREFIX": prefix, "CARESIGNAL_ES_INDEX_PREFIX": prefix}
    port = _free_port()
    processes = [
        _start([sys.executable, "-m", "services", "classify-worker", "--no-web"], env, logs / "classify.log"),
        _start([sys.executable, "-m", "services.index"], env, logs / "index.log"),
        _start([sys.executable, "-m", "services", "alerts-worker", "--no-web"], env, logs / "alerts.log"),
        _start([sys.executable, "-m", "services", "api", "--port", str(port)], env, logs / "api.log"),
    ]
    es = Elasticsearch(**settings.es_options())
    try:
        ingest = IngestSettings(**settings.model_dump(), ingest_state_dir=logs / "ingest")
        accepted = 0
        for name, source in SAMPLES:
            summary = ingest_file(ROOT / "samples" / name, source, ingest)
            accepted += summary.accepted if source != "cqc-api" else 0
        _wait_for_pipeline(es, settings, accepted, timeout_s=420)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, headers=API_KEY, timeout=60) as api:
            deadline = time.monotonic() + 60
            while api.get("/healthz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            yield WebApp(url=url, settings=settings, api=api)
    finally:
        es.close()
        _stop(processes)
        remove_prefixed(settings)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make browser` (make test does)"
    assert AXE.exists(), "axe-core is missing: run `make assets` (npm ci)"
    with sync_playwright() as driver:
        yield driver


def open_context(driver: Playwright, user_data: Path, *, javascript: bool = True) -> BrowserContext:
    """A Chromium with a fresh profile (user-data dir) of its own."""
    return driver.chromium.launch_persistent_context(
        str(user_data),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        java_script_enabled=javascript,
        viewport=DESKTOP,
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )


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


def serious_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_accessible(page: Page) -> None:
    violations = serious_violations(page)
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert not violations, f"axe on {page.url}:\n" + "\n".join(described)


def visit(page: Page, url: str) -> Page:
    """Open a page, check it loaded without a server error, and run axe on it."""
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: {response and response.status}"
    assert_accessible(page)
    return page


def shown_number(page: Page, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().split()[0].replace(",", ""))


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
