"""Area & data page: "Get data for a local authority" — one step from a name to the area and
its need data, with a progress bar per file (``ecoplan data get`` underneath).

The name box suggests authorities once their list is known (it comes with the first download,
from the ONS lookup); before that a name or GSS code is typed. After the download the
authority's OSM extract (clipped to it plus the farthest standard's distance, as ``--la`` does
on the command line) becomes the area in use, and its LSOA 2011 boundaries with IoD 2019
File 2 and File 6 population become the need data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ecoplan.app import data, state
from ecoplan.app.ui import md_escape
from ecoplan.errors import EcoplanError
from ecoplan.settings import need as need_cfg

#: Widget keys.
NAME_KEY = "la_name"
PICK_KEY = "la_pick"
BUTTON_KEY = "la_get"


def authority_names() -> list[str]:
    """'Name (CODE)' for every authority in the cached list, or [] before the first download."""
    from ecoplan.fetch.manifest import national_dir

    listed = national_dir() / "authorities.csv"
    if not listed.is_file():
        return []
    try:
        table = pd.read_csv(listed, dtype=str)
    except (OSError, ValueError):
        return []
    return [f"{n} ({c})" for c, n in zip(table["code"], table["name"], strict=True)]


def _query(choice: str) -> str:
    """The code inside 'Name (CODE)', else the text as typed."""
    text = (choice or "").strip()
    if text.endswith(")") and "(" in text:
        return text.rsplit("(", 1)[1].rstrip(")").strip()
    return text


class _Bars:
    """One st.progress per file, updated by ecoplan.fetch's progress callback."""

    def __init__(self, box: Any) -> None:
        self.box = box
        self.bars: dict[str, Any] = {}

    def __call__(self, label: str, done: int, total: int | None) -> None:
        frac = min(1.0, done / total) if total else 0.0
        unit = "rows" if label.endswith((".geojson", "lsoa_lookup.csv")) else "bytes"
        text = f"{label}: {done:,}" + (f" of {total:,}" if total else "") + f" {unit}"
        bar = self.bars.get(label)
        if bar is None:
            self.bars[label] = self.box.progress(frac, text=md_escape(text))
        else:
            bar.progress(frac, text=md_escape(text))


def render(load_area: Callable[[str], bool]) -> None:
    """The section; ``load_area(source_key)`` switches the area (the page's own loader)."""
    st.subheader("Get data for a local authority")
    st.write("For an English local authority: downloads its OpenStreetMap extract "
             "(Geofabrik), LSOA boundaries (ONS) and the Indices of Deprivation with population "
             "(gov.uk) once, then loads them here. Needs the internet the first time; files are "
             "kept in the data folder and reused offline.")
    names = authority_names()
    if names:
        choice = st.selectbox("Local authority", names, index=None, key=PICK_KEY,
                              placeholder="Type to search, e.g. Isle of Wight")
    else:
        choice = st.text_input("Local authority (name or code)", key=NAME_KEY,
                               placeholder="Isle of Wight, or E06000046")
        st.caption("The list of authority names comes with the first download (from the ONS "
                   "LSOA lookup); until then type a name or a code.")
    if not st.button("Get data for this authority", key=BUTTON_KEY):
        return
    if not (choice or "").strip():
        st.error("Choose or type a local authority first, e.g. Isle of Wight.")
        return
    get_and_load(_query(choice or ""), load_area)


def get_and_load(query: str, load_area: Callable[[str], bool]) -> bool:
    """Download (or reuse) the authority's files, then load the area and its need data."""
    from ecoplan.fetch.get import get_la_data

    status = st.status(f"Getting the data for {md_escape(query)}…", expanded=True)
    try:
        with status:
            bars = _Bars(st.container())
            man = get_la_data(query, offline=state.offline(), progress=bars,
                              step=lambda msg: st.write(md_escape(msg)))
            boundaries = man.path_of("lsoa2011")
            iod = (str(man.path_of("iod2019_file2")), str(man.path_of("iod2019_file6")))
            lookup = str(man.path_of("lookup")) if "lookup" in man.files else None
        status.update(label=f"Downloaded the data for {man.name} ({man.code})",
                      state="complete", expanded=False)
    except EcoplanError as err:
        status.update(label=f"Could not get the data for {md_escape(query)}", state="error",
                      expanded=False)
        st.error(str(err))
        return False
    for note in man.notes:
        st.caption(md_escape(note))
    try:
        res = data.load_iod_areas(str(boundaries), iod, lookup)
    except EcoplanError as err:
        st.error(str(err))
        return False
    editions = sorted({str(v) for v in res.areas["need_source"].dropna().unique()})
    attributions = tuple(dict.fromkeys(
        [need_cfg.IOD_ATTRIBUTION, need_cfg.ONS_BOUNDARY_ATTRIBUTION]
        + [rec["attribution"] for rec in man.files.values()]))
    shown = (f"LSOA 2011 boundaries of {man.name} (ONS)", "IoD 2019 File 2 (gov.uk)",
             "IoD 2019 File 6 population (gov.uk)")
    from ecoplan.app import project  # the spec lets a project rebuild this need layer
    from ecoplan.projects import FileRef

    spec = project.iod_spec(FileRef(shown[0], str(boundaries)),
                            [FileRef(n, p) for n, p in zip(shown[1:], iod, strict=True)],
                            labels=list(shown), attributions=list(attributions))
    state.set_need(state.NeedData(res, shown, ", ".join(editions) or "IoD2019", attributions,
                                  spec))
    return load_area(data.source_key_for_la(man.code))


__all__ = ["authority_names", "get_and_load", "render"]
