"""Domain services used by the API, the CLI and the Excel importer alike."""
