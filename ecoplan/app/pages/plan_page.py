"""Plan a session: site, weather, time and group → go / go with care / unknown / rethink, with
reasons, a note for participants, a leader checklist, alternatives and daylight; save, edit,
delete plans and download them as calendar events (.ics) and printable sheets.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from ecoplan.app import controls, data, state, support_panel, ui, uploads
from ecoplan.app.ui import md_escape
from ecoplan.errors import EcoplanError, InputFileError, NotInCacheError, ServiceError
from ecoplan.plans.alternatives import suggest_alternatives
from ecoplan.plans.context import Group, Session, SiteContext
from ecoplan.plans.forecast import Forecast, latest_cached, load_forecast, parse_forecast
from ecoplan.plans.ics import plan_to_ics
from ecoplan.plans.refuge import nearest_building
from ecoplan.plans.rules import Assessment, Level, assess, session_weather
from ecoplan.plans.sheet import plan_to_html
from ecoplan.plans.store import Plan, default_url
from ecoplan.plans.validate import check_not_past, check_place, load_json
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as wcfg
from ecoplan.support.country import timezone_at

MODES = ("Online forecast (Open-Meteo)", "Cached forecast (offline)",
         "Enter conditions by hand", "Recorded forecast file (JSON)")
#: WMO weather codes (WMO 4677 subset used by Open-Meteo) offered in the manual form.
WEATHER_TYPES: dict[str, int | None] = {
    "(not given)": None, "Clear": 0, "Cloudy": 3, "Fog": 45, "Drizzle": 53, "Rain": 63,
    "Heavy rain": 65, "Freezing rain": 66, "Snow": 73, "Showers": 81, "Thunderstorm": 95,
}
#: How each verdict is shown: Streamlit alert kind and icon.
LEVEL_STYLE: dict[Level, tuple[str, str]] = {
    Level.GO: ("success", ":material/check_circle:"),
    Level.CARE: ("warning", ":material/warning:"),
    Level.UNKNOWN: ("warning", ":material/help:"),
    Level.RETHINK: ("error", ":material/block:"),
}


#: Hand-form labels by condition key (messages name the field the user typed in).
FORM_LABELS: dict[str, str] = {
    "temp_c": "Temperature", "apparent_c": "Feels like", "gust_kmh": "Wind gusts",
    "wind_kmh": "Mean wind", "rain_mm": "Rain", "rain_prob": "Chance of rain",
    "uv": "UV index", "weather_code": "Weather type",
}


# --- pure helpers (tested directly) -------------------------------------------------------


def forecast_from_json_bytes(name: str, payload: bytes) -> Forecast:
    """A recorded Open-Meteo response uploaded as JSON → Forecast (InputFileError if bad)."""
    uploads.check_upload(name, len(payload), "forecast")
    raw = load_json(payload, uploads.safe_name(name), InputFileError)
    return parse_forecast(raw, source="file", error_cls=InputFileError)


def manual_conditions(values: dict[str, Any]) -> dict[str, float]:
    """The filled-in manual fields only (blank = unknown, so the rules needing it skip)."""
    out: dict[str, float] = {}
    for k, v in values.items():
        if v is None:
            continue
        if isinstance(v, float) and math.isnan(v):
            continue
        out[k] = float(v)
    if not out:
        raise EcoplanError("Fill in at least one condition (e.g. temperature and gusts).")
    return out


def session_tz(fc: Forecast, area_tz: str) -> str:
    """Session times are local to the forecast's place, or the area's for hand-entered ones."""
    return area_tz if fc.is_manual else fc.timezone


def site_timezone(site: SiteContext) -> str:
    """The site's own time zone (offline lookup from its position), else Europe/London."""
    zone = timezone_at(site.lon, site.lat) if site.lat is not None and site.lon is not None \
        else None
    return zone or wcfg.DEFAULT_TIMEZONE


def default_day(tz: str, now: datetime | None = None) -> date:
    """Today while the default start time is still ahead, else tomorrow (never the past)."""
    now = (now or datetime.now(ZoneInfo(tz))).astimezone(ZoneInfo(tz))
    start = time.fromisoformat(controls.DEFAULT_START)
    return now.date() if now.time() < start else now.date() + timedelta(days=1)


def default_mode(site: SiteContext, tz: str, offline: bool) -> str:
    """Online when online; offline: a cached forecast if one is kept, else the hand form."""
    if not offline:
        return MODES[0]
    if site.lat is not None and site.lon is not None and \
            latest_cached(site.lat, site.lon, tz) is not None:
        return MODES[1]
    return MODES[2]


def is_open_meteo(fc: Forecast) -> bool:
    return not fc.is_manual


def make_plan(site: SiteContext, session: Session, group: Group, fc: Forecast,
              a: Assessment, notes: str = "") -> Plan:
    return Plan(site_id=site.site_id, site_name=site.label, start=session.start,
                minutes=session.minutes, lat=site.lat, lon=site.lon, group=group.to_dict(),
                notes=notes, forecast=fc.to_snapshot(), assessment=a.to_dict())


# --- page sections ------------------------------------------------------------------------


def _site_choice(sites: pd.DataFrame, layers: Any = None) -> SiteContext | None:
    st.subheader("1. Site")
    if len(sites) == 0:
        st.warning("No green space found in this area — try a larger area on the Area & data "
                   "page.")
        return None
    by_id = sites.set_index(sites["site_id"].astype(str))
    ids = sites.sort_values(["area_ha", "site_id"], ascending=[False, True])["site_id"] \
        .astype(str).tolist()
    chosen = state.selected_site()
    if chosen in ids:  # the site chosen on Sites / Access gaps (kept in step with this list)
        st.session_state["plan_site"] = chosen
    elif st.session_state.get("plan_site") not in ids:
        st.session_state["plan_site"] = ids[0]
    sid = st.selectbox(
        "Site", ids, key="plan_site",
        on_change=lambda: state.select_site(st.session_state.get("plan_site")),
        format_func=lambda s: f"{by_id.loc[s, 'name'] or s} · "
                              f"{by_id.loc[s, 'area_ha']:,.1f} ha",
        help="Type to search by name. The Walking route page starts from the same site.")
    state.select_site(sid)
    row = by_id.loc[sid].copy()
    row["site_id"] = sid
    site = SiteContext.from_site_row(
        row, nearest_building=nearest_building(layers, row.get("geometry")))
    st.caption(f"Categories: {md_escape(', '.join(site.categories)) or '—'} · toilets: "
               f"{'yes' if site.has_toilets else 'no'} · shelter: "
               f"{'yes' if site.has_shelter else 'no'}")
    return site


def _to_manual() -> None:
    st.session_state["plan_fc_mode"] = MODES[2]


def _offer_manual(message: str) -> None:
    """No forecast to be had (network down, nothing cached): say so and offer the hand form."""
    ui.show_error(message)
    st.button("Enter the conditions by hand instead", key="plan_fc_to_manual",
              on_click=_to_manual, type="primary")


def _weather(site: SiteContext, area_tz: str) -> state.ForecastChoice | None:
    st.subheader("2. Weather")
    offline = state.offline()
    if "plan_fc_mode" not in st.session_state:
        st.session_state["plan_fc_mode"] = default_mode(site, area_tz, offline)
    mode = st.radio("Forecast", MODES, key="plan_fc_mode",
                    help="The online forecast covers the next 7 days. With no internet, enter "
                         "the expected conditions by hand (e.g. from a weather app or the "
                         "radio), or use a forecast fetched earlier.")
    try:
        if mode == MODES[0]:
            _online_forecast(site, area_tz, offline)
        elif mode == MODES[1]:
            _cached_forecast(site, area_tz)
        elif mode == MODES[2]:
            _manual_form(site, area_tz)
        else:
            _file_forecast()
    except EcoplanError as err:
        ui.show_error(err)
    choice = state.plan_forecast()
    if choice is not None:
        _show_forecast_choice(choice, area_tz)
    return choice


def _online_forecast(site: SiteContext, area_tz: str, offline: bool) -> None:
    if offline:
        st.info("Offline mode is on (sidebar): use the cached forecast or enter the "
                "conditions by hand.")
        st.button("Enter the conditions by hand", key="plan_fc_to_manual",
                  on_click=_to_manual)
        return
    st.caption("Needs the internet. No connection? Choose **Enter conditions by "
               "hand** above.")
    if st.button("Get the forecast", key="plan_fc_online"):
        try:
            with st.spinner("Asking Open-Meteo (up to ~10 s if there is no "
                            "connection)…"):
                fc = load_forecast(*_site_point(site), tz=area_tz)
        except ServiceError as err:
            _offer_manual(f"{err}.")
        else:
            state.set_plan_forecast(state.ForecastChoice(
                fc, f"Open-Meteo for {site.label}"))


def _cached_forecast(site: SiteContext, area_tz: str) -> None:
    if st.button("Use the cached forecast", key="plan_fc_cached"):
        try:
            fc = load_forecast(*_site_point(site), tz=area_tz, offline=True)
        except NotInCacheError:
            _offer_manual("No forecast for this site is cached yet: one is kept each "
                          "time a forecast is fetched online. Enter the expected "
                          "conditions by hand instead.")
        else:
            state.set_plan_forecast(state.ForecastChoice(
                fc, "cached Open-Meteo forecast"))


def _file_forecast() -> None:
    f = st.file_uploader("Recorded Open-Meteo forecast (.json)", type=["json"],
                         key="plan_fc_file", max_upload_size=uploads.limit_mb("forecast"))
    if f is not None:
        choice = state.plan_forecast()
        label = f"recorded forecast file {uploads.safe_name(f.name)}"
        if choice is None or choice.label != label:
            uploads.check_upload(f.name, f.size, "forecast")
            fc = forecast_from_json_bytes(f.name, f.getvalue())
            state.set_plan_forecast(state.ForecastChoice(fc, label))


def _site_point(site: SiteContext) -> tuple[float, float]:
    """(lat, lon) of a site chosen on this page (every site row has its point)."""
    assert site.lat is not None and site.lon is not None
    return site.lat, site.lon


def _show_forecast_choice(choice: state.ForecastChoice, area_tz: str) -> None:
    fc = choice.forecast
    span = ""
    if not fc.is_manual and fc.dates():
        span = f", covering {fc.dates()[0]:%d %b %Y} – {fc.dates()[-1]:%d %b %Y}"
    st.caption(f"Using: {md_escape(choice.label)}{span} · times in "
               f"{session_tz(fc, area_tz)}")
    if is_open_meteo(fc):
        st.caption(wcfg.ATTRIBUTION)


def _manual_form(site: SiteContext, area_tz: str) -> None:
    # No min/max on the inputs: the browser would mark a bad value red and silently keep the
    # old one. Every value goes to Forecast.from_conditions, which names what is wrong.
    with st.form("plan_manual"):
        st.write("Expected conditions during the session (leave blank if unknown; without "
                 "rain, gusts and the weather type the verdict stays *unknown*):")
        c1, c2, c3 = st.columns(3)
        vals = {
            "temp_c": c1.number_input("Temperature (°C)", value=None, step=1.0,
                                      key="man_temp"),
            "apparent_c": c2.number_input("Feels like (°C)", value=None, step=1.0,
                                          key="man_app"),
            "gust_kmh": c3.number_input("Wind gusts (km/h)", value=None, step=5.0,
                                        key="man_gust"),
            "wind_kmh": c1.number_input("Mean wind (km/h)", value=None, step=5.0,
                                        key="man_wind"),
            "rain_mm": c2.number_input("Rain (mm per hour)", value=None, step=0.5,
                                       key="man_rain"),
            "rain_prob": c3.number_input("Chance of rain (%)", value=None, step=10.0,
                                         key="man_prob"),
            "uv": c1.number_input("UV index", value=None, step=1.0, key="man_uv"),
        }
        wtype = c2.selectbox("Weather type", list(WEATHER_TYPES), key="man_type")
        vals["weather_code"] = WEATHER_TYPES[wtype]
        if st.form_submit_button("Use these conditions"):
            try:
                fc = Forecast.from_conditions(tz=area_tz, lat=site.lat, lon=site.lon,
                                              **manual_conditions(vals))
                state.set_plan_forecast(state.ForecastChoice(fc, "conditions entered by hand"))
            except EcoplanError as err:
                msg = str(err)
                for key, label in FORM_LABELS.items():  # the form's words, not the CLI's keys
                    msg = msg.replace(f"condition {key} ", f"{label} ")
                st.error(f"{md_escape(msg)} — nothing was changed.")


def _when_who(fc: Forecast | None, tz: str) -> tuple[Session, Group]:
    st.subheader("3. When and who")
    c1, c2, c3 = st.columns(3)
    # Always the user's own date: a forecast never replaces it (if it does not cover the day,
    # the verdict says so). Kept in session state, so switching the forecast keeps it too.
    if "plan_date" not in st.session_state:
        st.session_state["plan_date"] = default_day(tz)
    day = c1.date_input("Date", key="plan_date", format="YYYY-MM-DD")
    c1.caption(f"{day:%A %d %B %Y}")
    days = fc.dates() if fc is not None and not fc.is_manual else []
    if days:
        c1.caption(f"The forecast covers {days[0]:%a %d %b} – {days[-1]:%a %d %b %Y}.")
    start = c2.time_input("Start time", value=time.fromisoformat(controls.DEFAULT_START),
                          key="plan_start", step=timedelta(minutes=15))
    minutes = int(c3.number_input("Duration (minutes)", min_value=15, max_value=480,
                                  value=controls.DEFAULT_SESSION_MINUTES, step=15,
                                  key="plan_minutes"))
    g1, g2, g3, g4 = st.columns(4)
    size = int(g1.number_input("Group size", min_value=1, max_value=200, value=10,
                               key="plan_size"))
    leaders = int(g2.number_input("Leaders", min_value=1, max_value=50, value=1,
                                  key="plan_leaders"))
    profile = g3.selectbox("Group profile", pcfg.PROFILES, key="plan_profile")
    children = g4.checkbox("Children in the group", key="plan_children")
    session = Session(datetime.combine(day, start, tzinfo=ZoneInfo(tz)), minutes)
    return session, Group(size=size, leaders=leaders, profile=profile, children=children)


def show_assessment(a: Assessment) -> None:
    """The verdict, reasons, daylight, participant note and leader checklist (OSM names and
    texts are escaped: a site name is untrusted)."""
    text = f"**{a.level.headline}** — {md_escape(a.site['name'])}, " \
           f"{a.session['start'][:16].replace('T', ' ')} for {a.session['minutes']} min"
    kind, icon = LEVEL_STYLE[a.level]
    getattr(st, kind)(text, icon=icon)
    if a.reasons:
        st.markdown("\n".join(f"- **{r.level}:** {md_escape(r.text)}" for r in a.reasons))
    else:
        st.markdown("- No weather, daylight or group warnings.")
    d = a.daylight
    if d.get("sunrise") or d.get("sunset"):
        def hm(v: str | None) -> str:
            return v[11:16] if v else "—"
        st.markdown(f"**Daylight:** sunrise {hm(d.get('sunrise'))}, sunset "
                    f"{hm(d.get('sunset'))}, dusk {hm(d.get('dusk'))} ({d.get('source')})")
    st.markdown("**Tell participants:**")
    st.info(md_escape(a.participant_note))
    st.markdown("**Leader checklist:**\n" + "\n".join(f"- [ ] {md_escape(c)}"
                                                        for c in a.checklist))
    for n in a.data_notes:
        st.caption(f"Note: {md_escape(n)}")


def _alternatives(fc: Forecast, session: Session, group: Group, site: SiteContext,
                  sites: pd.DataFrame) -> None:
    alts = suggest_alternatives(session_weather(fc, session), session, group, site, sites)
    if not alts:
        return
    st.markdown("**Sites better suited to these conditions:**")
    st.dataframe(pd.DataFrame([{
        "site": a.name if a.name and a.name != a.site_id else "unnamed site",
        "verdict there": a.level,
        "distance (km)": None if a.distance_m is None else round(a.distance_m / 1000, 1),
        "distance is": a.distance_kind, "why": a.why, "OSM id": a.site_id} for a in alts]),
        hide_index=True, width="stretch")


def _downloads(plan: Plan, key: str) -> None:
    c1, c2 = st.columns(2)
    stem = f"session-{plan.start:%Y-%m-%d-%H%M}"
    c1.download_button("Download calendar event (.ics)", plan_to_ics(plan),
                       file_name=f"{stem}.ics", mime="text/calendar", key=f"{key}_ics")
    c2.download_button("Download printable sheet (.html)", plan_to_html(plan),
                       file_name=f"{stem}.html", mime="text/html", key=f"{key}_sheet")


def _store():
    return data.plan_store(default_url())


def _saved_plans(sites: pd.DataFrame, area_tz: str) -> None:
    st.subheader("Saved plans")
    store = _store()
    plans = store.list()
    for bad in store.damaged:  # listed, never silently dropped
        st.warning(md_escape(bad))
    if not plans:
        st.caption("No saved plans yet.")
        return
    st.dataframe(pd.DataFrame([{
        "id": p.id, "site": p.site_name, "start": f"{p.start:%Y-%m-%d %H:%M}",
        "minutes": p.minutes, "verdict": str((p.assessment or {}).get("level", "—")),
        "notes": p.notes} for p in plans]), hide_index=True, width="stretch")
    by_id = {p.id: p for p in plans}
    pid = st.selectbox("Open a saved plan", list(by_id), key="plans_open",
                       format_func=lambda i: f"#{i} {by_id[i].site_name} "
                                             f"{by_id[i].start:%Y-%m-%d %H:%M}")
    plan = by_id[pid]
    if plan.assessment:
        with st.expander(f"Plan #{plan.id}: verdict and notes", expanded=False):
            show_assessment(Assessment.from_dict(plan.assessment))
            if plan.notes:
                st.markdown(f"**Notes:** {ui.md_escape(plan.notes)}")
    _downloads(plan, f"saved_{plan.id}")
    with st.expander("Edit this plan"), st.form(f"plan_edit_{plan.id}"):
        c1, c2, c3 = st.columns(3)
        day = c1.date_input("Date", value=plan.start.date(), format="YYYY-MM-DD")
        start = c2.time_input("Start time", value=plan.start.timetz().replace(tzinfo=None),
                              step=timedelta(minutes=15))
        minutes = int(c3.number_input("Duration (minutes)", 15, 480, int(plan.minutes), 15))
        g = plan.group or {}
        size = int(c1.number_input("Group size", 1, 200, int(g.get("size", 10))))
        leaders = int(c2.number_input("Leaders", 1, 50, int(g.get("leaders", 1))))
        notes = st.text_area("Notes", value=plan.notes)
        if st.form_submit_button("Save changes"):
            try:
                _update_plan(plan, day, start, minutes, size, leaders, notes, sites)
                st.success(f"Plan #{plan.id} updated.")
                st.rerun()
            except EcoplanError as err:
                ui.show_error(err)
    confirm = st.checkbox(f"Yes, delete plan #{plan.id}", key=f"plans_confirm_{plan.id}")
    if st.button("Delete plan", key=f"plans_delete_{plan.id}", disabled=not confirm):
        store.delete(plan.id, plan.version)
        st.rerun()


def _update_plan(plan: Plan, day: date, start: time, minutes: int, size: int, leaders: int,
                 notes: str, sites: pd.DataFrame) -> Plan:
    """Save edits; re-assess with the plan's stored forecast when there is one."""
    from dataclasses import replace

    tz = plan.timezone
    session = Session(datetime.combine(day, start, tzinfo=ZoneInfo(tz)), minutes)
    g = dict(plan.group or {})
    group = Group(size=size, leaders=leaders, profile=g.get("profile", "default"),
                  children=bool(g.get("children", False)))
    assessment = plan.assessment
    replanned = (session.start, session.minutes, size, leaders) != (
        plan.start, plan.minutes, int(g.get("size", 10)), int(g.get("leaders", 1)))
    if replanned:  # a new time or group is planning again: not in the past
        check_not_past(session.start)
    if plan.forecast and replanned:
        fc = Forecast.from_snapshot(plan.forecast)
        hit = sites[sites["site_id"].astype(str) == str(plan.site_id)]
        if len(hit):
            site = SiteContext.from_site_row(hit.iloc[0])
        else:
            saved = (plan.assessment or {}).get("site", {})
            place = {"site_id": plan.site_id, "name": plan.site_name, "lat": plan.lat,
                     "lon": plan.lon}
            site = (SiteContext.unknown_kind(**place) if saved.get("kind_unknown") else
                    SiteContext.from_categories(tuple(saved.get("categories", ())), **place))
        assessment = assess(fc, session, site, group).to_dict()
    updated = replace(plan, start=session.start, minutes=minutes, group=group.to_dict(),
                      notes=notes, assessment=assessment)
    return _store().update(updated)


def render() -> None:
    st.title("Plan a session")
    source = state.source()
    layers = data.load_source(source, state.source_offline())
    sites = data.labelled_sites(source, layers, data.sites_for(source, layers).sites)
    site = _site_choice(sites, layers)
    area_tz = site_timezone(site) if site is not None else wcfg.DEFAULT_TIMEZONE
    if site is not None:
        if site.lat is None or site.lon is None:
            st.error("This site has no location; choose another site.")
        else:
            choice = _weather(site, area_tz)
            fc = choice.forecast if choice else None
            tz = session_tz(fc, area_tz) if fc is not None else area_tz
            session, group = _when_who(fc, tz)
            st.subheader("4. Verdict")
            if fc is None:
                st.info("Choose the weather above (a forecast or conditions by hand) to get "
                        "the verdict.")
            else:
                _verdict(fc, session, group, site, sites)
            support_panel.render(site.site_id, key="plan_support")
    st.divider()
    try:
        _saved_plans(sites, area_tz)
    except EcoplanError as err:
        ui.show_error(err)


def _verdict(fc: Forecast, session: Session, group: Group, site: SiteContext,
             sites: pd.DataFrame) -> None:
    """Refuse a forecast for another place or time and a session in the past, in words."""
    try:
        check_place(fc.latitude, fc.longitude, fc.is_manual, site.lat, site.lon)
        check_not_past(session.start)
        a = assess(fc, session, site, group)
    except EcoplanError as err:
        st.error(f"No verdict: {md_escape(str(err).replace('--conditions', 'the hand form'))}.")
        return
    show_assessment(a)
    _alternatives(fc, session, group, site, sites)
    if a.attribution:
        st.caption(a.attribution)
    notes = st.text_area("Notes for this plan (saved with it)", key="plan_notes")
    plan = make_plan(site, session, group, fc, a, notes)
    _downloads(plan, "plan_current")
    if st.button("Save this plan", key="plan_save", type="primary"):
        saved = _store().create(plan)
        st.success(f"Saved as plan #{saved.id}.")
    ui.page_link("route", "Next: plan the walking route from this site",
                 icon=":material/hiking:")
