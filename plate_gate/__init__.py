"""plate_gate package."""
