"""The workers' web servers: bound to 127.0.0.1 by default, serving health and metrics, never tables."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from factories.pipeline import ALERTS, pipeline_workers

from services.common.config import CommonSettings

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def wait_until_serving(url: str, timeout_s: float = 90) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError(f"nothing served {url} within {timeout_s}s")


def test_alerts_worker_web_server_is_local_and_serves_no_tables(
    settings: CommonSettings, tmp_path: Path
) -> None:
    port = free_port()
    env = {"CARESIGNAL_STATE_DIR": str(tmp_path / "state"), "CARESIGNAL_ALERTS_WEB_PORT": str(port)}
    web_enabled = [command for command in ALERTS if command != "--no-web"]
    with pipeline_workers(settings, tmp_path, web_enabled, env=env):
        health = wait_until_serving(f"http://127.0.0.1:{port}/")
        assert health.status_code == 200 and health.json() == {"status": "OK"}
        assert listening_addresses(port) == {"0100007F"}, "bound to 127.0.0.1 only"
        for path in ("/table/", "/table/key_to_state/", "/router/", "/graph/", "/stats/", "/performance/"):
            response = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
            assert response.status_code == 404, f"{path} answered {response.status_code}"
