"""The "Support around this site" section shown on the Sites and Plan pages.

Help nearby for the leader's safety plan (with the explicit "none mapped within …" sentences),
meeting points with grid references, the Coastguard note for coastal sites, community resources
by category, the user's own directory entries (with a form to add one) and downloads of the
printable sheet (HTML) and a CSV. OSM names and user text are shown with ``st.dataframe`` /
escaped markdown, never as markup.

Usage from a page: ``support_panel.render(site_id, key="sites_support")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from ecoplan.app import controls, data, state
from ecoplan.app.ui import md_escape
from ecoplan.errors import AreaError, EcoplanError
from ecoplan.io import csv_safe
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import support as support_cfg
from ecoplan.support.directory import DirectoryEntry, DirectoryStore
from ecoplan.support.help import distance_text, fmt_distance
from ecoplan.support.report import SupportData, SupportReport, report_frame, support_around

_FLASH = "support._flash"  # message shown once after adding an entry (the page reruns)


# --- cached resources -----------------------------------------------------------------------


@st.cache_resource(show_spinner="Finding community resources and help nearby…", max_entries=4)
def support_data(source: str, _layers: OsmLayers) -> SupportData:
    """Support features and walk graph of an area, once per source (the graph is shared with
    the other pages through :func:`ecoplan.app.data.walk_graph_for`)."""
    from ecoplan.support.report import prepare

    try:
        graph = data.walk_graph_for(source, _layers)
    except AreaError:
        graph = None  # prepare() says distances are straight lines
    return prepare(_layers, graph=graph)


@st.cache_resource
def directory_store(url: str) -> DirectoryStore:
    """One DirectoryStore (in the plans database) per URL for the whole server."""
    return DirectoryStore(url)


@st.cache_resource(show_spinner=False, max_entries=32)
def _report(source: str, site_id: str, radius_m: float, entries_key: tuple,
            _layers: OsmLayers, _built: Any, _data: SupportData,
            _entries: Sequence[DirectoryEntry]) -> SupportReport:
    return support_around(_layers, sites=_built.sites, entrances=_built.entrances,
                          site_id=site_id, radius_m=radius_m, data=_data, directory=_entries)


def _db_url() -> str:
    from ecoplan.plans.store import default_url

    return default_url()


# --- pure helpers (tested directly) -------------------------------------------------------


def _join(*parts: object) -> str:
    return "; ".join(str(p) for p in parts if p is not None and not pd.isna(p) and str(p))


def help_table(report: SupportReport) -> pd.DataFrame:
    h = report.help
    return pd.DataFrame({
        "what": h["label"].astype(str),
        "name": [str(n) if n else "(unnamed)" for n in h["name"]],
        "distance": [distance_text(r) for _, r in h.iterrows()],
        "notes": [_join(r.get("detail"), r.get("phone"), r.get("opening_hours"))
                  for _, r in h.iterrows()],
    })


def community_table(report: SupportReport) -> pd.DataFrame:
    c = report.community
    return pd.DataFrame({
        "category": c["label"].astype(str),
        "name": [str(n) if n else "(unnamed)" for n in c["name"]],
        "distance": [distance_text(r) for _, r in c.iterrows()],
        "notes": [_join(r.get("detail"), r.get("phone"), r.get("opening_hours"))
                  for _, r in c.iterrows()],
    })


def meeting_table(report: SupportReport) -> pd.DataFrame:
    mp = report.meeting_points
    out = pd.DataFrame({"meeting point": mp["name"].astype(str)})
    if report.advice.grid_references:  # OS grid references: Great Britain only
        out["grid reference"] = mp["grid_ref"].astype(str)
    out["lat"], out["lon"] = mp["lat"], mp["lon"]
    return out


def directory_table(report: SupportReport) -> pd.DataFrame:
    d = report.directory
    return pd.DataFrame({
        "name": d["name"].astype(str), "category": d["category"].astype(str),
        "phone": d["phone"].astype(str), "web": d["url"].astype(str),
        "notes": d["notes"].astype(str),
        "for": ["this site" if s else "every site" for s in d["site_id"]],
        "distance": [distance_text(r) for _, r in d.iterrows()],
    })


def csv_bytes(report: SupportReport) -> bytes:
    """The CSV export, formula-safe (cells starting = + - @ are quoted)."""
    return csv_safe(report_frame(report)).to_csv(index=False, float_format="%.7g") \
        .encode("utf-8")


def missing_markdown(missing: Sequence[str]) -> str:
    return "\n".join(f"- {md_escape(m)}" for m in missing)


# --- the section ----------------------------------------------------------------------------


def render(site_id: str, *, key: str = "support", expanded: bool = False) -> None:
    """The section for one site of the loaded area (errors are shown inside it).

    Behind a toggle (on when ``expanded``): finding support features takes a moment on a large
    area, and pages stay quick for users who do not need it.
    """
    show = st.toggle("Support around this site: help nearby, meeting points, community "
                     "resources, your directory", value=expanded, key=f"{key}_show")
    if not show:
        return
    with st.container(border=True):
        try:
            _render(str(site_id), key)
        except EcoplanError as err:
            st.error(md_escape(err))


def _render(site_id: str, key: str) -> None:
    ss = st.session_state
    source = state.source()
    layers = data.load_source(source, state.source_offline())
    built = data.sites_for(source, layers)
    radius = float(st.number_input(
        "Search radius for community resources (m)", min_value=support_cfg.MIN_RADIUS_M,
        max_value=support_cfg.MAX_RADIUS_M, value=support_cfg.DEFAULT_RADIUS_M,
        step=controls.SUPPORT_RADIUS_STEP_M, key=f"{key}_radius"))
    store = directory_store(_db_url())
    entries = store.list(site_id=site_id)
    ekey = tuple((e.id, e.updated_at) for e in entries)
    rep = _report(source, site_id, radius, ekey, layers, built, support_data(source, layers),
                  entries)
    st.caption(md_escape(rep.summary()))
    for note in rep.notes:
        if note == rep.advice.coast_note:
            st.warning(note, icon=":material/sailing:")
        else:
            st.caption(md_escape(note))

    st.markdown("**Help nearby**")
    if len(rep.help):
        st.dataframe(help_table(rep), hide_index=True, width="stretch")
    if rep.missing:
        st.warning(missing_markdown(rep.missing))

    st.markdown("**Meeting points** (site entrances)")
    if len(rep.meeting_points):
        st.dataframe(meeting_table(rep), hide_index=True, width="stretch")

    st.markdown(f"**Community resources within {fmt_distance(rep.radius_m)}**")
    if len(rep.community):
        counts = rep.community["label"].value_counts(sort=False)
        st.caption(md_escape("; ".join(f"{k}: {v}" for k, v in counts.items())))
        st.dataframe(community_table(rep), hide_index=True, width="stretch")
    else:
        st.info(f"{md_escape(rep.community_absence())} in OpenStreetMap — try a larger "
                "radius, or add what you know to your directory below.")

    st.markdown("**Your directory**")
    flash = ss.pop(_FLASH, None)
    if flash:
        st.success(flash)
    if len(rep.directory):
        st.dataframe(directory_table(rep), hide_index=True, width="stretch")
    else:
        st.caption("No entries yet: add local groups, crisis lines and link workers below.")
    _add_form(store, site_id, key)

    stem = f"support-{''.join(c if c.isalnum() else '-' for c in site_id)}"
    c1, c2 = st.columns(2)
    from ecoplan.support.sheet import report_to_html

    c1.download_button("Download printable sheet (.html)", report_to_html(rep),
                       file_name=f"{stem}.html", mime="text/html", key=f"{key}_dl_html",
                       on_click="ignore")
    c2.download_button("Download all rows (.csv)", csv_bytes(rep), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}_dl_csv", on_click="ignore")
    st.caption(rep.attribution + " — OSM shows what volunteers have mapped, not every "
               "service: check before relying on it.")


def _add_form(store: DirectoryStore, site_id: str, key: str) -> None:
    with st.form(f"{key}_dir_form", clear_on_submit=True):
        st.markdown("Add an entry to your directory")
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", max_chars=support_cfg.MAX_NAME_LEN, key=f"{key}_dir_name")
        category = c2.selectbox("Type", support_cfg.DIRECTORY_CATEGORIES, key=f"{key}_dir_cat")
        phone = c1.text_input("Phone", max_chars=support_cfg.MAX_FIELD_LEN, key=f"{key}_dir_phone")
        url = c2.text_input("Web or e-mail (https:, mailto:, tel:)",
                            max_chars=support_cfg.MAX_FIELD_LEN, key=f"{key}_dir_url")
        notes = st.text_area("Notes", max_chars=support_cfg.MAX_NOTES_LEN, key=f"{key}_dir_notes")
        only_here = st.checkbox("Show only for this site (untick for every site, e.g. a "
                                "crisis line)", value=True, key=f"{key}_dir_here")
        if st.form_submit_button("Add to my directory"):
            try:
                entry = store.add(DirectoryEntry(
                    name=name, category=category, phone=phone, url=url, notes=notes,
                    site_id=site_id if only_here else ""))
            except EcoplanError as err:
                st.error(md_escape(err))
                return
            st.session_state[_FLASH] = f"Added “{md_escape(entry.name)}” to your directory."
            st.rerun()
