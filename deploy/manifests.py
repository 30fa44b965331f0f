"""Data files the Helm chart reads, generated from the Python sources of truth (`make manifests`).

The chart renders one Strimzi `KafkaTopic` per entry of `files/topics.json`; the file is written from the
topic catalogue in `schemas/topics.py`, and a test fails when the committed file drifts from it.
"""

from __future__ import annotations

import json
from pathlib import Path

from schemas.topics import TOPIC_CATALOGUE

CHART_DIR = Path(__file__).parent / "kubernetes" / "caresignal"
TOPICS_FILE = CHART_DIR / "files" / "topics.json"


def topics_json() -> str:
    """The catalogue as the chart reads it: name, partitions, topic configs and what the topic holds."""
    topics = [
        {
            "name": spec.topic.value,
            "partitions": spec.partitions,
            "config": spec.config(),
            "description": spec.description,
        }
        for spec in TOPIC_CATALOGUE
    ]
    return json.dumps(topics, indent=2) + "\n"


def main() -> None:
    TOPICS_FILE.parent.mkdir(parents=True, exist_ok=True)
    TOPICS_FILE.write_text(topics_json())
    print(f"wrote {TOPICS_FILE}")


if __name__ == "__main__":
    main()
