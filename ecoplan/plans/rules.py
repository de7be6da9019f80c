"""Go / go with care / unknown / rethink: the forecast for the session's hours, read with the
site and group.

Each rule is a small function of a :class:`RuleInput` returning zero or more :class:`Reason`s;
the overall verdict is the worst reason (:class:`Level`: go < go with care < unknown <
rethink). Thresholds, physical ranges and what each rule needs are in
``ecoplan.settings.weather``. Every reason's text carries the numbers that triggered it so a
leader can judge it, not just obey it.

Never GO on bad grounds: a forecast lacking what a rule needs for the session makes the
verdict *unknown* (listing what is missing) unless a rule can already prove *rethink*; trees
are no shelter from lightning; a site that is part wood, part beach gets both sets of hazards,
each worded for the part it concerns; advice names UK bodies only for sites in the UK.

API for callers (CLI, app, programme planning)::

    sw = session_weather(fc, session)          # EcoplanError if the forecast misses the session
    a = assess(fc, session, site, group)       # Assessment: level, reasons, notes, checklist
    a.level is Level.RETHINK; a.missing        # what the forecast lacked (plain words)

Refusing a forecast for another place or a session in the past is the caller's job, through
:func:`ecoplan.plans.validate.check_place` / ``check_not_past`` (reviewing a saved plan may
re-read a past session).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.plans.context import Group, Session, SiteContext
from ecoplan.plans.daylight import Daylight, max_sun_elevation, session_daylight
from ecoplan.plans.forecast import Forecast
from ecoplan.plans.validate import words
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as weather_cfg

__all__ = [
    "Level", "GO", "CARE", "UNKNOWN", "RETHINK", "LEVELS", "Reason", "Assessment",
    "SessionWeather", "RuleInput", "RULES", "SITE_RULES", "EVERYWHERE_RULES", "RULE_WORDS",
    "assess", "session_weather", "evaluate", "missing_inputs", "Group", "Session", "SiteContext",
]


class Level(StrEnum):
    """Verdict levels, mildest first. The string values are what plans store."""

    GO = "go"
    CARE = "go with care"
    UNKNOWN = "unknown"
    RETHINK = "rethink"

    @property
    def rank(self) -> int:
        return LEVELS.index(self)

    @property
    def headline(self) -> str:
        """How the verdict is shown on a page or sheet."""
        return "UNKNOWN — CHECK THE FORECAST" if self is Level.UNKNOWN else self.value.upper()


GO, CARE, UNKNOWN, RETHINK = Level.GO, Level.CARE, Level.UNKNOWN, Level.RETHINK
LEVELS: tuple[Level, ...] = (GO, CARE, UNKNOWN, RETHINK)


def level_rank(level: str) -> int:
    return Level(level).rank


def worst(levels: Iterable[str]) -> Level:
    return max((Level(v) for v in levels), key=level_rank, default=GO)


@dataclass(frozen=True)
class Reason:
    rule: str
    level: Level
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))


#: Plain words for each rule, for lists a leader reads ("avoids: gusts in woodland").
RULE_WORDS: dict[str, str] = {
    "heat": "heat", "uv": "strong sun (UV)", "cold": "cold", "ice_snow": "ice and snow",
    "rain": "rain", "wet_paths": "muddy paths", "gust_woodland": "gusts in woodland",
    "gust_coast": "gusts on the coast", "wind": "strong wind on open ground",
    "thunder": "thunderstorms", "fog": "fog", "daylight": "daylight", "toilets": "no toilets",
    "leaders": "too few leaders", "missing_data": "missing forecast data",
    "site_kind": "unknown site kind",
}


@dataclass
class SessionWeather:
    """The session's weather in a few numbers (NaN = not in the forecast).

    ``available`` holds the hourly variables known for the *whole* session (every hour, or the
    day's summary); a rule needing something outside it cannot say GO.
    """

    rows: pd.DataFrame
    basis: str  # 'hourly' | 'hourly+daily' | 'daily' | 'manual'
    t_max: float = math.nan
    t_min: float = math.nan
    app_max: float = math.nan
    app_min: float = math.nan
    precip_total: float = math.nan
    precip_max_h: float = math.nan
    prob_max: float = math.nan
    gust_max: float = math.nan
    wind_max: float = math.nan
    uv_max: float = math.nan
    codes: frozenset[int] = frozenset()
    prior_24h_mm: float = math.nan
    available: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"basis": self.basis, "weather_codes": sorted(self.codes)}
        for k in ("t_max", "t_min", "app_max", "app_min", "precip_total", "precip_max_h",
                  "prob_max", "gust_max", "wind_max", "uv_max", "prior_24h_mm"):
            v = getattr(self, k)
            out[k] = None if not math.isfinite(v) else round(float(v), 2)
        return out


def _nanmax(*vals: float) -> float:
    arr = np.asarray([v for v in vals if v is not None], dtype=float)
    return float(np.nanmax(arr)) if arr.size and not np.isnan(arr).all() else math.nan


def _nanmin(*vals: float) -> float:
    arr = np.asarray([v for v in vals if v is not None], dtype=float)
    return float(np.nanmin(arr)) if arr.size and not np.isnan(arr).all() else math.nan


def _col(rows: pd.DataFrame, name: str) -> np.ndarray:
    return rows[name].to_numpy(float) if name in rows and len(rows) else np.array([], float)


def _range_text(fc: Forecast) -> str:
    ds = fc.dates()
    return f"{ds[0]} to {ds[-1]}" if ds else "no dates"


def _daily_ok(daily: pd.Series | None, var: str) -> bool:
    if daily is None:
        return False
    return all(math.isfinite(float(daily[f])) for f in weather_cfg.DAILY_STANDS_IN.get(var, ()))


def session_weather(fc: Forecast, session: Session) -> SessionWeather:
    """Select the forecast rows covering the session.

    Hours the hourly forecast misses are filled from the day's summary (its extremes: cautious).
    A forecast covering neither all the session's hours nor its day is refused.
    """
    if fc.is_manual:
        rows, basis, daily = fc.hourly, "manual", None
        lo = None
    else:
        tz = fc.tz
        start = pd.Timestamp(session.start).tz_convert(tz)
        end = pd.Timestamp(session.end).tz_convert(tz)
        lo, hi = start.floor("h"), end.ceil("h")
        times = fc.hourly["time"]
        rows = fc.hourly[(times >= lo) & (times <= hi)]
        wanted = pd.date_range(lo, hi, freq="h")
        have = set(times)
        complete = len(rows) > 0 and all(t in have for t in wanted)
        day = start.date()
        # the day's summary stands in only for a session within one day
        daily = fc.daily_row(day) if (end - pd.Timedelta(minutes=1)).date() == day else None
        if not complete and daily is None:
            got = (f"only {len(rows)} of its {len(wanted)} hours" if len(rows)
                   else "none of it")
            raise EcoplanError(
                f"the forecast covers {got}: the session is {start:%Y-%m-%d %H:%M}–{end:%H:%M} "
                f"and the forecast runs {_range_text(fc)}; pick a time in that range, fetch a "
                "newer forecast, or enter the expected conditions by hand")
        basis = "hourly" if complete else ("hourly+daily" if len(rows) else "daily")
    sw = SessionWeather(rows=rows, basis=basis)
    sw.t_max = _nanmax(*_col(rows, "temperature_2m"))
    sw.t_min = _nanmin(*_col(rows, "temperature_2m"))
    sw.app_max = _nanmax(*_col(rows, "apparent_temperature"))
    sw.app_min = _nanmin(*_col(rows, "apparent_temperature"))
    pr = _col(rows, "precipitation")
    sw.precip_total = float(np.nansum(pr)) if pr.size and not np.isnan(pr).all() else math.nan
    sw.precip_max_h = _nanmax(*pr)
    sw.prob_max = _nanmax(*_col(rows, "precipitation_probability"))
    sw.gust_max = _nanmax(*_col(rows, "wind_gusts_10m"))
    sw.wind_max = _nanmax(*_col(rows, "wind_speed_10m"))
    sw.uv_max = _nanmax(*_col(rows, "uv_index"))
    codes = _col(rows, "weather_code")
    sw.codes = frozenset(int(c) for c in codes if math.isfinite(c))
    hourly_ok = {v for v in weather_cfg.HOURLY_VARS
                 if len(rows) and np.isfinite(_col(rows, v)).all()}
    if basis == "manual":
        sw.available = frozenset(hourly_ok)
        return sw
    if basis != "hourly":
        hourly_ok = set()  # some hours are missing altogether
    fill = {v for v in weather_cfg.DAILY_STANDS_IN if v not in hourly_ok and _daily_ok(daily, v)}
    sw.available = frozenset(hourly_ok | fill)
    if fill:
        assert daily is not None  # _daily_ok found the day
        d = daily
        if "temperature_2m" in fill:
            sw.t_max = _nanmax(sw.t_max, d["temperature_2m_max"])
            sw.t_min = _nanmin(sw.t_min, d["temperature_2m_min"])
        if "apparent_temperature" in fill:
            sw.app_max = _nanmax(sw.app_max, d["apparent_temperature_max"])
            sw.app_min = _nanmin(sw.app_min, d["apparent_temperature_min"])
        if "precipitation" in fill:
            sw.precip_total = _nanmax(sw.precip_total, d["precipitation_sum"])
        if "precipitation_probability" in fill:
            sw.prob_max = _nanmax(sw.prob_max, d["precipitation_probability_max"])
        if "wind_gusts_10m" in fill:
            sw.gust_max = _nanmax(sw.gust_max, d["wind_gusts_10m_max"])
        if "wind_speed_10m" in fill:
            sw.wind_max = _nanmax(sw.wind_max, d["wind_speed_10m_max"])
        if "uv_index" in fill:
            sw.uv_max = _nanmax(sw.uv_max, d["uv_index_max"])
        if "weather_code" in fill:
            sw.codes = sw.codes | {int(d["weather_code"])}
        what = ("all of the session" if basis != "hourly"
                else f"every hour for {words(sorted(fill))}")
        sw.notes.append(f"The hourly forecast does not cover {what}; the whole-day summary "
                        f"for {daily['date']} was used as well (cautious: daily extremes).")
    assert lo is not None  # hand-entered conditions returned above
    prior = fc.hourly[(fc.hourly["time"] < lo) & (fc.hourly["time"] >= lo - timedelta(hours=24))]
    pp = prior["precipitation"].to_numpy(float)
    if len(prior) >= 20 and not np.isnan(pp).all():
        sw.prior_24h_mm = float(np.nansum(pp))
    return sw


def missing_inputs(sw: SessionWeather, site: SiteContext, session: Session) -> dict[str, list[str]]:
    """Rule family → the variables it lacks for this session (``settings.weather.RULE_NEEDS``).

    UV is not needed while the sun stays below ``UV_LOW_SUN_ELEVATION_DEG`` all session: the UV
    index cannot then reach the "high" band.
    """
    out: dict[str, list[str]] = {}
    for family, needs in weather_cfg.RULE_NEEDS.items():
        if any(v in sw.available for v in needs):
            continue
        if family == "UV" and site.lat is not None and site.lon is not None:
            elev = max_sun_elevation(site.lat, site.lon, session.start, session.end)
            if elev < weather_cfg.UV_LOW_SUN_ELEVATION_DEG:
                continue
        out[family] = list(needs)
    return out


@dataclass(frozen=True)
class RuleInput:
    weather: SessionWeather
    session: Session
    site: SiteContext
    group: Group
    daylight: Daylight | None


def fmt_number(v: float, nd: int = 0) -> str:
    """``v`` to ``nd`` decimals, never "-0" (-0.2 °C read "feels like -0 °C")."""
    text = f"{v:.{nd}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


_fmt = fmt_number


def _cite(inp: RuleInput, body: str) -> str:
    """' (UKHSA …)' for a UK site; nothing elsewhere (the number stays, the UK body goes)."""
    return f" ({body})" if inp.site.advice.uk else ""


def _hours_where(inp: RuleInput, col: str, thr: float) -> str:
    """'between 10:00 and 12:00' for the hours a column reaches a threshold (window values)."""
    rows = inp.weather.rows
    if inp.weather.basis == "manual" or col not in rows or rows["time"].isna().all():
        return ""
    hit = rows[rows[col].to_numpy(float) >= thr]["time"]
    if hit.empty:
        return " at some time that day"
    start = pd.Timestamp(inp.session.start).tz_convert(hit.iloc[0].tz)
    end = pd.Timestamp(inp.session.end).tz_convert(hit.iloc[0].tz)
    a = max(hit.iloc[0] - pd.Timedelta(hours=1), start)
    b = min(hit.iloc[-1], end)
    if b <= a:
        return f" around {hit.iloc[0]:%H:%M}"
    return f" between {a:%H:%M} and {b:%H:%M}"


def _shade_text(site: SiteContext) -> str:
    if site.mixed:
        return f"shade only in the wooded part — none on the {site.open_words}"
    return "woodland shade here" if site.shade else "little shade here"


def rule_heat(inp: RuleInput) -> list[Reason]:
    w, site = inp.weather, inp.site
    hot = _nanmax(w.t_max, w.app_max)
    if not math.isfinite(hot) or hot < weather_cfg.RULES.heat_care_c:
        return []
    feels = f" (feels like {_fmt(w.app_max)} °C)" if math.isfinite(w.app_max) else ""
    shade = _shade_text(site)
    if hot >= weather_cfg.RULES.heat_rethink_c:
        # the open part of a mixed site has no shade: its hazard applies too
        unshaded = not site.shade or site.exposed
        level = RETHINK if (unshaded or inp.group.vulnerable) else CARE
        return [Reason("heat", level, f"Up to {_fmt(w.t_max)} °C{feels} during the session — "
                       f"at or above the {_fmt(weather_cfg.RULES.heat_rethink_c)} °C "
                       f"heat-health "
                       f"trigger{_cite(inp, 'UKHSA/Met Office')}; {shade}.")]
    return [Reason("heat", CARE, f"Warm: up to {_fmt(w.t_max)} °C{feels} — from "
                   f"{_fmt(weather_cfg.RULES.heat_care_c)} °C walkers need water and rest in "
                   f"shade; "
                   f"{shade}.")]


def rule_uv(inp: RuleInput) -> list[Reason]:
    uv = inp.weather.uv_max
    site = inp.site
    if not math.isfinite(uv) or uv < weather_cfg.RULES.uv_high:
        return []
    if site.mixed:
        shade = f"; little shade on the {site.open_words}"
    else:
        shade = "" if site.shade else "; little shade here"
    if uv >= weather_cfg.RULES.uv_extreme:
        sheltered = site.shade and not site.exposed
        return [Reason("uv", CARE if sheltered else RETHINK,
                       f"UV index up to {_fmt(uv)} (extreme, WHO UV index band 11+){shade}.")]
    band = "very high, WHO UV index band 8–10" if uv >= weather_cfg.RULES.uv_very_high else (
        "high, WHO UV index band 6–7")
    return [Reason("uv", CARE, f"UV index up to {_fmt(uv)} ({band}){shade}.")]


def rule_cold(inp: RuleInput) -> list[Reason]:
    w, g = inp.weather, inp.group
    feels, what = (w.app_min, "Feels like") if math.isfinite(w.app_min) else (w.t_min, "Air")
    if not math.isfinite(feels):
        return []
    care = (weather_cfg.RULES.cold_care_vulnerable_c if g.vulnerable
            else weather_cfg.RULES.cold_care_c)
    rethink = (weather_cfg.RULES.cold_rethink_vulnerable_c if g.vulnerable
               else weather_cfg.RULES.cold_rethink_c)
    if feels > care:
        return []
    air = f" (air {_fmt(w.t_min, 1)} °C)" if math.isfinite(w.t_min) and what != "Air" else ""
    who = f" for {pcfg.PROFILE_WORDS.get(g.profile, g.profile)}" if g.vulnerable else ""
    level = RETHINK if feels <= rethink else CARE
    return [Reason("cold", level, f"{what} {_fmt(feels, 1)} °C at the coldest{air} — at or below "
                   f"{_fmt(care)} °C{who}{_cite(inp, 'UKHSA cold-health line 2 °C')}; wind "
                   "chill, keep the group moving and shorten stops.")]


def rule_ice_snow(inp: RuleInput) -> list[Reason]:
    w, g = inp.weather, inp.group
    out: list[Reason] = []
    freezing = sorted(w.codes & weather_cfg.FREEZING_CODES)
    snow = sorted(w.codes & weather_cfg.SNOW_CODES)
    src = _cite(inp, "UKHSA: snow and ice")
    if freezing:
        out.append(Reason("ice_snow", RETHINK, f"Freezing drizzle/rain forecast "
                          f"({', '.join(weather_cfg.CODE_TEXT[c] for c in freezing)}) — glaze ice "
                          f"on "
                          f"paths{src}."))
    if snow:
        level = RETHINK if g.profile in pcfg.ICE_RETHINK_PROFILES else CARE
        what = ", ".join(weather_cfg.CODE_TEXT[c] for c in snow)
        out.append(Reason("ice_snow", level, f"Snow forecast ({what})"
                          f" — slippery, slower walking{src}."))
    if not out and math.isfinite(w.t_min) and w.t_min <= weather_cfg.RULES.frost_c:
        out.append(Reason("ice_snow", CARE, f"Air down to {_fmt(w.t_min, 1)} °C — frost and icy "
                          "patches likely on paths, bridges and steps."))
    return out


def _is_wet(w: SessionWeather) -> tuple[bool, str]:
    parts = []
    if math.isfinite(w.precip_total) and w.precip_total >= weather_cfg.RULES.rain_mm:
        parts.append(f"{_fmt(w.precip_total, 1)} mm of rain")
    if math.isfinite(w.prob_max) and w.prob_max >= weather_cfg.RULES.rain_prob_pct:
        parts.append(f"{_fmt(w.prob_max)} % chance of rain")
    rain_codes = sorted(w.codes & weather_cfg.DRIZZLE_RAIN_CODES)
    if rain_codes:
        parts.append(", ".join(weather_cfg.CODE_TEXT[c] for c in rain_codes))
    return bool(parts), "; ".join(parts)


def rule_rain(inp: RuleInput) -> list[Reason]:
    w = inp.weather
    wet, what = _is_wet(w)
    if not wet:
        return []
    heavy = (math.isfinite(w.precip_max_h)
             and w.precip_max_h >= weather_cfg.RULES.rain_heavy_mm) or \
        bool(w.codes & weather_cfg.HEAVY_RAIN_CODES)
    text = f"Rain during the session ({what})"
    text += (f" — heavy at times (over {_fmt(weather_cfg.RULES.rain_heavy_mm)} mm/h"
             f"{', Met Office' if inp.site.advice.uk else ''})." if heavy
             else " — paths will be wet.")
    if not inp.site.has_shelter:
        text += " No shelter mapped at this site."
    return [Reason("rain", CARE, text)]


def rule_wet_paths(inp: RuleInput) -> list[Reason]:
    w, site = inp.weather, inp.site
    if not site.unsurfaced:
        return []
    wet, what = _is_wet(w)
    prior = (math.isfinite(w.prior_24h_mm)
             and w.prior_24h_mm >= weather_cfg.RULES.mud_prior_24h_mm)
    if not (wet or prior):
        return []
    why = what if wet else ""
    if prior:
        why = (why + "; " if why else "") + f"{_fmt(w.prior_24h_mm, 1)} mm in the 24 h before"
    share = "" if site.surfaced_share is None else \
        f" (only {site.surfaced_share:.0%} of paths surfaced)"
    level = RETHINK if inp.group.profile == "wheelchair" else CARE
    return [Reason("wet_paths", level, f"Wet, muddy and slippery unsurfaced paths{share} "
                   f"({why}).")]


def _gusts(w: SessionWeather) -> tuple[float, str]:
    """(km/h, column) of the session's gusts — or, when they are not known, of its mean wind:
    gusts are at least the mean wind, so a rule that can prove rethink from it must."""
    if math.isfinite(w.gust_max) and not w.wind_max > w.gust_max:
        return w.gust_max, "wind_gusts_10m"
    if math.isfinite(w.wind_max):
        return w.wind_max, "wind_speed_10m"
    return math.nan, "wind_gusts_10m"


def _gust_words(col: str, g: float, mph: bool = False) -> str:
    """'Gusts up to 80 km/h', or what the mean wind proves when the gusts are not known."""
    speed = f"{_fmt(g)} km/h" + (f" ({g / 1.609:.0f} mph)" if mph else "")
    if col == "wind_gusts_10m":
        return f"Gusts up to {speed}"
    return f"Mean wind up to {speed}, so gusts at least as strong"


def rule_gust_woodland(inp: RuleInput) -> list[Reason]:
    g, col = _gusts(inp.weather)
    if not inp.site.woodland or not math.isfinite(g) or g < weather_cfg.RULES.gust_wood_care_kmh:
        return []
    where = ("if the site is wooded" if inp.site.kind_unknown else
             "in the wooded part" if inp.site.mixed else "in woodland")
    close = weather_cfg.RULES.gust_wood_rethink_kmh
    if g >= close:
        hours = _hours_where(inp, col, close)
        return [Reason("gust_woodland", RETHINK, f"{_gust_words(col, g)} {where}{hours} "
                       f"— woodland sites close at {_fmt(close)} km/h"
                       f"{_cite(inp, 'Forestry England')}: falling branches and trees.")]
    hours = _hours_where(inp, col, weather_cfg.RULES.gust_wood_care_kmh)
    return [Reason("gust_woodland", CARE, f"{_gust_words(col, g)} {where}{hours} — "
                   f"below the {_fmt(close)} km/h closure level but branches can fall; keep to "
                   "wide rides.")]


def rule_gust_coast(inp: RuleInput) -> list[Reason]:
    g, col = _gusts(inp.weather)
    if not inp.site.coast or not math.isfinite(g) or g < weather_cfg.RULES.gust_coast_care_kmh:
        return []
    level = RETHINK if g > weather_cfg.RULES.gust_coast_rethink_kmh else CARE
    hours = _hours_where(inp, col, weather_cfg.RULES.gust_coast_care_kmh)
    where = ("if the site is on the coast" if inp.site.kind_unknown else
             "on the coastal part" if inp.site.mixed else "on the coast")
    who = "RNLI: " if inp.site.advice.uk else ""
    return [Reason("gust_coast", level, f"{_gust_words(col, g, mph=True)} "
                   f"{where}{hours} — {who}gusts over 30–40 mph affect balance near cliff "
                   "edges and the sea front.")]


def rule_wind_open(inp: RuleInput) -> list[Reason]:
    g, col = _gusts(inp.weather)
    s = inp.site
    # open ground, water, or a plain park; the coast has its own rule, woodland its own
    applies = (s.open_ground or s.water or not s.woodland) and not s.coast
    if not applies or not math.isfinite(g) or g < weather_cfg.RULES.gust_open_care_kmh:
        return []
    where = f" on the {s.open_words}" if s.mixed else " on open ground"
    return [Reason("wind", CARE, f"{_gust_words(col, g, mph=True)} — strong "
                   f"enough to unbalance walkers{where}.")]


def rule_thunder(inp: RuleInput) -> list[Reason]:
    """Any thunderstorm code during the session: rethink at every outdoor site (trees, open
    shelters and open ground give no protection from lightning)."""
    codes = sorted(inp.weather.codes & weather_cfg.THUNDER_CODES)
    if not codes:
        return []
    what = ", ".join(weather_cfg.CODE_TEXT[c] for c in codes)
    building = inp.site.nearest_building
    refuge = (f" Nearest mapped building: {building}." if building else
              " Find the nearest substantial building before you go (none is mapped in the "
              "data we have)." if building == "" else
              " Find the nearest substantial building before you go (buildings were not "
              "looked up for this site).")
    return [Reason("thunder", RETHINK, f"Thunderstorms forecast ({what}) during the session — "
                   "trees, open shelters and open ground give no protection from lightning; "
                   f"postpone or move indoors.{refuge}")]


def rule_fog(inp: RuleInput) -> list[Reason]:
    codes = sorted(inp.weather.codes & weather_cfg.FOG_CODES)
    s = inp.site
    if not codes or not (s.coast or s.open_ground):
        return []
    where = f"on the {s.open_words}" if s.mixed else "on open ground/coast"
    return [Reason("fog", CARE,
                   f"Fog forecast ({', '.join(weather_cfg.CODE_TEXT[c] for c in codes)}) "
                   f"{where} — easy to lose the path or the group near edges.")]


def rule_site_kind(inp: RuleInput) -> list[Reason]:
    """A place of unknown kind is checked as the strictest kind; the leader must know that."""
    if not inp.site.kind_unknown:
        return []
    return [Reason("site_kind", CARE, "Site kind unknown (no categories given): the wind, fog, "
                   "shade and mud checks were made for the strictest case (woodland and "
                   "coast) — give the site's kind, e.g. wood, beach or park, for a "
                   "precise verdict.")]


def _dark_before_sunrise(start: datetime, end: datetime, sunrise: datetime) -> Level:
    """RETHINK when a large part of the session is before sunrise (``settings.weather``:
    ``dark_rethink_min`` minutes or ``dark_rethink_share`` of it), else CARE."""
    dark = (min(end, sunrise) - start).total_seconds() / 60
    share = dark / max((end - start).total_seconds() / 60, 1)
    big = (dark > weather_cfg.RULES.dark_rethink_min
           or share > weather_cfg.RULES.dark_rethink_share)
    return RETHINK if big else CARE


def rule_daylight(inp: RuleInput) -> list[Reason]:
    dl = inp.daylight
    if dl is not None and dl.polar == "night":
        return [Reason("daylight", RETHINK, f"The sun does not rise on {dl.day:%-d %b} here "
                       "(polar night) — the whole session is in the dark.")]
    if dl is None or dl.sunset is None or dl.sunrise is None:
        return []  # midnight sun, or no place to compute daylight for (noted in the data)
    start, end = inp.session.start, inp.session.end
    margin = weather_cfg.RULES.daylight_margin_min
    sunset = dl.sunset
    dusk = f", civil dusk {dl.dusk:%H:%M}" if dl.dusk else ""
    out: list[Reason] = []
    if end > sunset:
        out.append(Reason("daylight", RETHINK, f"Session ends at {end:%H:%M}, after sunset "
                          f"({sunset:%H:%M}{dusk}) — finish {margin:.0f} min before sunset."))
    elif end > sunset - timedelta(minutes=margin):
        left = (sunset - end).total_seconds() / 60
        out.append(Reason("daylight", CARE, f"Session ends at {end:%H:%M}, only {left:.0f} min "
                          f"before sunset ({sunset:%H:%M}{dusk}) — aim to finish {margin:.0f} "
                          "min before sunset."))
    if start < dl.sunrise:
        dark = (min(end, dl.sunrise) - start).total_seconds() / 60
        out.append(Reason("daylight", _dark_before_sunrise(start, end, dl.sunrise),
                          f"Session starts at {start:%H:%M}, before sunrise "
                          f"({dl.sunrise:%H:%M}) — {dark:.0f} of its {inp.session.minutes} min "
                          "walking in the dark."))
    return out


def rule_toilets(inp: RuleInput) -> list[Reason]:
    limit = weather_cfg.RULES.toilet_session_min
    if inp.session.minutes <= limit or inp.site.has_toilets:
        return []
    return [Reason("toilets", CARE, f"{inp.session.minutes} min session and no toilets mapped at "
                   f"{inp.site.label} — plan a stop or keep it under {limit:.0f} min.")]


def rule_leaders(inp: RuleInput) -> list[Reason]:
    g = inp.group
    per = weather_cfg.RULES.walkers_per_leader
    need = math.ceil(g.size / per)
    if g.leaders >= need:
        return []
    level = (RETHINK if g.leaders < weather_cfg.RULES.leaders_rethink_share * need
             else CARE)
    who = "Walking for Health: " if inp.site.advice.uk else "walk-leader guidance: "
    return [Reason("leaders", level, f"{g.size} walkers with {g.leaders} leader(s) — {who}at "
                   f"least 1 leader per {per:.0f} walkers (need {need}).")]


RULES: tuple[Callable[[RuleInput], list[Reason]], ...] = (
    rule_heat, rule_uv, rule_cold, rule_ice_snow, rule_rain, rule_wet_paths, rule_gust_woodland,
    rule_gust_coast, rule_wind_open, rule_thunder, rule_fog, rule_daylight, rule_toilets,
    rule_leaders, rule_site_kind,
)
#: Rules whose outcome depends on the site's features: a different site can avoid them.
#: (Thunder is not one: no outdoor site is safe in a thunderstorm.)
SITE_RULES: frozenset[str] = frozenset({
    "heat", "uv", "wet_paths", "gust_woodland", "gust_coast", "wind", "fog", "toilets",
})
#: Rules that no other outdoor site can avoid, so no alternative is suggested when they fire.
EVERYWHERE_RULES: frozenset[str] = frozenset({"thunder"})


def evaluate(inp: RuleInput) -> list[Reason]:
    reasons: list[Reason] = []
    for rule in RULES:
        reasons.extend(rule(inp))
    return reasons


_BRING: dict[str, str] = {
    "heat": "Bring at least 500 ml of water each, a sun hat and light, loose clothing.",
    "uv": "Wear sunscreen (SPF 30+), sunglasses and a hat.",
    "cold": "Wear warm layers, a hat and gloves; bring a hot drink.",
    "ice_snow": "Wear boots with a good grip; walking poles help on ice.",
    "rain": "Bring a waterproof jacket.",
    "wet_paths": "Wear waterproof boots with a good grip — paths will be muddy.",
    "gust_woodland": "Keep hats and bags secured; stay on wide paths away from trees.",
    "gust_coast": "Keep well back from cliff edges and the sea front; secure hats.",
    "wind": "Expect strong wind: secure hats and loose items.",
    "thunder": "Check the forecast again before you leave; we may cancel at short notice.",
    "fog": "Wear something bright so the group can see each other.",
    "daylight": "Bring a small torch and wear something bright or reflective.",
    "toilets": "Use the toilet before we set off; there are none on site.",
    "missing_data": "Check the forecast again before you leave; we may change plans.",
}

_CHECK: dict[str, str] = {
    "heat": "Carry extra water for the group; plan shade stops; know heat-illness signs.",
    "uv": "Plan the route through shade around midday; spare sunscreen.",
    "cold": "Spare warm layers and a foil blanket; shorten the walk and stops.",
    "ice_snow": "Check the route for ice; avoid slopes, steps and bridges; consider postponing.",
    "rain": "Check the route for slippery and flooded sections; know where to shelter.",
    "wet_paths": "Consider a surfaced route; check boardwalks, stiles and slopes for grip.",
    "gust_woodland": "Check the site's closure notices; choose a route away from trees.",
    "gust_coast": "Route well back from cliff edges; brief the group on the wind.",
    "wind": "Avoid exposed ridges; keep the group together.",
    "thunder": "Know the nearest building; 30/30 rule: stop if thunder within 30 s of "
               "lightning, wait 30 min after the last thunder.",
    "fog": "Count walkers at every junction; keep the group close; carry a map/GPS.",
    "daylight": "Agree a turn-back time so you finish before sunset; carry a torch.",
    "toilets": "Plan a toilet stop on the way or shorten the session.",
    "leaders": "Recruit more leaders or split the group (1 leader per 20 walkers).",
    "site_kind": "Find out what the place is (woodland, coast, open ground) before you go.",
    "missing_data": "Look up what the forecast lacked (see the verdict) in a forecast for the "
                    "site before you go.",
}


@dataclass
class Assessment:
    """A verdict with its evidence; ``to_dict``/``from_dict`` round-trip through saved plans."""

    level: Level
    reasons: list[Reason]
    participant_note: str
    checklist: list[str]
    data_notes: list[str]
    weather: dict[str, Any]
    daylight: dict[str, Any]
    site: dict[str, Any]
    session: dict[str, Any]
    group: dict[str, Any]
    attribution: str = weather_cfg.ATTRIBUTION
    missing: list[str] = field(default_factory=list)  # forecast variables lacking, plain words

    def __post_init__(self) -> None:
        self.level = Level(self.level)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["level"] = str(self.level)
        d["reasons"] = [{"rule": r.rule, "level": str(r.level), "text": r.text}
                        for r in self.reasons]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Assessment:
        d = dict(d)
        d["reasons"] = [Reason(**r) for r in d.get("reasons", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})

    @property
    def rules(self) -> set[str]:
        return {r.rule for r in self.reasons}


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def assess(fc: Forecast, session: Session, site: SiteContext, group: Group | None = None,
           *, daylight: Daylight | None = None) -> Assessment:
    """The verdict for one session at one site for one group."""
    group = group or Group()
    sw = session_weather(fc, session)
    tzname = fc.timezone
    local_start = session.start.astimezone(fc.tz)
    day = local_start.date()
    if daylight is None:
        drow = fc.daily_row(day)
        lat = site.lat if site.lat is not None else fc.latitude
        lon = site.lon if site.lon is not None else fc.longitude
        daylight = session_daylight(lat, lon, day, tzname,
                                    drow["sunrise"] if drow is not None else None,
                                    drow["sunset"] if drow is not None else None)
    local = Session(local_start, session.minutes)
    reasons = evaluate(RuleInput(sw, local, site, group, daylight))
    lacking = missing_inputs(sw, site, local)
    missing_vars = list(dict.fromkeys(v for vs in lacking.values() for v in vs))
    if lacking:
        what = (f"{words(missing_vars)} not entered" if fc.is_manual else
                f"the forecast has no {words(missing_vars)} for the session")
        reasons.append(Reason("missing_data", UNKNOWN, (
            f"Unknown — check the forecast: {what}, so the {', '.join(lacking)} checks could "
            "not be made.")))
    reasons.sort(key=lambda r: -r.level.rank)
    triggered = [r.rule for r in reasons]
    bring = ["Comfortable walking shoes and any medication you need."]
    bring += [_BRING[k] for k in dict.fromkeys(triggered) if k in _BRING]
    checklist = [site.advice.phone_line, *pcfg.STANDARD_CHECKLIST]
    checklist += [_CHECK[k] for k in dict.fromkeys(triggered) if k in _CHECK]
    return Assessment(
        level=worst(r.level for r in reasons), reasons=reasons,
        participant_note=" ".join(bring), checklist=checklist,
        data_notes=list(fc.notes) + sw.notes + list(daylight.notes), weather=sw.summary(),
        daylight={"sunrise": _iso(daylight.sunrise), "sunset": _iso(daylight.sunset),
                  "dusk": _iso(daylight.dusk), "source": daylight.source},
        site={"site_id": site.site_id, "name": site.label, "categories": list(site.categories),
              **({"kind_unknown": True} if site.kind_unknown else {})},
        session={"start": local.start.isoformat(), "end": local.end.isoformat(),
                 "minutes": local.minutes, "timezone": tzname},
        group=group.to_dict(), attribution=fc.attribution,
        missing=[words([v]) for v in missing_vars])
