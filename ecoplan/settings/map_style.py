"""One basemap style for every map we draw: the web map (folium) and the printed route map.

Which OSM tags are drawn as green space, water, roads and paths, and in which colours, used to
be listed three times (analysis, web map, PDF) and disagreed. Both renderers now read this
module through :mod:`ecoplan.mapstyle`, which holds the one tag-matching function. The
*analysis* taxonomy (what counts as a site) stays in :mod:`ecoplan.settings.osm`: a drawn
cemetery is context, not necessarily a site.

Colours are pale ColorBrewer tints (Brewer, colorbrewer2.org, "print friendly") so the ground
stays quiet under the coloured sites, routes and choropleths on screen and on paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

#: "Any value" in a tag spec below (e.g. every ``water=*`` polygon is water).
ANY: Final = "*"


@dataclass(frozen=True)
class MapStyle:
    """Tag matching and colours for the basemap (see module docstring)."""

    #: Polygons drawn as green space (OSM wiki Key:leisure, Key:landuse, Key:natural).
    green: Mapping[str, frozenset[str]]
    #: Polygons drawn as water, beach or wetland (OSM wiki Key:natural, Key:water,
    #: Key:wetland; ``water=*`` is any water body).
    blue: Mapping[str, frozenset[str]]
    #: Waterway lines drawn as thin blue lines (OSM wiki Key:waterway).
    waterway_lines: frozenset[str]
    #: ``highway=*`` drawn as roads, with the printed line width in points by class (OSM wiki
    #: Key:highway; wider for higher classes, as on OS and OSM Carto maps). Residential and
    #: service streets are roads: they carry cars, so they count in "% on roads".
    road_width_pt: Mapping[str, float]
    #: ``highway=*`` drawn as paths (dashed). Pedestrian streets are paths: no traffic.
    paths: frozenset[str]
    #: Road classes whose names are drawn on area-wide maps (A, B and C roads in the UK are
    #: tagged trunk/primary/secondary/tertiary; OSM wiki "Roads in the United Kingdom").
    major_roads: frozenset[str]
    colours: Mapping[str, str] = field(default_factory=dict)

    @property
    def roads(self) -> frozenset[str]:
        return frozenset(self.road_width_pt)


STYLE: Final = MapStyle(
    green=MappingProxyType({
        "leisure": frozenset({"park", "garden", "nature_reserve", "common", "recreation_ground",
                              "golf_course", "dog_park", "playground", "pitch"}),
        "landuse": frozenset({"forest", "grass", "meadow", "recreation_ground", "village_green",
                              "allotments", "common", "cemetery"}),
        "natural": frozenset({"wood", "heath", "grassland", "scrub", "fell", "moor"}),
    }),
    blue=MappingProxyType({
        "natural": frozenset({"water", "wetland", "beach", "bay", "coastline"}),
        "waterway": frozenset({"riverbank"}),
        "landuse": frozenset({"reservoir", "basin"}),
        "water": frozenset({ANY}),
        "wetland": frozenset({"saltmarsh", "tidalflat"}),
    }),
    waterway_lines=frozenset({"river", "canal", "stream", "tidal_channel"}),
    road_width_pt=MappingProxyType({
        "motorway": 3.2, "trunk": 3.0, "primary": 2.8, "secondary": 2.5, "tertiary": 2.2,
        "motorway_link": 2.0, "trunk_link": 2.0, "primary_link": 2.0, "secondary_link": 1.8,
        "tertiary_link": 1.8, "unclassified": 1.6, "residential": 1.6, "living_street": 1.4,
        "road": 1.4, "service": 1.0, "busway": 1.2,
    }),
    paths=frozenset({"footway", "path", "pedestrian", "steps", "bridleway", "track",
                     "cycleway", "byway", "corridor", "crossing", "platform"}),
    major_roads=frozenset({"motorway", "trunk", "primary", "secondary", "tertiary"}),
    colours=MappingProxyType({
        "background": "#ffffff",
        "green": "#c7e9c0",          # ColorBrewer Greens-3 light
        "green_edge": "#74c476",
        "blue": "#c6dbef",           # ColorBrewer Blues-3 light
        "blue_edge": "#6baed6",
        "water_line": "#6baed6",
        "building": "#d9d9d9",       # ColorBrewer Greys
        "building_edge": "#bdbdbd",
        "road": "#8c8c8c",
        "road_fill": "#f2f2f2",
        "path": "#525252",
        "label": "#222222",
        "label_halo": "#ffffff",
    }),
)

# --- Web map (pixels) -----------------------------------------------------------------------

#: Line widths on the web map, pixels (our choice: a road reads at 2–3 px on a 96 dpi screen;
#: a path thinner and dashed, as on the print).
WEB_ROAD_PX: Final = 2.5
WEB_MAJOR_ROAD_PX: Final = 3.5
WEB_PATH_PX: Final = 1.2
WEB_PATH_DASH: Final = "3 3"
WEB_WATERWAY_PX: Final = 1.5

# --- Labels (drawn offline from OSM names) --------------------------------------------------

#: ``place=*`` values labelled on the web map, with the smallest zoom each is shown at and the
#: font size in pixels (our choices, after OSM Carto: towns from zoom 10, villages and suburbs
#: from 12, hamlets and neighbourhoods from 14).
PLACE_LABELS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType({
    "city": (8, 16), "town": (10, 15), "suburb": (12, 13), "village": (12, 13),
    "quarter": (13, 12), "neighbourhood": (14, 12), "hamlet": (14, 12), "locality": (15, 11),
})
#: Road names are shown from this zoom (our choice: below it the names overlap the sites).
ROAD_LABEL_MIN_ZOOM: Final = 15
#: At most this many road-name labels on an area-wide map, longest roads first (our choice:
#: the Isle of Wight has ≈ 1,400 named major-road ways; a few hundred keep the page small).
MAX_ROAD_LABELS: Final = 400
ROAD_LABEL_PX: Final = 11
#: Leaflet ``zoomSnap``: fitting an area may use quarter zoom levels, so a fitted area fills
#: the map instead of up to half of it (Leaflet default 1; no tiles are drawn, so fractional
#: zooms cost nothing).
ZOOM_SNAP: Final = 0.25
