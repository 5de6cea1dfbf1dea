"""Passwords, login sessions, roles and permissions, per-field views."""
