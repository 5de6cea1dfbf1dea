"""The `sc` command line, composed at the top from each deployable's own sub-app."""
