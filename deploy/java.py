"""Find a JDK both engines can run on (Kafka 4.x and Elasticsearch 8.x need Java 17+)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from deploy.errors import StackError

MIN_JAVA = 17


def _major_version(java: Path) -> int | None:
    try:
        result = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)', result.stderr + result.stdout)
    return int(match.group(1)) if match else None


def _candidates(configured: Path | None) -> list[Path]:
    if configured:
        return [configured]
    homes = sorted(Path("/usr/lib/jvm").glob("*"), reverse=True) if Path("/usr/lib/jvm").is_dir() else []
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    return homes


def find_java_home(configured: Path | None, minimum: int = MIN_JAVA) -> Path:
    """A JDK home with `bin/java` of version `minimum` or newer: the oldest from `minimum` to 21 preferred
    (Kafka and Elasticsearch), else the oldest newer one (Keycloak 26 needs 21+: the Temurin 25 JDK)."""
    found: list[tuple[int, Path]] = []
    for home in _candidates(configured):
        java = home / "bin" / "java"
        if java.is_file() and (major := _major_version(java)) and major >= minimum:
            found.append((major, home.resolve()))
    if not found:
        raise StackError(
            f"No Java {minimum}+ found (looked in {configured or '/usr/lib/jvm and PATH'}). "
            f"Install one, e.g. `apt-get install openjdk-{max(minimum, 17)}-jdk-headless`, "
            "or set CARESIGNAL_JAVA_HOME / CARESIGNAL_KEYCLOAK_JAVA_HOME."
        )
    preferred = [item for item in found if item[0] <= 21]
    return min(preferred or found)[1]
