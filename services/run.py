"""`caresignal run`: the whole pipeline on the local stack, with the bundled samples loaded."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from deploy.settings import StackSettings
from deploy.stack import LocalStack
from services.common.topics import ensure_topics

console = Console(stderr=True)
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"

# (file name pattern, --source) for every bundled sample; CQC first so locations are known before evidence.
SAMPLE_SOURCES: tuple[tuple[str, str], ...] = (
    ("cqc_locations*.json", "cqc-api"),
    ("cqc_directory*.csv", "cqc-directory"),
    ("healthwatch*", "healthwatch"),
    ("call_centre*", "call-centre"),
    ("social*", "social"),
)


@dataclass
class Service:
    """One worker process of the pipeline, its output prefixed with its name."""

    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._relay, args=(self.process.stdout,), daemon=True).start()

    def _relay(self, stream: IO[bytes] | None) -> None:
        for line in iter(stream.readline, b"") if stream else []:
            text = escape(line.decode(errors="replace").rstrip())
            console.print(f"[dim]{self.name:>9} |[/dim] {text}", highlight=False, soft_wrap=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 30) -> None:
        if not self.running():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sample_files() -> list[tuple[Path, str]]:
    """Bundled sample files with the --source each is ingested as."""
    found: list[tuple[Path, str]] = []
    for pattern, source in SAMPLE_SOURCES:
        found.extend((path, source) for path in sorted(SAMPLES_DIR.glob(pattern)) if path.is_file())
    return found


def ingest_samples() -> int:
    """Ingest every sample file; returns the number of accepted records."""
    accepted = 0
    for path, source in sample_files():
        result = subprocess.run(
            [sys.executable, "-m", "services", "ingest", str(path), "--source", source, "--json"],
            capture_output=True,
            text=True,
        )
        summary = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
        accepted += summary.get("accepted", 0) + summary.get("already_seen", 0)
        console.print(f"ingested {path.name} ({source}): {summary or result.stderr.strip()[-300:]}")
    return accepted


def wait_for_api(url: str, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def dev_key(settings: StackSettings) -> str:
    """The first key given in clear in settings (the local stack's `dev-key`), for the examples."""
    clear = [key.key.get_secret_value() for key in settings.api_keys if key.key is not None]
    return clear[0] if clear else "<a key from `caresignal api-keys create`>"


def print_what_to_try(api_url: str, api_key: str) -> None:
    console.print(
        f"""
[bold green]CareSignal is running.[/bold green]
  Web app              {api_url}/          (England overview, areas, search, alerts; this machine only)
  API and OpenAPI UI   {api_url}/docs   (header X-API-Key: {api_key})
  Kafka                127.0.0.1:9092      Elasticsearch  http://127.0.0.1:9200

Try:
  curl -s -H 'X-API-Key: {api_key}' '{api_url}/v1/search?q=safeguarding&severity=high' | python -m json.tool
  curl -s -H 'X-API-Key: {api_key}' '{api_url}/v1/areas/E08000004' | python -m json.tool     # Oldham
  .venv/bin/caresignal search "waiting times" --local-authority E08000004
  .venv/bin/caresignal area E54000057          # NHS Greater Manchester ICB
  .venv/bin/caresignal alerts list
  .venv/bin/caresignal ingest samples/social_comments.jsonl --source social
Ctrl-C stops everything (the stack keeps its data; `caresignal stack down` stops the engines).
""",
        soft_wrap=True,
    )


def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Start the stack and every service, load the samples, and serve until Ctrl-C."""
    settings = StackSettings()
    with console.status("starting Kafka and Elasticsearch ..."):
        LocalStack(settings).up()
        ensure_topics(settings)
    services = [
        Service("index", ["index-worker"]),
        Service("classify", ["classify-worker"]),
        Service("alerts", ["alerts-worker"]),
        Service("api", ["api", "--host", host, "--port", str(port)]),
    ]
    stopping = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stopping.set())
    try:
        for service in services:
            service.start()
        api_url = f"http://{host}:{port}"
        if not wait_for_api(api_url):
            raise typer.Exit(1)
        ingest_samples()
        print_what_to_try(api_url, dev_key(settings))
        while not stopping.is_set():
            dead = [service.name for service in services if not service.running()]
            if dead:
                console.print(f"[red]stopped unexpectedly:[/red] {', '.join(dead)}")
                raise typer.Exit(1)
            stopping.wait(1.0)
    finally:
        console.print("stopping services ...")
        for service in reversed(services):
            service.stop()
        console.print("stopped. The stack keeps running: `caresignal stack down` stops it.")
