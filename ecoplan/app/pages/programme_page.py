"""Programme page: plan a season of sessions — build it, review dates, sites, routes and
verdicts, check the weather and accept or reject swaps, move a session, save it with its
history, and download the printed leaflet, the calendar and the GPX files.

A programme being worked on lives in session state (built, or loaded from the database);
nothing is saved until the leader presses **Save**, and a weather check changes nothing until
a proposal is accepted.
"""

from __future__ import annotations

from datetime import date, time

import streamlit as st

from ecoplan.app import data, programme_logic, ranking_panel, state, ui, uploads
from ecoplan.app.pages.route_page import route_planner
from ecoplan.app.ui import md_escape
from ecoplan.errors import EcoplanError
from ecoplan.plans.store import default_url
from ecoplan.programmes import check as checks
from ecoplan.programmes import print_style
from ecoplan.programmes.edit import move_session
from ecoplan.programmes.export import gpx_zip, programme_to_ics
from ecoplan.programmes.model import CARE, RETHINK, Programme
from ecoplan.programmes.season import build_programme
from ecoplan.programmes.source import default_timezone, source_identity
from ecoplan.programmes.store import ProgrammeStore
from ecoplan.settings import app as app_cfg
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.settings import ranking as rcfg
from ecoplan.settings import weather as wcfg

K_WORK = "programme.work"  # the Programme on the page (built or loaded)
K_CHECK = "programme.check"  # the last CheckResult for it
K_FILES = "programme._files"  # downloads made for (id, version)
K_AREA = "programme._source"
K_PICK = "prog_pick"
K_OTHERS = "prog_other_areas"
K_SELECT = "programme._select"  # the saved programme to select in the picker on the next run
NEW = "— build a new programme —"


@st.cache_resource
def programme_store(url: str) -> ProgrammeStore:
    """One ProgrammeStore (SQLAlchemy engine) per database URL for the whole server."""
    return ProgrammeStore(url)


def _store() -> ProgrammeStore:
    return programme_store(default_url())


def work(s=None) -> Programme | None:
    value = (st.session_state if s is None else s).get(K_WORK)
    return value if isinstance(value, Programme) else None


def _set_work(p: Programme | None) -> None:
    ss = st.session_state
    ss[K_WORK] = p
    ss.pop(K_CHECK, None)
    ss[K_SELECT] = _label(p) if p is not None and p.id is not None else NEW


def _label(p: Programme) -> str:
    return f"{p.id}: {p.name}"


# --- build ----------------------------------------------------------------------------------


def _form(built, tz: str) -> programme_logic.FormValues | None:
    sites = built.sites
    names = dict(zip(sites["site_id"].astype(str), sites["name"].fillna(""), strict=True))
    with st.form("prog_form"):
        name = st.text_input("Programme name", "Winter walks",
                             max_chars=programmes_cfg.MAX_NAME_LEN,
                             key="prog_name")
        c1, c2, c3 = st.columns(3)
        first = c1.date_input("First date", programme_logic.default_first(date.today()),
                              key="prog_first", min_value=date.today())
        weekday = c2.selectbox("Day", list(programmes_cfg.WEEKDAYS), index=3, key="prog_day",
                               format_func=str.capitalize)
        every = c3.selectbox("Every", list(programmes_cfg.EVERY_DAYS), key="prog_every")
        c1, c2, c3 = st.columns(3)
        sessions = c1.number_input("Sessions", programmes_cfg.MIN_SESSIONS,
                                   programmes_cfg.MAX_SESSIONS, 8,
                                   key="prog_sessions")
        start = c2.time_input("Start", time(10, 0), key="prog_start", step=900)
        minutes = c3.number_input("Minutes", programmes_cfg.MIN_SESSION_MIN,
                                  programmes_cfg.MAX_SESSION_MIN, 60,
                                  step=5, key="prog_minutes",
                                  help="Walking for Health walks last 30–90 minutes.")
        c1, c2, c3 = st.columns(3)
        size = c1.number_input("Group size", 1, 200, 12, key="prog_size")
        leaders = c2.number_input("Leaders", 0, 20, 1, key="prog_leaders")
        profile = c3.selectbox("Group", list(programmes_cfg.PROFILE_SPEED), index=1,
                               key="prog_profile",
                               format_func=lambda p: p.replace("-", " "))
        step_free = st.checkbox("Step-free routes (no steps, stiles or kissing gates)",
                                True, key="prog_step_free")
        chosen = st.multiselect(
            "Sites (leave empty to use the best-ranked)", sorted(names), key="prog_sites",
            format_func=lambda s: f"{names.get(s) or 'Unnamed site'} ({s})")
        top = st.slider("Best-ranked sites to try", 2, 30, programmes_cfg.DEFAULT_TOP,
                        key="prog_top",
                        help=f"Ranked for '{programmes_cfg.DEFAULT_PURPOSE}' "
                             f"({rcfg.COMPONENT_HELP.get('facilities', '')[:60]}…)")
        c1, c2 = st.columns(2)
        leader = c1.text_input("Leader's name (for the leaflet)", key="prog_leader",
                               max_chars=programmes_cfg.MAX_CONTACT_LEN)
        contact = c2.text_input("Leader's phone or e-mail", key="prog_contact",
                                max_chars=programmes_cfg.MAX_CONTACT_LEN)
        go = st.form_submit_button("Build the programme", type="primary")
    if not go:
        return None
    return programme_logic.FormValues(
        name=name, first=first, weekday=weekday, every=every, sessions=int(sessions),
        start=start, minutes=int(minutes), group_size=int(size), leaders=int(leaders),
        profile=profile, step_free=step_free, site_ids=tuple(chosen), top=int(top),
        leader_name=leader, leader_contact=contact, timezone=tz)


def _build(values: programme_logic.FormValues, source: str, layers, built) -> None:
    spec = programme_logic.spec_from_form(values)
    nd = state.need()
    scores = None
    if not spec.site_ids:
        scores = ranking_panel._scores(source, nd.files if nd else (), built, layers,
                                       nd.areas.areas if nd else None)
    with st.spinner("Planning the season: sites, routes, daylight…"):
        p = build_programme(spec, layers, built, source=source_identity(source, layers),
                            planner=route_planner(source, layers, built), scores=scores)
    _set_work(p)


# --- review -----------------------------------------------------------------------------------


def _review(p: Programme) -> None:
    saved = f" · saved as #{p.id}, version {p.version}" if p.id else " · not saved yet"
    st.subheader(md_escape(p.name) + saved)
    st.dataframe(programme_logic.review(p), hide_index=True, width="stretch")
    for n in p.notes:
        st.caption(md_escape(f"Note: {n}"))
    with st.expander("Candidate sites"):
        st.dataframe(programme_logic.pool_table(p), hide_index=True, width="stretch")
    if p.id is None:
        c1, c2 = st.columns(2)
        if c1.button("Save the programme", type="primary", key="prog_save"):
            _set_work(_store().create(p))
            st.rerun()
        if c2.button("Discard and start again", key="prog_discard"):
            _set_work(None)
            st.rerun()


def _move(p: Programme) -> None:
    with st.expander("Move a session to another site"):
        n = st.selectbox("Session", [s.number for s in p.sessions], key="prog_move_n",
                         format_func=lambda k: f"{k}: {p.session(k).start:%a %-d %b}, "
                                               f"{p.site(p.session(k).site_id).name}")
        opts = programme_logic.move_options(p, int(n))
        if not opts:
            st.caption("No other site in the pool can take this session.")
            return
        sid = st.selectbox("To", opts, key="prog_move_to",
                           format_func=lambda s: f"{p.site(s).name} ({p.site(s).habitat})")
        if st.button("Move it", key="prog_move"):
            moved, summary = move_session(p, int(n), sid)
            _save_change(moved, "edit", summary)


def _save_change(p: Programme, action: str, summary: str) -> None:
    if p.id is not None:
        p = _store().update(p, action=action, summary=summary)
    _set_work(p)
    st.rerun()


def _weather(p: Programme, tz: str) -> None:
    st.subheader("Weather check")
    mode = st.radio("Forecast", programme_logic.FORECAST_MODES, key="prog_fc_mode",
                    horizontal=True)
    upload = None
    if mode == programme_logic.FORECAST_MODES[2]:
        upload = st.file_uploader("Recorded Open-Meteo forecast (.json)", type=["json"],
                                  key="prog_fc_file",
                                  max_upload_size=uploads.limit_mb("forecast"))
    if st.button("Check the coming sessions", key="prog_check"):
        get, label = programme_logic.forecast_getter(mode, tz=tz, offline=state.offline(),
                                                     upload=upload)
        with st.spinner("Reading the forecast…"):
            st.session_state[K_CHECK] = checks.check_programme(p, get, label=label)
    res = st.session_state.get(K_CHECK)
    if not isinstance(res, checks.CheckResult):
        st.caption("Sessions within the 7-day forecast get a verdict; later ones say when to "
                   "check. Nothing changes until you accept a proposal.")
        return
    for number, v in res.verdicts.items():
        s = p.session(number)
        line = (f"**{number}. {s.start:%a %-d %b %H:%M}, {md_escape(p.site(s.site_id).name)}"
                f"** — {md_escape(v.summary)}")
        (st.error if v.level == RETHINK else st.warning if v.level == CARE
         else st.info)(line)
        for prop in res.for_session(number):
            c1, c2 = st.columns([5, 1])
            c1.markdown(md_escape(prop.text))
            if c2.button("Accept", key=f"prog_accept_{prop.id}"):
                if p.id is None:
                    st.error("Save the programme first: accepted swaps are kept in its "
                             "history.")
                else:
                    updated, summary = checks.apply_check(p, res, [prop.id])
                    _save_change(updated, "swap", summary)
    for n in res.notes:
        st.caption(md_escape(n))
    if p.id is not None and st.button("Record these verdicts (no swap)", key="prog_record"):
        updated, summary = checks.apply_check(p, res, [])
        _save_change(updated, "weather", summary)
    if any(v.source for v in res.verdicts.values()):
        st.caption(wcfg.ATTRIBUTION)


def _downloads(p: Programme, layers) -> None:
    st.subheader("Print and share")
    ss = st.session_state
    key = (p.id, p.version, id(p))
    files = ss.get(K_FILES)
    if not isinstance(files, dict) or files.get("_for") != key:
        files = {"_for": key}
        ss[K_FILES] = files
    c1, c2 = st.columns(2)
    paper = c1.radio("Paper", list(print_style.PAPER_IN), horizontal=True, key="prog_paper")
    large = c2.checkbox(f"Large print (≥ {print_style.LARGE_BODY_PT:g} pt)", key="prog_large")
    stem = programme_logic.file_stem(p)

    def leaflet(paper=paper, large=large) -> bytes:
        from ecoplan.programmes.leaflet import leaflet_pdf

        k = ("pdf", paper, large)
        if k not in files:
            files[k] = leaflet_pdf(p, layers, paper=paper, large_print=large)
        return files[k]

    c1, c2, c3 = st.columns(3)
    c1.download_button("Leaflet (PDF)", leaflet, file_name=f"{stem}.pdf",
                       mime="application/pdf", key="prog_dl_pdf", on_click="ignore",
                       icon=":material/print:")
    c2.download_button("Calendar (.ics)", programme_to_ics(p), file_name=f"{stem}.ics",
                       mime="text/calendar", key="prog_dl_ics", on_click="ignore",
                       icon=":material/event:")
    c3.download_button("GPX files (.zip)", gpx_zip(p), file_name=f"{stem}-gpx.zip",
                       mime="application/zip", key="prog_dl_gpx", on_click="ignore",
                       icon=":material/route:")
    st.caption("The leaflet has a cover with the dates and your contact, then a page per "
               "session with its map. " + app_cfg.ATTRIBUTION_OSM)


def _saved(source: str) -> None:
    """The picker: programmes belong to an area (the project's OSM source), so the list shows
    this area's programmes; the others are one tick away, never hidden without a count."""
    rows = _store().list()
    mine = [r for r in rows if r["source_key"] == str(source)]
    others = len(rows) - len(mine)
    if others and st.checkbox(f"Show programmes of other areas ({others})", key=K_OTHERS):
        mine = rows
    options = [NEW] + [f"{r['id']}: {r['name']}" for r in mine]
    ss = st.session_state
    pending = ss.pop(K_SELECT, None)  # a programme was just saved, loaded or deleted
    if pending in options:
        ss[K_PICK] = pending
    elif ss.get(K_PICK) not in options:
        ss[K_PICK] = NEW
    pick = st.selectbox("Programme", options, key=K_PICK,
                        help="Saved programmes live in the same database as saved plans.")
    current = work()
    if pick == NEW:
        if current is not None and current.id is not None:
            ss[K_WORK] = None  # the leader chose to build a new one
            ss.pop(K_CHECK, None)
        return
    pid = int(pick.split(":", 1)[0])
    if current is None or current.id != pid:
        ss[K_WORK] = _store().get(pid)
        ss.pop(K_CHECK, None)


def _delete(p: Programme) -> None:
    with st.expander("Delete this programme"):
        sure = st.checkbox("Yes, delete it and its history", key="prog_del_sure")
        if st.button("Delete", key="prog_delete", disabled=not sure) and p.id is not None:
            _store().delete(p.id)
            _set_work(None)
            st.rerun()


def render() -> None:
    st.title("Programme")
    source = state.source()
    layers = data.load_source(source, state.source_offline())
    ui.demo_notice(layers)
    built = data.sites_for(source, layers)
    ss = st.session_state
    if ss.get(K_AREA) not in (None, source):
        _set_work(None)
        ss.pop(K_PICK, None)
    ss[K_AREA] = source
    tz = default_timezone(layers)
    st.caption("Plan a weekly season of walks or sessions: a site for each date (variety, "
               "toilets, benches, daylight), a loop of the right length from a named meeting "
               "point, weather checks, and a printed programme for participants.")
    _saved(source)
    p = work()
    if p is None:
        values = _form(built, tz)
        if values is not None:
            try:
                _build(values, source, layers, built)
            except EcoplanError as err:
                st.error(str(err))
            p = work()
    if p is None:
        return
    if p.source.get("key") not in (None, source):
        st.warning(f"This programme was built on {md_escape(p.source.get('name'))}; the "
                   "leaflet's maps need that area — load it on the Area & data page.")
    _review(p)
    _move(p)
    _weather(p, p.spec.timezone)
    if p.source.get("key") in (None, source):
        _downloads(p, layers)
    if p.id is not None:
        _delete(p)
    st.caption(f"Times in {p.spec.timezone}. {app_cfg.ATTRIBUTION_OSM}")
