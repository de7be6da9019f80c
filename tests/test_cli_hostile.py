"""Every ``ecoplan`` sub-command with broken, hostile or careless input, run as a user would.

Each case runs the real command in a subprocess and must end with a non-zero exit, exactly
one line on stderr that starts ``ecoplan …: error:`` and says what was wrong, no Python
traceback, no output file and no temporary file left behind. The inputs are built in code
from a small valid area (so a good run of each command is checked too): corrupt, empty,
truncated and mislabelled files, decompression bombs under a low cap, files for another place,
wrong columns, a projected GeoJSON without its CRS, non-finite numbers, unknown places,
unreadable inputs and unwritable outputs (those run without root's power to ignore file
permissions: ``setpriv`` drops it when the tests run as root).
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from hostile import BOUNDS, HOSTILE, write_hostile_osm
from shapely.geometry import Point, box

TIMEOUT = 300
#: Cap used for the bomb cases (MB), and what the bombs expand to.
LOW_CAP = "1"
BOMB_MB = 16


def _unprivileged_prefix() -> list[str] | None:
    """A command prefix under which file permissions apply; None if none is available."""
    if os.geteuid() != 0:
        return []
    exe = shutil.which("setpriv")
    if exe is None:
        return None
    probe = subprocess.run([exe, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--",
                            "true"], capture_output=True)
    return ([exe, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
            if probe.returncode == 0 else None)


PREFIX = _unprivileged_prefix()


def _bomb(path: Path, head: bytes, line: bytes, opener) -> Path:
    """A small compressed file that expands to BOMB_MB megabytes."""
    with opener(path, "wb") as fh:
        fh.write(head)
        block = line * ((1 << 20) // len(line))
        for _ in range(BOMB_MB):
            fh.write(block)
    return path


@pytest.fixture(scope="module")
def f(tmp_path_factory) -> dict[str, Path]:
    """Good and broken input files, and places to write to."""
    import osmium

    d = tmp_path_factory.mktemp("hostile_cli")
    os.chmod(d, 0o755)  # reachable once root's permission override is dropped
    files: dict[str, Path] = {"dir": d}
    xml = write_hostile_osm(d / "area.osm")
    files["osm"] = xml
    pbf = d / "area.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    files["pbf"] = pbf
    data = pbf.read_bytes()
    (d / "truncated.osm.pbf").write_bytes(data[: len(data) // 2])
    (d / "empty.osm.pbf").write_bytes(b"")
    (d / "text.osm.pbf").write_text("this is not a PBF\n" * 20)
    (d / "folder.osm.pbf").mkdir()
    (d / "area.shp").write_text("x")
    (d / "pbf_named.osm").write_bytes(data)
    (d / "xml_named.osm.pbf").write_bytes(xml.read_bytes())
    (d / "bad.osm").write_text('<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat=')
    (d / "html.osm").write_text("<html><body>404 Not Found</body></html>")
    (d / "empty.osm").write_bytes(b"")
    (d / "plain.osm.bz2").write_bytes(xml.read_bytes())
    (d / "plain.osm.gz").write_bytes(xml.read_bytes())
    full = bz2.compress(xml.read_bytes())
    (d / "cut.osm.bz2").write_bytes(full[: len(full) // 2])
    full = gzip.compress(xml.read_bytes())
    (d / "cut.osm.gz").write_bytes(full[: len(full) // 2])
    _bomb(d / "bomb.osm.gz", b'<?xml version="1.0"?><osm version="0.6">',
          b"<!-- padding -->\n", gzip.open)
    _bomb(d / "bomb.osm.bz2", b'<?xml version="1.0"?><osm version="0.6">',
          b"<!-- padding -->\n", bz2.open)
    (d / "locked.osm").write_bytes(xml.read_bytes())
    (d / "locked.osm.pbf").write_bytes(data)
    (d / "locked.osm.bz2").write_bytes(bz2.compress(xml.read_bytes()))
    for name in ("locked.osm", "locked.osm.pbf", "locked.osm.bz2"):
        os.chmod(d / name, 0o000)

    # Areas: two LSOA-coded polygons over the area, named with hostile text.
    w, s, e, n = BOUNDS
    mid = (w + e) / 2
    areas = gpd.GeoDataFrame({"LSOA11CD": ["E01999991", "E01999992"],
                              "LSOA11NM": [HOSTILE, "East"]},
                             geometry=[box(w, s, mid, n), box(mid, s, e, n)], crs=4326)
    areas.to_file(d / "areas.geojson", driver="GeoJSON")
    bng = json.loads(areas.to_crs(27700).to_json())
    bng.pop("crs", None)
    (d / "bng.geojson").write_text(json.dumps(bng))
    (d / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    (d / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [')
    gpd.GeoDataFrame({"LSOA11CD": ["E01999991"]}, geometry=[Point(w, s)], crs=4326).to_file(
        d / "points.geojson", driver="GeoJSON")
    gpd.GeoDataFrame({"colour": ["red"]}, geometry=[box(w, s, e, n)], crs=4326).to_file(
        d / "nocode.geojson", driver="GeoJSON")
    import zipfile

    with zipfile.ZipFile(d / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("areas.geojson", "w") as member:
        member.write(b'{"type": "FeatureCollection", "features": [')
        block = b" " * (1 << 20)
        for _ in range(BOMB_MB):
            member.write(block)

    # IoD 2019 File 1 layout: the area's codes (good), another place's codes, broken ones.
    header = ('"LSOA code (2011)","LSOA name (2011)","Local Authority District code (2019)",'
              '"Local Authority District name (2019)","Index of Multiple Deprivation (IMD) Rank",'
              '"Index of Multiple Deprivation (IMD) Decile"\n')
    (d / "iod.csv").write_text(header + "E01999991,West,E06000046,Isle of Wight,1200,1\n"
                               "E01999992,East,E06000046,Isle of Wight,30000,10\n")
    (d / "iod_elsewhere.csv").write_text(
        header + "".join(f"E0100{i:04d},Town {i},E09000001,London,{i + 1},1\n"
                         for i in range(50)))
    (d / "iod_text.csv").write_text(header + "E01999991,West,E06000046,IoW,twelve,1\n")
    (d / "iod_decile.csv").write_text(header + "E01999991,West,E06000046,IoW,1200,11\n")
    (d / "wrong_columns.csv").write_text("name,score\nPark,3\n")
    (d / "header_only.csv").write_text(header)
    (d / "empty.csv").write_bytes(b"")
    (d / "binary.csv").write_bytes(bytes(range(256)) * 20)
    (d / "iod.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    full = gzip.compress((d / "iod.csv").read_bytes() * 200)
    (d / "cut.csv.gz").write_bytes(full[: len(full) // 2])
    (d / "plain.csv.gz").write_bytes((d / "iod.csv").read_bytes())
    _bomb(d / "bomb.csv.gz", header.encode(), b"E01999991,West,E06000046,IoW,1200,1\n",
          gzip.open)
    _bomb(d / "bomb.csv.bz2", header.encode(), b"E01999991,West,E06000046,IoW,1200,1\n",
          bz2.open)
    for name, value in (("inf", "inf"), ("neg", "-5"), ("huge", "1e400"), ("text", "lots")):
        (d / f"pop_{name}.csv").write_text(f"area_code,population\nE01999991,{value}\n"
                                           "E01999992,800\n")
    (d / "pop_elsewhere.csv").write_text("area_code,population\nE01000001,1500\n")
    (d / "site.geojson").write_text(gpd.GeoSeries([box(-1.1565, 50.7292, -1.1556, 50.7298)],
                                                  crs=4326).to_json())
    bng_site = json.loads(gpd.GeoSeries([box(-1.1565, 50.7292, -1.1556, 50.7298)], crs=4326)
                          .to_crs(27700).to_json())
    bng_site.pop("crs", None)
    (d / "site_bng.geojson").write_text(json.dumps(bng_site))
    (d / "forecast_bad.json").write_text("{not json")
    (d / "broken.toml").write_text("[[source]]\nid = \"x\"\nurl = [\n")

    ro = d / "readonly"
    ro.mkdir()
    os.chmod(ro, 0o555)
    (d / "a_file").write_text("x")
    (d / "out_folder.csv").mkdir()
    for name in os.listdir(d):
        files[name.replace(".", "_")] = d / name
    return files


def run(args: list[str], env: dict[str, str] | None = None,
        unprivileged: bool = False) -> subprocess.CompletedProcess:
    prefix = (PREFIX or []) if unprivileged else []
    return subprocess.run([*prefix, sys.executable, "-m", "ecoplan.cli", *args],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})


def assert_clean_failure(proc: subprocess.CompletedProcess, expect: str) -> str:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, err, proc.stdout[-2000:])
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ecoplan") and ": error: " in lines[0], err
    assert expect.lower() in err.lower(), err
    return err


AREAS = ["--areas", "{areas_geojson}", "--deprivation", "{iod_csv}"]

#: (id, argv template, fragment expected in the error, output that must not appear,
#:  needs file permissions to apply, extra environment)
CASES: list[tuple[str, list[str], str, str | None, bool, dict[str, str]]] = [
    # --- OSM sources, every command that reads one ---
    ("sites-missing", ["sites", "{dir}/nope.osm.pbf"], "does not exist", None, False, {}),
    ("sites-empty-pbf", ["sites", "{empty_osm_pbf}"], "empty", None, False, {}),
    ("sites-text-pbf", ["sites", "{text_osm_pbf}"], "not a readable OSM PBF", None, False, {}),
    ("sites-truncated-pbf", ["sites", "{truncated_osm_pbf}", "--out", "{dir}/s1.geojson"],
     "truncated", "{dir}/s1.geojson", False, {}),
    ("sites-folder", ["sites", "{folder_osm_pbf}"], "is a folder", None, False, {}),
    ("sites-wrong-type", ["sites", "{area_shp}"], "unknown OSM file type", None, False, {}),
    ("sites-bad-xml", ["sites", "{bad_osm}"], "not valid OSM XML", None, False, {}),
    ("sites-html-as-osm", ["sites", "{html_osm}"], "osm", None, False, {}),
    ("sites-empty-xml", ["sites", "{empty_osm}"], "empty", None, False, {}),
    ("sites-pbf-named-osm", ["sites", "{pbf_named_osm}"], "holds PBF data", None, False, {}),
    ("sites-xml-named-pbf", ["sites", "{xml_named_osm_pbf}"], "holds OSM XML", None, False,
     {}),
    ("sites-empty-place", ["sites", "{pbf}", "--place", ""], "needs a place name", None,
     False, {}),
    ("sites-bz2-not-bzip2", ["sites", "{plain_osm_bz2}"], "not a readable bzip2", None, False,
     {}),
    ("sites-gz-not-gzip", ["sites", "{plain_osm_gz}"], "not a readable gzip", None, False, {}),
    ("sites-truncated-bz2", ["sites", "{cut_osm_bz2}"], "truncated", None, False, {}),
    ("sites-truncated-gz", ["sites", "{cut_osm_gz}"], "truncated", None, False, {}),
    ("sites-gz-bomb", ["sites", "{bomb_osm_gz}", "--out", "{dir}/s2.geojson"],
     "expands to more than 1 MB", "{dir}/s2.geojson", False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": LOW_CAP}),
    ("sites-bz2-bomb", ["sites", "{bomb_osm_bz2}"], "ECOPLAN_MAX_DECOMPRESSED_MB", None, False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": LOW_CAP}),
    ("sites-bad-cap", ["sites", "{bomb_osm_gz}"], "not a number of megabytes", None, False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": "lots"}),
    ("sites-locked-osm", ["sites", "{locked_osm}"], "permission denied", None, True, {}),
    ("sites-locked-pbf", ["sites", "{locked_osm_pbf}"], "permission denied", None, True, {}),
    ("sites-locked-bz2", ["sites", "{locked_osm_bz2}"], "permission denied", None, True, {}),
    ("sites-bbox-nan", ["sites", "{pbf}", "--bbox", "nan,50,-1,51"], "bbox", None, False, {}),
    ("sites-bbox-inf", ["sites", "{pbf}", "--bbox=-inf,50,-1,51"], "bbox", None, False, {}),
    ("sites-bbox-outside", ["sites", "{pbf}", "--bbox", "10,10,10.01,10.01"], "no streets",
     None, False, {}),
    ("sites-unknown-place", ["sites", "{pbf}", "--place", "Atlantis", "--offline"], "Atlantis",
     None, False, {}),
    ("rank-bad-pbf", ["rank", "{truncated_osm_pbf}", "--purpose", "therapy"], "truncated",
     None, False, {}),
    ("route-bad-pbf", ["route", "{text_osm_pbf}", "--start", "50.7305,-1.1590", "--minutes",
                       "20"], "not a readable OSM PBF", None, False, {}),
    ("support-bad-xml", ["support", "{bad_osm}", "--lat", "50.7305", "--lon", "-1.159"],
     "not valid OSM XML", None, False, {}),
    ("access-bad-pbf", ["access", "{empty_osm_pbf}", *AREAS], "empty", None, False, {}),
    # --- outputs: checked before any slow work, never half written ---
    ("sites-out-missing-folder", ["sites", "{pbf}", "--out", "{dir}/no/such/s.geojson"],
     "does not exist", "{dir}/no/such/s.geojson", False, {}),
    ("sites-out-readonly", ["sites", "{pbf}", "--out", "{readonly}/s.geojson"],
     "permission denied", "{readonly}/s.geojson", True, {}),
    ("sites-out-is-folder", ["sites", "{pbf}", "--out", "{dir}/folder.osm.pbf"], "folder",
     None, False, {}),
    ("sites-out-under-a-file", ["sites", "{pbf}", "--out", "{a_file}/s.geojson"],
     "not a folder", None, False, {}),
    ("sites-out-wrong-suffix", ["sites", "{pbf}", "--out", "{dir}/s.shp"], ".gpkg",
     "{dir}/s.shp", False, {}),
    ("access-out-readonly", ["access", "{pbf}", *AREAS, "--out", "{readonly}/a.csv"],
     "permission denied", "{readonly}/a.csv", True, {}),
    ("access-gpkg-missing-folder", ["access", "{pbf}", *AREAS, "--gpkg", "{dir}/no/a.gpkg"],
     "does not exist", None, False, {}),
    ("access-out-folder", ["access", "{pbf}", *AREAS, "--out", "{out_folder_csv}"], "folder",
     None, False, {}),
    ("gaps-out-readonly", ["gaps", "{pbf}", *AREAS, "--out", "{readonly}/g.csv"],
     "permission denied", "{readonly}/g.csv", True, {}),
    ("rank-out-readonly", ["rank", "{pbf}", "--purpose", "therapy", "--out",
                           "{readonly}/r.csv"], "permission denied", "{readonly}/r.csv", True,
     {}),
    ("route-gpx-readonly", ["route", "{pbf}", "--start", "50.7305,-1.1590", "--minutes", "20",
                            "--gpx", "{readonly}/w.gpx"], "permission denied",
     "{readonly}/w.gpx", True, {}),
    ("route-pdf-missing-folder", ["route", "{pbf}", "--start", "50.7305,-1.1590", "--minutes",
                                  "20", "--pdf", "{dir}/no/w.pdf"], "does not exist", None,
     False, {}),
    ("route-pdf-wrong-suffix", ["route", "{pbf}", "--start", "50.7305,-1.1590", "--minutes",
                                "20", "--pdf", "{dir}/w.png"], ".pdf", "{dir}/w.png", False,
     {}),
    ("support-out-readonly", ["support", "{pbf}", "--lat", "50.7305", "--lon", "-1.159",
                              "--out", "{readonly}/s.html"], "permission denied",
     "{readonly}/s.html", True, {}),
    ("plan-ics-missing-folder", ["plan", "--lat", "50.73", "--lon", "-1.16", "--date",
                                 "2026-06-01", "--start", "10:00", "--minutes", "60",
                                 "--conditions", "temp_c=15", "--ics", "{dir}/no/p.ics"],
     "does not exist", "{dir}/no/p.ics", False, {}),
    ("plan-sheet-readonly", ["plan", "--lat", "50.73", "--lon", "-1.16", "--date",
                             "2026-06-01", "--start", "10:00", "--minutes", "60",
                             "--conditions", "temp_c=15", "--sheet", "{readonly}/p.html"],
     "permission denied", "{readonly}/p.html", True, {}),
    # --- programmes ---
    ("programme-past-date", ["programme", "new", "{pbf}", "--name", "p", "--first",
                             "2020-01-02", "--sessions", "2", "--start", "10:00", "--minutes",
                             "60", "--group-size", "5"], "in the past", None, False, {}),
    ("programme-truncated-pbf", ["programme", "new", "{truncated_osm_pbf}", "--name", "p",
                                 "--first", "2099-01-01", "--sessions", "2", "--start",
                                 "10:00", "--minutes", "60", "--group-size", "5"],
     "truncated", None, False, {}),
    ("programme-bad-time", ["programme", "new", "{pbf}", "--name", "p", "--first",
                            "2099-01-01", "--sessions", "2", "--start", "25:00", "--minutes",
                            "60", "--group-size", "5"], "not a time", None, False, {}),
    ("programme-minutes-inf", ["programme", "new", "{pbf}", "--name", "p", "--first",
                               "2099-01-01", "--sessions", "2", "--start", "10:00",
                               "--minutes", "inf", "--group-size", "5"], "invalid int", None,
     False, {}),
    ("programme-unknown", ["programme", "show", "nope"], "no programme", None, False, {}),
    ("programme-export-missing-folder", ["programme", "export", "nope", "--pdf",
                                         "{dir}/no/p.pdf"], "does not exist",
     "{dir}/no/p.pdf", False, {}),
    # --- areas ---
    ("access-areas-bng-no-crs", ["access", "{pbf}", "--areas", "{bng_geojson}",
                                 "--deprivation", "{iod_csv}"], "British National Grid", None,
     False, {}),
    ("access-areas-empty", ["access", "{pbf}", "--areas", "{empty_geojson}", "--deprivation",
                            "{iod_csv}"], "no features", None, False, {}),
    ("access-areas-broken", ["access", "{pbf}", "--areas", "{broken_geojson}",
                             "--deprivation", "{iod_csv}"], "could not be read", None, False,
     {}),
    ("access-areas-points", ["access", "{pbf}", "--areas", "{points_geojson}",
                             "--deprivation", "{iod_csv}"], "polygons", None, False, {}),
    ("access-areas-no-code", ["access", "{pbf}", "--areas", "{nocode_geojson}",
                              "--deprivation", "{iod_csv}"], "area codes", None, False, {}),
    ("access-areas-zip-bomb", ["access", "{pbf}", "--areas", "{bomb_zip}", "--deprivation",
                               "{iod_csv}"], "expands to more than 1 MB", None, False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": LOW_CAP}),
    ("access-areas-missing", ["access", "{pbf}", "--areas", "{dir}/nope.geojson",
                              "--deprivation", "{iod_csv}"], "not found", None, False, {}),
    ("gaps-areas-bng", ["gaps", "{pbf}", "--areas", "{bng_geojson}", "--deprivation",
                        "{iod_csv}"], "EPSG:27700", None, False, {}),
    ("rank-areas-bng", ["rank", "{pbf}", "--purpose", "public-health", "--areas",
                        "{bng_geojson}", "--deprivation", "{iod_csv}"], "cannot be degrees",
     None, False, {}),
    ("whatif-site-bng", ["whatif", "{pbf}", *AREAS, "--add-site", "{site_bng_geojson}"],
     "cannot be degrees", None, False, {}),
    ("whatif-site-broken", ["whatif", "{pbf}", *AREAS, "--add-site", "{broken_geojson}"],
     "could not be read", None, False, {}),
    ("whatif-bad-entrance", ["whatif", "{pbf}", *AREAS, "--add-entrance", "w100@abc"],
     "SITE_ID@LON,LAT", None, False, {}),
    # --- deprivation and population ---
    ("access-iod-elsewhere", ["access", "{pbf}", "--areas", "{areas_geojson}",
                              "--deprivation", "{iod_elsewhere_csv}", "--out", "{dir}/x.csv"],
     "E01999991", "{dir}/x.csv", False, {}),
    ("gaps-iod-elsewhere", ["gaps", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                            "{iod_elsewhere_csv}"], "same place", None, False, {}),
    ("whatif-iod-elsewhere", ["whatif", "{pbf}", "--areas", "{areas_geojson}",
                              "--deprivation", "{iod_elsewhere_csv}", "--add-site",
                              "{site_geojson}"], "E01000000", None, False, {}),
    ("rank-iod-elsewhere", ["rank", "{pbf}", "--purpose", "public-health", "--areas",
                            "{areas_geojson}", "--deprivation", "{iod_elsewhere_csv}"],
     "none of the 2 area codes", None, False, {}),
    ("access-iod-text-rank", ["access", "{pbf}", "--areas", "{areas_geojson}",
                              "--deprivation", "{iod_text_csv}"], "must be numeric", None,
     False, {}),
    ("access-iod-decile-11", ["access", "{pbf}", "--areas", "{areas_geojson}",
                              "--deprivation", "{iod_decile_csv}"], "deciles 1-10", None,
     False, {}),
    ("access-iod-wrong-columns", ["access", "{pbf}", "--areas", "{areas_geojson}",
                                  "--deprivation", "{wrong_columns_csv}"], "no LSOA code column",
     None, False, {}),
    ("access-iod-header-only", ["access", "{pbf}", "--areas", "{areas_geojson}",
                                "--deprivation", "{header_only_csv}"], "no rows", None, False,
     {}),
    ("access-iod-empty", ["access", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                          "{empty_csv}"], "empty", None, False, {}),
    ("access-iod-binary", ["access", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                           "{binary_csv}"], "deprivation file", None, False, {}),
    ("access-iod-excel", ["access", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                          "{iod_xlsx}"], "CSV UTF-8", None, False, {}),
    ("access-iod-truncated-gz", ["access", "{pbf}", "--areas", "{areas_geojson}",
                                 "--deprivation", "{cut_csv_gz}"], "truncated", None, False,
     {}),
    ("access-iod-gz-not-gzip", ["access", "{pbf}", "--areas", "{areas_geojson}",
                                "--deprivation", "{plain_csv_gz}"], "not a readable gzip",
     None, False, {}),
    ("access-iod-gz-bomb", ["access", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                            "{bomb_csv_gz}", "--out", "{dir}/b.csv"],
     "expands to more than 1 MB", "{dir}/b.csv", False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": LOW_CAP}),
    ("gaps-iod-bz2-bomb", ["gaps", "{pbf}", "--areas", "{areas_geojson}", "--deprivation",
                           "{bomb_csv_bz2}"], "limit for tables", None, False,
     {"ECOPLAN_MAX_DECOMPRESSED_MB": LOW_CAP}),
    ("access-pop-inf", ["access", "{pbf}", *AREAS, "--population", "{pop_inf_csv}"],
     "infinite", None, False, {}),
    ("access-pop-1e400", ["access", "{pbf}", *AREAS, "--population", "{pop_huge_csv}"],
     "infinite", None, False, {}),
    ("access-pop-negative", ["access", "{pbf}", *AREAS, "--population", "{pop_neg_csv}"],
     "negative", None, False, {}),
    ("access-pop-text", ["access", "{pbf}", *AREAS, "--population", "{pop_text_csv}"],
     "numeric", None, False, {}),
    ("access-pop-elsewhere", ["access", "{pbf}", *AREAS, "--population",
                              "{pop_elsewhere_csv}"], "population file", None, False, {}),
    ("rank-pop-inf", ["rank", "{pbf}", "--purpose", "public-health", *AREAS, "--population",
                      "{pop_inf_csv}"], "infinite", None, False, {}),
    # --- numbers and names on the command line ---
    ("access-speed-inf", ["access", "{pbf}", *AREAS, "--speed", "inf"], "speed", None, False,
     {}),
    ("access-speed-nan", ["access", "{pbf}", *AREAS, "--speed", "nan"], "speed", None, False,
     {}),
    ("access-deciles-0", ["access", "{pbf}", *AREAS, "--deciles", "0"], "decile", None, False,
     {}),
    ("rank-minutes-nan", ["rank", "{pbf}", "--purpose", "public-health", *AREAS, "--minutes",
                          "nan"], "minutes", None, False, {}),
    ("rank-bad-weights", ["rank", "{pbf}", "--purpose", "therapy", "--weights", "calm=inf"],
     "weight", None, False, {}),
    ("rank-unknown-purpose", ["rank", "{pbf}", "--purpose", "picnic"], "invalid choice", None,
     False, {}),
    ("route-start-nan", ["route", "{pbf}", "--start", "nan,1", "--minutes", "20"], "LAT,LON",
     None, False, {}),
    ("route-minutes-inf", ["route", "{pbf}", "--start", "50.7305,-1.1590", "--minutes",
                           "inf"], "minutes", None, False, {}),
    ("route-minutes-negative", ["route", "{pbf}", "--start", "50.7305,-1.1590", "--minutes",
                                "-30"], "minutes", None, False, {}),
    ("route-unknown-site", ["route", "{pbf}", "--site", "w999999", "--minutes", "20"],
     "w999999", None, False, {}),
    ("support-radius-nan", ["support", "{pbf}", "--lat", "50.73", "--lon", "-1.16",
                            "--radius", "nan"], "radius", None, False, {}),
    ("support-unknown-site", ["support", "{pbf}", "--site", "w999999"], "w999999", None,
     False, {}),
    ("plan-bad-date", ["plan", "--lat", "50.73", "--lon", "-1.16", "--date", "2026-13-45",
                       "--start", "10:00", "--minutes", "60", "--conditions", "temp_c=15"],
     "YYYY-MM-DD", None, False, {}),
    ("plan-unknown-site", ["plan", "--site", "w999999", "--source", "{pbf}", "--date",
                           "2026-06-01", "--start", "10:00", "--minutes", "60",
                           "--conditions", "temp_c=15"], "w999999", None, False, {}),
    ("plan-bad-forecast", ["plan", "--lat", "50.73", "--lon", "-1.16", "--date", "2026-06-01",
                           "--start", "10:00", "--minutes", "60", "--forecast",
                           "{forecast_bad_json}"], "JSON", None, False, {}),
    ("plans-show-unknown", ["plans", "--db", "sqlite:///{dir}/plans.db", "show", "999"],
     "999", None, False, {}),
    ("directory-show-unknown", ["directory", "--db", "sqlite:///{dir}/plans.db", "show",
                                "999"], "999", None, False, {}),
    ("data-offline-nothing-cached", ["data", "get", "--la", "Atlantis", "--offline",
                                     "--quiet"], "offline", None, False, {}),
    ("data-broken-catalogue", ["data", "sources", "--catalogue", "{broken_toml}"],
     "not valid TOML", None, False, {}),
    ("access-unknown-la", ["access", "--la", "Nowhere"], "Nowhere", None, False, {}),
    ("usage-unknown-command", ["picnic"], "invalid choice", None, False, {}),
    ("usage-missing-source", ["sites"], "SOURCE", None, False, {}),
]


#: Cases that other work in progress fixes, by name, with why: expected to fail until then.
PENDING: dict[str, str] = {}


def _fill(value: str, f: dict[str, Path]) -> str:
    return value.format(**{k: str(v) for k, v in f.items()})


def _listing(f: dict[str, Path]) -> set[str]:
    return {str(p) for folder in (f["dir"], f["readonly"]) for p in folder.iterdir()}


@pytest.fixture(scope="module")
def outcomes(f, tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, list[Path]]]:
    """Every case run once, a few at a time (each is a separate process), with its own
    temporary folder; returns the process and what was left in that folder."""
    from concurrent.futures import ThreadPoolExecutor

    def one(case) -> tuple[subprocess.CompletedProcess, list[Path]]:
        name, args, _, _, unprivileged, env = case
        tmp = tmp_path_factory.mktemp(f"tmp-{name}")
        os.chmod(tmp.parent, 0o755)
        os.chmod(tmp, 0o777)
        proc = run([_fill(a, f) for a in args], env={**env, "TMPDIR": str(tmp)},
                   unprivileged=unprivileged)
        return proc, list(tmp.iterdir())

    todo = [c for c in CASES if PREFIX is not None or not c[4]]
    before = _listing(f)
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip([c[0] for c in todo], pool.map(one, todo), strict=True))
    done["_left"] = (None, sorted(_listing(f) - before))  # type: ignore[assignment]
    return done


@pytest.mark.parametrize(("name", "expect", "out", "unprivileged"),
                         [(c[0], c[2], c[3], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_broken_input_gives_one_clear_line(f, outcomes, name, expect, out, unprivileged):
    if unprivileged and PREFIX is None:
        pytest.skip("running as root without setpriv: file permissions cannot apply")
    if name in PENDING:
        pytest.xfail(PENDING[name])
    proc, left_in_tmp = outcomes[name]
    assert_clean_failure(proc, _fill(expect, f))
    if out:
        assert not Path(_fill(out, f)).exists()
    # Decompressed copies are removed; pyrosm keeps its own read cache in the temp folder.
    assert [p.name for p in left_in_tmp if p.name != "pyrosm"] == []


def test_no_partial_or_temporary_file_is_left(outcomes, f):
    pending = {Path(_fill(c[3] or "", f)).parent.name for c in CASES if c[0] in PENDING}
    left = [p for p in outcomes["_left"][1] if Path(p).name not in {"plans.db", *pending}]
    assert left == []


def test_the_inputs_are_good_where_not_broken(f, tmp_path):
    """The cases above fail for the reason they name: the same inputs, unbroken, work."""
    out = tmp_path / "access.csv"
    proc = run(["access", str(f["pbf"]), "--areas", str(f["areas_geojson"]), "--deprivation",
                str(f["iod_csv"]), "--out", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "2 areas" in proc.stdout
    proc = run(["sites", str(f["osm"]), "--out", str(tmp_path / "s.geojson")])
    assert proc.returncode == 0, proc.stderr
    assert "1 sites" in proc.stdout
    proc = run(["whatif", str(f["pbf"]), "--areas", str(f["areas_geojson"]), "--deprivation",
                str(f["iod_csv"]), "--add-site", str(f["site_geojson"])])
    assert proc.returncode == 0, proc.stderr


def test_every_sub_command_is_covered():
    from ecoplan.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    covered = {c[1][0] for c in CASES}
    assert set(sub.choices) <= covered, set(sub.choices) - covered
