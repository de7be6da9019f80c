"""need stage of the ecoplan pipeline."""
