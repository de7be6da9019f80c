"""Settings for the app's *Access gaps* page (map classes, exports, what-if defaults).

The access standards, the gap rule and the deprivation cut-off themselves live in
:mod:`ecoplan.settings.access`; this module only holds how the page shows them.
"""

from __future__ import annotations

from ecoplan.settings import need as need_cfg
from ecoplan.settings.app import ATTRIBUTION_OSM

#: Class edges (per cent) for "share of people meeting a standard" maps. Our choice: fixed
#: fifths, so maps at different speeds, cut-offs or after a what-if are comparable (quantile
#: classes would move with the data).
SHARE_BREAKS_PCT: tuple[float, ...] = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
#: Number of quantile classes for walking-minute maps (≤ 7, the palette's length).
MINUTE_CLASSES = 6

#: Attribution written into every exported row (CSV column / GeoPackage field
#: ``attribution``): results derive from OpenStreetMap (ODbL) and the English Indices of
#: Deprivation / ONS boundaries (OGL v3). A column, not a comment line, so every CSV reader
#: keeps it.
EXPORT_ATTRIBUTION = (f"{ATTRIBUTION_OSM} (ODbL); {need_cfg.IOD_ATTRIBUTION}")

#: Basemap classes drawn under the choropleth. Our choice: water, green, waterways and roads
#: only; buildings and footpaths are dropped, they are hidden under the area fill anyway and
#: would triple the page size for a county (Isle of Wight: 2.5 MB → well under 1 MB).
BASEMAP_DROP_BUILDINGS = True
BASEMAP_KEEP_HIGHWAYS: tuple[str, ...] = (
    "motorway", "trunk", "primary", "secondary", "tertiary", "motorway_link", "trunk_link",
    "primary_link", "secondary_link", "tertiary_link",
)

#: Name given to a drawn what-if site until the user types one.
DEFAULT_WHATIF_NAME = "New site"

#: Fill of areas in no priority tier on the tiers map (our choice: a pale neutral, so the three
#: tiers stand out and "no tier" is never read as "no data", which is hatched).
NO_TIER_COLOR = "#f0f0f0"
