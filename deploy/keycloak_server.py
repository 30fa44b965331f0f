"""Keycloak 26 in dev mode: the local stack's OpenID Connect provider, with the caresignal realm imported.

The distribution (Maven Central's `keycloak-quarkus-dist` zip) is unpacked once into the engine cache and
copied into the state dir on first start (Keycloak writes its build and dev database under its home).
The realm (`deploy/keycloak/caresignal-realm.json`: roles, the web and test clients, one user per role)
is imported at every start; an existing realm is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from deploy import processes
from deploy.engine import Engine
from deploy.settings import StackSettings

REALM_FILE = Path(__file__).parent / "keycloak" / "caresignal-realm.json"
REALM = "caresignal"


class KeycloakServer(Engine):
    def __init__(self, settings: StackSettings, java_home: Path, dist_home: Path) -> None:
        self.settings = settings
        self.name = "keycloak"
        self.java_home = java_home
        self.dist_home = dist_home
        self.home = (settings.state_dir / "keycloak" / "home").resolve()
        self.pid_file = settings.state_dir / "keycloak" / "keycloak.pid"
        self.log_file = settings.state_dir / "keycloak" / "keycloak.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.keycloak_port}"

    @property
    def address(self) -> str:
        return self.url

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    def start(self) -> None:
        port = self.settings.keycloak_port
        processes.ensure_ports_free(self.name, [port, port + 100])
        self._prepare_home()
        admin = self.settings.keycloak_admin_password.get_secret_value()
        env = {
            "PATH": f"{self.java_home}/bin:/usr/bin:/bin",
            "JAVA_HOME": str(self.java_home),
            "JAVA_OPTS_KC_HEAP": f"-Xms{self.settings.keycloak_heap} -Xmx{self.settings.keycloak_heap}",
            "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
            "KC_BOOTSTRAP_ADMIN_PASSWORD": admin,
            "HOME": str(self.home),
        }
        processes.start(
            [
                str(self.home / "bin" / "kc.sh"),
                "start-dev",
                "--import-realm",
                "--http-host=127.0.0.1",
                f"--http-port={self.settings.keycloak_port}",
                f"--http-management-port={self.settings.keycloak_port + 100}",
                "--health-enabled=true",
            ],
            pid_file=self.pid_file,
            log_file=self.log_file,
            env=env,
            cwd=self.home,
        )

    def is_healthy(self) -> bool:
        """True when the realm's discovery document answers (the realm is imported and served)."""
        try:
            response = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.json().get("issuer") == self.issuer

    def wipe(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def _prepare_home(self) -> None:
        if not (self.home / "bin" / "kc.sh").is_file():
            shutil.rmtree(self.home, ignore_errors=True)
            shutil.copytree(self.dist_home, self.home, symlinks=True)
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REALM_FILE, imports / REALM_FILE.name)
