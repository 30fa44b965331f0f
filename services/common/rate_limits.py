"""Per-identity rate limits on search and export: a token bucket per caller and kind, in the API process.

Each caller (`Principal.subject`: an API key's fingerprint or a token's `sub`) gets `per_minute` requests of
a kind as a burst, refilled evenly over a minute; past that the request is refused with 429 and a
`Retry-After` saying when the next one is allowed (the audit trail records it as denied). Buckets are
per process: with N API replicas a caller gets up to N times the limit.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from services.common.roles import Principal


class LimitKind(StrEnum):
    SEARCH = "search"
    EXPORT = "export"


class RateLimiter:
    """Token buckets keyed by (subject, kind); `clock` is monotonic seconds (a test passes its own)."""

    def __init__(self, per_minute: dict[LimitKind, int], clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[tuple[str, LimitKind], tuple[float, float]] = {}  # tokens, last refill
        self._lock = threading.Lock()

    def wait_seconds(self, subject: str, kind: LimitKind) -> float:
        """Take one token: 0 when the request may go ahead, else the seconds until one is free."""
        capacity = self.per_minute[kind]
        if capacity <= 0:  # 0: no limit
            return 0.0
        rate = capacity / 60.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get((subject, kind), (float(capacity), now))
            tokens = min(float(capacity), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[(subject, kind)] = (tokens - 1.0, now)
                return 0.0
            self._buckets[(subject, kind)] = (tokens, now)
            return (1.0 - tokens) / rate


class Limited:
    """Dependency refusing a caller over its limit of `kind` with 429; declare it after the caller's."""

    def __init__(self, kind: LimitKind) -> None:
        self.kind = kind

    def __call__(self, request: Request) -> None:
        limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
        principal: Principal | None = getattr(request.state, "principal", None)
        if limiter is None or principal is None:
            return
        wait = limiter.wait_seconds(principal.subject, self.kind)
        if wait > 0:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many {self.kind.value} requests: try again in {math.ceil(wait)} s",
                headers={"Retry-After": str(math.ceil(wait))},
            )


SearchLimit = Annotated[None, Depends(Limited(LimitKind.SEARCH))]
ExportLimit = Annotated[None, Depends(Limited(LimitKind.EXPORT))]
