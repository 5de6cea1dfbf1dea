"""District HTTP API: the VIID receiver for communities and the query API for police."""
