"""support stage of the ecoplan pipeline."""
