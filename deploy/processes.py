"""Start and stop engine processes in the background, tracked by pid files in the state directory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from deploy.errors import StackError


def pid_of(pid_file: Path) -> int | None:
    """The pid in the file if that process is still alive."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def ensure_ports_free(name: str, ports: Sequence[int]) -> None:
    busy = [port for port in ports if port_in_use(port)]
    if busy:
        raise StackError(
            f"Cannot start {name}: port(s) {', '.join(map(str, busy))} on 127.0.0.1 are in use by another "
            "process. Stop it, or choose other ports (e.g. CARESIGNAL_KAFKA_PORT / CARESIGNAL_ES_PORT)."
        )


def start(
    command: Sequence[str],
    *,
    pid_file: Path,
    log_file: Path,
    env: Mapping[str, str],
    cwd: Path,
    user: str | None = None,
) -> int:
    """Start a detached process (own session) writing to log_file; record its pid."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            user=user,
            group=user,
            extra_groups=[] if user else None,
        )
    pid_file.write_text(str(process.pid))
    return process.pid


def stop(pid_file: Path, timeout_s: float = 60.0) -> bool:
    """SIGTERM the process group, wait for a clean exit, SIGKILL after the timeout. True if it was running."""
    pid = pid_of(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    # Reap our own child if it exited, so a zombie does not look alive.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def log_tail(log_file: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until(check, *, timeout_s: float, pid_file: Path, name: str, log_file: Path) -> None:
    """Poll `check()` until true; fail with the log tail if the process died or time ran out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        if pid_of(pid_file) is None:
            raise StackError(
                f"{name} exited during start-up. Last lines of {log_file}:\n{log_tail(log_file)}"
            )
        time.sleep(1.0)
    raise StackError(
        f"{name} did not become healthy within {timeout_s:.0f}s. "
        f"Last lines of {log_file}:\n{log_tail(log_file)}"
    )
