"""network stage of the ecoplan pipeline."""
