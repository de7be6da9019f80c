"""Get the data for an area: the catalogue, downloads, manifests (``ecoplan data get``)."""
