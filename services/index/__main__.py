"""`python -m services.index`: run the index worker until SIGTERM or SIGINT."""

from services.index.cli import run_worker
from services.index.config import IndexSettings

if __name__ == "__main__":
    run_worker(IndexSettings())
