"""Gate tests that need the console (its fixtures are imported in this folder's conftest)."""
