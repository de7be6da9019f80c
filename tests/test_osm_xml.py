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
    # the same network segment for segment: osmnx reads every highway way from a file, so
    # areas (area=yes) and platforms, which pyrosm's "all" network leaves out, are dropped
    def segments(layers):
        return set(zip(layers.ways[["u", "v"]].min(axis=1), layers.ways[["u", "v"]].max(axis=1),
                       strict=True))
    assert len(a.ways) > 1000 and segments(a) == segments(b)


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


def test_xml_and_pbf_give_the_same_access_evidence(iow_pbf, ryde_xml):
    """Both readers keep the tags the evidence rules read (operator, designation, foot,
    prow_ref, sport), so access, its evidence, the parks class and confirmed entrances agree."""
    layers_pbf, layers_xml = read_pbf(iow_pbf, bbox=RYDE), read_xml(ryde_xml, bbox=RYDE)
    for col in ("designation", "foot"):  # the readers fill these from the file, not None
        assert layers_xml.ways[col].notna().sum() == pytest.approx(
            layers_pbf.ways[col].notna().sum(), rel=0.02)
        assert layers_pbf.ways[col].notna().any()
    paths_pbf = (layers_pbf.ways["designation"] == "public_footpath").sum()
    paths_xml = (layers_xml.ways["designation"] == "public_footpath").sum()
    assert paths_pbf > 20 and abs(paths_pbf - paths_xml) / paths_pbf < 0.02
    a, b = build_sites(layers_pbf), build_sites(layers_xml)
    cols = ["access", "access_evidence", "park"]
    sa, sb = a.sites.set_index("site_id")[cols], b.sites.set_index("site_id")[cols]
    assert sa.sort_index().equals(sb.reindex(sa.index).sort_index())
    conf_a = a.entrances.groupby("site_id")["confirmed"].any()
    conf_b = b.entrances.groupby("site_id")["confirmed"].any()
    assert conf_a.sort_index().equals(conf_b.reindex(conf_a.index).sort_index())


def test_ways_running_past_the_files_edge_are_cut_there(tmp_path):
    """An extract cut without whole ways names nodes it does not hold (osmnx refused the file
    as "not valid OSM XML"). Each such way keeps its longest run of nodes in the file — no
    straight line across the gap — and an area so cut is left out, with a note."""
    lon, lat = -1.29, 50.70
    nodes = "".join(
        f'<node id="{i}" lat="{lat + i * 1e-4:.7f}" lon="{lon + i * 1e-4:.7f}" version="1"/>'
        for i in range(1, 8))
    def way(wid, refs, tags):
        nd = "".join(f'<nd ref="{r}"/>' for r in refs)
        tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        return f'<way id="{wid}" version="1">{nd}{tg}</way>'
    xml = ('<?xml version="1.0" encoding="UTF-8"?><osm version="0.6">' + nodes
           + way(10, [1, 2, 3, 99, 4], {"highway": "footway"})  # leaves and re-enters
           + way(20, [5, 6, 7, 98, 5], {"leisure": "park", "name": "Cut Park"})
           + way(30, [4, 5], {"highway": "footway"})
           + way(40, [6, 7], {"highway": "footway"}) + "</osm>")
    path = tmp_path / "cut.osm"
    path.write_text(xml, encoding="utf-8")
    layers = read_xml(path)
    segs = {tuple(sorted(p)) for p in layers.ways[["u", "v"]].itertuples(index=False)}
    assert segs == {(1, 2), (2, 3), (4, 5), (6, 7)}  # way 10 keeps 1-2-3, never 3-4
    assert "Cut Park" not in set(layers.features.get("name", []))
    assert any("2 way(s) run past the edge of cut.osm" in w for w in layers.source.warnings)
