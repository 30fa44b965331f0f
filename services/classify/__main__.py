"""`python -m services.classify`: run the classify stream worker with settings from the environment."""

from services.classify.cli import run_worker
from services.classify.config import ClassifySettings

if __name__ == "__main__":
    run_worker(ClassifySettings())
