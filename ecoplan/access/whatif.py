"""What if we opened a new site, or a new gate into an existing one?

The question a public-health team asks before funding an access point (issue #4). A
hypothetical site gets entrances exactly as real sites do
(:func:`ecoplan.sites.entrances.find_entrances`), access is re-measured with the *same* graph
and origins, and :func:`compare` reports how the gap statistics and the equity table change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ecoplan.access.gaps import STAT_LABELS, equity_table, gap_stats
from ecoplan.access.measure import AREA_ID_COLUMNS, AccessResult, measure_access
from ecoplan.access.priorities import prioritise
from ecoplan.access.summary import fmt
from ecoplan.access.variants import label as variant_label
from ecoplan.access.variants import with_contract
from ecoplan.errors import AreaError
from ecoplan.network.graph import WalkGraph
from ecoplan.network.walkable import walkable_mask
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import access as access_cfg
from ecoplan.sites.build import SITE_COLUMNS, Sites
from ecoplan.sites.entrances import ENTRANCE_COLUMNS, find_entrances

WGS84 = "EPSG:4326"
ORIGIN_BASE = ["area_code", "population", "share", "method", "n_sources", "geometry"]


def _as_polygon(polygon: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame) -> BaseGeometry:
    """One (multi)polygon in EPSG:4326 from a geometry (lon/lat) or a GeoSeries/GeoDataFrame."""
    if isinstance(polygon, gpd.GeoDataFrame | gpd.GeoSeries):
        geo = polygon.geometry if isinstance(polygon, gpd.GeoDataFrame) else polygon
        if geo.crs is not None:
            geo = geo.to_crs(WGS84)
        polygon = shapely.union_all(shapely.make_valid(geo.to_numpy()))
    if polygon is None or polygon.is_empty:
        raise AreaError("The what-if site is empty: draw or give a polygon.")
    polygon = shapely.make_valid(polygon)
    if polygon.geom_type == "GeometryCollection":
        polygon = shapely.union_all([g for g in polygon.geoms
                                     if g.geom_type in ("Polygon", "MultiPolygon")])
    if polygon.geom_type not in ("Polygon", "MultiPolygon") or polygon.area == 0:
        raise AreaError(f"The what-if site must be a polygon, not a {polygon.geom_type}: draw "
                        "its outline.")
    return polygon


def _with(columns: list[str], extra: str) -> list[str]:
    return columns if extra in columns else [*columns, extra]


def next_site_id(sites: gpd.GeoDataFrame) -> str:
    """'whatif-1', or the next free 'whatif-N'."""
    taken = set(sites["site_id"].astype(str))
    i = 1
    while f"whatif-{i}" in taken:
        i += 1
    return f"whatif-{i}"


def add_site(sites: Sites, layers: OsmLayers,
             polygon: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame, name: str, *,
             kind: str = "green", site_id: str | None = None) -> Sites:
    """A copy of ``sites`` with one hypothetical public site added.

    ``polygon`` is lon/lat (or a GeoSeries/GeoDataFrame in any CRS). Its entrances are found
    like real sites' (tagged gates, walkable ways crossing the boundary, else boundary points
    near a way). Raises :class:`AreaError` if no walkable way reaches it.
    """
    if kind not in access_cfg.ANY_KINDS:
        raise AreaError(f"Unknown site kind {kind!r}: use one of {sorted(access_cfg.ANY_KINDS)}.")
    geom = _as_polygon(polygon)
    try:
        w, s, e, n = layers.bounds
    except (ValueError, TypeError):
        w = s = e = n = float("nan")
    if not geom.intersects(shapely.box(w, s, e, n)):
        raise AreaError("The what-if site lies outside the OSM data: draw it inside the area "
                        "that was loaded.")
    sid = site_id or next_site_id(sites.sites)
    if sid in set(sites.sites["site_id"]):
        raise AreaError(f"Site id {sid!r} already exists: choose another.")
    row = gpd.GeoDataFrame({"site_id": [sid]}, geometry=[geom], crs=WGS84).to_crs(sites.crs)
    ents = find_entrances(row, layers, sites.crs)
    if len(ents) == 0:
        raise AreaError(f"The what-if site {name!r} has no way in: no walkable way crosses it or "
                        "passes within 30 m. Draw it up to a path, or add an entrance.")
    # A hypothetical site is public land: its entrances are confirmed access (issue 19), and
    # a green one is a park (the parks measure counts it).
    ents = ents.to_crs(WGS84).assign(confirmed=True)
    new: dict[str, Any] = {c: 0 for c in SITE_COLUMNS}
    new.update(site_id=sid, name=str(name), kind=kind, categories="whatif",
               area_ha=float(row.geometry.area.iloc[0]) / 10_000.0, access="public",
               access_evidence="what-if site", park=kind != "blue",
               n_entrances=len(ents), components="", geometry=geom)
    new_row = gpd.GeoDataFrame([new], geometry="geometry", crs=WGS84)
    base = with_contract(sites)
    out_sites = pd.concat([base.sites, new_row[_with(SITE_COLUMNS, "park")]],
                          ignore_index=True)
    out_ents = pd.concat([base.entrances, ents[_with(ENTRANCE_COLUMNS, "confirmed")]],
                         ignore_index=True)
    return replace(sites, sites=gpd.GeoDataFrame(out_sites, geometry="geometry", crs=WGS84),
                   entrances=gpd.GeoDataFrame(out_ents, geometry="geometry", crs=WGS84))


def add_entrance(sites: Sites, site_id: str, point: BaseGeometry, *,
                 layers: OsmLayers | None = None) -> Sites:
    """A copy of ``sites`` with an extra entrance (a lon/lat point) into ``site_id``.

    With ``layers`` the entrance is placed on the nearest walkable segment (within
    ``WHATIF_ENTRANCE_MAX_SNAP_M``), as real entrances are; without, only its point is stored
    and the access engine joins it to the nearest network node within 50 m.
    """
    match = sites.sites[sites.sites["site_id"] == site_id]
    if len(match) == 0:
        raise AreaError(f"No site {site_id!r}: pick a site id from the sites table.")
    if point is None or point.is_empty or point.geom_type != "Point":
        raise AreaError("The new entrance must be a single point (lon, lat).")
    limit = access_cfg.WHATIF_ENTRANCE_MAX_SNAP_M
    pt = gpd.GeoSeries([point], crs=WGS84).to_crs(sites.crs).iloc[0]
    site_geom = match.geometry.to_crs(sites.crs).iloc[0]
    if site_geom.distance(pt) > limit:
        raise AreaError(f"The new entrance is {site_geom.distance(pt):,.0f} m from site "
                        f"{site_id!r}: put it on or beside the site's edge (within {limit:g} m).")
    n_existing = int((sites.entrances["site_id"] == site_id).sum())
    row: dict[str, object] = {
        "site_id": site_id, "entrance_id": f"{site_id}/x{n_existing + 1}", "source": "whatif",
        "node_id": None, "edge_u": None, "edge_v": None, "dist_u_m": np.nan,
        "dist_v_m": np.nan, "snap_m": 0.0, "geometry": point,
    }
    if layers is not None:
        row.update(_on_nearest_way(layers, pt, sites.crs, limit))
    # An extra gate counts as confirmed access only into land the public may use already
    # (or that the sites step confirmed through another entrance).
    base = with_contract(sites)
    row["confirmed"] = bool(base.entrances.loc[base.entrances["site_id"] == site_id,
                                               "confirmed"].any()
                            or match["access"].isin(access_cfg.CONFIRMED_ACCESS).any())
    ent = gpd.GeoDataFrame([row], geometry="geometry", crs=WGS84)
    out_ents = pd.concat([base.entrances, ent[_with(ENTRANCE_COLUMNS, "confirmed")]],
                         ignore_index=True)
    out_sites = base.sites.copy()
    out_sites.loc[out_sites["site_id"] == site_id, "n_entrances"] = n_existing + 1
    return replace(sites, sites=out_sites,
                   entrances=gpd.GeoDataFrame(out_ents, geometry="geometry", crs=WGS84))


def _on_nearest_way(layers: OsmLayers, pt: BaseGeometry, crs: str, limit: float) -> dict:
    ways = layers.ways[walkable_mask(layers.ways)]
    edges = ways[["u", "v", "geometry"]].to_crs(crs).reset_index(drop=True)
    if len(edges) == 0:
        raise AreaError("No walkable ways in the data to put the entrance on.")
    geoms = edges.geometry.to_numpy()
    i = int(shapely.STRtree(geoms).nearest(pt))
    d = float(geoms[i].distance(pt))
    if d > limit:
        raise AreaError(f"The new entrance is {d:,.0f} m from the nearest path: put it within "
                        f"{limit:g} m of a walkable way.")
    along = float(geoms[i].project(pt))
    length = float(geoms[i].length)
    u, v = int(edges.at[i, "u"]), int(edges.at[i, "v"])
    return {"edge_u": u, "edge_v": v, "dist_u_m": along, "dist_v_m": length - along,
            "node_id": u if along <= length - along else v, "snap_m": d}


def rerun(before: AccessResult, layers: OsmLayers, sites: Sites, *,
          graph: WalkGraph | None = None) -> AccessResult:
    """Measure again with changed ``sites``, the same origins, areas, speed and standards."""
    areas = gpd.GeoDataFrame(before.areas[AREA_ID_COLUMNS], geometry=before.areas.geometry,
                             crs=before.areas.crs)
    origins = before.origins[[c for c in ORIGIN_BASE if c in before.origins.columns]]
    return measure_access(layers, sites, areas, speed_kmh=before.speed_kmh,
                          step_free=before.step_free, origins=origins, graph=graph,
                          standards=before.standard_objects)


@dataclass(frozen=True)
class WhatIfComparison:
    """Before/after statistics (:func:`ecoplan.access.gaps.gap_stats`) per access variant and
    the equity tables (both variants side by side)."""

    before: dict[str, dict[str, float]]  # variant → stats
    after: dict[str, dict[str, float]]
    equity_before: pd.DataFrame
    equity_after: pd.DataFrame
    leave_tier1: tuple[str, ...]  # area codes no longer in tier 1 (default variant)
    enter_tier1: tuple[str, ...]
    changed_areas: pd.DataFrame  # area_code, area_name, imd_decile, population, before/after

    def delta(self, variant: str = access_cfg.DEFAULT_VARIANT) -> dict[str, float]:
        b, a = self.before[variant], self.after[variant]
        return {k: a[k] - b[k] for k in b}

    def equity_change(self) -> pd.DataFrame:
        """Equity table with before, after and change for the shares and minutes."""
        b, a = self.equity_before, self.equity_after
        out = b[["decile", "n_areas", "population"]].copy()
        for col in [c for c in b.columns if c.startswith(("share_", "mean_minutes"))]:
            out[f"{col}_before"] = b[col].to_numpy()
            out[f"{col}_after"] = a[col].to_numpy()
            out[f"{col}_change"] = a[col].to_numpy() - b[col].to_numpy()
        return out


def compare(before: AccessResult, after: AccessResult, *,
            deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
            include_partial: bool = False) -> WhatIfComparison:
    """How priorities and equity change from ``before`` to ``after`` (same areas)."""
    b, a = before.table(), after.table()
    if list(b["area_code"]) != list(a["area_code"]):
        raise ValueError("before and after must cover the same areas in the same order")
    tb, ta = (prioritise(t, deciles=deciles, include_partial=include_partial)["priority_tier"]
              .fillna(0).astype(int).to_numpy() for t in (b, a))
    codes = b["area_code"].to_numpy(object)
    cols = [c for key, _, _ in access_cfg.WHATIF_CHANGE_MEASURES
            for c in (key, key + "_incl_unknown")]
    diff = np.zeros(len(b), dtype=bool)
    for c in cols:
        x, y = b[c].to_numpy(float), a[c].to_numpy(float)
        diff |= ~np.isclose(x, y, equal_nan=True)
    changed = b.loc[diff, ["area_code", "area_name", "imd_decile", "population"]].copy()
    changed["tier_before"] = tb[diff]
    changed["tier_after"] = ta[diff]
    for c in cols:
        changed[f"{c}_before"] = b.loc[diff, c].to_numpy()
        changed[f"{c}_after"] = a.loc[diff, c].to_numpy()
    changed["nearest_site_after"] = a.loc[diff, "nearest_site_id"].to_numpy()
    dec, part = deciles, include_partial
    return WhatIfComparison(
        before={v: gap_stats(b, variant=v, deciles=dec, include_partial=part)
                for v in access_cfg.VARIANTS},
        after={v: gap_stats(a, variant=v, deciles=dec, include_partial=part)
               for v in access_cfg.VARIANTS},
        equity_before=equity_table(b, deciles=dec, include_partial=part),
        equity_after=equity_table(a, deciles=dec, include_partial=part),
        leave_tier1=tuple(codes[(tb == 1) & (ta != 1)]),
        enter_tier1=tuple(codes[(ta == 1) & (tb != 1)]),
        changed_areas=changed.reset_index(drop=True),
    )


def whatif_summary(cmp: WhatIfComparison) -> pd.DataFrame:
    """The before/after table both front ends show: one row per statistic and variant, as
    strings (:func:`ecoplan.access.summary.fmt`; changes in percentage points for shares)."""
    rows = []
    for key, text, kind in STAT_LABELS:
        for v in access_cfg.VARIANTS:
            b, a = cmp.before[v][key], cmp.after[v][key]
            ch = a - b
            rows.append({"measure": text, "access": variant_label(v), "before": fmt(b, kind),
                         "after": fmt(a, kind),
                         "change": (f"{100 * ch:+.1f} pp" if kind == "share" else
                                    f"{ch:+.1f} min" if kind == "minutes" else
                                    f"{ch:+,.0f}") if ch == ch else "—"})
    return pd.DataFrame(rows)


def changed_area_strings(cmp: WhatIfComparison) -> pd.DataFrame:
    """The changed areas as both front ends list them — code, name, tier before → after and
    what changed — so "4 area(s) change" names all four; areas changing tier first, then the
    most deprived."""
    ch = cmp.changed_areas
    cols = ["area", "name", "tier", "what changed"]
    if ch.empty:
        return pd.DataFrame(columns=cols)
    key = pd.DataFrame({"same_tier": (ch["tier_before"] == ch["tier_after"]).to_numpy(),
                        "decile": pd.to_numeric(ch["imd_decile"], errors="coerce").to_numpy()})
    ch = ch.iloc[key.sort_values(["same_tier", "decile"], kind="stable").index]
    return pd.DataFrame({
        "area": ch["area_code"].astype(str).to_numpy(),
        "name": ch["area_name"].fillna("").astype(str).to_numpy(),
        "tier": [_tier_move(b, a) for b, a in zip(ch["tier_before"], ch["tier_after"],
                                                   strict=True)],
        "what changed": [_what_changed(r) for _, r in ch.iterrows()],
    }, columns=cols)


def _tier_move(before: int, after: int) -> str:
    """'1 → none', or '2' when the tier stays (0 = no tier, as :func:`compare` stores it)."""
    b, a = (str(int(t)) if t else "none" for t in (before, after))
    return b if b == a else f"{b} → {a}"


def _what_changed(row: pd.Series) -> str:
    """'15 min 40.0 % → 65.0 %; nearest space 12.0 min → 8.0 min' for confirmed access; when
    only the including-unknown figures moved, those, marked so."""
    for sfx, note in (("", ""), ("_incl_unknown", " (incl. access unknown)")):
        parts = []
        for col, title, kind in access_cfg.WHATIF_CHANGE_MEASURES:
            b, a = float(row[f"{col}{sfx}_before"]), float(row[f"{col}{sfx}_after"])
            if not np.isclose(b, a, equal_nan=True):
                parts.append(f"{title} {fmt(b, kind)} → {fmt(a, kind)}")
        if parts:
            return "; ".join(parts) + note
    return ""


def equity_change_strings(cmp: WhatIfComparison) -> pd.DataFrame:
    """Before → after shares per decile, 'confirmed / including unknown' (both front ends)."""
    b, a = cmp.equity_before, cmp.equity_after
    keep = (b["n_areas"] > 0).to_numpy()
    out = pd.DataFrame({"decile": b["decile"].astype(str).to_numpy()[keep],
                        "population": [fmt(v, "count") for v in b["population"][keep]]})
    for col, title in (("share_walk15", "15 min"), ("share_park10", "park 10 min"),
                       ("share_local", "AGS local")):
        for when, t in (("before", b), ("after", a)):
            out[f"{title} {when}"] = [
                f"{fmt(x, 'share')} / {fmt(y, 'share')}" for x, y in
                zip(t[col].to_numpy()[keep], t[col + "_incl_unknown"].to_numpy()[keep],
                    strict=True)]
    return out
