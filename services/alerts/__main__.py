"""`python -m services.alerts`: run the alerts worker with settings from the environment."""

from services.alerts.cli import run_worker
from services.alerts.config import AlertsSettings

if __name__ == "__main__":
    run_worker(AlertsSettings())
