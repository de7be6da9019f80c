"""sites stage of the ecoplan pipeline."""
