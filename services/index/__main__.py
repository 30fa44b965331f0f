"""`python -m services.index`: run the index worker until SIGTERM or SIGINT."""

from services.index.runner import run_worker

if __name__ == "__main__":
    run_worker()
