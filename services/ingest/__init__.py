"""CareSignal ingest service."""
