"""ranking stage of the ecoplan pipeline."""
