"""CareSignal classify service."""
