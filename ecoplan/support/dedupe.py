"""Count a place once when OSM maps it twice (a node and a building polygon, or two nodes).

Rules, within one category: (1) the same normalised name within ``DEDUPE_M`` metres; (2) a
point inside another feature's polygon (``area`` column) when the names agree or one is blank.
Unnamed points are never merged by distance alone: two unnamed phone boxes 30 m apart are two
phone boxes. The kept row prefers a polygon, then a way/relation, then a name; blanks in it are
filled from the rows merged into it, and ``osm_refs`` lists them all.
"""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from ecoplan.settings import support as support_cfg

_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
_FILL = ("name", "detail", "phone", "opening_hours")


def normalise_name(name: object) -> str:
    """Lower-case, accents and punctuation off, '&' → 'and', 'St' → 'saint', no leading 'the'."""
    if not isinstance(name, str):
        return ""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    s = s.replace("&", " and ").replace("'", "").replace("\u2019", "")
    s = _SPACE.sub(" ", _PUNCT.sub(" ", s)).strip()
    s = re.sub(r"\bst\b", "saint", s)
    return s.removeprefix("the ").strip()


def _find(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def dedupe(features: gpd.GeoDataFrame, crs: str, *,
           within_m: float = support_cfg.DEDUPE_M) -> gpd.GeoDataFrame:
    """One row per place (see module docstring); adds ``n_mapped`` and ``osm_refs``."""
    if len(features) == 0:
        return features.assign(n_mapped=pd.Series(dtype=int), osm_refs=pd.Series(dtype=object))
    feats = features.reset_index(drop=True)
    n = len(feats)
    parent = np.arange(n)
    xy = shapely.get_coordinates(feats.geometry.to_crs(crs).to_numpy())
    names = feats["name"].map(normalise_name).to_numpy(dtype=object)
    cats = feats["category"].to_numpy(dtype=object)
    groups = feats["group"].to_numpy(dtype=object)

    def union(i: int, j: int) -> None:
        a, b = _find(parent, i), _find(parent, j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    # (1) same category + same non-empty name within the distance
    tree = cKDTree(xy)
    for i, j in tree.query_pairs(within_m):
        if cats[i] == cats[j] and groups[i] == groups[j] and names[i] and names[i] == names[j]:
            union(i, j)

    # (2) a point inside another feature's polygon
    areas = feats["area"].to_numpy(dtype=object) if "area" in feats.columns else None
    if areas is not None:
        has = np.array([a is not None and not shapely.is_empty(a) for a in areas], dtype=bool)
        if has.any():
            polys = gpd.GeoSeries(list(areas[has]), crs=feats.crs)
            pidx = np.flatnonzero(has)
            pts = gpd.GeoSeries(feats.geometry.to_numpy(), crs=feats.crs)
            hits = polys.sindex.query(pts, predicate="intersects")
            for pt_row, poly_pos in zip(hits[0], hits[1], strict=True):
                j = int(pidx[poly_pos])
                i = int(pt_row)
                if i == j or cats[i] != cats[j] or groups[i] != groups[j]:
                    continue
                if not names[i] or not names[j] or names[i] == names[j]:
                    union(i, j)

    roots = np.array([_find(parent, i) for i in range(n)])
    has_area = (np.array([a is not None for a in areas], dtype=bool) if areas is not None
                else np.zeros(n, dtype=bool))
    score = (np.where(has_area, 8, 0)
             + np.where(feats["osm_type"].isin(["way", "relation"]), 4, 0)
             + np.where(names != "", 2, 0)
             + np.where(feats["detail"].astype(str) != "", 1, 0))
    order = np.lexsort((np.arange(n), -score, roots))
    keep_rows: list[int] = []
    refs: list[str] = []
    counts: list[int] = []
    out = feats.copy()
    for root in np.unique(roots):
        members = order[roots[order] == root]
        best = int(members[0])
        _fill_blanks(out, feats, best, members[1:])
        keep_rows.append(best)
        counts.append(len(members))
        refs.append(";".join(_ref(feats, int(m)) for m in members))
    result = out.loc[keep_rows].copy()
    result["n_mapped"] = counts
    result["osm_refs"] = refs
    return result.reset_index(drop=True)


def _fill_blanks(out: pd.DataFrame, feats: pd.DataFrame, best: int, others: np.ndarray) -> None:
    """Blank text columns of the kept row take the first value another mapping of it has."""
    for col in _FILL:
        if col in out.columns and not str(out.at[best, col] or ""):
            for m in others:
                val = feats.at[int(m), col]
                if isinstance(val, str) and val:
                    out.at[best, col] = val
                    break


def _ref(df: pd.DataFrame, i: int) -> str:
    kind = str(df.at[i, "osm_type"] or "")[:1] or "?"
    oid = df.at[i, "osm_id"]
    return f"{kind}{int(oid)}" if pd.notna(oid) else kind
