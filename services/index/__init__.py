"""CareSignal index service."""
