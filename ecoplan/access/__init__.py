"""access stage of the ecoplan pipeline."""
