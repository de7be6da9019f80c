"""How the printed A4 route map looks: page, margins, type sizes, markers, route colours.

Styling of the printer, kept next to it (``printmap.py``) rather than among the route-planning
thresholds in :mod:`ecoplan.settings.routes`. The ground under the route (green, water, roads,
paths, buildings, and which tags are drawn as what) is the one basemap style shared with the
web map: :mod:`ecoplan.settings.map_style`. Sources are given beside each number; where a
value is our own choice it says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

#: ISO 216 A4 in inches (210 × 297 mm); PDF points = inches × 72 → 595 × 842 pt.
A4_IN: Final[tuple[float, float]] = (210 / 25.4, 297 / 25.4)
#: Margin added around the route's bounds before drawing, as a share of the larger side,
#: with a floor in metres (our choice: enough context to find the start on the ground).
MAP_MARGIN_SHARE: Final = 0.08
MAP_MARGIN_MIN_M: Final = 150.0
#: Type sizes, points. Outdoors, on paper held at arm's length, ≥ 10 pt body text reads in
#: daylight (UK Association for Accessible Formats "clear print" guidance: 12 pt preferred,
#: never below 10 pt for secondary text; we use 10–11 pt to keep directions on one page).
TITLE_PT: Final = 20.0
#: A long title shrinks to fit the page width: one line down to TITLE_MIN_PT, then two lines
#: from TITLE_TWO_LINE_PT down to TITLE_MIN_TWO_LINE_PT (the header has room for two lines of
#: 12 pt above the subtitle), then the second line ends in "…" (our choices, within the
#: ≥ 10 pt floor above).
TITLE_MIN_PT: Final = 14.0
TITLE_TWO_LINE_PT: Final = 12.0
TITLE_MIN_TWO_LINE_PT: Final = 10.0
SUBTITLE_PT: Final = 12.0
BODY_PT: Final = 10.5
SMALL_PT: Final = 9.0
#: Directions are wrapped to their column and cut to the lines that fit (printmap derives
#: both from the layout), so the sheet stays one page (issue #6).
#: Distance markers along the route: every 500 m, or every 1 km for routes longer than this.
MARKER_STEP_M: Final = 500.0
MARKER_STEP_LONG_M: Final = 1000.0
LONG_ROUTE_M: Final = 6000.0
#: Direction arrows: roughly this many along the route (our choice: readable, not cluttered).
ARROW_COUNT: Final = 8
#: Landscape when the route's bounding box is wider than tall by this factor (our choice).
LANDSCAPE_ASPECT: Final = 1.15
#: Printed street names on the route map, points (UKAAF clear print: never below 8 pt on a map
#: label, 9 pt preferred), and how many at most (our choice: more overlap each other).
STREET_LABEL_PT: Final = 8.0
MAX_STREET_LABELS: Final = 14

#: Colours of the route and its symbols — Okabe & Ito (2008) colour-blind-safe palette.
COLOURS: Final[Mapping[str, str]] = MappingProxyType({
    "route": "#d55e00",          # Okabe-Ito vermillion: visible on green and blue
    "route_casing": "#ffffff",
    "marker": "#000000",
    "start": "#009e73",          # Okabe-Ito bluish green
    "finish": "#000000",         # black (a finish flag), unlike the start and every symbol
    "toilets": "#0072b2",        # Okabe-Ito blue
    "bench": "#cc79a7",          # Okabe-Ito reddish purple
    "entrance": "#e69f00",       # Okabe-Ito orange
})
ROUTE_WIDTH_PT: Final = 4.0
