"""osm stage of the ecoplan pipeline."""
