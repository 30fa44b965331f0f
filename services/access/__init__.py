"""Access: API keys for machine clients (and, with them, who may do what) — CLI and admin endpoints."""
