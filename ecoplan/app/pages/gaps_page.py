"""Access gaps page: who is deprived *and* cannot walk to green or blue space, and what a new
site or gate would change.

Every figure comes from the access core (:mod:`ecoplan.access.summary`, ``priorities``,
``gaps``, ``report``, ``whatif``, ``export``), so the page shows the very strings ``ecoplan
access`` / ``ecoplan gaps`` print: headline figures four ways (confirmed public access /
including access unknown × network / straight line), priority tier counts, the equity table,
the gap priorities with the failed standard, a what-if and CSV / GeoPackage downloads. The map
shows the priority tiers (or any measure) for the chosen access variant. Without need data
(the demo) it shows what homes can reach and says that deprivation needs IoD files.
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

from ecoplan.access.gaps import equity_table
from ecoplan.access.measure import AccessResult
from ecoplan.access.pipeline import areas_digest
from ecoplan.access.priorities import priority_list, tier_counts
from ecoplan.access.report import equity_strings, priority_strings, priority_title
from ecoplan.access.speeds import resolve_speed
from ecoplan.access.summary import headline, headline_strings, partial_note, way_name
from ecoplan.access.variants import label as variant_label
from ecoplan.access.variants import view
from ecoplan.access.whatif import (
    WhatIfComparison,
    add_entrance,
    add_site,
    changed_area_strings,
    compare,
    equity_change_strings,
    rerun,
    whatif_summary,
)
from ecoplan.app import controls, data, gaps_data, maps, site_map, state, ui
from ecoplan.app import gaps_logic as logic
from ecoplan.app import style as app_style
from ecoplan.errors import EcoplanError
from ecoplan.settings import access as access_cfg
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


def _no_need_view(source: str) -> None:
    """Without need data (the demo): people placed at homes, walking minutes and shares within
    the standards for the whole loaded area — no deprivation, which needs IoD files."""
    from ecoplan.access.summary import extent_area, home_summary

    layers = data.load_source(source, state.source_offline())
    built = data.sites_for(source, layers)
    if len(built.sites) == 0:
        st.warning(EMPTY_SITES)
        return
    st.subheader("Walking access from homes in this area")
    graph = data.walk_graph_for(source, layers, False)
    area = extent_area(layers.bounds)
    key = "extent:" + ",".join(f"{b:.5f}" for b in layers.bounds)
    result = gaps_data.access_for(source, key, "default", False, layers, built, graph, area)
    table = home_summary(result.origins)
    st.dataframe(table, hide_index=True, width="stretch", key="gaps_homes")
    st.caption(f"Shares of homes: {table.attrs['n_homes']:,} mapped homes (or street points "
               "where homes are not mapped), each walking at "
               f"{net_cfg.DEFAULT_SPEED_KMH:g} km/h along paths to the nearest entrance. "
               "Without population and deprivation data these are shares of homes, not of "
               "people, and nothing can be said about deprived areas: **deprivation overlays "
               "need IoD files or your own need layer** (Area & data).")


def _need_key(nd: state.NeedData) -> str:
    held = st.session_state.get(NEED_KEY)
    if isinstance(held, tuple) and held[0] is nd:
        return held[1]
    key = areas_digest(nd.areas.areas)
    st.session_state[NEED_KEY] = (nd, key)
    return key


# --- Controls --------------------------------------------------------------------------------


def _controls() -> tuple[float, bool, int, logic.Measure, bool, bool, str, bool]:
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
    c7, c8 = st.columns([3, 2])
    variant = c7.radio("Access counted on the map and lists", list(access_cfg.VARIANTS),
                       horizontal=True, key="gaps_variant", format_func=variant_label,
                       help="Confirmed public access (the default): land the public may "
                            "use (public or permissive, or reached by a public right of way). "
                            "Including access unknown: also untagged woods, lakes and banks, "
                            "many of them private.")
    include_partial = c8.checkbox("Count partial areas in headline figures",
                                  key="gaps_include_partial",
                                  help="Areas mostly outside the OSM data have distances "
                                       "that are too long near the edge; left out by default.")
    return (speed, step_free, int(deciles), options[key], how == logic.STRAIGHT, show_sites,
            variant, include_partial)


# --- Sections --------------------------------------------------------------------------------


def _pct(v: float) -> str:
    return "—" if v is None or pd.isna(v) else f"{100 * v:.1f} %"


def _headline(result: AccessResult, deciles: int, include_partial: bool) -> None:
    table = result.table()
    head = headline_strings(headline(table, speed_kmh=result.speed_kmh,
                                     standards=result.standards, deciles=deciles,
                                     include_partial=include_partial))
    conf, other = way_name("confirmed", "network"), way_name("all", "network")
    first = head.set_index("measure")
    c = st.columns(3)
    for col, i in zip(c, range(3), strict=True):
        key = ["15-minute walk", "10-minute walk to a park", "AGS local"][i]
        row = next((r for r in first.index if r.startswith(key)), None)
        if row is not None:
            col.metric(f"{key}: everyone", first.loc[row, conf],
                       help=f"Confirmed public access, along the walking network. Including "
                            f"access unknown: {first.loc[row, other]}.")
    st.dataframe(head, hide_index=True, width="stretch", key="gaps_headline")
    st.caption(f"Walking {result.speed_kmh:g} km/h"
               + (", step-free routes only" if result.step_free else "")
               + ". **Confirmed public access** counts only land the public may use (public or "
               "permissive, or entered by a public right of way) — the default, as Defra's "
               "statistic; **including access unknown** also counts untagged woods, lakes and "
               "banks, many of them private. Straight-line figures are what the standards are "
               "written against; along the network is what people actually walk. Shares are "
               "of the people placed on the walking network.")
    tiers = []
    for v in access_cfg.VARIANTS:
        c_ = tier_counts(view(table, v), deciles=deciles, include_partial=include_partial)
        tiers.append({"access": variant_label(v), "tier 1": str(c_["tier 1"]),
                      "tier 2": str(c_["tier 2"]), "tier 3": str(c_["tier 3"]),
                      f"deprived (decile ≤ {deciles})": str(c_["deprived areas"]),
                      "deprived in tier 1": str(c_["tier 1 deprived"])})
    st.dataframe(pd.DataFrame(tiers), hide_index=True, width="stretch", key="gaps_tiers")
    note = partial_note(table, include_partial)
    if note:
        st.warning(note)


def _map_frame(result: AccessResult, measure: logic.Measure, straight: bool,
               deciles: int, variant: str, include_partial: bool) -> gpd.GeoDataFrame:
    areas = result.areas
    values, label = logic.map_values(areas, measure, straight, variant, deciles,
                                     include_partial)
    frame = gpd.GeoDataFrame({"value": values.to_numpy(),
                              "tip": logic.tooltip_labels(areas).to_numpy(),
                              "deprived": logic.deprived_mask(areas, deciles)},
                             geometry=areas.geometry.to_numpy(), crs=areas.crs)
    frame.attrs["label"] = label
    return frame


def _map(source: str, need_key: str, layers: Any, built: Any, result: AccessResult,
         measure: logic.Measure, straight: bool, deciles: int, show_sites: bool,
         whatif: WhatIf | None, variant: str, include_partial: bool
         ) -> Mapping[str, Any] | None:
    frame = _map_frame(result, measure, straight, deciles, variant, include_partial)
    label = frame.attrs["label"]
    over = (whatif.geometry, whatif.name) if whatif and whatif.geometry is not None else None
    map_key = "|".join(map(str, (source, need_key, result.speed_kmh, result.step_free,
                                 measure.key, straight, deciles, show_sites, variant,
                                 include_partial, over[0].wkt if over else "",
                                 over[1] if over else "")))
    m, has_draw = gaps_data.gaps_map(map_key, _layers=layers, _areas=frame,
                                     _sites=built.sites if show_sites else None,
                                     _whatif=over, label=label,
                                     style=logic.map_style(measure), draw=True)
    returned = ["last_active_drawing", "all_drawings"]
    if not has_draw:
        returned.append("last_clicked")
    out = st_folium(m, key=MAP_KEY, height=app_style.MAP_HEIGHT_PX, use_container_width=True,
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


def _equity(result: AccessResult, deciles: int, straight: bool,
            include_partial: bool) -> None:
    how = logic.STRAIGHT if straight else logic.NETWORK
    eq = equity_table(result.table(), deciles=deciles, how="straight" if straight else "network",
                      include_partial=include_partial)
    st.subheader("Equity by deprivation decile")
    long = logic.equity_long(eq)
    if long["percent"].notna().any():
        order = [str(d) for d in range(1, 11)]
        chart = alt.Chart(long).mark_bar().encode(
            x=alt.X("decile:N", sort=order, title="Deprivation decile (1 = most deprived)",
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("standard:N"),
            y=alt.Y("percent:Q", title=f"% of people meeting ({how}, confirmed access)",
                    scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("standard:N", title="Standard", scale=alt.Scale(
                domain=["15-minute walk", "AGS local"],
                range=[app_style.OKABE_ITO["blue"], app_style.OKABE_ITO["orange"]])),
            tooltip=["decile", "standard", alt.Tooltip("percent:Q", format=".1f")],
        ).properties(height=280)
        st.altair_chart(chart, width="stretch")
    st.dataframe(equity_strings(eq), hide_index=True, width="stretch",
                 key="gaps_equity_table")
    st.caption(f"Each cell: confirmed public access / including access unknown; shares {how}, "
               "weighted by the people measured in each area; mean minutes to the nearest "
               "green or blue space among those who reach one.")
    for w in eq.attrs.get("warnings", []):
        st.caption(f"Note: {_md_escape(w)}")


def _gap_list(result: AccessResult, deciles: int, variant: str,
              labels: dict[str, str], include_partial: bool) -> None:
    st.subheader("Gap priorities")
    st.caption(f"Tier 1 (act first): deprived (decile ≤ {deciles}) and failing at least "
               f"{access_cfg.PRIORITY_TIER1_MIN_FAILED} of three tests — most people without "
               f"a {access_cfg.PRIORITY_WALK_MINUTES:g}-minute walk to green or blue space, most "
               f"without one to a park, and the nearest ≥{access_cfg.PRIORITY_LARGE_HA:g} ha "
               "green space more than that walk away. Tier 2: deprived and failing one, or "
               "failing all three. The AGS, ANGSt and WHO shares stay in the tables above.")
    tabs = st.tabs([variant_label(v) for v in access_cfg.VARIANTS])
    chosen = None
    for tab, v in zip(tabs, access_cfg.VARIANTS, strict=True):
        gaps = priority_list(view(result.table(), v), deciles=deciles,
                             include_partial=include_partial)
        if v == variant:
            chosen = gaps
        with tab:
            st.write(priority_title(gaps, v, deciles))
            if len(gaps):
                st.dataframe(priority_strings(gaps), hide_index=True, width="stretch",
                             key=f"gaps_priority_{v}")
    if chosen is not None and len(chosen):
        _site_for_gap(chosen, result.areas, labels)


def _site_for_gap(gaps: pd.DataFrame, areas: gpd.GeoDataFrame, labels: dict[str, str]) -> None:
    """From a gap area to a site to work in: its nearest green or blue space, one click away
    from the Sites page (and from there the planner and the walking route). The Sites map
    then outlines the gap area beside the chosen site. ``labels``: site id → its name, or
    its description when unnamed (as the Sites page lists it)."""
    if "nearest_site_id" not in gaps:
        return
    rows = gaps[gaps["nearest_site_id"].notna()]
    if not len(rows):
        return
    by_code = rows.set_index("area_code")
    code = st.selectbox(
        "Find a site for a gap area", list(by_code.index), key="gaps_pick_area",
        format_func=lambda c: f"{by_code.loc[c, 'rank']}. {by_code.loc[c, 'area_name'] or c} "
                              f"({c}), tier {by_code.loc[c, 'priority_tier']}",
        help="The nearest green or blue space by walking from the people in that area.")
    row = by_code.loc[code]
    sid = str(row["nearest_site_id"])
    name = row.get("nearest_site_name") or labels.get(sid) or "Unnamed site"
    mins = pd.to_numeric(row.get("minutes_any"), errors="coerce")
    walk = f", about {mins:.0f} min walk on average" if pd.notna(mins) else ""
    st.markdown(f"Nearest site for **{_md_escape(row['area_name'] or code)}**: "
                f"**{_md_escape(name)}** ({_md_escape(sid)}){walk}.")
    if st.button("Choose this site", key="gaps_choose_site", icon=":material/park:"):
        state.select_site(sid)
        outline = areas[areas["area_code"].astype(str) == str(code)]
        if len(outline):
            site_map.focus_area(outline.geometry, f"Gap area: {row['area_name'] or code}")
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
    name = name.strip() or controls.DEFAULT_WHATIF_NAME
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
    gaps = priority_list(view(result.table()), deciles=deciles)
    target = site_geom.representative_point()
    if len(gaps):
        top = result.areas.set_index("area_code").loc[gaps.iloc[0]["area_code"], "geometry"]
        target = top.representative_point()
    pt = shapely.ops.nearest_points(site_geom.boundary, target)[0]
    return round(pt.x, 6), round(pt.y, 6)


def _whatif_controls(*, source: str, need_key: str, result: AccessResult, layers: Any,
                     built: Any, graph: Any, deciles: int, include_partial: bool) -> None:
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
        name = c1.text_input("Name of the new site", value=controls.DEFAULT_WHATIF_NAME,
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
        _whatif_result(result, w, deciles, include_partial)


def assets_draw() -> bool:
    from ecoplan.app import assets

    return assets.draw_available()


def _whatif_result(before: AccessResult, w: WhatIf, deciles: int,
                   include_partial: bool) -> None:
    cmp: WhatIfComparison = compare(before, w.after, deciles=deciles,
                                    include_partial=include_partial)
    st.session_state[COMPARE] = cmp
    st.markdown(f"**What if: {_md_escape(w.label)}** — deprived = decile 1 to {deciles}")
    st.dataframe(whatif_summary(cmp), hide_index=True, width="stretch",
                 key="gaps_whatif_summary")
    names = before.areas.set_index("area_code")["area_name"]
    if cmp.leave_tier1:
        listed = ", ".join(f"{names.get(c) or c} ({c})" for c in cmp.leave_tier1)
        st.success(f"Leave priority tier 1: {_md_escape(listed)}.")
    else:
        st.info("No area leaves priority tier 1 with this change.")
    if cmp.enter_tier1:
        st.warning(f"Enter priority tier 1: {_md_escape(', '.join(cmp.enter_tier1))}.")
    st.caption("Equity by decile, before and after (confirmed / including access unknown)")
    st.dataframe(equity_change_strings(cmp), hide_index=True, width="stretch",
                 key="gaps_whatif_equity")
    with st.expander(f"{len(cmp.changed_areas)} area(s) change"):
        st.dataframe(changed_area_strings(cmp), hide_index=True, width="stretch")
    if st.button("Clear the what-if", key="gaps_whatif_clear"):
        st.session_state.pop(WHATIF, None)
        st.session_state.pop(COMPARE, None)
        st.session_state.pop(DRAWN, None)
        st.rerun()


_md_escape = ui.md_escape  # user text (a site name) shown in markdown


# --- Downloads -------------------------------------------------------------------------------


def _downloads(result: AccessResult, deciles: int, w: WhatIf | None,
               include_partial: bool) -> None:
    st.subheader("Download the results per area")
    table = logic.export_table(result.areas, deciles, include_partial)
    c1, c2, c3 = st.columns(3)
    c1.download_button("CSV (spreadsheet)", logic.csv_bytes(table),
                       file_name="ecoplan_access_by_area.csv", mime="text/csv",
                       key="gaps_dl_csv", on_click="ignore")
    c2.download_button("GeoPackage (GIS)", lambda: logic.gpkg_bytes(table),
                       file_name="ecoplan_access_by_area.gpkg",
                       mime="application/geopackage+sqlite3", key="gaps_dl_gpkg",
                       on_click="ignore")
    if w is not None:
        after = logic.export_table(w.after.areas, deciles, include_partial)
        c3.download_button("CSV with the what-if", logic.csv_bytes(after),
                           file_name="ecoplan_access_by_area_whatif.csv", mime="text/csv",
                           key="gaps_dl_whatif", on_click="ignore")
    st.caption("Every figure both ways: plain columns = confirmed public access, "
               "`…_incl_unknown` = including access unknown; `partial` marks areas mostly "
               "outside the OSM data. Every row carries an `attribution` column: "
               + str(table["attribution"].iloc[0] if len(table) else "")
               + " Text cells that a spreadsheet would run as a formula are prefixed with '.")


# --- Page ------------------------------------------------------------------------------------


def render() -> None:
    st.title("Access gaps")
    source = state.source()
    nd = state.need()
    if nd is None:
        _empty_state(source)
        _no_need_view(source)
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
    (speed, step_free, deciles, measure, straight, show_sites, variant,
     include_partial) = _controls()
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
    _headline(result, deciles, include_partial)
    whatif = current_whatif(_context(source, need_key, result))
    _map(source, need_key, layers, built, result, measure, straight, deciles, show_sites,
         whatif, variant, include_partial)
    _whatif_controls(source=source, need_key=need_key, result=result, layers=layers,
                     built=built, graph=graph, deciles=deciles,
                     include_partial=include_partial)
    _equity(result, deciles, straight, include_partial)
    _gap_list(result, deciles, variant, data.site_labels(source, False, layers, built),
              include_partial)
    _standards(speed)
    _downloads(result, deciles, current_whatif(_context(source, need_key, result)),
               include_partial)
    for a in nd.attributions:
        st.caption(a)
    st.caption(f"Map data {layers.source.attribution}.")
