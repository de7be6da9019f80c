"""The osmnx XML path gives the same sites as the pyrosm PBF path on the same real data."""

from __future__ import annotations

import bz2
import gzip

import pytest
from osm_extract import extract_xml

from ecoplan.errors import InputFileError
from ecoplan.osm.pbf import read_pbf
from ecoplan.osm.xml import read_xml
from ecoplan.sites.build import build_sites

RYDE = (-1.18, 50.715, -1.14, 50.735)


@pytest.fixture(scope="module")
def ryde_xml(iow_pbf, tmp_path_factory):
    return extract_xml(iow_pbf, tmp_path_factory.mktemp("xml") / "ryde.osm", RYDE)


def test_xml_and_pbf_give_the_same_sites(iow_pbf, ryde_xml):
    from_pbf = build_sites(read_pbf(iow_pbf, bbox=RYDE)).sites.set_index("site_id")
    from_xml = build_sites(read_xml(ryde_xml, bbox=RYDE)).sites.set_index("site_id")
    assert len(from_pbf) > 10
    assert set(from_pbf.index) == set(from_xml.index)
    diff = (from_pbf.area_ha - from_xml.area_ha.reindex(from_pbf.index)).abs()
    assert diff.max() < 1e-6
    assert (from_pbf.name == from_xml.name.reindex(from_pbf.index)).all()


def test_xml_layers_match_pbf_layers(iow_pbf, ryde_xml):
    a = read_pbf(iow_pbf, bbox=RYDE)
    b = read_xml(ryde_xml, bbox=RYDE)
    assert len(a.features) == len(b.features)
    assert len(a.pois) == len(b.pois)
    assert len(a.buildings) == len(b.buildings)
    # pyrosm's "all" network leaves out a few non-road highway values; osmnx keeps them
    assert abs(len(a.ways) - len(b.ways)) / len(a.ways) < 0.02


@pytest.mark.parametrize("opener,suffix", [(bz2.open, ".osm.bz2"), (gzip.open, ".osm.gz")])
def test_compressed_xml(ryde_xml, tmp_path, opener, suffix):
    p = tmp_path / f"ryde{suffix}"
    with opener(p, "wb") as f:
        f.write(ryde_xml.read_bytes())
    assert len(read_xml(p).features) == len(read_xml(ryde_xml).features)


def test_truncated_xml(ryde_xml, tmp_path):
    p = tmp_path / "cut.osm"
    p.write_bytes(ryde_xml.read_bytes()[:50_000])
    with pytest.raises(InputFileError, match="not valid OSM XML"):
        read_xml(p)


def test_not_gzip(tmp_path):
    p = tmp_path / "bad.osm.gz"
    p.write_bytes(b"<osm></osm>")
    with pytest.raises(InputFileError, match="gzip"):
        read_xml(p)
