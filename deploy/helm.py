"""Helm to validate the chart offline, built from the Go module proxy into the engine cache (`make helm`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from deploy.errors import StackError
from deploy.settings import StackSettings

HELM_MODULE = "helm.sh/helm/v3/cmd/helm"
HELM_VERSION = "v3.22.0"
KUBE_VERSION = "1.30.0"  # what `helm template` assumes the cluster runs (the chart needs >= 1.27)


def helm_path(cache_dir: Path) -> Path:
    return go_binary_path(cache_dir, HELM_MODULE, HELM_VERSION)


def ensure_helm(cache_dir: Path) -> Path:
    """The helm binary (takes minutes the first time)."""
    return ensure_go_binary(cache_dir, HELM_MODULE, HELM_VERSION)


def go_binary_path(cache_dir: Path, module: str, version: str) -> Path:
    """Where the command `module` (its last path part names it) at `version` is kept in the cache."""
    name = module.rsplit("/", 1)[-1]
    return cache_dir / f"{name}-{version}" / name


def ensure_go_binary(cache_dir: Path, module: str, version: str) -> Path:
    """The command `module`@`version`, built once with `go install` into the cache (needs Go)."""
    binary = go_binary_path(cache_dir, module, version)
    if not binary.is_file():
        go_install(f"{module}@{version}", binary)
    return binary


def go_install(package: str, binary: Path) -> None:
    """Build `package` (module path@version) with `go install` into `binary`'s folder."""
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").is_file() else None)
    if go is None:
        raise StackError(
            "Go 1.24+ is needed to build Helm and promtool: put a Go toolchain on PATH "
            "(Debian's golang-go is too old)."
        )
    env = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-buildvcs=false", "CGO_ENABLED": "0"}
    binary.parent.mkdir(parents=True, exist_ok=True)
    command = [go, "install", "-ldflags", "-s -w", package]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not binary.is_file():
        raise StackError(f"Building {package} failed:\n{result.stderr[-2000:]}")


def main() -> None:
    print(ensure_helm(StackSettings().cache_dir))


if __name__ == "__main__":
    main()
