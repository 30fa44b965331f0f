"""Independent queries of one page run side by side: the page waits for the slowest, not for the sum."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="page-query")


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's result, in order; the first error is raised (the elasticsearch client is thread-safe)."""
    futures = [POOL.submit(call) for call in calls]
    return [future.result() for future in futures]
