"""Process entry for the index worker: settings, logging, signal handling."""

from __future__ import annotations

import logging
import signal
import threading

from services.index.config import IndexSettings
from services.index.worker import Indexer


def run_worker(settings: IndexSettings | None = None) -> None:
    """Index until SIGTERM/SIGINT; the current batch is finished and committed before exit."""
    settings = settings or IndexSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Indexer(settings).run(stop)
