"""promtool to check the chart's Prometheus rules offline, built from the Go module proxy into the engine
cache like Helm (`make promtool`)."""

from __future__ import annotations

from pathlib import Path

from deploy.helm import ensure_go_binary, go_binary_path
from deploy.settings import StackSettings

PROMTOOL_MODULE = "github.com/prometheus/prometheus/cmd/promtool"
PROMTOOL_VERSION = "v0.316.0"  # the Go module version of Prometheus 3.x's promtool


def promtool_path(cache_dir: Path) -> Path:
    return go_binary_path(cache_dir, PROMTOOL_MODULE, PROMTOOL_VERSION)


def ensure_promtool(cache_dir: Path) -> Path:
    """The promtool binary (many minutes the first time)."""
    return ensure_go_binary(cache_dir, PROMTOOL_MODULE, PROMTOOL_VERSION)


def main() -> None:
    print(ensure_promtool(StackSettings().cache_dir))


if __name__ == "__main__":
    main()
