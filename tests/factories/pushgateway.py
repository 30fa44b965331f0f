"""A local HTTP endpoint that records what a Prometheus Pushgateway would receive."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Push:
    method: str
    path: str
    body: str


@dataclass
class Gateway:
    url: str
    pushes: list[Push] = field(default_factory=list)


@contextmanager
def pushgateway() -> Iterator[Gateway]:
    """A gateway on a free local port accepting every push (200), recorded in order."""
    gateway = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self._record()

        def do_PUT(self) -> None:  # noqa: N802
            self._record()

        def _record(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            gateway.pushes.append(Push(self.command, self.path, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
