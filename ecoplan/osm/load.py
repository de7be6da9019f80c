"""One entry point for every OSM source: a file path (PBF or XML), the demo area, or a place."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry.base import BaseGeometry

from ecoplan.errors import InputFileError
from ecoplan.osm.layers import Derive, OsmLayers, Prepare

DEMO = "demo"


def load_layers(source: str | Path, *, bbox: tuple[float, float, float, float] | None = None,
                polygon: BaseGeometry | None = None,
                derive: Derive | None = None, prepare: Prepare | None = None
                ) -> OsmLayers:
    """Read ``source`` ('demo', a .osm.pbf, or an .osm/.osm.bz2/.osm.gz file). ``derive``,
    ``prepare``: work the PBF reader does while it reads (see
    :func:`ecoplan.osm.pbf.read_pbf`); other sources leave it to the caller."""
    if str(source) == DEMO:
        from ecoplan.osm.demo import demo_layers

        layers = demo_layers()
        area = polygon if polygon is not None else _box(bbox)
        return layers.clip(area) if area is not None else layers
    name = Path(source).name.lower()
    if name.endswith(".pbf"):
        from ecoplan.osm.pbf import read_pbf

        return read_pbf(source, bbox=bbox, polygon=polygon, derive=derive, prepare=prepare)
    if name.endswith((".osm", ".osm.bz2", ".osm.gz", ".xml")):
        from ecoplan.osm.xml import read_xml

        return read_xml(source, bbox=bbox, polygon=polygon)
    raise InputFileError(
        f"{Path(source).name}: unknown OSM file type — give a .osm.pbf, .osm, .osm.bz2 or "
        ".osm.gz file (or 'demo')")


def declared_bounds(source: str | Path) -> tuple[float, float, float, float] | None:
    """The box ``source``'s header declares (west, south, east, north) — the demo's file for
    'demo' — or None (no such file, or a header without one): where the data ends, known
    without reading the file."""
    from ecoplan.osm.pbf import header_bounds

    if str(source) == DEMO:
        from ecoplan.osm.demo import demo_pbf_path

        return header_bounds(demo_pbf_path())
    return header_bounds(source) if Path(source).is_file() else None


def _box(bbox):
    from shapely.geometry import box

    return box(*bbox) if bbox else None
