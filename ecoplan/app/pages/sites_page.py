"""Sites page: the green and blue sites of the loaded area on an offline map and in a table.

Choose a site by clicking it on the map, in the table or in the list; its details (categories,
area, access, facilities, entrances) are shown beside the map and its entrances drawn on it.
The ranking panel (purpose + weights) plugs in through :mod:`ecoplan.app.ranking_panel`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecoplan.app import data, labels, maps, ranking_panel, site_map, state, support_panel, ui
from ecoplan.app import style as app_style

TABLE_COLUMNS = ["name", "kind", "categories", "area_ha", "access", "n_entrances",
                 "toilets", "benches", "shelters", "drinking_water", "parking",
                 "bus_stops_400m"]
FACILITIES = {"toilets": "Toilets", "benches": "Benches", "shelters": "Shelters",
              "drinking_water": "Drinking water", "parking": "Parking",
              "bus_stops_400m": "Bus stops within 400 m"}
EMPTY_MESSAGE = "No green space found in this area — try a larger area."
MAP_KEY = "sites_map"
SELECT_KEY = "sites_select"
TABLE_KEY = "sites_table"
_LAST_MAP_CLICK = "sites._last_map_click"
_LAST_TABLE_PICK = "sites._last_table_pick"


def site_label(row: pd.Series, names: dict[str, str] | None = None) -> str:
    """'Ryde Canoe Lake · 2.1 ha'; unnamed sites by kind and nearest named place."""
    name = (names or {}).get(str(row["site_id"])) or row.get("name") or "Unnamed site"
    return f"{name} · {row['area_ha']:,.1f} ha"


def details_markdown(row: pd.Series, entrances: pd.DataFrame) -> str:
    """Markdown details of one site; every value from the data is escaped."""
    cats = ui.md_escape(str(row.get("categories") or "").replace(";", ", ")) or "—"
    cats = cats.replace("\\_", " ")
    lines = [f"**Kind:** {ui.md_escape(row['kind'])}  ", f"**Categories:** {cats}  ",
             f"**Area:** {row['area_ha']:,.2f} ha  ",
             f"**Access:** {ui.md_escape(row['access'])}  "]
    fac = [f"{label}: {int(row[col])}" for col, label in FACILITIES.items()
           if col in row and pd.notna(row[col])]
    if fac:
        lines.append("**Facilities:** " + "; ".join(fac) + "  ")
    n = len(entrances)
    if n:
        by = entrances["source"].value_counts().to_dict()
        how = ui.md_escape(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in by.items()))
        lines.append(f"**Entrances:** {n} ({how}) — shown on the map  ")
    else:
        lines.append("**Entrances:** none found on the path network  ")
    return "\n".join(lines)


def _select_from_widget() -> None:
    state.select_site(st.session_state.get(SELECT_KEY))


def render() -> None:
    st.title("Green and blue sites")
    source = state.source()
    layers = data.load_source(source, state.source_offline())
    ui.demo_notice(layers)
    built = data.sites_for(source, layers)
    sites = built.sites
    if len(sites) == 0:
        st.warning(EMPTY_MESSAGE)
        st.caption(ui.source_caption(layers, 0))
        ui.page_link("area", "Choose another area", icon=":material/map:")
        return
    st.caption(ui.source_caption(layers, len(sites))
               + f" · {sites.area_ha.sum():,.1f} ha in total")

    ranked = ranking_panel.render(built, layers=layers, source=source)
    table = ranked if ranked is not None else sites.sort_values(
        ["area_ha", "site_id"], ascending=[False, True])
    ids = table["site_id"].astype(str).tolist()
    names = data.site_labels(source, False, layers, built)

    sel = state.selected_site()
    if sel not in ids:
        sel = None
        state.select_site(None)
    color_by = st.radio("Colour sites by", ["kind", "access"], horizontal=True,
                        key="sites_color_by")
    col_map, col_info = st.columns([3, 2], gap="medium")
    with col_map:
        out = site_map.sites_map(source, layers, built, sel, key=MAP_KEY, color_by=color_by)
        hint = "Click a site on the map, or pick it in the list (type to search) or the table."
        if sel is None and len(built.entrances) > app_style.MAX_OVERVIEW_ENTRANCES:
            hint += (f" Its entrances are drawn once it is chosen ({len(built.entrances):,} in "
                     "all would hide the sites).")
        st.caption(hint)
    clicked = maps.clicked_site_id(out)
    if clicked and clicked != st.session_state.get(_LAST_MAP_CLICK):
        st.session_state[_LAST_MAP_CLICK] = clicked
        if clicked in ids and clicked != sel:
            state.select_site(clicked)
            st.rerun()
    with col_info:
        by_id = sites.set_index(sites["site_id"].astype(str))
        st.session_state[SELECT_KEY] = sel
        st.selectbox("Site", ids, key=SELECT_KEY, on_change=_select_from_widget,
                     format_func=lambda sid: site_label(by_id.loc[sid], names),
                     placeholder="Choose a site…")
        if sel is None:
            st.info("No site chosen yet.")
        else:
            row = by_id.loc[sel]
            st.subheader(ui.md_escape(names.get(sel) or row["name"] or "Unnamed site"))
            st.caption(f"OpenStreetMap id {ui.md_escape(sel)}")
            ents = built.entrances[built.entrances["site_id"].astype(str) == sel]
            st.markdown(details_markdown(row, ents))
            ranking_panel.explain(sel, ranked)
            if st.button("Plan a session here", key="sites_plan_here"):
                ui.switch_page("plan")
            support_panel.render(sel, key="sites_support")
    st.subheader("All sites")
    first = ranking_panel.table_columns(table) if ranked is not None else []
    cols = first + [c for c in TABLE_COLUMNS if c in table.columns and c not in first]
    shown = labels.site_table(table, ["site_id", *cols], names)
    event = st.dataframe(
        shown, hide_index=True, width="stretch",
        key=TABLE_KEY, on_select="rerun", selection_mode="single-row",
        column_config=labels.column_config(shown))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows:
        picked = ids[rows[0]]
        if picked != st.session_state.get(_LAST_TABLE_PICK):
            st.session_state[_LAST_TABLE_PICK] = picked
            if picked != sel:
                state.select_site(picked)
                st.rerun()
