"""Access gaps page: who is deprived *and* cannot walk to green or blue space, and what a new
site or gate would change.

Needs need data (boundaries + deprivation, or a generic need layer) from the *Area & data*
page and an OSM area covering it. Shows a choropleth of the chosen measure (deprived areas
outlined), headline numbers along the walking network and in a straight line, the equity table
by decile (chart + table), the ranked gap list, the standards with their sources, a what-if
(draw a site, or add an entrance to an existing one) and CSV / GeoPackage downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops
import streamlit as st
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from ecoplan.access.gaps import gap_list
from ecoplan.access.measure import AccessResult
from ecoplan.access.speeds import resolve_speed
from ecoplan.access.whatif import WhatIfComparison, add_entrance, add_site, compare, rerun
from ecoplan.app import data, gaps_data, maps, state, ui
from ecoplan.app import gaps_logic as logic
from ecoplan.errors import EcoplanError
from ecoplan.settings import access as access_cfg
from ecoplan.settings import app as app_cfg
from ecoplan.settings import app_gaps as cfg
from ecoplan.settings import network as net_cfg

MAP_KEY = "gaps_map"
#: Session keys owned by this page.
DRAWN = "gaps.drawn"  # GeoJSON feature of the polygon drawn for a what-if (or None)
CLICKS = "gaps.clicks"  # corners clicked when Leaflet.draw is not available
WHATIF = "gaps.whatif"  # WhatIf: the last what-if run
COMPARE = "gaps.compare"  # WhatIfComparison of that run at the current cut-off
NEED_KEY = "gaps._need_key"  # (NeedData, digest) so the digest is computed once per load
_LAST_CLICK = "gaps._last_click"

EMPTY_SITES = "No green space found in this area — try a larger area."


@dataclass(frozen=True)
class WhatIf:
    """A what-if run: what was added, the re-measured result, and the inputs it belongs to."""

    context: tuple  # (source, need digest, speed, step-free) it was measured with
    label: str
    after: AccessResult
    geometry: BaseGeometry | None  # a drawn site (for the map), None for an entrance
    name: str


# --- Empty states ----------------------------------------------------------------------------


def _empty_state(source: str) -> None:
    st.info("**No deprivation or need data loaded yet.** Access gaps are areas that are "
            "deprived *and* lack a walk to green or blue space, so this page needs area "
            "boundaries with a need value per area. On **Area & data**, load area boundaries "
            "(e.g. ONS LSOA boundaries) with English Indices of Deprivation files (IoD 2019 "
            "File 1 or 2, plus File 6 for population; or IoD 2025), or any polygon layer with "
            "a need value as a *generic need layer*.")
    if source == "demo":
        st.warning("The built-in demo area (central Helsinki) has no English Indices of "
                   "Deprivation. To try gaps there, load a **generic need layer** on Area & "
                   "data: any polygon layer of the area with an id column and a need value "
                   "(e.g. districts with an income or health measure; you say whether higher "
                   "means more need). For England, load an OSM extract with LSOA boundaries "
                   "and IoD files instead.")
    ui.page_link("area", "Go to Area & data to load need data", icon=":material/map:")


def _need_key(nd: state.NeedData) -> str:
    held = st.session_state.get(NEED_KEY)
    if isinstance(held, tuple) and held[0] is nd:
        return held[1]
    key = logic.areas_digest(nd.areas.areas)
    st.session_state[NEED_KEY] = (nd, key)
    return key


# --- Controls --------------------------------------------------------------------------------


def _controls() -> tuple[float, bool, int, logic.Measure, bool, bool]:
    c1, c2, c3 = st.columns([2, 1.3, 2])  # wide enough for the step-free label
    choice = c1.selectbox("Walking speed", logic.SPEED_CHOICES, key="gaps_speed",
                          format_func=logic.speed_label,
                          help="Presets: planning default 4.8 km/h; Natural England 4.0 "
                               "(1 km ≈ 15 min); older adults 3.0; frail 2.3.")
    custom = None
    if choice == logic.CUSTOM:
        custom = c1.number_input("Custom walking speed (km/h)", min_value=net_cfg.MIN_SPEED_KMH,
                                 max_value=net_cfg.MAX_SPEED_KMH,
                                 value=net_cfg.DEFAULT_SPEED_KMH, step=0.1,
                                 key="gaps_speed_custom")
    speed = resolve_speed(logic.speed_for(choice, custom))
    step_free = c2.toggle("Step-free routes only", key="gaps_step_free",
                          help="Avoid steps, stiles and kissing gates (wheelchairs, "
                               "pushchairs, frail walkers).")
    deciles = c3.slider("Deprived = deprivation decile up to", 1, 10,
                        access_cfg.DEFAULT_DEPRIVED_DECILES, key="gaps_deciles",
                        help="Decile 1 = the most deprived 10 % of areas; 3 = the most "
                             "deprived 30 % (the default).")
    options = logic.measures()
    c4, c5, c6 = st.columns([3, 2, 1])
    key = c4.selectbox("Measure on the map", list(options), key="gaps_measure",
                       format_func=lambda k: options[k].label)
    how = c5.radio("Distance", [logic.NETWORK, logic.STRAIGHT], horizontal=True,
                   key="gaps_how", help="Standards are written as straight-line distances; "
                   "ecoplan measures along paths too. Minutes are always along the network.")
    show_sites = c6.checkbox("Show sites", key="gaps_show_sites")
    return speed, step_free, int(deciles), options[key], how == logic.STRAIGHT, show_sites


# --- Sections --------------------------------------------------------------------------------


def _pct(v: float) -> str:
    return "—" if v is None or pd.isna(v) else f"{100 * v:.1f} %"


def _headline(result: AccessResult, deciles: int) -> None:
    areas = result.table()
    head = logic.headline(areas, result.origins, deciles)
    net, line = head.loc[logic.NETWORK], head.loc[logic.STRAIGHT]
    n_dep = int(sum(logic.deprived_mask(areas, deciles)))
    c = st.columns(4)
    c[0].metric("Within 15 min: everyone", _pct(net["share_walk15"]),
                help="Share of all people within a 15-minute walk of green or blue space. "
                     f"Straight line: {_pct(line['share_walk15'])}")
    c[1].metric("AGS local: everyone", _pct(net["share_local"]),
                help="Share of all people with 2 ha of green space within 300 m. "
                     f"Straight line: {_pct(line['share_local'])}")
    c[2].metric("Within 15 min: deprived", _pct(net["deprived_share_walk15"]),
                help=f"People in deprived areas (decile ≤ {deciles}). "
                     f"Straight line: {_pct(line['deprived_share_walk15'])}")
    c[3].metric("Gap areas / deprived", f"{int(net['n_gaps'])} / {n_dep}",
                help=f"Deprived areas failing the 15-minute or AGS local standard. "
                     f"Straight line: {int(line['n_gaps'])}")
    table = pd.DataFrame({
        "measure": ["Everyone within a 15-min walk", "Everyone meeting AGS local",
                    f"Deprived (decile ≤ {deciles}) within 15 min",
                    "Deprived meeting AGS local", "Gap areas", "People in gap areas"],
        logic.NETWORK: [_pct(net["share_walk15"]), _pct(net["share_local"]),
                        _pct(net["deprived_share_walk15"]), _pct(net["deprived_share_local"]),
                        f"{int(net['n_gaps'])}", f"{net['gap_population']:,.0f}"],
        logic.STRAIGHT: [_pct(line["share_walk15"]), _pct(line["share_local"]),
                         _pct(line["deprived_share_walk15"]),
                         _pct(line["deprived_share_local"]), f"{int(line['n_gaps'])}",
                         f"{line['gap_population']:,.0f}"],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="gaps_headline")
    st.caption(f"Walking {result.speed_kmh:g} km/h"
               + (", step-free routes only" if result.step_free else "")
               + f". An area is a gap when it is deprived and fewer than "
               f"{access_cfg.AREA_MEETS_SHARE:.0%} of its people meet the 15-minute or the "
               "AGS local standard. Straight-line figures are what the standards are written "
               "against; along the network is what people actually walk.")


def _map_frame(result: AccessResult, measure: logic.Measure, straight: bool,
               deciles: int) -> gpd.GeoDataFrame:
    areas = result.areas
    values, label = logic.map_values(areas, measure, straight)
    frame = gpd.GeoDataFrame({"value": values.to_numpy(),
                              "tip": logic.tooltip_labels(areas).to_numpy(),
                              "deprived": logic.deprived_mask(areas, deciles)},
                             geometry=areas.geometry.to_numpy(), crs=areas.crs)
    frame.attrs["label"] = label
    return frame


def _map(source: str, need_key: str, layers: Any, built: Any, result: AccessResult,
         measure: logic.Measure, straight: bool, deciles: int, show_sites: bool,
         whatif: WhatIf | None) -> Mapping[str, Any] | None:
    frame = _map_frame(result, measure, straight, deciles)
    label = frame.attrs["label"]
    over = (whatif.geometry, whatif.name) if whatif and whatif.geometry is not None else None
    map_key = "|".join(map(str, (source, need_key, result.speed_kmh, result.step_free,
                                 measure.key, straight, deciles, show_sites,
                                 over[0].wkt if over else "", over[1] if over else "")))
    m, has_draw = gaps_data.gaps_map(map_key, _layers=layers, _areas=frame,
                                     _sites=built.sites if show_sites else None,
                                     _whatif=over, label=label,
                                     style=logic.map_style(measure), draw=True)
    returned = ["last_active_drawing", "all_drawings"]
    if not has_draw:
        returned.append("last_clicked")
    out = st_folium(m, key=MAP_KEY, height=app_cfg.MAP_HEIGHT_PX, use_container_width=True,
                    returned_objects=returned)
    st.caption("Thick black outline = deprived area (decile ≤ "
               f"{deciles}). Hatched grey = no data. Hover an area for its name, decile, "
               "population and value. " + ui.source_caption(layers))
    _remember_drawing(out, has_draw)
    return out


def _remember_drawing(out: Mapping[str, Any] | None, has_draw: bool) -> None:
    feat = logic.drawn_feature(out)
    if feat is not None:
        st.session_state[DRAWN] = feat
    if not has_draw and out:
        click = out.get("last_clicked")
        if isinstance(click, Mapping) and click != st.session_state.get(_LAST_CLICK):
            st.session_state[_LAST_CLICK] = click
            st.session_state.setdefault(CLICKS, []).append(
                {"lat": float(click["lat"]), "lng": float(click["lng"])})


def _equity(result: AccessResult, deciles: int, straight: bool) -> None:
    eq = logic.equity_for(result.table(), result.origins, deciles, straight)
    how = logic.STRAIGHT if straight else logic.NETWORK
    st.subheader("Equity by deprivation decile")
    long = logic.equity_long(eq)
    if long["percent"].notna().any():
        order = [str(d) for d in range(1, 11)]
        chart = alt.Chart(long).mark_bar().encode(
            x=alt.X("decile:N", sort=order, title="Deprivation decile (1 = most deprived)",
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("standard:N"),
            y=alt.Y("percent:Q", title=f"% of people meeting ({how})",
                    scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("standard:N", title="Standard", scale=alt.Scale(
                domain=["15-minute walk", "AGS local"],
                range=[app_cfg.OKABE_ITO["blue"], app_cfg.OKABE_ITO["orange"]])),
            tooltip=["decile", "standard", alt.Tooltip("percent:Q", format=".1f")],
        ).properties(height=280)
        st.altair_chart(chart, width="stretch")
    notes = list(eq.attrs.get("warnings", []))
    empty = [str(d) for d, n in zip(eq["decile"], eq["n_areas"], strict=True) if n == 0]
    eq = eq[(eq["n_areas"] > 0) | (eq["decile"] == "all")]
    table = pd.DataFrame({
        "decile": eq["decile"].astype(str), "areas": eq["n_areas"],
        "population": eq["population"],
        "within 15 min %": 100 * eq["share_walk15"], "AGS local %": 100 * eq["share_local"],
        "mean minutes": eq["mean_minutes"], "people lacking": eq["people_lacking"],
        "gap areas": eq["n_gaps"]})
    st.dataframe(table, hide_index=True, width="stretch", key="gaps_equity_table",
                 column_config={
                     "population": st.column_config.NumberColumn(format="%,.0f"),
                     "within 15 min %": st.column_config.NumberColumn(format="%.1f"),
                     "AGS local %": st.column_config.NumberColumn(format="%.1f"),
                     "mean minutes": st.column_config.NumberColumn(format="%.1f"),
                     "people lacking": st.column_config.NumberColumn(format="%,.0f")})
    st.caption(f"Shares {how}, weighted by the people measured in each area; mean minutes to "
               "the nearest green or blue space among those who reach one.")
    if empty:
        st.caption(f"No areas in decile(s) {', '.join(empty)}.")
    for w in notes:
        st.caption(f"Note: {_md_escape(w)}")


def _gap_list(result: AccessResult, deciles: int) -> None:
    st.subheader("Gap areas, most people lacking access first")
    gaps = gap_list(result.table(), deciles=deciles)
    if not len(gaps):
        st.success(f"No gap areas: every deprived area (decile ≤ {deciles}) has at least "
                   f"{access_cfg.AREA_MEETS_SHARE:.0%} of its people within a 15-minute walk "
                   "and meeting the AGS local standard.")
        return
    show = gaps.copy()
    for col in ("share_lacking", logic.H, logic.L):
        if col in show:
            show[col] = 100 * show[col]
    show = show.rename(columns={"share_lacking": "lacking %", logic.H: "within 15 min %",
                                logic.L: "AGS local %", "minutes_any": "minutes to nearest",
                                "imd_decile": "decile"})
    st.dataframe(show, hide_index=True, width="stretch", key="gaps_gap_list",
                 column_config={
                     "population": st.column_config.NumberColumn(format="%,.0f"),
                     "people_lacking": st.column_config.NumberColumn(format="%,.0f"),
                     "lacking %": st.column_config.NumberColumn(format="%.1f"),
                     "within 15 min %": st.column_config.NumberColumn(format="%.1f"),
                     "AGS local %": st.column_config.NumberColumn(format="%.1f"),
                     "minutes to nearest": st.column_config.NumberColumn(format="%.1f")})
    _site_for_gap(gaps)


def _site_for_gap(gaps: pd.DataFrame) -> None:
    """From a gap area to a site to work in: its nearest green or blue space, one click away
    from the Sites page (and from there the planner and the walking route)."""
    if "nearest_site_id" not in gaps:
        return
    rows = gaps[gaps["nearest_site_id"].notna()]
    if not len(rows):
        return
    by_code = rows.set_index("area_code")
    code = st.selectbox(
        "Find a site for a gap area", list(by_code.index), key="gaps_pick_area",
        format_func=lambda c: f"{by_code.loc[c, 'rank']}. {by_code.loc[c, 'area_name'] or c} "
                              f"({c})",
        help="The nearest green or blue space by walking from the people in that area.")
    row = by_code.loc[code]
    sid = str(row["nearest_site_id"])
    name = row.get("nearest_site_name") or "Unnamed site"
    mins = pd.to_numeric(row.get("minutes_any"), errors="coerce")
    walk = f", about {mins:.0f} min walk on average" if pd.notna(mins) else ""
    st.markdown(f"Nearest site for **{_md_escape(row['area_name'] or code)}**: "
                f"**{_md_escape(name)}** ({_md_escape(sid)}){walk}.")
    if st.button("Choose this site", key="gaps_choose_site", icon=":material/park:"):
        state.select_site(sid)
        ui.switch_page("sites")


def _standards(speed: float) -> None:
    with st.expander("Standards measured, and their sources"):
        st.dataframe(logic.standards_table(speed), hide_index=True, width="stretch",
                     key="gaps_standards")
        st.caption("Sites count when their access is public, permissive or not tagged; "
                   "restricted land (private, golf, allotments) does not.")


# --- What-if ---------------------------------------------------------------------------------


def _context(source: str, need_key: str, result: AccessResult) -> tuple:
    return (source, need_key, result.speed_kmh, result.step_free)


def current_whatif(context: tuple) -> WhatIf | None:
    w = st.session_state.get(WHATIF)
    if isinstance(w, WhatIf) and w.context == context:
        return w
    return None


def run_site_whatif(*, before: AccessResult, layers: Any, built: Any, graph: Any,
                    feature: Mapping[str, Any], name: str, kind: str,
                    context: tuple) -> WhatIf:
    """The drawn polygon → add_site → rerun (same graph, origins, speed) → stored WhatIf."""
    poly = logic.polygon_from_feature(feature)
    name = name.strip() or cfg.DEFAULT_WHATIF_NAME
    sites = add_site(built, layers, poly, name, kind=kind)
    new = sites.sites.iloc[-1]
    after = rerun(before, layers, sites, graph=graph)
    label = (f"new site “{name}” ({new['area_ha']:.1f} ha, {int(new['n_entrances'])} "
             "entrance(s))")
    w = WhatIf(context, label, after, poly, name)
    st.session_state[WHATIF] = w
    return w


def run_entrance_whatif(*, before: AccessResult, layers: Any, built: Any, graph: Any,
                        site_id: str, lon: float, lat: float, context: tuple) -> WhatIf:
    sites = add_entrance(built, site_id, Point(lon, lat), layers=layers)
    after = rerun(before, layers, sites, graph=graph)
    w = WhatIf(context, f"extra entrance into site {site_id} at {lat:.5f}, {lon:.5f}", after,
               None, site_id)
    st.session_state[WHATIF] = w
    return w


def _site_label(sites: pd.DataFrame) -> dict[str, str]:
    return {str(r.site_id): f"{r.name or 'Unnamed site'} ({r.site_id}, {r.area_ha:,.1f} ha)"
            for r in sites.itertuples()}


def _entrance_default(site_geom: BaseGeometry, result: AccessResult,
                      deciles: int) -> tuple[float, float]:
    """A point on the site's edge nearest to the worst gap area (else the site's edge)."""
    gaps = gap_list(result.table(), deciles=deciles)
    target = site_geom.representative_point()
    if len(gaps):
        top = result.areas.set_index("area_code").loc[gaps.iloc[0]["area_code"], "geometry"]
        target = top.representative_point()
    pt = shapely.ops.nearest_points(site_geom.boundary, target)[0]
    return round(pt.x, 6), round(pt.y, 6)


def _whatif_controls(*, source: str, need_key: str, result: AccessResult, layers: Any,
                     built: Any, graph: Any, deciles: int) -> None:
    ctx = _context(source, need_key, result)
    st.subheader("What if we opened a new site, or a new gate?")
    site_tab, gate_tab = st.tabs(["Draw a new site", "Add an entrance to a site"])
    with site_tab:
        if assets_draw():
            st.write("Draw the site on the map with the polygon or rectangle tool (top left "
                     "of the map), name it, then test it.")
        else:
            clicks = st.session_state.get(CLICKS, [])
            st.write(f"Click the corners of the site on the map in order ({len(clicks)} "
                     "clicked so far), then test it.")
            if st.button("Use the clicked corners", key="gaps_use_clicks"):
                try:
                    poly = maps.polygon_from_clicks(clicks)
                    st.session_state[DRAWN] = {"type": "Feature", "properties": {},
                                               "geometry": mapping(poly)}
                except EcoplanError as err:
                    ui.show_error(err)
            if st.button("Clear corners", key="gaps_clear_clicks"):
                st.session_state[CLICKS] = []
        drawn = st.session_state.get(DRAWN)
        if drawn is None:
            st.caption("No site drawn yet.")
        else:
            poly = logic.polygon_from_feature(drawn)
            ha = gpd.GeoSeries([poly], crs=4326).to_crs(built.crs).area.iloc[0] / 10_000
            st.caption(f"Drawn site: {ha:,.1f} ha.")
        c1, c2 = st.columns([3, 1])
        name = c1.text_input("Name of the new site", value=cfg.DEFAULT_WHATIF_NAME,
                             key="gaps_whatif_name", max_chars=80)
        kind = c2.selectbox("Kind", ["green", "blue", "green+blue"], key="gaps_whatif_kind")
        if st.button("Test this site", key="gaps_whatif_run", type="primary",
                     disabled=drawn is None) and drawn is not None:
            try:
                with st.spinner("Measuring access again with the new site…"):
                    run_site_whatif(before=result, layers=layers, built=built, graph=graph,
                                    feature=drawn, name=name, kind=kind, context=ctx)
            except EcoplanError as err:
                ui.show_error(err)
            else:
                st.rerun()  # redraw the map with the what-if site on it
    with gate_tab:
        labels = _site_label(built.sites)
        ids = sorted(labels, key=lambda s: labels[s].lower())
        sid = st.selectbox("Site", ids, key="gaps_entrance_site",
                           format_func=lambda s: labels[s])
        if sid is not None:
            geom = built.sites.set_index(built.sites["site_id"].astype(str)).loc[sid, "geometry"]
            lon0, lat0 = _entrance_default(geom, result, deciles)
            c1, c2 = st.columns(2)
            lon = c1.number_input("Longitude", value=lon0, format="%.6f",
                                  key=f"gaps_entrance_lon_{sid}")
            lat = c2.number_input("Latitude", value=lat0, format="%.6f",
                                  key=f"gaps_entrance_lat_{sid}")
            st.caption("Suggested: the point of the site's edge nearest the top gap area. "
                       f"The entrance must lie within {access_cfg.WHATIF_ENTRANCE_MAX_SNAP_M:g} "
                       "m of the site and of a path.")
            if st.button("Test this entrance", key="gaps_entrance_run"):
                try:
                    with st.spinner("Measuring access again with the new entrance…"):
                        run_entrance_whatif(before=result, layers=layers, built=built,
                                            graph=graph, site_id=sid, lon=float(lon),
                                            lat=float(lat), context=ctx)
                except EcoplanError as err:
                    ui.show_error(err)
                else:
                    st.rerun()
    w = current_whatif(ctx)
    if w is not None:
        _whatif_result(result, w, deciles)


def assets_draw() -> bool:
    from ecoplan.app import assets

    return assets.draw_available()


def _whatif_result(before: AccessResult, w: WhatIf, deciles: int) -> None:
    cmp: WhatIfComparison = compare(before, w.after, deciles=deciles)
    st.session_state[COMPARE] = cmp
    st.markdown(f"**What if: {_md_escape(w.label)}** — deprived = decile 1 to {deciles}")
    delta = cmp.delta
    cols = [c for _ in range(2) for c in st.columns(3)]  # 3 per row: labels stay readable
    for col, (key, label, kind) in zip(cols, logic.WHATIF_STATS, strict=False):
        worse_up = key in ("deprived_mean_minutes", "deprived_people_lacking", "n_gaps")
        unchanged = not abs(delta[key]) > 0
        col.metric(label, logic.fmt_stat(cmp.after[key], kind),
                   delta=logic.fmt_stat(delta[key], kind, delta=True),
                   delta_color="off" if unchanged else ("inverse" if worse_up else "normal"),
                   help=f"Before: {logic.fmt_stat(cmp.before[key], kind)}")
    names = before.areas.set_index("area_code")["area_name"]
    if cmp.no_longer_gaps:
        listed = ", ".join(f"{names.get(c) or c} ({c})" for c in cmp.no_longer_gaps)
        st.success(f"No longer gaps: {_md_escape(listed)}.")
    else:
        st.info("No area stops being a gap with this change.")
    if cmp.new_gaps:
        st.warning(f"New gaps: {_md_escape(', '.join(cmp.new_gaps))}.")
    st.caption("Equity by decile, before and after")
    eq = logic.equity_share_change(cmp.equity_change())
    st.dataframe(eq, hide_index=True, width="stretch", key="gaps_whatif_equity",
                 column_config={c: st.column_config.NumberColumn(format="%.2f")
                                for c in eq.columns if c.endswith((" %", " pp"))})
    with st.expander(f"{len(cmp.changed_areas)} area(s) change"):
        st.dataframe(cmp.changed_areas, hide_index=True, width="stretch")
    if st.button("Clear the what-if", key="gaps_whatif_clear"):
        st.session_state.pop(WHATIF, None)
        st.session_state.pop(COMPARE, None)
        st.session_state.pop(DRAWN, None)
        st.rerun()


_md_escape = ui.md_escape  # user text (a site name) shown in markdown


# --- Downloads -------------------------------------------------------------------------------


def _downloads(result: AccessResult, deciles: int, w: WhatIf | None) -> None:
    st.subheader("Download the results per area")
    table = logic.export_table(result.areas, deciles)
    c1, c2, c3 = st.columns(3)
    c1.download_button("CSV (spreadsheet)", logic.csv_bytes(table),
                       file_name="ecoplan_access_by_area.csv", mime="text/csv",
                       key="gaps_dl_csv", on_click="ignore")
    c2.download_button("GeoPackage (GIS)", lambda: logic.gpkg_bytes(table),
                       file_name="ecoplan_access_by_area.gpkg",
                       mime="application/geopackage+sqlite3", key="gaps_dl_gpkg",
                       on_click="ignore")
    if w is not None:
        after = logic.export_table(w.after.areas, deciles)
        c3.download_button("CSV with the what-if", logic.csv_bytes(after),
                           file_name="ecoplan_access_by_area_whatif.csv", mime="text/csv",
                           key="gaps_dl_whatif", on_click="ignore")
    st.caption("Every row carries an `attribution` column: " + cfg.EXPORT_ATTRIBUTION
               + " Text cells that a spreadsheet would run as a formula are prefixed with '.")


# --- Page ------------------------------------------------------------------------------------


def render() -> None:
    st.title("Access gaps")
    source = state.source()
    nd = state.need()
    if nd is None:
        _empty_state(source)
        return
    layers = data.load_source(source, state.source_offline())
    areas = nd.areas.areas
    if logic.overlaps(areas, layers.bounds) == 0:
        st.warning(f"None of the {len(areas):,} need areas ({_md_escape(', '.join(nd.files))}) "
                   f"lie in the OpenStreetMap area in use "
                   f"({_md_escape(data.describe_source(source))}). Load the OSM "
                   "extract that covers them on Area & data.")
        ui.page_link("area", "Go to Area & data", icon=":material/map:")
        return
    built = data.sites_for(source, layers)
    if len(built.sites) == 0:
        st.warning(EMPTY_SITES)
        ui.page_link("area", "Choose another area", icon=":material/map:")
        return
    st.caption(_md_escape(f"Need data: {nd.edition} · {len(areas):,} areas · "
                          f"{', '.join(nd.files)}"))
    speed, step_free, deciles, measure, straight, show_sites = _controls()
    need_key = _need_key(nd)
    graph = data.walk_graph_for(source, layers, step_free)
    result = gaps_data.access_for(source, need_key, speed, step_free, layers, built, graph,
                                  nd.areas)
    if not logic.has_population(result.areas):
        st.warning("The need data has no population, so shares of people cannot be worked "
                   "out (they show as —). Add IoD 2019 File 6 (population denominators) or an "
                   "IoD 2025 file on Area & data. The map and the list of gap areas still "
                   "work.")
    if result.warnings:
        with st.expander(f"{len(result.warnings)} note(s) about this measurement"):
            for w in result.warnings:
                st.caption(_md_escape(w))
    _headline(result, deciles)
    whatif = current_whatif(_context(source, need_key, result))
    _map(source, need_key, layers, built, result, measure, straight, deciles, show_sites,
         whatif)
    _whatif_controls(source=source, need_key=need_key, result=result, layers=layers,
                     built=built, graph=graph, deciles=deciles)
    _equity(result, deciles, straight)
    _gap_list(result, deciles)
    _standards(speed)
    _downloads(result, deciles, current_whatif(_context(source, need_key, result)))
    for a in nd.attributions:
        st.caption(a)
    st.caption(f"Map data {layers.source.attribution}.")
