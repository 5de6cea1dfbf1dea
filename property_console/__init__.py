"""property_console package."""
