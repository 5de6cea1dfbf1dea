"""plate_gate tests."""
