"""app stage of the ecoplan pipeline."""
