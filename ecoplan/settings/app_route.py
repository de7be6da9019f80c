"""Settings for the app's Walking route page and its "support around this site" panel.

Colours are colour-blind safe (Okabe & Ito 2008, "Color Universal Design"); the numbers that
are our own choice say why.
"""

from __future__ import annotations

from ecoplan.settings.app import OKABE_ITO

# --- Route form -------------------------------------------------------------------------------

#: Duration slider, minutes. Issue #7 suggests 15–120 min: a walking-group session is 30–90
#: min (Walking for Health guidance: walks of 30–90 minutes); 5-minute steps are how leaders
#: plan. The router itself accepts 5–480 (settings.routes MIN/MAX_LOOP_MINUTES).
DURATION_MIN = 15
DURATION_MAX = 120
DURATION_STEP = 5
DURATION_DEFAULT = 45
#: Alternatives offered (our choice: more than 5 lines on one map stop being readable).
ALTERNATIVES_MAX = 5
ALTERNATIVES_DEFAULT = 3

# --- Route map --------------------------------------------------------------------------------

#: One colour per alternative, in order (Okabe–Ito, skipping yellow which is hard to see on the
#: light basemap, and black which marks the start).
ROUTE_COLORS: tuple[str, ...] = (
    OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
)
ROUTE_WEIGHT_PX = 5
ROUTE_SELECTED_WEIGHT_PX = 7  # the route picked in the table is drawn thicker
#: Routes not picked stay nearly opaque (at 0.55 routes 2 and 3 were barely visible on the
#: basemap, issue 14), each over a white casing this many px wider (our choice).
ROUTE_OTHER_OPACITY = 0.9
ROUTE_CASING_PX = 3
#: Half-height of the map view around a start before a route is planned, degrees of latitude
#: (the width is 1.5× for mid-latitudes). Our choice: 0.01° ≈ 1.1 km, the reach of a 45-minute
#: loop at 3 km/h (2.25 km round trip), so the streets of the walk are readable.
START_VIEW_HALF_DEG = 0.01
START_COLOR = OKABE_ITO["black"]
END_COLOR = OKABE_ITO["black"]
#: Waypoint markers on the selected route.
WAYPOINT_COLORS: dict[str, str] = {
    "toilets": OKABE_ITO["sky_blue"],
    "bench": OKABE_ITO["yellow"],
}
#: Colour names said in the table next to each route (so the table is usable without colour
#: vision too: the names match ROUTE_COLORS).
ROUTE_COLOR_NAMES: tuple[str, ...] = ("blue", "vermillion", "purple", "orange", "green")

# --- Support panel ----------------------------------------------------------------------------

#: Radius input step, metres (our choice: 100 m ≈ 1.25 minutes' walk).
SUPPORT_RADIUS_STEP_M = 100.0
