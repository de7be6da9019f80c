"""The nearest building a group can shelter in from lightning, named from the OSM data.

Trees, open shelters and open ground give no protection from lightning; an enclosed building
does. The thunder rule names the nearest mapped one so the leader knows where to go. Buildings
that are no refuge (roofs, sheds, pavilions… ``settings.weather.UNSAFE_BUILDINGS``) are skipped;
a name comes from the building's own name tags, else from a named point of interest in or at
the building when there is one.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from ecoplan.network.graph import utm_crs_at
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.settings import weather as weather_cfg

#: A named point this close (m) to a building names it (our choice: a POI mapped as a node is
#: usually inside the outline or at its door).
NAME_SNAP_M = 15.0


def nearest_building(layers: OsmLayers | None, site: BaseGeometry | None,
                     *, search_m: float = weather_cfg.REFUGE_SEARCH_M) -> str | None:
    """'Ryde Library (library), 140 m from the site' — '' when none is mapped nearby, None when
    it could not be looked up (no map data or no site outline): advice must not then say
    "none is mapped"."""
    if layers is None or site is None or site.is_empty:
        return None
    if len(layers.buildings) == 0:
        return ""
    b = layers.buildings
    b = b[~text(b["building"]).isin(weather_cfg.UNSAFE_BUILDINGS)]
    c = site.representative_point()
    dlat = search_m / 111_320 + 0.001
    dlon = dlat / max(math.cos(math.radians(c.y)), 0.05)
    w, s, e, n = site.bounds
    near = b.cx[w - dlon:e + dlon, s - dlat:n + dlat]
    if near.empty:
        return ""
    crs = utm_crs_at(round(c.x, 2), round(c.y, 2))
    site_m = gpd.GeoSeries([site], crs="EPSG:4326").to_crs(crs).iloc[0]
    geoms = near.geometry.to_crs(crs)
    dist = geoms.distance(site_m).to_numpy()
    i = int(np.argmin(dist))
    if dist[i] > search_m:
        return ""
    name = _name(layers, near.iloc[[i]], geoms.iloc[i], crs)
    d = dist[i]
    where = "inside the site" if d < 1 else f"{int(round(d / 10) * 10) or 10} m from the site"
    pt = geoms.iloc[[i]].to_crs("EPSG:4326").representative_point().iloc[0]
    return f"{name}, {where} ({pt.y:.5f}, {pt.x:.5f})"


def _tagged_name(row: Any) -> str:
    """'Wimpy (fast food)' from an OSM row's own name and amenity/shop/tourism/leisure tags
    (the first of a ';' list); '' without a name."""
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        return ""
    what = next((str(row[k]).split(";")[0].strip().replace("_", " ")
                 for k in ("amenity", "shop", "tourism", "leisure")
                 if isinstance(row.get(k), str) and str(row[k]).strip()), "")
    return f"{name.strip()} ({what})" if what else name.strip()


def _name(layers: OsmLayers, building: gpd.GeoDataFrame, geom_m: BaseGeometry, crs: str) -> str:
    kind = str(building["building"].iloc[0] or "")
    own = _tagged_name(building.iloc[0])
    if own:  # the building's own name first: it is the building
        return own
    pois = layers.pois
    if len(pois):
        w, s, e, n = building.geometry.iloc[0].bounds
        pad = 0.0005
        cand = pois.cx[w - pad:e + pad, s - pad:n + pad]
        cand = cand[text(cand["name"]) != ""] if "name" in cand else cand.iloc[0:0]
        if len(cand):
            d = cand.geometry.to_crs(crs).distance(geom_m).to_numpy()
            j = int(np.argmin(d))
            if d[j] <= NAME_SNAP_M:
                return _tagged_name(cand.iloc[j])
    if kind and kind != "yes":
        return f"a building ({kind.replace('_', ' ')})"
    return "an unnamed building"
