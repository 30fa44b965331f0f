"""What the two local engines share: a pid file, a log file, a health check and a clean stop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from deploy import processes
from deploy.settings import StackSettings


class Engine(ABC):
    """A background engine process tracked by `pid_file`, logging to `log_file`."""

    name: str
    settings: StackSettings
    pid_file: Path
    log_file: Path

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
