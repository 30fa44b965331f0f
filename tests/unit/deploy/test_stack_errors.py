"""The stack explains what is wrong: missing Java, busy ports, a broken download, an engine that died."""

from __future__ import annotations

import socket
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from deploy import downloads, processes
from deploy.errors import StackError
from deploy.java import find_java_home
from deploy.settings import StackSettings


def test_missing_java_is_an_actionable_error(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="CARESIGNAL_JAVA_HOME"):
        find_java_home(tmp_path / "no-jdk-here")


def test_missing_maven_is_an_actionable_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(downloads.shutil, "which", lambda name: None)
    with pytest.raises(StackError, match="apt-get install maven"):
        downloads.kafka_libs(tmp_path, "4.1.1", Path(sys.prefix))


def test_busy_port_names_the_port_and_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "port_in_use", lambda port, host="127.0.0.1": port == 9092)
    with pytest.raises(StackError, match=r"port\(s\) 9092 .*CARESIGNAL_KAFKA_PORT"):
        processes.ensure_ports_free("Kafka", [9092, 9093])


def test_engine_that_exits_during_start_shows_its_log_tail(tmp_path: Path) -> None:
    log = tmp_path / "engine.log"
    log.write_text("line one\nFATAL: could not bind\n")
    with pytest.raises(StackError, match="FATAL: could not bind"):
        processes.wait_until(
            lambda: False, timeout_s=5, pid_file=tmp_path / "none.pid", name="Kafka", log_file=log
        )


def test_settings_default_to_loopback_ports_and_a_local_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARESIGNAL_KAFKA_PORT", raising=False)
    settings = StackSettings()
    assert (settings.kafka_port, settings.es_port) == (9092, 9200)
    assert settings.state_dir == Path(".local")
    monkeypatch.setenv("CARESIGNAL_ES_PORT", "9201")
    assert StackSettings().es_port == 9201


def test_socket_connections_are_blocked_in_unit_tests() -> None:
    with pytest.raises(RuntimeError, match="unit tests may not open network connections"):
        socket.create_connection(("127.0.0.1", 9092), timeout=1)


@pytest.mark.parametrize(
    ("home", "archive", "version", "script"),
    [
        (downloads.elasticsearch_home, "elasticsearch-9.1.0.zip", "9.1.0", "bin/elasticsearch"),
        (downloads.keycloak_home, "keycloak-quarkus-dist-26.4.0.zip", "26.4.0", "bin/kc.sh"),
    ],
)
def test_a_downloaded_distribution_is_unpacked_once(
    home: Callable[[Path, str, Path], Path],
    archive: str,
    version: str,
    script: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(downloads.shutil, "which", lambda name: None)  # Maven would fail: never called
    (tmp_path / "downloads").mkdir()
    top = f"{archive.split('-')[0]}-{version}"
    with zipfile.ZipFile(tmp_path / "downloads" / archive, "w") as bundle:
        bundle.writestr(f"{top}/{script}", "#!/bin/sh\n")
    unpacked = home(tmp_path, version, Path(sys.prefix))
    assert unpacked == tmp_path / top
    assert (unpacked / script).stat().st_mode & 0o111
    (unpacked / script).write_text("kept")
    assert home(tmp_path, version, Path(sys.prefix)) == unpacked
    assert (unpacked / script).read_text() == "kept"
