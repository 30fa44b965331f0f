"""Unit tests are pure: any attempt to open a network connection fails with a clear message."""

from __future__ import annotations

import socket

import pytest


class NetworkBlockedError(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: socket.socket, address: object) -> None:
        if isinstance(address, str):  # AF_UNIX sockets (e.g. asyncio self-pipes) stay allowed
            return original_connect(self, address)
        raise NetworkBlockedError(
            f"unit tests may not open network connections (tried {address!r}); "
            "move this test to tests/integration"
        )

    original_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
