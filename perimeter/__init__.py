"""perimeter package."""
