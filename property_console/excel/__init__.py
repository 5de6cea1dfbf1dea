"""Excel import/export of houses, persons, residencies and vehicles, with templates and row-level error reports."""
