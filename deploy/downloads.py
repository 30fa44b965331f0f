"""Resolve the engines from Maven Central with Maven and cache them outside the repository."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from deploy.errors import StackError

KAFKA_POM = Path(__file__).parent / "kafka" / "pom.xml"


def _mvn() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven (mvn) is not installed: `apt-get install maven`, then run again.")
    return mvn


def _run_maven(args: list[str], what: str, java_home: Path) -> None:
    env = {"JAVA_HOME": str(java_home), "PATH": f"{java_home}/bin:/usr/bin:/bin"}
    result = subprocess.run([_mvn(), "-B", "-q", *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise StackError(f"Downloading {what} with Maven failed (exit {result.returncode}):\n{tail}")


def kafka_libs(cache_dir: Path, version: str, java_home: Path) -> Path:
    """Directory holding the Kafka broker jars, downloaded once per version."""
    libs = cache_dir / f"kafka-{version}" / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs
    shutil.rmtree(libs, ignore_errors=True)
    libs.mkdir(parents=True)
    _run_maven(
        [
            "-f",
            str(KAFKA_POM),
            f"-Dkafka.version={version}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        f"Apache Kafka {version}",
        java_home,
    )
    done.touch()
    return libs


def elasticsearch_home(cache_dir: Path, version: str, java_home: Path) -> Path:
    """Unpacked Elasticsearch integ-test distribution, downloaded and extracted once per version."""
    return _unpacked_once(
        cache_dir,
        f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip",
        f"Elasticsearch {version}",
        java_home,
        scripts="*",
        world_readable=True,
    )


def keycloak_home(cache_dir: Path, version: str, java_home: Path) -> Path:
    """Unpacked Keycloak distribution (`keycloak-quarkus-dist` zip), downloaded and extracted once."""
    return _unpacked_once(
        cache_dir,
        f"org.keycloak:keycloak-quarkus-dist:{version}:zip",
        f"Keycloak {version}",
        java_home,
        scripts="*.sh",
        world_readable=False,
    )


def _unpacked_once(
    cache_dir: Path, artifact: str, what: str, java_home: Path, *, scripts: str, world_readable: bool
) -> Path:
    """Fetch a `group:artifact:version:zip` distribution with Maven (kept under `downloads/`), extract it
    into `cache_dir`, make its `bin/<scripts>` executable and mark it complete; once per version.

    The zip's top folder is `<name>-<version>` (name: the artifact's first word, as both distributions are
    laid out)."""
    _group, artifact_id, version, packaging = artifact.split(":")
    home = cache_dir / f"{artifact_id.split('-')[0]}-{version}"
    done = cache_dir / f".{home.name}.complete"
    if done.exists() and home.is_dir():
        return home
    downloads = cache_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / f"{artifact_id}-{version}.{packaging}"
    if not archive.exists():
        _run_maven(
            ["dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={downloads}"],
            what,
            java_home,
        )
    shutil.rmtree(home, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(cache_dir)
    for script in (home / "bin").glob(scripts):
        script.chmod(0o755)
    if world_readable:
        _make_world_readable(cache_dir)
    done.touch()
    return home


def _make_world_readable(root: Path) -> None:
    """The Elasticsearch user must read the distribution that root unpacked."""
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | (0o755 if path.is_dir() else 0o444))
