"""The sidebar's project box: the open project's name, Recent projects, New project."""

from __future__ import annotations

import streamlit as st

from ecoplan.app import data, project, ui
from ecoplan.errors import EcoplanError

RECENT_KEY = "project_recent"
NAME_KEY = "project_name"
RECENT_LIMIT = 12  # enough to find last week's work; older ones stay in the database


def _when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


def _rename() -> None:
    pid = st.session_state.get(project.PROJECT)
    text = st.session_state.get(NAME_KEY, "")
    if pid and text.strip():
        try:
            project.store().patch(pid, name=text)
        except EcoplanError as err:
            st.session_state[project.NOTICE] = str(err)


def _open_recent() -> None:
    """Open the project picked under Recent projects. The box is a picker, not a display of
    the open project (its name is in the box above): it is emptied at once, so no stale choice
    survives a change in the list — a value kept by position would otherwise open another
    project when a new one is added to the list."""
    pid = st.session_state.get(RECENT_KEY)
    st.session_state[RECENT_KEY] = None
    if not pid or pid == st.session_state.get(project.PROJECT):
        return
    try:
        project.open_project(pid)
        st.query_params[project.QUERY] = pid
    except EcoplanError as err:
        st.session_state[project.NOTICE] = str(err)
    st.session_state.pop(NAME_KEY, None)


def render() -> None:
    """Draw the project box (call inside ``st.sidebar``)."""
    s = st.session_state
    notice = s.pop(project.NOTICE, None)
    if notice:
        st.warning(ui.md_escape(notice))
    try:
        store = project.store()
        recent = store.recent(RECENT_LIMIT)
    except EcoplanError as err:
        st.markdown(":small[" + ui.md_escape(f"Projects are not available: {err}") + "]")
        return
    pid = s.get(project.PROJECT)
    current = next((p for p in recent if p.id == pid), None)
    if current is None and pid:
        try:
            current = store.get(pid)
        except EcoplanError:
            current = None
    st.markdown("**Project**")
    if current is None:
        # Markdown, not st.caption: the caption's grey on the sidebar fails WCAG contrast
        # (3.8:1, axe-core); small text in the normal colour passes.
        st.markdown(":small[Not saved yet: load an area or need data and your work is kept "
                    "as a project (it survives a reload).]")
    else:
        if s.get(NAME_KEY) is None or s.get("project._name_for") != current.id:
            s[NAME_KEY] = current.name
            s["project._name_for"] = current.id
        st.text_input("Project name", key=NAME_KEY, on_change=_rename, max_chars=120,
                      help="Saved as you work; reopen it later under Recent projects.")
    others = [p for p in recent if p.id != pid]
    if others:
        labels = {p.id: f"{p.name} · {data.describe_source(p.source)} · {_when(p.updated_at)}"
                  for p in others}
        st.selectbox("Recent projects", list(labels), key=RECENT_KEY, on_change=_open_recent,
                     format_func=lambda i: labels.get(i, i), placeholder="Open a project…",
                     index=None)
    if current is not None and st.button("New project", key="project_new",
                                         help="Start again on the demo area; this project "
                                              "stays under Recent projects."):
        project.start_new()
        s.pop(NAME_KEY, None)
        s.pop(RECENT_KEY, None)
        st.rerun()
