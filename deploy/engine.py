"""What every local engine node shares: a pid file, a log file, a health check, a clean stop and a kill."""

from __future__ import annotations

import contextlib
import os
import signal
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from deploy import processes
from deploy.settings import StackSettings


@dataclass(frozen=True)
class EngineStatus:
    name: str
    address: str
    pid: int | None
    healthy: bool
    log_file: str


class Engine(ABC):
    """A background engine process tracked by `pid_file`, logging to `log_file`."""

    name: str
    settings: StackSettings
    pid_file: Path
    log_file: Path

    @property
    @abstractmethod
    def address(self) -> str: ...

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def is_healthy(self) -> bool: ...

    def running_pid(self) -> int | None:
        return processes.pid_of(self.pid_file)

    def wait_healthy(self) -> None:
        processes.wait_until(
            self.is_healthy,
            timeout_s=self.settings.start_timeout_seconds,
            pid_file=self.pid_file,
            name=self.name,
            log_file=self.log_file,
        )

    def stop(self) -> bool:
        return processes.stop(self.pid_file, timeout_s=60)

    def kill(self) -> bool:
        """SIGKILL the whole process group at once, as a crash would (fault tests). True if it was running."""
        pid = self.running_pid()
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        processes.stop(self.pid_file, timeout_s=30)  # reaps it and removes the pid file
        return True

    def status(self) -> EngineStatus:
        pid, healthy = self.running_pid(), self.is_healthy()
        return EngineStatus(self.name, self.address, pid, healthy, str(self.log_file))
