"""The Area & data page with broken, hostile and oversized uploads: each ends in one message in
the page — never a traceback — and the area or need data in use stays as it was."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import zipfile

import geopandas as gpd
import osmium
import pytest
from hostile import BOUNDS, HOSTILE, check_page, plain, write_hostile_osm
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from ecoplan.app import state
from ecoplan.settings import limits

TIMEOUT = 180
MB = 1 << 20


def _page() -> AppTest:
    return AppTest.from_string("from ecoplan.app.pages import area_page\narea_page.render()\n",
                               default_timeout=TIMEOUT).run()


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uploads")
    xml = write_hostile_osm(folder / "area.osm")
    pbf = folder / "area.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    return {"xml": xml.read_bytes(), "pbf": pbf.read_bytes()}


def _bomb(compress, head: bytes, line: bytes, mb: int = 8) -> bytes:
    """Compressed bytes expanding to ``mb`` MB (small enough to build in memory)."""
    return compress(head + line * (mb * MB // len(line)))


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


OSM_CASES = {
    "text-as-pbf": ("area.osm.pbf", lambda a: b"not a pbf " * 50, "does not look like"),
    "truncated-pbf": ("area.osm.pbf", lambda a: _half(a["pbf"]), "truncated"),
    "empty": ("area.osm", lambda a: b"", "empty"),
    "not-bzip2": ("area.osm.bz2", lambda a: a["xml"], "does not look like a bzip2"),
    "truncated-gz": ("area.osm.gz", lambda a: _half(gzip.compress(a["xml"] * 20)),
                     "truncated"),
    "bad-xml": ("area.osm", lambda a: a["xml"][:300], "not valid OSM XML"),
    "bz2-bomb": ("area.osm.bz2",
                 lambda a: _bomb(bz2.compress, b"<osm version='0.6'>", b"<!-- x -->\n"),
                 "expands to more than 1 MB"),
}


@pytest.mark.parametrize("name,make,message", OSM_CASES.values(), ids=OSM_CASES.keys())
def test_broken_osm_uploads_keep_the_area(area, monkeypatch, name, make, message):
    monkeypatch.setenv(limits.ENV_VAR, "1")
    at = _page()
    at.file_uploader(key="area_osm_upload").set_value(
        (name, make(area), "application/octet-stream")).run()
    at.button(key="area_load_upload").click().run()
    check_page(at)
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and message in errors[0], errors
    assert state.source(at.session_state) == "demo"


def test_a_valid_pbf_with_a_very_long_name_loads(area):
    at = _page()
    name = "isle-of-wight-" * 12 + "extract.osm.pbf"
    at.file_uploader(key="area_osm_upload").set_value(
        (name, area["pbf"], "application/octet-stream")).run()
    at.button(key="area_load_upload").click().run()
    check_page(at)
    assert not at.error, [e.value for e in at.error]
    assert state.source(at.session_state).endswith(".osm.pbf")


def _areas() -> gpd.GeoDataFrame:
    w, s, e, n = BOUNDS
    mid = (w + e) / 2
    return gpd.GeoDataFrame({"LSOA11CD": ["E01999991", "E01999992"],
                             "LSOA11NM": [HOSTILE, "East"]},
                            geometry=[box(w, s, mid, n), box(mid, s, e, n)], crs=4326)


HEADER = ('"LSOA code (2011)","LSOA name (2011)","Local Authority District code (2019)",'
          '"Local Authority District name (2019)","Index of Multiple Deprivation (IMD) Rank",'
          '"Index of Multiple Deprivation (IMD) Decile"\n')
GOOD_IOD = (HEADER + "E01999991,West,E06000046,IoW,1200,1\n"
            "E01999992,East,E06000046,IoW,30000,10\n").encode()


def _bng() -> bytes:
    data = json.loads(_areas().to_crs(27700).to_json())
    data.pop("crs", None)
    return json.dumps(data).encode()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("areas.geojson", b" " * (8 * MB))
    return buf.getvalue()


NEED_CASES = {
    "bng-without-crs": (("areas.geojson", _bng), ("iod.csv", lambda: GOOD_IOD),
                        "cannot be degrees"),
    "broken-geojson": (("areas.geojson", lambda: b'{"type": "FeatureCollection", "f'),
                       ("iod.csv", lambda: GOOD_IOD), "could not be read"),
    "zip-bomb": (("areas.zip", _zip_bomb), ("iod.csv", lambda: GOOD_IOD),
                 "expands to more than 1 MB"),
    "iod-elsewhere": (("areas.geojson", lambda: _areas().to_json().encode()),
                      ("iod.csv", lambda: (HEADER + "E01000001,Town,E09000001,London,5,1\n")
                       .encode()), "None of the 2 area codes matches"),
    "iod-gz-bomb": (("areas.geojson", lambda: _areas().to_json().encode()),
                    ("iod.csv.gz", lambda: _bomb(gzip.compress, HEADER.encode(),
                                                 b"E01999991,West,E06000046,IoW,1200,1\n")),
                    "expands to more than 1 MB"),
    "iod-truncated-gz": (("areas.geojson", lambda: _areas().to_json().encode()),
                         ("iod.csv.gz", lambda: _half(gzip.compress(GOOD_IOD * 500))),
                         "truncated"),
    "iod-header-only": (("areas.geojson", lambda: _areas().to_json().encode()),
                        ("iod.csv", lambda: HEADER.encode()), "no rows"),
    "iod-infinite-rank": (("areas.geojson", lambda: _areas().to_json().encode()),
                          ("iod.csv", lambda: (HEADER + "E01999991,W,E06000046,IoW,inf,1\n")
                           .encode()), "infinite"),
}


@pytest.mark.parametrize("bounds,iod,message", NEED_CASES.values(), ids=NEED_CASES.keys())
def test_broken_need_uploads_leave_no_need_data(monkeypatch, bounds, iod, message):
    monkeypatch.setenv(limits.ENV_VAR, "1")
    at = _page()
    at.file_uploader(key="need_boundaries").set_value(
        (bounds[0], bounds[1](), "application/octet-stream"))
    at.file_uploader(key="need_iod").set_value([(iod[0], iod[1](), "text/csv")]).run()
    at.button(key="need_load").click().run()
    check_page(at)
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and message in errors[0], errors
    assert state.need(at.session_state) is None


def test_good_need_upload_loads(monkeypatch):
    at = _page()
    at.file_uploader(key="need_boundaries").set_value(
        ("areas.geojson", _areas().to_json().encode(), "application/geo+json"))
    at.file_uploader(key="need_iod").set_value([("iod.csv", GOOD_IOD, "text/csv")]).run()
    at.button(key="need_load").click().run()
    check_page(at)
    assert not at.error, [e.value for e in at.error]
    assert len(state.need(at.session_state).areas.areas) == 2


def test_generic_layer_with_infinite_need_is_refused():
    gdf = _areas().assign(score=[float("inf"), 3.0])
    at = _page()
    at.file_uploader(key="need_generic_file").set_value(
        ("need.geojson", gdf.to_json().encode(), "application/geo+json")).run()
    at.text_input(key="need_generic_id").set_value("LSOA11CD")
    at.text_input(key="need_generic_value").set_value("score")
    at.button(key="need_generic_load").click().run()
    check_page(at)
    errors = [plain(e.value) for e in at.error]
    assert errors and "infinite" in errors[0], errors
    assert state.need(at.session_state) is None
