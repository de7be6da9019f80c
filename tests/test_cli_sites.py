"""``ecoplan sites``: outputs, summary, and one-line errors that leave no partial file."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from ecoplan.cli import main

RYDE = "-1.18,50.715,-1.14,50.735"
REQUIRED = {"site_id", "name", "kind", "categories", "area_ha", "access", "access_evidence",
            "park", "n_entrances",
            "toilets", "benches", "shelters", "drinking_water", "parking", "bus_stops_400m"}


def test_geojson_out_with_entrances(iow_pbf, tmp_path, capsys):
    out = tmp_path / "ryde.geojson"
    assert main(["sites", str(iow_pbf), "--bbox", RYDE, "--out", str(out)]) == 0
    sites = gpd.read_file(out)
    assert set(sites.columns) >= REQUIRED
    assert sites.crs.to_epsg() == 4326
    assert len(sites) > 10 and sites.site_id.is_unique
    entrances = gpd.read_file(tmp_path / "ryde.entrances.geojson")
    assert set(entrances.site_id) <= set(sites.site_id)
    # issue #12: `label` is the name people read (as rank and the app show it); `name` is OSM's
    assert list(sites.columns[:2]) == ["label", "site_id"]
    named = sites["name"].fillna("").str.strip() != ""
    assert sites["label"].fillna("").str.strip().ne("").all()
    assert (sites.loc[named, "label"] == sites.loc[named, "name"]).all()
    assert sites.loc[~named, "label"].str.contains(r" (?:near|by) ", regex=True).any()
    for layer in (sites, entrances):  # issue #5: the files carry OSM's licence notice
        assert set(layer["attribution"]) == {"© OpenStreetMap contributors (ODbL)."}
    text = capsys.readouterr().out
    assert f"{len(sites)} sites" in text and "OpenStreetMap contributors" in text
    n_public = int((sites["access"] == "public").sum())
    assert f"access: {n_public} public (" in text
    assert f"of {len(entrances)} entrances confirmed" in text


def test_gpkg_has_two_layers(iow_pbf, tmp_path):
    import pyogrio

    out = tmp_path / "ryde.gpkg"
    assert main(["sites", str(iow_pbf), "--bbox", RYDE, "--out", str(out)]) == 0
    names = {row[0] for row in pyogrio.list_layers(out)}
    assert names == {"sites", "entrances"}
    for layer in names:  # issue #5: both layers carry OSM's licence notice
        written = gpd.read_file(out, layer=layer)
        assert set(written["attribution"]) == {"© OpenStreetMap contributors (ODbL)."}


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_whole_island_output_is_valid_in_every_crs(iow_pbf, tmp_path, suffix):
    """Issue 11.1: the whole Isle of Wight, written and read back, is OGC-valid in EPSG:4326
    and after reprojection to British National Grid, and ``union_all`` works (it threw a
    GEOS TopologyException on 12 river and coast strips before)."""
    out = tmp_path / f"iow{suffix}"
    assert main(["sites", str(iow_pbf), "--out", str(out)]) == 0
    if suffix == ".gpkg":
        sites = gpd.read_file(out, layer="sites")
        entrances = gpd.read_file(out, layer="entrances")
    else:
        sites = gpd.read_file(out)
        entrances = gpd.read_file(tmp_path / "iow.entrances.geojson")
    assert len(sites) > 1000 and len(entrances) > 3000
    assert set(sites.geom_type) <= {"Polygon", "MultiPolygon"}
    assert set(entrances.geom_type) == {"Point"}
    for layer in (sites, entrances):
        bad = layer[~layer.is_valid]
        assert len(bad) == 0, f"invalid: {bad.site_id.tolist()[:10]}"
        assert layer.to_crs(27700).is_valid.all()
        assert layer.to_crs(32630).is_valid.all()
    union = sites.to_crs(27700).union_all()
    # Sites never overlap, so the union's area is their total (to the snapping centimetres).
    assert union.area / 10_000 == pytest.approx(sites.area_ha.sum(), rel=1e-3)


def test_include_restricted_adds_only_restricted_sites(iow_pbf, tmp_path):
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson"
    bbox = "-1.32,50.68,-1.26,50.72"  # Newport: golf, allotments, school fields
    assert main(["sites", str(iow_pbf), "--bbox", bbox, "--out", str(a)]) == 0
    assert main(["sites", str(iow_pbf), "--bbox", bbox, "--out", str(b),
                 "--include-restricted"]) == 0
    sa, sb = gpd.read_file(a), gpd.read_file(b)
    extra = sb[~sb.site_id.isin(sa.site_id)]
    assert len(extra) > 0 and set(extra.access) == {"restricted"}


@pytest.mark.parametrize(("args", "message"), [
    (["sites", "/no/such/file.osm.pbf"], "does not exist"),
    (["sites", "{pbf}", "--bbox", "1,2,3"], "bbox"),
    (["sites", "{pbf}", "--bbox", "-1.1,50.7,-1.2,50.8"], "bbox"),
    (["sites", "{pbf}", "--bbox", "10,10,10.01,10.01"], "no streets"),
    (["sites", "{pbf}", "--out", "{tmp}/sites.shp"], ".geojson or .gpkg"),
])
def test_bad_input_is_one_line_exit_2_no_output(iow_pbf, tmp_path, capsys, args, message):
    args = [a.format(pbf=iow_pbf, tmp=tmp_path) for a in args]
    code = main([*args, "--out", str(tmp_path / "x.geojson")] if "--out" not in args else args)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert message.lower() in err.lower()
    assert list(tmp_path.iterdir()) == []  # nothing left behind, not even a temp file


def test_corrupt_file(tmp_path, iow_pbf, capsys):
    bad = tmp_path / "cut.osm.pbf"
    bad.write_bytes(iow_pbf.read_bytes()[:300_000])
    out = tmp_path / "x.geojson"
    assert main(["sites", str(bad), "--out", str(out)]) == 2
    assert "truncated or corrupt" in capsys.readouterr().err
    assert not out.exists()


def test_place_found_inside_the_file(iow_pbf, tmp_path):
    out = tmp_path / "newport.geojson"
    assert main(["sites", str(iow_pbf), "--place", "Newport", "--offline",
                 "--out", str(out)]) == 0
    sites = gpd.read_file(out)
    w, s, e, n = sites.total_bounds
    # Newport parish (with Parkhurst Forest), not the whole island (lon -1.59…-1.07)
    assert w > -1.40 and e < -1.22 and s > 50.64 and n < 50.75
    assert 20 < len(sites) < 300


def test_unknown_place_offline_is_a_clear_error(iow_pbf, capsys):
    assert main(["sites", str(iow_pbf), "--place", "Atlantis", "--offline"]) == 2
    err = capsys.readouterr().err
    assert "Atlantis" in err


def test_demo_area(tmp_path):
    out = tmp_path / "demo.geojson"
    assert main(["sites", "demo", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert len(data["features"]) > 10


def test_a_bbox_outside_the_demo_names_where_its_data_is(tmp_path, capsys):
    """The message gives the data's real extent (it said "covers nan,nan,nan,nan")."""
    assert main(["sites", "demo", "--bbox", "0,0,0.1,0.1"]) == 2
    err = capsys.readouterr().err
    assert "lies outside the data in demo" in err and "nan" not in err
    assert "it covers W,S,E,N 24.9352,60.1642,24.9534,60.1791" in err


def test_a_bbox_larger_than_overpass_allows_still_cuts_a_local_file(iow_pbf, tmp_path, capsys):
    """The 2,500 km² limit is Overpass's (a public server); cutting a local file has none —
    a county's box on a national extract must work. This box (~ 27,000 km²) holds the island."""
    out = tmp_path / "all.geojson"
    assert main(["sites", str(iow_pbf), "--bbox", "-2.5,50.2,-0.2,51.2", "--out",
                 str(out)]) == 0
    assert "km² limit" not in capsys.readouterr().err
    assert len(gpd.read_file(out)) > 900  # the whole island's sites
