"""The console HTTP API (FastAPI)."""
