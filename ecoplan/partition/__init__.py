"""Partitioned access runs on Dask: areas in compact groups, the OSM cut per group, resumable."""
