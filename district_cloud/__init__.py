"""district_cloud package."""
