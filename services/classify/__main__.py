"""`python -m services.classify`: run the classify stream worker with settings from the environment."""

from services.classify.worker_cli import run_worker
from services.classify.worker_config import WorkerSettings

if __name__ == "__main__":
    run_worker(WorkerSettings())
