"""The Access gaps page through streamlit.testing, on the real Isle of Wight data, plus the pure
helpers behind it (what a drawing is, exports, straight-line recount, formatting)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box, mapping
from streamlit.testing.v1 import AppTest

from ecoplan.app import gaps_logic as logic
from ecoplan.app import state
from ecoplan.errors import AreaError
from ecoplan.settings.paths import shared_data_dir

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180
SHARED = shared_data_dir()
IOW_PBF = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
BOUNDS = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE2 = SHARED / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
FILE6 = SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
PAGE = "from ecoplan.app.pages import gaps_page\ngaps_page.render()\n"


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (see ../shared/data/README.md)")
    return path


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def gaps_page_test() -> AppTest:
    return AppTest.from_string(PAGE, default_timeout=TIMEOUT)


#: A column only that table has (st.dataframe keys are not exposed by AppTest).
MARKER = {"gaps_equity_table": "gap areas", "gaps_gap_list": "rank",
          "gaps_headline": "measure", "gaps_standards": "standard",
          "gaps_whatif_equity": "15 min change pp"}


def frame(at: AppTest, key: str) -> pd.DataFrame:
    for d in at.dataframe:
        if MARKER[key] in d.value.columns:
            return d.value
    raise AssertionError(f"no dataframe {key!r}")


# --- Pure helpers -----------------------------------------------------------------------------


def test_drawn_feature_ignores_clicks_on_areas_sites_and_the_whatif_overlay():
    square = mapping(box(-1.3, 50.7, -1.29, 50.71))
    area_click = {"last_active_drawing": {"type": "Feature", "geometry": square,
                                          "properties": {"area_id": "E01017345", "tooltip": "x"}}}
    assert logic.drawn_feature(area_click) is None
    site_click = {"last_active_drawing": {"geometry": square, "properties": {"site_id": "w1"}}}
    assert logic.drawn_feature(site_click) is None
    overlay = {"last_active_drawing": {"geometry": square, "properties": {"whatif": True}}}
    assert logic.drawn_feature(overlay) is None
    point = {"last_active_drawing": {"geometry": {"type": "Point", "coordinates": [0, 0]},
                                     "properties": {}}}
    assert logic.drawn_feature(point) is None
    # A drawing in all_drawings wins even if the last click was on an area.
    drawn = {**area_click, "all_drawings": [{"type": "Feature", "properties": {},
                                             "geometry": square}]}
    feat = logic.drawn_feature(drawn)
    assert feat is not None and feat["geometry"]["type"] == "Polygon"
    assert logic.polygon_from_feature(feat).equals(box(-1.3, 50.7, -1.29, 50.71))
    assert logic.drawn_feature(None) is None


def test_polygon_from_feature_rejects_points_and_garbage():
    with pytest.raises(AreaError, match="polygon"):
        logic.polygon_from_feature({"geometry": {"type": "Point", "coordinates": [1, 2]}})
    with pytest.raises(AreaError, match="could not be read"):
        logic.polygon_from_feature({"geometry": {"type": "Polygon", "coordinates": "nope"}})


def test_speed_choices_cover_every_preset_and_custom():
    assert logic.speed_for("frail") == "frail"
    assert logic.speed_for(logic.CUSTOM, 3.3) == 3.3
    with pytest.raises(AreaError):
        logic.speed_for(logic.CUSTOM, None)
    assert logic.speed_label("natural-england") == "natural england (4 km/h)"


def _tiny_areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "area_code": ["A1", "A2", "A3"], "area_name": ["=HYPERLINK(\"x\")", "Two", None],
        "population": [100.0, 300.0, np.nan], "imd_decile": [1.0, 5.0, np.nan],
        "imd_rank": [1.0, 5.0, np.nan], "imd_score": [1.0, 1.0, np.nan],
        "need_source": ["IoD2019"] * 3,
        "minutes_any": [20.0, 5.0, np.nan], "share_walk15_any": [0.2, 1.0, np.nan],
        "share_walk15_any_straight": [0.6, 1.0, np.nan],
        "share_ags_local": [0.0, 1.0, np.nan], "share_ags_local_straight": [1.0, 1.0, np.nan],
        "share_lacking": [1.0, 0.0, np.nan], "share_unreachable": [0.0, 0.0, np.nan],
        "share_unsnapped": [0.0, 0.0, np.nan], "nearest_site_id": ["w1", "w2", None],
        "nearest_site_name": ["", "Park", None], "status": ["ok", "ok", "outside data"],
        "share_walk10_any": [0.2, 1.0, np.nan], "share_park10": [0.1, 0.4, np.nan],
        "minutes_large": [12.0, 5.0, np.nan], "minutes_park": [14.0, 11.0, np.nan],
        "share_walk15_any_incl_unknown": [0.9, 1.0, np.nan],
        "share_walk10_any_incl_unknown": [0.9, 1.0, np.nan],
        "share_park10_incl_unknown": [0.9, 1.0, np.nan],
        "minutes_large_incl_unknown": [5.0, 5.0, np.nan],
        "minutes_park_incl_unknown": [5.0, 5.0, np.nan],
        "share_inside_data": [1.0, 0.9, 0.0], "partial": [False, False, True],
    }, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], crs=4326)


def test_exports_are_formula_safe_and_carry_attribution(tmp_path):
    table = logic.export_table(_tiny_areas(), 3)
    assert list(table["deprived"]) == ["yes", "no", ""]
    assert list(table["partial"]) == ["no", "no", "yes"]
    assert list(table["priority_tier"].astype(object).fillna(0)) == [1, 3, 0]
    csv = logic.csv_bytes(table).decode("utf-8")
    back = pd.read_csv(io.StringIO(csv))
    assert back.loc[0, "area_name"].startswith("'=")  # not run as a formula
    notice = back.loc[0, "attribution"]
    assert (back["attribution"] == notice).all()
    # IoD need: OSM's notice and the OGL notices of the IoD and ONS's boundaries
    assert "OpenStreetMap contributors" in notice and "(ODbL)" in notice
    assert "Open Government Licence v3.0" in notice and "Office for National Statistics" in notice
    path = tmp_path / "out.gpkg"
    path.write_bytes(logic.gpkg_bytes(table))
    gpkg = gpd.read_file(path, layer="access_by_area")
    assert len(gpkg) == 3 and gpkg.crs.to_epsg() == 4326
    assert set(gpkg["attribution"]) == {notice}


def test_map_values_and_formatting():
    areas = _tiny_areas()
    m = logic.measures()
    vals, label = logic.map_values(areas, m["share_walk15_any"], straight=True)
    assert list(vals[:2]) == [60.0, 100.0] and label.endswith("(straight line)")
    vals, label = logic.map_values(areas, m["minutes_any"], straight=True)
    assert vals.iloc[0] == 20.0 and "network" in label  # minutes have no straight variant
    tips = logic.tooltip_labels(areas)
    assert tips.iloc[1] == "Two (A2) · decile 5 · population 300"
    assert tips.iloc[2] == "A3 · decile unknown · population unknown"
    vals, label = logic.map_values(areas, m["priority_tier"], straight=False, deciles=3)
    assert list(vals.fillna(0)) == [1, 3, 0] and "Priority tier" in label


# --- Page: empty states -----------------------------------------------------------------------


def test_without_need_data_the_page_explains_what_to_load():
    at = gaps_page_test().run()
    no_exception(at)
    info = " ".join(texts(at, "info"))
    assert "Area & data" in info and "boundaries" in info
    warn = " ".join(texts(at, "warning"))
    assert "demo area" in warn and "generic need layer" in warn
    # Issue 14, the demo: what can honestly be shown without need data.
    homes = _table_by_marker(at, "measure")
    assert list(homes["measure"]) == [
        "15-minute walk to green or blue space", "10-minute walk to green or blue space",
        "10-minute walk to a park", "mean walk to the nearest green or blue space",
        "mean walk to the nearest park"]
    assert homes.iloc[0, 1].endswith("%") and homes.iloc[3, 1].endswith("min")
    cap = " ".join(texts(at, "caption"))
    assert "mapped homes" in cap and "deprivation overlays need IoD files" in cap


@pytest.fixture(scope="module")
def iow_need() -> state.NeedData:
    for p in (IOW_PBF, BOUNDS, FILE2, FILE6):
        require_shared(p)
    from ecoplan.need.load import load_need_areas

    # The very loader and files `ecoplan access --areas … --deprivation … --population …` use.
    res = load_need_areas(str(BOUNDS), (str(FILE2),), population=str(FILE6))
    return state.NeedData(res, (BOUNDS.name, FILE2.name, FILE6.name), "IoD2019", ())


def test_need_data_outside_the_osm_area_is_explained(iow_need):
    at = gaps_page_test()
    at.session_state[state.NEED] = iow_need  # Isle of Wight areas, demo (Helsinki) map data
    at.run()
    no_exception(at)
    assert any("lie in the OpenStreetMap area in use" in t for t in texts(at, "warning"))


# --- Page: the Isle of Wight ------------------------------------------------------------------


@pytest.fixture(scope="module")
def iow_page(iow_need) -> AppTest:
    at = gaps_page_test()
    at.session_state[state.SOURCE] = str(IOW_PBF)
    at.session_state[state.NEED] = iow_need
    return at.run()


def _cli(*args: str) -> str:
    cmd = [sys.executable, "-m", "ecoplan.cli", *args, str(IOW_PBF), "--areas", str(BOUNDS),
           "--deprivation", str(FILE2), "--population", str(FILE6)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    return out.stdout


def _table_by_marker(at: AppTest, column: str, nth: int = 0) -> pd.DataFrame:
    hits = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(hits) > nth, f"no table with column {column!r}"
    return hits[nth]


def test_iow_app_shows_exactly_what_the_cli_prints(iow_page):
    """Issue 11 point 2: headline, equity and priority figures, string for string."""
    from ecoplan.access.summary import WAYS, way_name

    at = iow_page
    no_exception(at)
    assert not at.error, texts(at, "error")
    # --no-cache: the CLI measures again by itself, so equal strings are not one cache entry.
    access_out = _cli("access", "--no-cache")
    head = _table_by_marker(at, way_name("all", "straight"))
    assert len(head) >= 14
    for _, row in head.iterrows():
        line = f"  {row['measure']}: " + " | ".join(row[way_name(v, h)] for v, h in WAYS)
        assert line in access_out.splitlines(), line
    tiers = _table_by_marker(at, "deprived in tier 1")
    for _, row in tiers.iterrows():
        assert (f"priority tiers ({row['access']}): tier 1 {row['tier 1']}, tier 2 "
                f"{row['tier 2']}, tier 3 {row['tier 3']} areas") in access_out
    gaps_out = _cli("gaps", "--top", "1000", "--no-cache")
    eq = _table_by_marker(at, "park within 10 min")
    assert eq.to_string(index=False) in gaps_out
    assert list(eq["decile"]) == [str(d) for d in range(1, 10)] + ["all"]
    for v in ("confirmed", "all"):
        pr = _table_by_marker(at, "people without a park ≤10 min", 0 if v == "confirmed" else 1)
        assert pr.to_string(index=False) in gaps_out


def test_iow_confirmed_never_exceeds_including_unknown(iow_page):
    from ecoplan.access.summary import way_name

    head = _table_by_marker(iow_page, way_name("all", "straight"))
    shares = head[head["measure"].str.contains("walk|AGS|ANGSt|WHO") &
                  head[way_name("confirmed", "network")].str.endswith("%")]
    for _, row in shares.iterrows():
        for how in ("network", "straight"):
            c = float(row[way_name("confirmed", how)].rstrip(" %"))
            a = float(row[way_name("all", how)].rstrip(" %"))
            assert c <= a + 1e-9, row["measure"]


def test_iow_variant_switch_and_straight_line(iow_page):
    at = iow_page
    net = _table_by_marker(at, "park within 10 min").copy()
    at.radio(key="gaps_how").set_value(logic.STRAIGHT).run()
    no_exception(at)
    line = _table_by_marker(at, "park within 10 min").copy()
    assert not net.equals(line)
    at.radio(key="gaps_how").set_value(logic.NETWORK).run()
    at.radio(key="gaps_variant").set_value("all").run()
    no_exception(at)
    assert _table_by_marker(at, "park within 10 min").equals(net)  # tables show both anyway
    at.radio(key="gaps_variant").set_value("confirmed").run()


@pytest.fixture(scope="module")
def iow_before(iow_need, iow_layers):
    """An independent 'before', from the same inputs as the page."""
    from ecoplan.access.measure import measure_access
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.sites.build import build_sites

    sites = build_sites(iow_layers, require_any=False)
    graph = build_walk_graph(iow_layers)
    before = measure_access(iow_layers, sites, iow_need.areas, speed_kmh=4.8, graph=graph)
    return sites, graph, before


def test_whatif_site_shows_what_compare_computes(iow_page, iow_before, iow_layers):
    from ecoplan.access.whatif import add_site, compare, rerun, whatif_summary
    from ecoplan.app.pages import gaps_page

    sites, graph, before = iow_before
    o = before.origins
    deprived = set(before.areas.loc[before.areas["imd_decile"] <= 3, "area_code"])
    failing = o[o["area_code"].isin(deprived) & ~o["walk15_any_ok"].astype(bool)
                & (o["status"] == "ok")]
    assert len(failing), "expected deprived people beyond a 15-minute walk on the IoW"
    spot = failing.sort_values("share", ascending=False).geometry.iloc[0]
    square = gpd.GeoSeries([spot], crs=4326).to_crs(sites.crs).buffer(
        80, cap_style="square").to_crs(4326).iloc[0]  # 2.56 ha: counts for AGS local too
    expected = compare(before, rerun(before, iow_layers,
                                     add_site(sites, iow_layers, square, "Test park"),
                                     graph=graph))

    at = iow_page
    # The same path as a drawing on the map: st_folium's result → drawn_feature → session.
    out = {"last_active_drawing": None,
           "all_drawings": [{"type": "Feature", "properties": {}, "geometry": mapping(square)}]}
    at.session_state[gaps_page.DRAWN] = logic.drawn_feature(out)
    at.run()
    at.text_input(key="gaps_whatif_name").set_value("Test park")
    at.button(key="gaps_whatif_run").click().run()
    no_exception(at)
    assert not at.error, texts(at, "error")
    got = at.session_state[gaps_page.COMPARE]
    for v in ("confirmed", "all"):
        d = got.delta(v)["deprived_share_walk15"]
        assert d > 0  # a new public park counts both ways
        assert d == pytest.approx(expected.delta(v)["deprived_share_walk15"], abs=1e-12)
    shown = _table_by_marker(at, "change")
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), whatif_summary(expected))
    assert "Test park" in at.session_state[gaps_page.WHATIF].label
    at.button(key="gaps_whatif_clear").click().run()


def test_whatif_entrance_into_the_nearest_site_of_the_top_gap(iow_page, iow_before):
    from ecoplan.access.priorities import priority_list
    from ecoplan.access.variants import view
    from ecoplan.app.pages import gaps_page

    _, _, before = iow_before
    gaps = priority_list(view(before.table()), deciles=3)
    sid = next(s for s in gaps["nearest_site_id"] if isinstance(s, str) and s)
    at = iow_page
    at.selectbox(key="gaps_entrance_site").set_value(sid).run()
    at.button(key="gaps_entrance_run").click().run()  # the suggested point on its edge
    no_exception(at)
    assert not at.error, texts(at, "error")
    assert at.session_state[gaps_page.WHATIF].label.startswith(f"extra entrance into site {sid}")
    for v in ("confirmed", "all"):
        delta = at.session_state[gaps_page.COMPARE].delta(v)
        assert delta["deprived_share_walk15"] >= -1e-12  # a new gate never lengthens a walk
        assert delta["deprived_mean_minutes"] <= 1e-9


def test_whatif_entrance_far_from_the_site_is_a_clear_error(iow_page):
    at = iow_page
    sid = at.selectbox(key="gaps_entrance_site").value
    at.number_input(key=f"gaps_entrance_lon_{sid}").set_value(-1.0)
    at.number_input(key=f"gaps_entrance_lat_{sid}").set_value(50.0)
    at.button(key="gaps_entrance_run").click().run()
    no_exception(at)
    assert any("from site" in t for t in texts(at, "error")), texts(at, "error")


def test_app_registers_the_access_gaps_page():
    from ecoplan.app import ui

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    no_exception(at)
    assert "gaps" in ui.PAGES and ui.PAGES["gaps"].title == "Access gaps"


def test_entrance_default_lies_on_the_site_edge():
    from ecoplan.app.pages.gaps_page import _entrance_default

    class R:  # minimal AccessResult stand-in: no gaps → nearest edge point to the site itself
        areas = _tiny_areas().iloc[1:2]

        @staticmethod
        def table():
            return pd.DataFrame(_tiny_areas().iloc[1:2].drop(columns="geometry"))

    site = box(0, 0, 1, 1)
    lon, lat = _entrance_default(site, R(), 3)
    assert site.boundary.distance(Point(lon, lat)) < 1e-6


def test_the_nearest_site_of_a_gap_is_named_as_the_sites_page_lists_it(iow_page):
    """Half the island's areas have an unnamed nearest site: shown as "Wood near Ryde" (its
    description on the Sites page), not "Unnamed site"."""
    at = iow_page
    texts = [m.value for m in at.markdown if m.value.startswith("Nearest site for ")]
    assert texts and "Unnamed site" not in texts[0]
    for i in range(min(12, len(at.selectbox(key="gaps_pick_area").options))):
        at.selectbox(key="gaps_pick_area").select_index(i).run()
        text = next(m.value for m in at.markdown if m.value.startswith("Nearest site for "))
        assert "Unnamed site" not in text, text


def test_choose_this_site_outlines_the_gap_area_on_the_sites_map(iow_page):
    """Issue 14: "Choose this site" from a gap selects the site and hands its area to the
    Sites map (outline + zoom), not only the site id."""
    from ecoplan.app import site_map

    at = iow_page
    at.button(key="gaps_choose_site").click().run()
    no_exception(at)
    code = at.selectbox(key="gaps_pick_area").value
    focus = at.session_state[site_map.FOCUS_KEY]
    assert focus["label"].startswith("Gap area: ")
    west, south, east, north = focus["bounds"]
    assert -1.65 < west < east < -1.0 and 50.5 < south < north < 50.8  # an island LSOA
    assert focus["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert at.session_state[state.SELECTED_SITE], f"no site chosen for {code}"
