"""Training of the plate recogniser (needs the optional `train` extra: torch); never imported at run time."""
