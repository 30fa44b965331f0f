"""promtool to check the chart's Prometheus rules offline, built from the Go module proxy into the engine
cache like Helm (`make promtool`)."""

from __future__ import annotations

from pathlib import Path

from deploy.helm import go_install
from deploy.settings import StackSettings

PROMTOOL_MODULE = "github.com/prometheus/prometheus/cmd/promtool"
PROMTOOL_VERSION = "v0.316.0"  # the Go module version of Prometheus 3.x's promtool


def promtool_path(cache_dir: Path) -> Path:
    return cache_dir / f"promtool-{PROMTOOL_VERSION}" / "promtool"


def ensure_promtool(cache_dir: Path) -> Path:
    """The promtool binary, built once with `go install` (needs Go; many minutes the first time)."""
    binary = promtool_path(cache_dir)
    if not binary.is_file():
        go_install(f"{PROMTOOL_MODULE}@{PROMTOOL_VERSION}", binary)
    return binary


def main() -> None:
    print(ensure_promtool(StackSettings().cache_dir))


if __name__ == "__main__":
    main()
