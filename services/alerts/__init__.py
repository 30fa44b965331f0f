"""CareSignal alerts service."""
