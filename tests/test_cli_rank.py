"""``ecoplan rank`` end to end: demo data, the Isle of Wight with IoD, errors, safe output."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from ecoplan.cli import main
from ecoplan.cli.rank import _write
from ecoplan.settings.paths import shared_data_dir

DATA = shared_data_dir()
IOW = DATA / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
AREAS = DATA / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = DATA / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"


def test_demo_therapy_ranking_writes_geojson(tmp_path, capsys):
    out = tmp_path / "ranked.geojson"
    assert main(["rank", "demo", "--purpose", "therapy", "--top", "5", "--out",
                 str(out)]) == 0
    text = capsys.readouterr().out
    assert "therapy ranking of" in text and "© OpenStreetMap contributors" in text
    assert "Open Government Licence" not in text  # no IoD used
    data = json.loads(out.read_text())
    rows = [f["properties"] for f in data["features"]]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and len(rows) == 5
    assert all(0 <= r["score"] <= 1 and r["explanation"] for r in rows)
    # issue #5: the file carries OSM's licence notice, and no OGL one (no IoD used)
    assert {r["attribution"] for r in rows} == {"© OpenStreetMap contributors (ODbL)."}


@pytest.mark.parametrize("argv, needle", [
    (["--purpose", "therapy", "--weights", "calm=2,quiet=1"],
     "unknown weight name(s) 'quiet': use reach, nature, calm, facilities"),
    (["--purpose", "therapy", "--weights", "calm=-1"], "must be 0 or a positive number"),
    (["--purpose", "therapy", "--areas", "x.geojson"], "give --areas and --deprivation"),
    (["--purpose", "public-health", "--need-column", "need", "--higher-is-worse"],
     "--need-column need(s) --areas FILE"),
    (["--purpose", "public-health", "--population", "p.csv"], "--population need(s) --areas"),
    (["--purpose", "public-health", "--areas", "x.geojson", "--id-column", "zone",
      "--need-column", "need"], "--need-column needs --higher-is-worse or --lower-is-worse"),
    (["--purpose", "therapy", "--out", "ranked.xlsx"], "use a .csv, .geojson, .json or .gpkg"),
    (["--purpose", "group-walk", "--deciles", "11"], "--deciles 11"),
    (["--purpose", "group-walk", "--profile", "sprint"], "Unknown walking speed profile"),
])
def test_user_errors_are_one_line_exit_2(argv, needle, capsys):
    assert main(["rank", "demo", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_public_health_with_a_need_layer_of_ones_own(tmp_path, demo_need_args, capsys):
    """Reach works with any need layer (not only the IoD), and says which one it ranks by;
    no OGL notice is claimed for it."""
    out = tmp_path / "ranked.csv"
    assert main(["rank", "demo", *demo_need_args, "--purpose", "public-health", "--top", "3",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "deprived = deciles of 'need' 1–3" in text
    assert "Open Government Licence" not in text and "OpenStreetMap" in text
    df = pd.read_csv(out)
    assert len(df) == 3 and (df["reach_deprived_people"] > 0).all()
    assert df["explanation"].str.contains("Reaches [0-9,]+ people in the 30 % most",
                                          regex=True).all()
    assert set(df["attribution"]) == {"© OpenStreetMap contributors (ODbL)."}  # no OGL: #5


def test_a_need_layer_without_population_is_told_its_own_flag(demo_need_args, capsys):
    """Issue #11a: the hint was "add --population (IoD 2019 File 6)", which cannot match a
    layer of one's own; its population comes from --population-column."""
    assert demo_need_args[-2] == "--population-column"
    assert main(["rank", "demo", *demo_need_args[:-2], "--purpose", "public-health"]) == 2
    err = capsys.readouterr().err
    assert "no population" in err and "add --population-column NAME" in err
    assert "File 6" not in err and err.count("\n") == 1


def test_public_health_on_the_island_with_iod(tmp_path, capsys):
    for p in (IOW, AREAS, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared test data not found at {p}")
    out = tmp_path / "ranked.csv"
    assert main(["rank", str(IOW), "--areas", str(AREAS), "--deprivation", str(FILE1),
                 "--population", str(FILE6), "--purpose", "public-health", "--top", "10",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Open Government Licence v3.0" in text and "OpenStreetMap" in text
    assert "v3.0.;" not in text and ".;" not in text  # issue #13: no doubled stop
    assert "reach: walking 15 min at 4.8 km/h (1,200 m)" in text
    df = pd.read_csv(out)
    assert len(df) == 10 and list(df["rank"]) == list(range(1, 11))
    assert df["explanation"].str.startswith("Reaches").all()
    assert not df["name"].isin(["Brighstone Forest", "Parkhurst Forest"]).any()
    # issue #5: the file carries OSM's notice and, the need being the IoD's, the OGL ones
    (notice,) = set(df["attribution"])
    assert notice.startswith("© OpenStreetMap contributors (ODbL); Contains public sector")
    assert "Office for National Statistics" in notice and ".;" not in notice


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_ranking_files_carry_the_licence_notice(tmp_path, suffix):
    """Issue #5: every format of the ranking carries the notice, not only the terminal."""
    out = tmp_path / f"ranked{suffix}"
    assert main(["rank", "demo", "--purpose", "group-walk", "--top", "3", "--out",
                 str(out)]) == 0
    assert set(gpd.read_file(out)["attribution"]) == {"© OpenStreetMap contributors (ODbL)."}


def test_no_deprivation_data_redistributes_reach_and_says_so(capsys):
    assert main(["rank", "demo", "--purpose", "public-health", "--top", "2"]) == 0
    text = capsys.readouterr().out
    assert "reach not computed" in text and "reach" not in text.split("weights:")[1].split(
        "\n")[0]


def test_csv_output_is_formula_safe(tmp_path):
    table = gpd.GeoDataFrame({"rank": [1], "site_id": ["w1"], "name": ["=HYPERLINK(\"x\")"],
                              "explanation": ["+1 toilet"]},
                             geometry=[Point(-1.3, 50.7)], crs="EPSG:4326")
    out = tmp_path / "r.csv"
    _write(str(out), table)
    df = pd.read_csv(out)
    assert df.loc[0, "name"].startswith("'=") and df.loc[0, "explanation"] == "'+1 toilet"
    assert df.loc[0, "lon"] == pytest.approx(-1.3)


def test_one_row_per_place_by_default_and_every_piece_on_request(tmp_path, capsys, ryde_osm):
    """Ryde's coast is cut into 1 km pieces: listed once unless --all-pieces."""
    one, every = tmp_path / "one.csv", tmp_path / "every.csv"
    assert main(["rank", str(ryde_osm), "--purpose", "group-walk", "--top", "0", "--out",
                 str(one)]) == 0
    assert main(["rank", str(ryde_osm), "--purpose", "group-walk", "--top", "0",
                 "--all-pieces", "--out", str(every)]) == 0
    text = capsys.readouterr().out
    a, b = pd.read_csv(one), pd.read_csv(every)
    assert len(a) < len(b)
    base = b["site_id"].str.replace(r"-\d+$", "", regex=True)
    assert base.duplicated().any() and not a["site_id"].str.replace(
        r"-\d+$", "", regex=True).duplicated().any()
    named = a["name"].fillna("").str.strip() != ""
    assert not a.loc[named, "name"].duplicated().any()
    assert a["more_pieces"].sum() == len(b) - len(a)
    # unnamed sites are described, never listed as a blank or an id
    assert "unnamed " not in text and re.search(r"^\s*\d+\. [wr]\d", text, re.M) is None
    assert re.search(r"^\s*\d+\. (Coast|Wood|Lake|Beach|Grass|Park)\w* (near|by) ", text, re.M)
    # issue #12: the file keeps the names the terminal shows, in `label`; `name` stays OSM's
    assert list(a.columns[:2]) == ["rank", "label"]
    assert a["label"].fillna("").str.strip().ne("").all()
    assert (a.loc[named, "label"] == a.loc[named, "name"]).all()
    described = a.loc[~named, "label"]
    assert len(described) and described.str.contains(r" (?:near|by) ", regex=True).any()
    for lab in described:
        assert f". {lab} — score" in text


def test_cli_notes_word_the_hint_as_flags(capsys):
    assert main(["rank", "demo", "--purpose", "public-health", "--top", "1"]) == 0
    text = capsys.readouterr().out
    assert "reach not computed (needs deprivation areas)" in text
    assert "give --areas and --deprivation (or --la NAME)" in text


def test_parks_drawn_in_an_editor_are_separate_places(tmp_path, capsys):
    """Objects saved from JOSM before upload have negative ids (w-100, w-101): two parks,
    not one place listed with "+1 more piece"."""
    lon, lat = -1.29, 50.70
    pts = {-1: (0, 0), -2: (2, 0), -3: (2, 2), -4: (0, 2), -5: (4, 0), -6: (6, 0),
           -7: (6, 2), -8: (4, 2), **{-10 - i: (i - 1, -0.3) for i in range(9)}}
    nodes = "".join(f'<node id="{i}" action="modify" visible="true" lat="{lat + y * 1e-3:.7f}" '
                    f'lon="{lon + x * 1e-3:.7f}"/>' for i, (x, y) in pts.items())
    def way(wid, refs, tags):
        return (f'<way id="{wid}" action="modify" visible="true">'
                + "".join(f'<nd ref="{r}"/>' for r in refs)
                + "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()) + "</way>")
    xml = ('<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="JOSM">'
           + nodes + way(-100, [-1, -2, -3, -4, -1], {"leisure": "park"})
           + way(-101, [-5, -6, -7, -8, -5], {"leisure": "park"})
           + way(-102, list(range(-10, -19, -1)), {"highway": "residential",
                                                    "name": "New Street"}) + "</osm>")
    path = tmp_path / "josm.osm"
    path.write_text(xml, encoding="utf-8")
    out = tmp_path / "ranked.csv"
    assert main(["rank", str(path), "--purpose", "group-walk", "--out", str(out)]) == 0
    ranked = pd.read_csv(out)
    assert sorted(ranked["site_id"]) == ["w-100", "w-101"]
    assert (ranked["more_pieces"] == 0).all()
    assert "more piece" not in capsys.readouterr().out
