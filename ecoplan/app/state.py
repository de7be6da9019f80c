"""State shared between the app's pages and reruns, kept in ``st.session_state``.

Pages never read ``st.session_state`` keys directly for app-level values: they use these
typed accessors, so the keys live in one place and a page added later (access gaps, routes)
sees the same area, selected site and need data. Every function takes an optional
``state`` mapping (tests pass a plain dict).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ecoplan.osm.load import DEMO

SOURCE = "ecoplan.source"  # key of the loaded OSM source, see ecoplan.app.data.load_source
SOURCE_OFFLINE = "ecoplan.source_offline"  # whether that source was read offline (Overpass)
SELECTED_SITE = "ecoplan.selected_site"  # site_id chosen on the Sites page (or None)
NEED = "ecoplan.need"  # NeedData, once boundaries + deprivation are loaded
OFFLINE = "ecoplan.offline"  # the sidebar toggle "offline (cache only)"; also a widget key
PLAN_FORECAST = "ecoplan.plan_forecast"  # ForecastChoice on the planner
EDIT_PLAN = "ecoplan.edit_plan"  # id of the saved plan being edited


@dataclass(frozen=True)
class NeedData:
    """Deprivation / need areas loaded on the Area page, with what to tell users about them."""

    areas: Any  # ecoplan.need.areas.AreasResult
    files: tuple[str, ...]  # names of the files used, for display
    edition: str  # 'IoD2019', 'IoD2025', 'generic:<column>' …
    attributions: tuple[str, ...] = ()
    #: How to build it again (kind, kept files with their shown names …): saved with the
    #: project so a reload or a later visit rebuilds the same need layer (ecoplan.app.project).
    spec: dict[str, Any] | None = None


@dataclass(frozen=True)
class ForecastChoice:
    """The forecast the planner uses: the Forecast object and where it came from."""

    forecast: Any  # ecoplan.plans.forecast.Forecast
    label: str  # e.g. 'recorded file forecast.json', 'entered by hand'
    notes: tuple[str, ...] = field(default_factory=tuple)


def _s(state: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
    return st.session_state if state is None else state  # type: ignore[return-value]


def source(state: MutableMapping[str, Any] | None = None) -> str:
    """Key of the OSM source in use: 'demo' (default), a file path, or 'overpass:<place>'."""
    return str(_s(state).get(SOURCE, DEMO))


def source_offline(state: MutableMapping[str, Any] | None = None) -> bool:
    return bool(_s(state).get(SOURCE_OFFLINE, False))


def set_source(key: str, *, offline: bool = False,
               state: MutableMapping[str, Any] | None = None) -> None:
    """Switch area; the selected site and planner forecast belonged to the old one."""
    s = _s(state)
    if source(s) != key:
        for k in (SELECTED_SITE, PLAN_FORECAST):
            s.pop(k, None)
    s[SOURCE] = key
    s[SOURCE_OFFLINE] = offline


def selected_site(state: MutableMapping[str, Any] | None = None) -> str | None:
    sid = _s(state).get(SELECTED_SITE)
    return str(sid) if sid else None


def select_site(site_id: str | None, state: MutableMapping[str, Any] | None = None) -> None:
    _s(state)[SELECTED_SITE] = str(site_id) if site_id else None


def offline(state: MutableMapping[str, Any] | None = None) -> bool:
    """The user's "offline (cache only)" choice: no Overpass or Open-Meteo requests."""
    return bool(_s(state).get(OFFLINE, False))


def need(state: MutableMapping[str, Any] | None = None) -> NeedData | None:
    value = _s(state).get(NEED)
    return value if isinstance(value, NeedData) else None


def set_need(value: NeedData | None, state: MutableMapping[str, Any] | None = None) -> None:
    s = _s(state)
    if value is None:
        s.pop(NEED, None)
    else:
        s[NEED] = value


def plan_forecast(state: MutableMapping[str, Any] | None = None) -> ForecastChoice | None:
    value = _s(state).get(PLAN_FORECAST)
    return value if isinstance(value, ForecastChoice) else None


def set_plan_forecast(value: ForecastChoice | None,
                      state: MutableMapping[str, Any] | None = None) -> None:
    s = _s(state)
    if value is None:
        s.pop(PLAN_FORECAST, None)
    else:
        s[PLAN_FORECAST] = value
