"""routes stage of the ecoplan pipeline."""
