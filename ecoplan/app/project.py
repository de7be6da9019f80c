"""The app's side of projects: restore one into the session, save changes after each run.

A run goes ``begin_run()`` → page → ``end_run()`` (``app.py``). ``begin_run`` opens the
project named in the URL (``?project=…``) once per session — after a reload or in a second
tab — and puts back the area, need layer, chosen site, settings and route start; it also
re-seeds remembered widget values that Streamlit dropped when their page was left.
``end_run`` compares what the session holds with what was last saved and writes only the
difference (one transaction). Loading a real area or need data with no project open starts
one, named after the area, so a reload never loses work.

Heavy results are not stored: the area, sites and need layer are rebuilt through the cached
loaders in :mod:`ecoplan.app.data` (instant while the server runs; the access step also has
its on-disk cache), so reopening is quick.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, cast

import streamlit as st

from ecoplan.app import data, state
from ecoplan.errors import EcoplanError
from ecoplan.projects import FileRef, Project
from ecoplan.settings import need as need_cfg

PROJECT = "ecoplan.project"  # id of the open project (or absent)
RESTORED = "ecoplan.project_restored"  # id whose saved state this session has loaded
SETTINGS = "ecoplan.project_settings"  # remembered widget values (survive page changes)
SAVED = "ecoplan.project_saved"  # snapshot last written, to write only changes
NOTICE = "ecoplan.project_notice"  # a message for the sidebar (project not found …)
QUERY = "project"  # ?project=<id>

#: Widget keys whose values belong to the project (a choice of how to work, not a result).
SETTING_KEYS: tuple[str, ...] = (
    "sites_color_by", "rank_on", "rank_purpose", "rank_all_pieces",
    "route_start_mode", "route_atob", "route_click_target", "route_minutes", "route_pace",
    "route_custom_kmh", "route_step_free", "route_lit", "route_avoid_roads",
    "route_alternatives", "route_title",
)
SETTING_PREFIXES: tuple[str, ...] = ("rank_w_",)
#: Non-widget route state kept with the project: the clicked start and finish (lon, lat).
ROUTE_KEYS: tuple[str, ...] = ("route.map_start", "route.map_end", "route.planned")


def store() -> Any:
    """The ProjectStore for the app's database (plans and projects share it)."""
    from ecoplan.plans.store import default_url

    return data.project_store(default_url())


def _is_setting(key: str) -> bool:
    return key in SETTING_KEYS or key.startswith(SETTING_PREFIXES)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def snapshot(s: MutableMapping[str, Any]) -> dict[str, Any]:
    """What of the session belongs to the project, as JSON-able values."""
    remembered = dict(s.get(SETTINGS) or {})
    for key in list(s.keys()):
        if isinstance(key, str) and _is_setting(key):
            remembered[key] = _jsonable(s[key])
    s[SETTINGS] = remembered
    nd = state.need(s)
    return {
        "source": state.source(s), "source_offline": state.source_offline(s),
        "need": nd.spec if nd is not None else None,
        "selected_site": state.selected_site(s),
        "settings": remembered,
        "route": {k: _jsonable(s.get(k)) for k in ROUTE_KEYS if s.get(k) is not None},
    }


def reseed(s: MutableMapping[str, Any]) -> None:
    """Put back remembered widget values Streamlit dropped when their page was not shown."""
    for key, value in (s.get(SETTINGS) or {}).items():
        if key not in s:
            s[key] = value


def _default_name(source: str) -> str:
    """'isle-of-wight 2015-01-01' for isle-of-wight_2015-01-01.osm.pbf; 'Demo area'."""
    if source == "demo":
        return "Demo area"
    text = data.describe_source(source)
    for suffix in (".osm.pbf", ".osm.bz2", ".osm.gz", ".osm", ".pbf"):
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
            break
    return " ".join(text.replace("_", " ").split()) or "Project"


# --- need layers rebuilt from a spec --------------------------------------------------------

def iod_spec(boundaries: FileRef, tables: list[FileRef], *, labels: list[str] | None = None,
             attributions: list[str] | None = None) -> dict[str, Any]:
    return {"kind": "iod", "boundaries": vars(boundaries), "tables": [vars(t) for t in tables],
            "labels": labels or [boundaries.name] + [t.name for t in tables],
            "attributions": attributions or [need_cfg.IOD_ATTRIBUTION,
                                             need_cfg.ONS_BOUNDARY_ATTRIBUTION]}


def generic_spec(file: FileRef, *, id_column: str, need_column: str, higher_is_worse: bool,
                 name_column: str | None, population_column: str | None) -> dict[str, Any]:
    return {"kind": "generic", "file": vars(file), "id_column": id_column,
            "need_column": need_column, "higher_is_worse": higher_is_worse,
            "name_column": name_column, "population_column": population_column,
            "labels": [file.name]}


def shown_names(spec: dict[str, Any]) -> dict[str, str]:
    """Stored path → the user's file name, for messages (never the hashed stored name)."""
    refs = [spec.get("boundaries"), spec.get("file"), *(spec.get("tables") or [])]
    return {r["path"]: r["name"] for r in refs if r}


def need_from_spec(spec: dict[str, Any]) -> state.NeedData:
    """Build the need layer a spec describes (cached); errors name the user's files."""
    from ecoplan.messages import with_file_names

    try:
        if spec.get("kind") == "generic":
            res = data.load_generic_areas(
                spec["file"]["path"], spec["id_column"], spec["need_column"],
                bool(spec["higher_is_worse"]), spec.get("name_column"),
                spec.get("population_column"))
            return state.NeedData(res, tuple(spec["labels"]),
                                  f"generic: {spec['need_column']}", (), spec)
        for ref in [spec["boundaries"], *spec["tables"]]:
            if not Path(ref["path"]).is_file():
                raise EcoplanError(f"{ref['name']} is no longer in the app's data folder; "
                                   "load the need data again")
        res = data.load_iod_areas(spec["boundaries"]["path"],
                                  tuple(t["path"] for t in spec["tables"]))
    except EcoplanError as err:
        raise with_file_names(err, shown_names(spec)) from None
    editions = sorted({str(v) for v in res.areas["need_source"].dropna().unique()})
    return state.NeedData(res, tuple(spec["labels"]), ", ".join(editions) or "IoD",
                          tuple(spec.get("attributions") or ()), spec)


# --- one run ---------------------------------------------------------------------------------

def open_project(pid: str, s: MutableMapping[str, Any] | None = None) -> Project:
    """Load a saved project into the session (area, need, site, settings, route start)."""
    s = cast(MutableMapping[str, Any], st.session_state) if s is None else s
    proj = store().get(pid)
    state.set_source(proj.source, offline=proj.source_offline, state=s)
    for key in [k for k in list(s.keys()) if isinstance(k, str) and _is_setting(k)]:
        del s[key]
    s[SETTINGS] = dict(proj.settings)
    reseed(s)
    for key in ROUTE_KEYS:
        value = proj.route.get(key)
        s[key] = tuple(value) if isinstance(value, list) else value
    if proj.route:
        s["route._source"] = proj.source
    need = None
    if proj.need:
        try:
            need = need_from_spec(proj.need)
        except EcoplanError as err:
            s[NOTICE] = f"The need data of this project could not be read again: {err}"
    state.set_need(need, s)
    state.select_site(proj.selected_site, s)
    s[PROJECT] = proj.id
    s[RESTORED] = proj.id
    s[SAVED] = snapshot(s)
    store().opened(proj.id)
    return proj


def begin_run() -> None:
    """Before the page: open the project in the URL (once), keep the URL naming it."""
    s = cast(MutableMapping[str, Any], st.session_state)
    wanted = st.query_params.get(QUERY)
    if wanted and wanted != s.get(RESTORED):
        try:
            open_project(str(wanted))
        except EcoplanError as err:
            s[NOTICE] = str(err)
            s[RESTORED] = wanted
            s.pop(PROJECT, None)
            st.query_params.pop(QUERY, None)
    elif s.get(PROJECT) and wanted != s[PROJECT]:
        st.query_params[QUERY] = s[PROJECT]
    reseed(s)


def end_run() -> None:
    """After the page: save what changed (start a project once there is real work)."""
    s = cast(MutableMapping[str, Any], st.session_state)
    snap = snapshot(s)
    pid = s.get(PROJECT)
    if pid is None:
        if snap["source"] == "demo" and snap["need"] is None:
            return  # nothing worth keeping yet: the demo as it opens
        try:
            proj = store().create(Project(name=_default_name(snap["source"]), **snap))
        except EcoplanError as err:
            s[NOTICE] = f"Projects are not saved: {err}"
            return
        s[PROJECT] = s[RESTORED] = proj.id
        s[SAVED] = snap
        st.query_params[QUERY] = proj.id
        return
    saved = s.get(SAVED) or {}
    changes = {k: v for k, v in snap.items() if saved.get(k) != v}
    if not changes:
        return
    try:
        store().patch(pid, **changes)
    except EcoplanError as err:
        s[NOTICE] = f"Could not save the project: {err}"
        return
    s[SAVED] = snap


def start_new(s: MutableMapping[str, Any] | None = None) -> None:
    """Close the open project and go back to the demo (the project stays in the list)."""
    s = cast(MutableMapping[str, Any], st.session_state) if s is None else s
    for key in [k for k in list(s.keys()) if isinstance(k, str) and _is_setting(k)]:
        del s[key]
    for key in (PROJECT, SAVED, SETTINGS, *ROUTE_KEYS):
        s.pop(key, None)
    state.set_source("demo", state=s)
    state.set_need(None, s)
    state.select_site(None, s)
    st.query_params.pop(QUERY, None)
    s[RESTORED] = None
