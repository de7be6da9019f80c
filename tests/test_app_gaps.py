"""The Access gaps page through streamlit.testing, on the real Isle of Wight data, plus the pure
helpers behind it (what a drawing is, exports, straight-line recount, formatting)."""

from __future__ import annotations

import io
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
from ecoplan.settings import app_gaps as cfg
from ecoplan.settings.paths import shared_data_dir

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180
SHARED = shared_data_dir()
IOW_PBF = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
BOUNDS = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = SHARED / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
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
    }, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], crs=4326)


def test_straight_line_variant_recounts_lacking_from_origins():
    areas = _tiny_areas()
    origins = pd.DataFrame({
        "area_code": ["A1", "A1", "A1", "A2", "A2"],
        "share": [0.5, 0.25, 0.25, 0.5, 0.5],
        "status": ["ok", "ok", "unsnapped", "ok", "ok"],
        "walk15_any_straight_ok": [True, False, False, True, True],
        "ags_local_straight_ok": [True, True, True, True, False],
    })
    out = logic.straight_variant(areas, origins)
    # A1: measured weight 0.75, lacking = the 0.25 origin failing 15 min → 1/3.
    assert out.loc[0, "share_lacking"] == pytest.approx(1 / 3)
    assert out.loc[1, "share_lacking"] == pytest.approx(0.5)
    assert np.isnan(out.loc[2, "share_lacking"])  # outside data stays unknown
    assert out.loc[0, "share_walk15_any"] == 0.6  # the straight-line share
    assert np.isnan(logic.straight_variant(areas, None).loc[0, "share_lacking"])
    head = logic.headline(areas, origins, 3)
    assert head.loc[logic.NETWORK, "n_gaps"] == 1 and head.loc[logic.STRAIGHT, "n_gaps"] == 0


def test_exports_are_formula_safe_and_carry_attribution(tmp_path):
    table = logic.export_table(_tiny_areas(), 3)
    assert list(table["gap"]) == ["yes", "no", ""]
    csv = logic.csv_bytes(table).decode("utf-8")
    back = pd.read_csv(io.StringIO(csv))
    assert back.loc[0, "area_name"].startswith("'=")  # not run as a formula
    assert (back["attribution"] == cfg.EXPORT_ATTRIBUTION).all()
    assert "OpenStreetMap contributors" in cfg.EXPORT_ATTRIBUTION
    assert "Open Government Licence" in cfg.EXPORT_ATTRIBUTION
    path = tmp_path / "out.gpkg"
    path.write_bytes(logic.gpkg_bytes(table))
    gpkg = gpd.read_file(path, layer="access_by_area")
    assert len(gpkg) == 3 and gpkg.crs.to_epsg() == 4326
    assert set(gpkg["attribution"]) == {cfg.EXPORT_ATTRIBUTION}


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
    assert logic.fmt_stat(0.0123, "share", delta=True) == "+1.23 pp"
    assert logic.fmt_stat(-2.0, "count", delta=True) == "-2"
    assert logic.fmt_stat(float("nan"), "share") == "—"


# --- Page: empty states -----------------------------------------------------------------------


def test_without_need_data_the_page_explains_what_to_load():
    at = gaps_page_test().run()
    no_exception(at)
    info = " ".join(texts(at, "info"))
    assert "Area & data" in info and "boundaries" in info
    warn = " ".join(texts(at, "warning"))
    assert "demo area" in warn and "generic need layer" in warn


@pytest.fixture(scope="module")
def iow_need() -> state.NeedData:
    for p in (IOW_PBF, BOUNDS, FILE1, FILE6):
        require_shared(p)
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod

    res = build_areas(read_boundaries(str(BOUNDS)), load_iod(str(FILE1), str(FILE6)))
    return state.NeedData(res, (BOUNDS.name, FILE1.name, FILE6.name), "IoD2019", ())


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


def test_iow_equity_table_gap_list_and_headline(iow_page):
    at = iow_page
    no_exception(at)
    assert not at.error, texts(at, "error")
    eq = frame(at, "gaps_equity_table")
    assert list(eq["decile"]) == [str(d) for d in range(1, 10)] + ["all"]
    assert eq["areas"].iloc[-1] == 89 and eq["areas"].iloc[:-1].sum() == 89
    assert eq["within 15 min %"].between(0, 100).all()
    assert any("No areas in decile(s) 10" in t for t in texts(at, "caption"))
    gaps = frame(at, "gaps_gap_list")
    assert len(gaps) > 0 and list(gaps["rank"]) == list(range(1, len(gaps) + 1))
    assert (gaps["decile"] <= 3).all()
    assert gaps["people_lacking"].is_monotonic_decreasing
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gap areas / deprived"] == f"{len(gaps)} / {int(eq['areas'].iloc[:3].sum())}"
    head = frame(at, "gaps_headline")
    assert set(head.columns) == {"measure", logic.NETWORK, logic.STRAIGHT}
    std = frame(at, "gaps_standards")
    assert "Natural England" in " ".join(std["source"])
    assert any("Open Government Licence" in t for t in texts(at, "caption"))
    assert any("OpenStreetMap contributors" in t for t in texts(at, "caption"))


def test_straight_line_switch_changes_the_equity_table(iow_page):
    at = iow_page
    net = frame(at, "gaps_equity_table")
    at.radio(key="gaps_how").set_value(logic.STRAIGHT).run()
    no_exception(at)
    line = frame(at, "gaps_equity_table")
    assert not np.allclose(net["AGS local %"], line["AGS local %"], equal_nan=True)
    at.radio(key="gaps_how").set_value(logic.NETWORK).run()


def test_controls_step_free_slower_speed_and_other_measures(iow_page):
    at = iow_page
    before = frame(at, "gaps_equity_table")
    at.selectbox(key="gaps_speed").set_value("frail").run()
    at.toggle(key="gaps_step_free").set_value(True)
    at.selectbox(key="gaps_measure").set_value("share_ags_local")
    at.checkbox(key="gaps_show_sites").check().run()
    no_exception(at)
    assert not at.error, texts(at, "error")
    slow = frame(at, "gaps_equity_table")
    # Slower, step-free walkers: never more people within 15 minutes, some fewer.
    assert (slow["within 15 min %"] <= before["within 15 min %"] + 1e-9).all()
    assert (slow["within 15 min %"] < before["within 15 min %"] - 1e-9).any()
    assert any("2.3 km/h, step-free" in t for t in texts(at, "caption"))
    at.selectbox(key="gaps_speed").set_value("default")
    at.toggle(key="gaps_step_free").set_value(False)
    at.selectbox(key="gaps_measure").set_value("minutes_any")
    at.checkbox(key="gaps_show_sites").uncheck().run()
    assert frame(at, "gaps_equity_table").equals(before)


def test_whatif_site_changes_deprived_share_by_what_compare_computes(iow_page, iow_need,
                                                                    iow_layers):
    from ecoplan.access.measure import measure_access
    from ecoplan.access.whatif import add_site, compare, rerun
    from ecoplan.app.pages import gaps_page
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.sites.build import build_sites

    # Independent before: same inputs as the page (app builds sites with require_any=False).
    layers = iow_layers
    sites = build_sites(layers, require_any=False)
    graph = build_walk_graph(layers)
    before = measure_access(layers, sites, iow_need.areas, speed_kmh=4.8, graph=graph)
    o = before.origins
    deprived = set(before.areas.loc[before.areas["imd_decile"] <= 3, "area_code"])
    failing = o[o["area_code"].isin(deprived) & ~o["walk15_any_ok"].astype(bool)
                & (o["status"] == "ok")]
    assert len(failing), "expected deprived people beyond a 15-minute walk on the IoW"
    spot = failing.sort_values("share", ascending=False).geometry.iloc[0]
    square = gpd.GeoSeries([spot], crs=4326).to_crs(sites.crs).buffer(
        80, cap_style="square").to_crs(4326).iloc[0]  # 2.56 ha: counts for AGS local too
    expected = compare(before, rerun(before, layers, add_site(sites, layers, square, "Test park"),
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
    d = got.delta["deprived_share_walk15"]
    assert d > 0
    assert d == pytest.approx(expected.delta["deprived_share_walk15"], abs=1e-12)
    assert got.no_longer_gaps == expected.no_longer_gaps
    shown = {m.label: m for m in at.metric}["Deprived people within 15 min"]
    assert shown.delta == logic.fmt_stat(d, "share", delta=True)
    assert shown.value == logic.fmt_stat(expected.after["deprived_share_walk15"], "share")
    eq = frame(at, "gaps_whatif_equity")
    assert (eq["15 min change pp"] >= -1e-9).all()
    assert "Test park" in at.session_state[gaps_page.WHATIF].label


def test_whatif_entrance_into_the_nearest_site_of_the_top_gap(iow_page):
    from ecoplan.app.pages import gaps_page

    at = iow_page
    gaps = frame(at, "gaps_gap_list")
    sid = next(s for s in gaps["nearest_site_id"] if isinstance(s, str) and s)
    at.selectbox(key="gaps_entrance_site").set_value(sid).run()
    at.button(key="gaps_entrance_run").click().run()  # the suggested point on its edge
    no_exception(at)
    assert not at.error, texts(at, "error")
    assert at.session_state[gaps_page.WHATIF].label.startswith(f"extra entrance into site {sid}")
    delta = at.session_state[gaps_page.COMPARE].delta
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
