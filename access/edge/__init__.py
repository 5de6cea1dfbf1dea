"""The door process at the edge: devices/ adapters for access/ports.py, console sync, local cache, the run loop."""
