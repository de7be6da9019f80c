"""Page logic of the Walking route page, free of Streamlit so it can be tested directly.

The page keeps one :class:`RouteResult` in session state: downloading a file reruns the script,
and the routes must not be recomputed (or change) because of that. A result remembers the
:class:`RouteRequest` it answers, so the page can say when the form no longer matches it.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecoplan.access.speeds import resolve_speed
from ecoplan.app import controls
from ecoplan.app import style as app_style
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.routes.model import Route
from ecoplan.settings import network as net_cfg

if TYPE_CHECKING:  # imported where used: the page loads before any route is planned
    from ecoplan.routes.planner import RoutePlanner
    from ecoplan.sites.build import Sites

LonLat = tuple[float, float]

CUSTOM_SPEED = "custom"


# --- Clicks and start points ---------------------------------------------------------------------


def clicked_lonlat(out: Mapping[str, Any] | None) -> LonLat | None:
    """(lon, lat) of the last map click in an ``st_folium`` result, else None."""
    if not out:
        return None
    c = out.get("last_clicked")
    if not isinstance(c, Mapping):
        return None
    try:
        lat, lon = float(c["lat"]), float(c["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (round(lon, 6), round(lat, 6))


def new_click(out: Mapping[str, Any] | None, last: LonLat | None) -> LonLat | None:
    """The clicked point if it differs from the one already handled (``last``), else None.

    streamlit-folium keeps returning the last click on every rerun, so without this a start
    chosen another way would be overwritten by an old click.
    """
    pt = clicked_lonlat(out)
    if pt is None or (last is not None and tuple(last) == pt):
        return None
    return pt


def poi_options(layers: OsmLayers, key: str, value: str) -> dict[str, str]:
    """{OSM id ('n123'), label} of the POIs tagged ``key=value`` (bus stops, car parks), by name.

    The id is what :func:`ecoplan.routes.planner.poi_start` takes.
    """
    pois = layers.pois
    if key not in pois.columns or not len(pois):
        return {}
    hit = pois[pois[key] == value]
    if not len(hit):
        return {}
    names = text(hit["name"]) if "name" in hit.columns else pd.Series("", index=hit.index)
    prefix = hit["osm_type"].astype(str).str[:1]
    ids = prefix + hit["osm_id"].astype("int64").astype(str)
    what = value.replace("_", " ")
    labels = [f"{n or 'unnamed ' + what} ({i})" for n, i in zip(names, ids, strict=True)]
    order = sorted(range(len(ids)), key=lambda k: (names.iloc[k] == "", labels[k].lower()))
    return {ids.iloc[k]: labels[k] for k in order}


def speed_options() -> dict[str, str]:
    """{profile key: label} for the pace selector, plus 'custom'."""
    out = {k: f"{k.replace('-', ' ')} ({v:g} km/h)" for k, v in
           net_cfg.SPEED_PRESETS_KMH.items()}
    out[CUSTOM_SPEED] = "custom speed"
    return out


def speed_from_choice(choice: str, custom_kmh: float | None = None) -> float:
    """km/h for a pace choice (EcoplanError for an out-of-range custom speed)."""
    if choice == CUSTOM_SPEED:
        return resolve_speed(float(custom_kmh) if custom_kmh is not None else None)
    return resolve_speed(choice)


# --- Planning -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteRequest:
    """Everything the form asks; equal requests give the same routes."""

    start: LonLat
    start_name: str = "Start"
    minutes: float = controls.DURATION_DEFAULT
    speed_kmh: float = net_cfg.DEFAULT_SPEED_KMH
    step_free: bool = False
    lit_only: bool = False
    avoid_roads: bool = False
    n_alternatives: int = controls.ALTERNATIVES_DEFAULT
    end: LonLat | None = None  # an A-to-B route when given
    end_name: str = "Finish"

    @property
    def is_loop(self) -> bool:
        return self.end is None


@dataclass(frozen=True, eq=False)
class RouteResult:
    """The routes for a request, or the message saying why there are none.

    ``step_free_ok`` is False when step-free was asked for but impossible: ``routes`` then
    holds the best routes that are NOT step-free (the page labels them so).
    """

    request: RouteRequest
    routes: tuple[Route, ...] = ()
    message: str = ""
    step_free_ok: bool = True
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def ok(self) -> bool:
        return bool(self.routes)

    @property
    def fallback(self) -> bool:
        """Routes offered although they do not meet the step-free request."""
        return bool(self.routes) and not self.step_free_ok


def default_title(req: RouteRequest) -> str:
    if req.is_loop:
        return f"{req.minutes:g}-minute walk from {req.start_name}"
    return f"Walk from {req.start_name} to {req.end_name}"


def plan(req: RouteRequest, layers: OsmLayers, sites: Sites | None,
         planner: RoutePlanner | None = None) -> RouteResult:
    """Plan the request; a user error (start off the paths, outside the data, too long …)
    becomes a result with a message, so the page shows it and keeps working."""
    from ecoplan.routes.atob import plan_route
    from ecoplan.routes.loops import plan_loops
    from ecoplan.routes.network import NoStepFreeRouteError

    title = default_title(req)
    kw: dict[str, Any] = dict(
        speed_kmh=req.speed_kmh, step_free=req.step_free, lit_only=req.lit_only,
        avoid_roads=req.avoid_roads, planner=planner, start_name=req.start_name, title=title)
    try:
        if req.is_loop:
            routes = plan_loops(layers, sites, req.start, req.minutes,
                                n_alternatives=req.n_alternatives, **kw)
        else:
            assert req.end is not None  # an A-to-B request has an end
            routes = [plan_route(layers, sites, req.start, req.end, **kw)]
    except NoStepFreeRouteError as err:
        return RouteResult(req, tuple(err.alternatives), str(err), step_free_ok=False)
    except EcoplanError as err:
        return RouteResult(req, (), str(err))
    return RouteResult(req, tuple(routes))


# --- Tables ---------------------------------------------------------------------------------------


def route_label(result: RouteResult, i: int) -> str:
    r = result.routes[i]
    colour = app_style.ROUTE_COLOR_NAMES[i % len(app_style.ROUTE_COLOR_NAMES)]
    step = "step-free" if r.step_free else "NOT step-free"
    return (f"Route {i + 1} ({colour}) · {r.length_m / 1000:.1f} km · {r.minutes:.0f} min · "
            f"{step}")


def scores_table(result: RouteResult) -> pd.DataFrame:
    """One row per route with the numbers the router measured (never recomputed here)."""
    rows = []
    for i, r in enumerate(result.routes):
        s = r.scores
        rows.append({
            "route": f"Route {i + 1}",
            "colour": app_style.ROUTE_COLOR_NAMES[i % len(app_style.ROUTE_COLOR_NAMES)],
            "length (km)": round(r.length_m / 1000, 2),
            "time (min)": round(r.minutes),
            "green/blue (%)": _pct(s.get("share_green_blue")),
            "on busy roads (%)": _pct(s.get("share_on_roads")),
            "retraced (%)": _pct(s.get("share_retraced")),
            "step-free": "yes" if r.step_free else "NO",
            "toilets passed": _int(s.get("toilets")),
            "benches passed": _int(s.get("benches")),
        })
    return pd.DataFrame(rows)


def _pct(v: float | None) -> float | None:
    return None if v is None else round(100 * float(v), 1)


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def directions_table(route: Route) -> pd.DataFrame:
    return pd.DataFrame({"step": range(1, len(route.directions) + 1),
                         "directions": [d.text for d in route.directions],
                         "distance (m)": [round(d.distance_m) for d in route.directions]})


# --- Files ----------------------------------------------------------------------------------------


def file_stem(route: Route) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", route.title or "walking-route").strip("-").lower()
    return (base or "walking-route")[:60]


def gpx_bytes(route: Route) -> bytes:
    from ecoplan.routes.gpx import route_to_gpx

    return route_to_gpx(route).encode("utf-8")


def pdf_bytes(route: Route, layers: OsmLayers, title: str | None = None) -> bytes:
    """The one-page A4 map as bytes (rendered to a temporary file, leader phone left blank)."""
    from ecoplan.routes.printmap import render_route_pdf

    with tempfile.TemporaryDirectory(prefix="ecoplan-route-") as tmp:
        path = render_route_pdf(route, layers, Path(tmp) / "route.pdf",
                                title=(title or "").strip() or None, leader_phone_blank=True)
        return path.read_bytes()
