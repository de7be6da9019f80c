"""Area & data page: which OSM area is in use, and the deprivation / need layers.

Areas: the built-in demo (default), an uploaded or local OSM file, or a place found through
Overpass (online, cached; the sidebar's offline switch reads the cache only). Need data: area
boundaries with English Indices of Deprivation 2019/2025 files, or a generic need layer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ecoplan.app import data, downloads, la_data, need_check, project, state, ui, uploads
from ecoplan.app.ui import md_escape
from ecoplan.errors import EcoplanError
from ecoplan.osm.load import DEMO
from ecoplan.projects import FileRef
from ecoplan.projects import files as projects_files
from ecoplan.settings import app as app_cfg
from ecoplan.settings import need as need_cfg

#: Message shown once after the page reruns to show a newly loaded area (see ``_switched``).
_FLASH = "area._flash"


def _suffix_types(kind: str) -> list[str]:
    """Extensions for st.file_uploader (it checks the part after the last dot)."""
    return sorted({s.rsplit(".", 1)[-1] for s in app_cfg.UPLOAD_SUFFIXES[kind]})


def load_area(key: str, *, offline: bool = False) -> bool:
    """Read an area and its sites with progress shown; switch to it. False (+ message) on error."""
    label = md_escape(data.describe_source(key))
    status = st.status(f"Loading {label}…", expanded=True)
    try:
        with status:
            st.write("Reading OpenStreetMap data…")
            layers = data.load_source(key, offline)
            st.write(f"{len(layers.features):,} map features, {len(layers.ways):,} path "
                     "segments read. Finding green and blue space…")
            built = data.sites_for(key, layers)
        status.update(label=f"Loaded {label}: {len(built.sites)} sites", state="complete",
                      expanded=False)
    except EcoplanError as err:
        status.update(label=f"Could not load {label}", state="error", expanded=False)
        ui.show_error(err)
        return False
    state.set_source(key, offline=offline)
    return True


def _switched(message: str) -> None:
    """Rerun so the summary above and the sidebar show the new area; say so once."""
    st.session_state[_FLASH] = message
    st.rerun()


def _current_area() -> None:
    key = state.source()
    st.subheader("Area in use")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(md_escape(flash))  # file and place names as typed
    try:
        layers = data.load_source(key, state.source_offline())
        built = data.sites_for(key, layers)
    except EcoplanError as err:
        ui.show_error(f"The chosen area cannot be read: {err}")
        if st.button("Go back to the demo area", key="area_back_demo"):
            state.set_source(DEMO)
            st.rerun()
        return
    info = layers.source
    cols = st.columns(4)
    cols[0].metric("Green/blue sites", f"{len(built.sites):,}")
    cols[1].metric("Entrances", f"{len(built.entrances):,}")
    cols[2].metric("Path segments", f"{len(layers.ways):,}")
    cols[3].metric("Buildings", f"{len(layers.buildings):,}")
    date = f"{info.data_date:%d %B %Y}" if info.data_date else "unknown"
    st.markdown(f"**Source:** {md_escape(info.name)}  \n**Type:** {info.kind} · **Data date:** "
                f"{date}  \n**Licence:** {info.attribution}")
    if info.note:
        st.caption(md_escape(info.note))
    # What the reader left out (e.g. broken multipolygons), in a container that is always
    # there: elements added before the tabs below would make the browser reset them.
    with st.container():
        for note in info.warnings:
            st.caption(md_escape(f"Note: {note}"))
    ui.page_link("sites", "See the sites on the map", icon=":material/park:")


def _choose_area() -> None:
    st.subheader("Choose an area")
    demo, upload, local, place = st.tabs(["Demo area", "Upload an OSM file",
                                          "OSM file on this computer", "Find a place (online)"])
    with demo:
        st.write("Central Helsinki, a real OpenStreetMap extract shipped with the software — "
                 "works with no internet.")
        if st.button("Use the demo area", key="area_use_demo") and load_area(DEMO):
            _switched("Now using the demo area.")
    with upload:
        st.write(f"An OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2 or .osm.gz), up to "
                 f"{uploads.limit_mb('osm')} MB — e.g. a county from download.geofabrik.de.")
        f = st.file_uploader("OSM file", type=_suffix_types("osm"), key="area_osm_upload",
                             max_upload_size=uploads.limit_mb("osm"))
        if f is not None and st.button("Load this file", key="area_load_upload"):
            try:
                uploads.check_upload(f.name, f.size, "osm")
                path = uploads.save_upload(f.name, f.getvalue(), "osm")
            except EcoplanError as err:
                ui.show_error(err)
            else:
                if load_area(str(path)):
                    _switched(f"Now using {f.name}.")
    with local:
        text = st.text_input("Path of an OSM file on this computer", key="area_osm_path",
                             placeholder="/data/isle-of-wight-latest.osm.pbf")
        if st.button("Load from path", key="area_load_path"):
            try:
                path = uploads.check_local_path(text, "osm")
            except EcoplanError as err:
                ui.show_error(err)
            else:
                if load_area(str(path)):
                    _switched(f"Now using {path.name}.")
    with place:
        st.write("Search OpenStreetMap through the Overpass service (needs the internet; "
                 "answers are cached, so the same place works offline later).")
        name = st.text_input("Place name", key="area_place", placeholder="Newport, Isle of Wight")
        offline = state.offline()
        if offline:
            st.caption("Offline mode is on (sidebar): only places fetched before can be used.")
        if st.button("Find this place", key="area_find_place"):
            if not name.strip():
                st.error("Type a place name first, e.g. 'Newport, Isle of Wight'.")
            elif load_area(data.source_key_for_place(name), offline=offline):
                _switched(f"Now using {name}.")


def _need_summary(nd: state.NeedData) -> None:
    res = nd.areas
    areas = res.areas
    with_need = int(areas["imd_decile"].notna().sum()) if "imd_decile" in areas else 0
    pop = areas["population"].sum(min_count=1) if "population" in areas else float("nan")
    st.success(f"Need data loaded: {len(areas):,} areas, {with_need:,} with a deprivation "
               f"decile ({nd.edition}).")
    st.markdown(f"**Files:** {md_escape(', '.join(nd.files))}  \n**Population:** "
                + (f"{pop:,.0f}" if pd.notna(pop) else "not given") + "  ")
    if with_need:
        counts = areas["imd_decile"].value_counts().sort_index()
        counts.index = [f"{int(d)}" for d in counts.index]
        st.caption("Areas by deprivation decile (1 = most deprived 10 % in England)")
        st.bar_chart(counts, x_label="decile", y_label="areas", height=220)
    if res.unmatched_areas:
        st.warning(f"{len(res.unmatched_areas)} areas have no deprivation row (e.g. "
                   f"{md_escape(', '.join(res.unmatched_areas[:3]))}); check the files are the "
                   "same LSOA vintage (2011 for IoD 2019, 2021 for IoD 2025).")
    for w in res.warnings:
        st.caption(md_escape(f"Note: {w}"))
    _overlap_warning(nd)
    for a in nd.attributions:
        st.caption(a)
    ui.page_link("gaps", "Next: see the access gaps", icon=":material/bar_chart:")
    if st.button("Remove need data", key="need_clear"):
        state.set_need(None)
        st.rerun()


def _saved_upload(f, kind: str) -> Path:
    uploads.check_upload(f.name, f.size, kind)
    return uploads.save_upload(f.name, f.getvalue(), kind)


def _kept(f, kind: str) -> FileRef:
    """An uploaded file, checked, then kept by the project under the name the user gave it."""
    return projects_files.keep(_saved_upload(f, kind), f.name)


def _kept_path(text: str, kind: str) -> FileRef:
    path = uploads.check_local_path(text, kind)
    return projects_files.keep(path, path.name)


def _paths(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _kept_need_files() -> tuple[FileRef | None, list[FileRef]]:
    """Boundaries and tables already in the project (so adding a file never means
    uploading the others again)."""
    nd = state.need()
    spec = nd.spec if nd is not None and nd.spec else None
    if not spec or spec.get("kind") != "iod":
        return None, []
    return (FileRef.from_dict(spec["boundaries"]),
            [FileRef.from_dict(t) for t in spec.get("tables") or []])


def _load_iod(bfile, ifiles, bpath_text: str, ipaths_text: str, use_dl: bool) -> None:
    kept_b, kept_t = _kept_need_files()
    if bfile is not None:
        boundaries = _kept(bfile, "boundaries")
    elif bpath_text.strip():
        boundaries = _kept_path(bpath_text, "boundaries")
    elif kept_b is not None:
        boundaries = kept_b
    else:
        raise EcoplanError("Choose an area boundaries file first (e.g. the ONS LSOA "
                           "boundaries for your area), by upload or by path.")
    tables = list(kept_t)
    tables += [_kept(f, "table") for f in (ifiles or [])]
    tables += [_kept_path(t, "table") for t in _paths(ipaths_text)]
    if use_dl:
        tables.append(FileRef("IoD 2025 File 7 (downloaded)", str(downloads.iod2025_path())))
    tables = list({t.path: t for t in tables}.values())  # the same file once
    if not tables:
        raise EcoplanError("Add at least one IoD file (File 1 or 2 of IoD 2019, or IoD 2025), "
                           "or use the generic need layer tab.")
    spec = project.iod_spec(boundaries, tables)
    with st.status("Reading boundaries and deprivation…") as status:
        nd = project.need_from_spec(spec)
        status.update(label="Need data read", state="complete")
    state.set_need(nd)
    st.rerun()


def _overlap_warning(nd: state.NeedData) -> None:
    """Areas outside the loaded OSM data would silently count as 'no access'; say so here."""
    try:
        layers = data.load_source(state.source(), state.source_offline())
    except EcoplanError:
        return
    inside, total = need_check.overlap(nd.areas.areas, layers)
    if total and inside == 0:
        st.warning(f"None of the {total:,} need areas overlap the loaded OpenStreetMap area "
                 f"({md_escape(data.describe_source(state.source()))}): load the OSM extract "
                 "for the same place, or boundaries for this area.")
    elif inside < total:
        st.warning(f"{total - inside:,} of {total:,} need areas do not overlap the loaded "
                   "OpenStreetMap area; their access cannot be measured (only the "
                   f"{inside:,} that overlap are). Load a larger OSM extract to include them.")


def _need_data() -> None:
    st.subheader("Deprivation, population and boundaries")
    st.write("Needed for the access-gap measures. Use area boundaries (e.g. ONS LSOA 2011 or "
             "2021) with the English Indices of Deprivation, or any polygon layer with a "
             "need value.")
    nd = state.need()
    if nd is not None:
        _need_summary(nd)
    iod, generic, online = st.tabs(["Boundaries + IoD files", "Generic need layer",
                                    "Download IoD 2025 (online)"])
    with iod:
        kept_b, kept_t = _kept_need_files()
        if kept_b is not None:
            st.caption(md_escape(
                f"Kept in this project: {kept_b.name} (boundaries); "
                + ", ".join(t.name for t in kept_t)
                + ". Add a file (e.g. the population, IoD 2019 File 6) and load again — the "
                "others need not be given again."))
        bfile = st.file_uploader(
            "Area boundaries (GeoJSON, GeoPackage or zipped shapefile)",
            type=_suffix_types("boundaries"), key="need_boundaries",
            max_upload_size=uploads.limit_mb("boundaries"),
            help=f"Up to {uploads.limit_mb('boundaries')} MB; larger files: give the path below.")
        ifiles = st.file_uploader(
            "IoD files (CSV): IoD 2019 File 1/2 (+ File 6 for population) or IoD 2025",
            type=_suffix_types("table"), accept_multiple_files=True, key="need_iod",
            max_upload_size=uploads.limit_mb("table"),
            help=f"Up to {uploads.limit_mb('table')} MB each.")
        with st.expander("…or give the files' paths on this computer"):
            bpath = st.text_input("Path of the area boundaries file", key="need_boundaries_path",
                                  placeholder="/data/lsoa2011_boundaries.geojson")
            ipaths = st.text_area("Paths of the IoD files (one per line)", key="need_iod_paths",
                                  placeholder="/data/File_2_-_IoD2019_Domains.csv", height=90)
        use_dl = downloads.iod2025_path().is_file() and st.checkbox(
            "Also use the downloaded IoD 2025 file", key="need_use_download")
        if st.button("Load need data", key="need_load"):
            try:
                _load_iod(bfile, ifiles, bpath, ipaths, use_dl)
            except EcoplanError as err:
                ui.show_error(err)
    with generic:
        gfile = st.file_uploader("Polygon layer with a need value (GeoJSON/GeoPackage/zip)",
                                 type=_suffix_types("boundaries"), key="need_generic_file",
                                 max_upload_size=uploads.limit_mb("boundaries"))
        c1, c2 = st.columns(2)
        id_col = c1.text_input("Area id column", key="need_generic_id")
        need_col = c2.text_input("Need value column", key="need_generic_value")
        name_col = c1.text_input("Area name column (optional)", key="need_generic_name")
        pop_col = c2.text_input("Population column (optional)", key="need_generic_pop")
        worse = st.radio("Higher values mean", ["more need", "less need"], horizontal=True,
                         key="need_generic_dir")
        if st.button("Load need layer", key="need_generic_load"):
            try:
                if gfile is None or not id_col.strip() or not need_col.strip():
                    raise EcoplanError("Choose the file and type the id and need column names.")
                spec = project.generic_spec(
                    _kept(gfile, "boundaries"), id_column=id_col.strip(),
                    need_column=need_col.strip(), higher_is_worse=worse == "more need",
                    name_column=name_col.strip() or None,
                    population_column=pop_col.strip() or None)
                state.set_need(project.need_from_spec(spec))
                st.rerun()
            except EcoplanError as err:
                ui.show_error(err)
    with online:
        st.write("The official English Indices of Deprivation 2025 (MHCLG, File 7: all ranks, "
                 "scores, deciles and population, LSOA 2021, ≈ 20 MB CSV) can be downloaded "
                 "once when this computer is online; it is then kept in the cache. Pair it "
                 "with LSOA 2021 boundaries.")
        st.caption(need_cfg.IOD_ATTRIBUTION)
        if downloads.iod2025_path().is_file():
            st.success("The IoD 2025 file is downloaded; tick 'Also use the downloaded IoD "
                       "2025 file' in the first tab.")
        elif st.button("Download IoD 2025", key="need_download"):
            try:
                with st.spinner("Downloading from gov.uk…"):
                    downloads.download_iod2025(offline=state.offline())
                st.rerun()
            except EcoplanError as err:
                ui.show_error(err)


def render() -> None:
    st.title("Area & data")
    _current_area()
    st.divider()
    _choose_area()
    st.divider()
    la_data.render(_load_la_area)
    st.divider()
    _need_data()
    st.divider()
    ui.licences_expander(expanded=True)


def _load_la_area(key: str) -> bool:
    """Switch to a downloaded authority (la_data has set its need data already)."""
    if load_area(key):
        _switched(f"Now using {data.describe_source(key)} with its deprivation data.")
    return False
