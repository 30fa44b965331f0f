"""A local Elasticsearch node, alone or one of a cluster: security off, run as an unprivileged user."""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import httpx

from deploy import processes
from deploy.engine import Engine
from deploy.errors import StackError
from deploy.settings import StackSettings
from deploy.topology import ElasticsearchNodeSpec


def ensure_user(name: str) -> None:
    """Create the system user Elasticsearch runs as (it refuses to run as root)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        result = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise StackError(
                f"Could not create the user {name!r} for Elasticsearch: {result.stderr}"
            ) from None


def _reachable_by(user: str, path: Path) -> bool:
    """True if `user` can traverse every parent of `path` (e.g. not under root's mode-700 home)."""
    info = pwd.getpwnam(user)
    for parent in [path, *path.parents]:
        if not parent.exists():
            continue
        stat = parent.stat()
        if stat.st_uid == info.pw_uid:
            continue
        if not stat.st_mode & 0o001:
            return False
    return True


class ElasticsearchNode(Engine):
    def __init__(
        self, settings: StackSettings, java_home: Path, es_home: Path, node: ElasticsearchNodeSpec
    ) -> None:
        self.settings = settings
        self.node = node
        self.name = node.name
        self.java_home = java_home
        self.es_home = es_home
        self.run_as = settings.es_user if os.geteuid() == 0 else None
        self.home = self._writable_home(node.home)
        self.config_dir = self.home / "config"
        self.pid_file = node.pid_file
        self.log_file = self.home / "logs" / "console.log"

    def _writable_home(self, preferred: Path) -> Path:
        """Data under the state dir, unless the ES user cannot reach it; then a dir of its own, linked."""
        if self.run_as is None:
            return preferred
        ensure_user(self.run_as)
        if _reachable_by(self.run_as, preferred.parent):
            return preferred
        digest = hashlib.sha1(str(preferred).encode()).hexdigest()[:12]
        return Path("/var/lib/caresignal") / f"elasticsearch-{digest}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.node.http_port}"

    @property
    def address(self) -> str:
        return self.url

    def start(self) -> None:
        processes.ensure_ports_free(self.name, [self.node.http_port, self.node.transport_port])
        self._prepare_dirs()
        env = {
            "PATH": "/usr/bin:/bin",
            "ES_JAVA_HOME": str(self.java_home),
            "ES_PATH_CONF": str(self.config_dir),
            "ES_JAVA_OPTS": f"-Xms{self.node.heap} -Xmx{self.node.heap}",
            "HOME": str(self.home),
        }
        processes.start(
            [str(self.es_home / "bin" / "elasticsearch")],
            pid_file=self.pid_file,
            log_file=self.log_file,
            env=env,
            cwd=self.home,
            user=self.run_as,
        )

    def is_healthy(self) -> bool:
        """True when this node answers, sees every node of its cluster, and the cluster is yellow or green."""
        try:
            response = httpx.get(f"{self.url}/_cluster/health", params={"timeout": "2s"}, timeout=5)
        except httpx.HTTPError:
            return False
        health = response.json() if response.status_code == 200 else {}
        return health.get("status") in {"yellow", "green"} and health.get("number_of_nodes", 0) >= len(
            self.node.seed_transport_ports
        )

    def wipe(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def _prepare_dirs(self) -> None:
        for sub in ("data", "logs", "config"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        for item in (self.es_home / "config").iterdir():
            target = self.config_dir / item.name
            if item.is_dir():
                shutil.copytree(item, target, dirs_exist_ok=True)
            elif item.name != "elasticsearch.yml":
                shutil.copy2(item, target)
        node = self.node
        if len(node.seed_transport_ports) == 1:
            discovery = ["discovery.type: single-node"]
        else:
            seeds = ", ".join(f'"127.0.0.1:{port}"' for port in node.seed_transport_ports)
            masters = ", ".join(
                f'"{node.cluster_name}-{number}"' for number in range(1, len(node.seed_transport_ports) + 1)
            )
            discovery = [f"discovery.seed_hosts: [{seeds}]", f"cluster.initial_master_nodes: [{masters}]"]
        (self.config_dir / "elasticsearch.yml").write_text(
            "\n".join(
                [
                    f"cluster.name: {node.cluster_name}",
                    f"node.name: {node.node_name}",
                    "network.host: 127.0.0.1",
                    f"http.port: {node.http_port}",
                    f"transport.port: {node.transport_port}",
                    *discovery,
                    "xpack.security.enabled: false",
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "action.destructive_requires_name: false",
                    f"path.data: {self.home / 'data'}",
                    f"path.logs: {self.home / 'logs'}",
                    "",
                ]
            )
        )
        if self.run_as:
            shutil.chown(self.home, self.run_as, self.run_as)
            for path in self.home.rglob("*"):
                shutil.chown(path, self.run_as, self.run_as)
