"""Site-level evidence of public access (issue 19), after sites and entrances exist.

A feature's own tags and operator are read in :mod:`ecoplan.sites.classify`. What only the
surroundings tell is read here, for sites whose access is still "unknown" (or "restricted"):

- a gate or entrance on the outline tagged ``access``/``foot`` = yes|permissive opens the site,
  unless the gate is on a right of way (then it opens the path, see next);
- a public right of way crossing or running inside it gives access *along the path only*:
  the site keeps its level, its evidence says so, and only entrances where such a path enters
  are ``confirmed``;
- a stream or lake strip is confirmed only where a path runs beside it (its open-edge
  entrances).

``confirmed`` on an entrance means it leads into land the public may confirmedly use: every
entrance of a public or permissive site, and the path entrances above.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.network.walkable import walkable_mask
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import public_access as pa
from ecoplan.sites.classify import PERMISSIVE, PUBLIC, RESTRICTED, UNKNOWN

CONFIRMED_LEVELS = frozenset({PUBLIC, PERMISSIVE})


def apply_evidence(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame, layers: OsmLayers,
                   crs: str, *, walkable: pd.Series | None = None,
                   path_kind: pd.Series | None = None
                   ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Sites with ``access``/``access_evidence`` refined, and entrances with ``confirmed``.

    ``sites`` and ``entrances`` are in the projected ``crs``; both are returned as copies.
    ``walkable`` is :func:`~ecoplan.network.walkable.walkable_mask` of the ways and
    ``path_kind`` :func:`public_paths` of them, when already known.
    """
    sites = sites.copy()
    entrances = entrances.copy()
    if path_kind is not None:
        kind = path_kind
    else:
        kind = public_paths(layers.ways, walkable) if len(layers.ways) else pd.Series(
            dtype=object)
    _open_gates(sites, layers, crs, kind)
    confirmed = entrances["site_id"].map(
        sites.set_index("site_id")["access"].isin(CONFIRMED_LEVELS)).fillna(False)
    confirmed = np.array(confirmed.to_numpy(dtype=bool))
    open_sites = ~sites["access"].isin(CONFIRMED_LEVELS)
    if open_sites.any() and len(entrances):
        confirmed |= _right_of_way(sites, entrances, layers, crs, open_sites, kind)
        confirmed |= _beside_water(sites, entrances)
    entrances["confirmed"] = confirmed
    return sites, entrances


def public_paths(ways: pd.DataFrame, walkable: pd.Series | None = None) -> pd.Series:
    """Per way segment, '' or the words for the right of way it is ('public footpath', …)."""
    des = _lower_text(ways["designation"])
    foot = _lower_text(ways["foot"])
    hw = _lower_text(ways["highway"])
    ref = text(ways["prow_ref"]) if "prow_ref" in ways.columns else pd.Series(
        "", index=ways.index)
    out = pd.Series("", index=ways.index, dtype=object)
    out[ref != ""] = "public right of way"
    out[hw.isin(pa.PROW_HIGHWAYS) & foot.isin(pa.PROW_FOOT)] = "path with foot=" + foot
    out[des.isin(pa.PERMISSIVE_PATH_DESIGNATIONS)] = des.map(pa.PERMISSIVE_PATH_DESIGNATIONS)
    out[des.isin(pa.PROW_DESIGNATIONS)] = des.map(pa.PROW_DESIGNATIONS)
    return out.where(walkable_mask(ways) if walkable is None else walkable, "")


def _lower_text(values: pd.Series) -> pd.Series:
    """The values of ``text(values).str.lower()`` (object dtype), worked out once per distinct
    tag value: a way's segments repeat its tags (53,616 segments on the Isle of Wight, a few
    hundred values)."""
    codes, uniq = pd.factorize(values)
    lowered = text(pd.Series(uniq, dtype=object)).str.lower().to_numpy(dtype=object)
    return pd.Series(np.append(lowered, "")[codes], index=values.index, dtype=object)


def _open_gates(sites: gpd.GeoDataFrame, layers: OsmLayers, crs: str, kind: pd.Series
                ) -> None:
    """``access=yes|permissive`` on a gate in the outline of an unknown site opens it."""
    unknown = sites["access"].eq(UNKNOWN)
    pois = layers.pois
    if not unknown.any() or len(pois) == 0:
        return
    gate = pd.Series(False, index=pois.index)
    for key, value in osm_cfg.ENTRANCE_TAGS:
        gate |= pois[key].notna() if value is None else pois[key].eq(value)
    tag = text(pois["access"]).str.lower()
    foot = text(pois["foot"]).str.lower()
    lvl = pd.Series("", index=pois.index, dtype=object)
    why = pd.Series("", index=pois.index, dtype=object)
    for values, level in ((osm_cfg.ACCESS_PERMISSIVE, PERMISSIVE), (osm_cfg.ACCESS_PUBLIC, PUBLIC)):
        for key, col in (("access", tag), ("foot", foot)):
            hit = col.isin(values) & lvl.eq("")
            lvl[hit], why[hit] = level, f"gate with {key}=" + col[hit]
    # A gate on a right of way (a footpath's kissing gate, foot=yes) lets walkers through
    # along the path, not over the land: the right-of-way rule deals with it.
    ways = layers.ways
    on_path = pd.Series(False, index=pois.index)
    if len(ways):
        path = (kind != "").to_numpy()
        nodes = np.unique(np.concatenate([ways["u"].to_numpy()[path], ways["v"].to_numpy()[path]]))
        on_path = pois["osm_type"].eq("node") & pois["osm_id"].isin(nodes)
    gates = pois[gate & lvl.ne("") & ~on_path]
    if len(gates) == 0:
        return
    gates = gpd.GeoDataFrame({"lvl": lvl[gates.index], "why": why[gates.index]},
                             geometry=gates.geometry.to_crs(crs).to_numpy(), crs=crs)
    rims = gpd.GeoDataFrame({"row": sites.index[unknown]},
                            geometry=sites.geometry[unknown].boundary.to_numpy(), crs=crs)
    hits = gpd.sjoin(gates, rims, predicate="dwithin", distance=osm_cfg.ENTRANCE_TAGGED_MAX_M)
    # Public before permissive, so a site with both kinds of gate is public.
    hits = hits.assign(_r=hits["lvl"].ne(PUBLIC)).sort_values(["row", "_r"]).drop_duplicates(
        "row")
    sites.loc[hits["row"].to_numpy(), "access"] = hits["lvl"].to_numpy()
    sites.loc[hits["row"].to_numpy(), "access_evidence"] = hits["why"].to_numpy()


def _right_of_way(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame, layers: OsmLayers,
                  crs: str, candidates: pd.Series, kind: pd.Series) -> np.ndarray:
    """Entrances where a right of way enters a not-yet-confirmed site; notes the site."""
    ways = layers.ways
    confirmed = np.zeros(len(entrances), dtype=bool)
    if len(ways) == 0:
        return confirmed
    path = (kind != "").to_numpy()
    if not path.any():
        return confirmed
    paths = gpd.GeoDataFrame({"kind": kind.to_numpy()[path]},
                             geometry=ways.geometry[path].to_crs(crs).to_numpy(), crs=crs)
    tree = shapely.STRtree(paths.geometry.to_numpy())
    cand = sites[candidates]
    # Only sites a path's box reaches can have a path inside: the others are not shrunk.
    cand = cand.iloc[np.unique(tree.query(cand.geometry.to_numpy())[0])]
    inner = gpd.GeoDataFrame({"row": cand.index},
                             geometry=cand.geometry.buffer(-pa.PROW_INSIDE_INSET_M).to_numpy(),
                             crs=crs)
    inner = inner[~inner.geometry.is_empty]
    if len(inner) == 0:
        return confirmed
    path_i, inner_i = _paths_in(tree, inner.geometry.to_numpy())
    if len(path_i) == 0:
        return confirmed
    hit_geom = paths.geometry.to_numpy()[path_i]
    hits = pd.DataFrame({"kind": paths["kind"].to_numpy()[path_i],
                         "row": inner["row"].to_numpy()[inner_i],
                         "inside": _length_inside(hit_geom, inner.geometry.to_numpy()[inner_i])})
    per_site = hits.groupby("row")["inside"].sum()
    crossed = per_site.index[per_site >= pa.PROW_MIN_INSIDE_M]
    if len(crossed) == 0:
        return confirmed
    keep = hits["row"].isin(crossed).to_numpy()
    hits, hit_geom = hits[keep], hit_geom[keep]
    # Name the path by the kind with most length inside.
    words = hits.groupby(["row", "kind"])["inside"].sum().reset_index().sort_values(
        ["row", "inside"], ascending=[True, False]).drop_duplicates("row").set_index("row")
    sites.loc[words.index, "access_evidence"] = [
        f"{kind_words} crosses it: access along the path only" for kind_words in words["kind"]]
    # Entrances of those sites near a path inside: the path's way in (entrances closer than
    # ENTRANCE_MERGE_M were merged into one, so the kept one stands for the path's).
    seg_site = sites.loc[hits["row"].to_numpy(), "site_id"].to_numpy()
    usable = entrances["source"].ne("near_network").to_numpy()
    ent_idx = np.flatnonzero(usable & entrances["site_id"].isin(set(seg_site)).to_numpy())
    if len(ent_idx) == 0:
        return confirmed
    ei, si = shapely.STRtree(hit_geom).query(
        entrances.geometry.to_numpy()[ent_idx], predicate="dwithin",
        distance=osm_cfg.ENTRANCE_MERGE_M)
    same = entrances["site_id"].to_numpy()[ent_idx[ei]] == seg_site[si]
    confirmed[ent_idx[ei[same]]] = True
    return confirmed


def _paths_in(paths: shapely.STRtree, areas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(path, area) index pairs that intersect, ordered by path then area.

    The areas are the query side: each is prepared once and tested against the short path
    segments near it, instead of every segment testing a large outline unprepared.
    """
    area_i, path_i = paths.query(areas, predicate="intersects")
    order = np.lexsort((area_i, path_i))
    return path_i[order], area_i[order]


def _length_inside(paths: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """Length of each path segment inside its area. A two-point segment wholly inside
    (prepared ``contains_properly``, no overlay needed) is its own intersection, so its
    length is the same number the overlay would give."""
    shapely.prepare(areas)
    inside = shapely.length(paths)
    whole = shapely.contains_properly(areas, paths) & (shapely.get_num_coordinates(paths) == 2)
    inside[~whole] = shapely.length(shapely.intersection(paths[~whole], areas[~whole]))
    return inside


def _beside_water(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame) -> np.ndarray:
    """Open-edge entrances of stream and lake strips: a path runs beside the water there."""
    lead = text(sites["categories"]).str.split(";").str[0]
    water = sites[lead.isin(pa.WATER_NEEDS_PATH) & sites["access"].isin([UNKNOWN, RESTRICTED])]
    if len(water) == 0:
        return np.zeros(len(entrances), dtype=bool)
    ids = set(water["site_id"])
    beside = entrances["site_id"].isin(ids) & entrances["source"].eq("open_edge")
    with_path = water["site_id"].isin(set(entrances.loc[beside, "site_id"]))
    note = with_path & ~water["access_evidence"].astype(str).str.contains("crosses it",
                                                                          regex=False)
    sites.loc[water.index[note.to_numpy(dtype=bool)], "access_evidence"] = (
        "a path runs beside the water: access along the path only")
    return beside.to_numpy(dtype=bool)


def describe_access(sites: pd.DataFrame, entrances: pd.DataFrame) -> str:
    """One line for users: sites and hectares per access level, how many unknown sites are
    open along a path, entrances confirmed, parks — e.g. for ``ecoplan sites``."""
    parts = []
    for level in (PUBLIC, PERMISSIVE, UNKNOWN, RESTRICTED):
        pick = sites["access"] == level
        if pick.any():
            parts.append(f"{int(pick.sum())} {level} ({sites.loc[pick, 'area_ha'].sum():,.0f} ha)")
    along = sites["access_evidence"].astype(str).str.endswith("access along the path only")
    n_conf = int(entrances["confirmed"].sum()) if len(entrances) else 0
    n_park = int(sites["park"].astype(bool).sum())
    return (f"access: {', '.join(parts) or 'no sites'}; {int(along.sum())} of them open along "
            f"a path only; {n_conf} of {len(entrances)} entrances confirmed; {n_park} parks")
