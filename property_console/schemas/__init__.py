"""Pydantic request/response schemas (XCreate / XUpdate / XPublic)."""
