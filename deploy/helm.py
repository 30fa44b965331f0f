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
    return cache_dir / f"helm-{HELM_VERSION}" / "helm"


def ensure_helm(cache_dir: Path) -> Path:
    """The helm binary, built once with `go install` (needs Go; takes minutes the first time)."""
    binary = helm_path(cache_dir)
    if binary.is_file():
        return binary
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").is_file() else None)
    if go is None:
        raise StackError(
            "Go 1.24+ is needed to build Helm: put a Go toolchain on PATH (Debian's golang-go is too old)."
        )
    env = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-buildvcs=false", "CGO_ENABLED": "0"}
    binary.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [go, "install", "-ldflags", "-s -w", f"{HELM_MODULE}@{HELM_VERSION}"],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0 or not binary.is_file():
        raise StackError(f"Building Helm {HELM_VERSION} failed:\n{result.stderr[-2000:]}")
    return binary


def main() -> None:
    print(ensure_helm(StackSettings().cache_dir))


if __name__ == "__main__":
    main()
