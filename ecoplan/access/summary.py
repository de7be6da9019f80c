"""Headline figures: the one population-weighted mean, and every headline figure four ways.

**Denominator (documented choice).** A share of people is weighted by the *measured* people of
each area — population × (1 − ``share_unsnapped``) — because each area's share is itself a share
of its measured people; weighting by the whole population would count unmeasured people as if
they had the area's average access. People too far from the walking network to measure are
counted and reported apart (``share_unsnapped``), never guessed. Areas 'outside data' have no
figures; areas marked ``partial`` (mostly outside the data's extent) are left out unless
``include_partial``. Mean minutes are weighted by the measured people who reach a site.

Every figure comes in four columns: confirmed public access / including access unknown, each
along the walking network and in a straight line (:mod:`ecoplan.access.variants`); the CLI and
the app print the same strings from :func:`headline` and :func:`fmt`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecoplan.access.variants import NETWORK, STRAIGHT, label, view
from ecoplan.settings import access as access_cfg

#: The four ways each figure is reported, in column order.
WAYS: tuple[tuple[str, str], ...] = tuple((v, h) for v in access_cfg.VARIANTS
                                          for h in (NETWORK, STRAIGHT))


def way_name(variant: str, how: str) -> str:
    """Column title of one way: 'confirmed public access, along the network'."""
    where = "along the network" if how == NETWORK else "straight line"
    return f"{label(variant)}, {where}"


def weights(table: pd.DataFrame, *, include_partial: bool = False) -> pd.Series:
    """Measured people per area (NaN where an area does not count)."""
    pop = pd.to_numeric(table["population"], errors="coerce")
    unsnapped = pd.to_numeric(table["share_unsnapped"], errors="coerce").fillna(1.0)
    keep = table["status"].ne("outside data")
    if not include_partial and "partial" in table.columns:
        keep &= ~table["partial"].fillna(False).astype(bool)
    return (pop * (1 - unsnapped)).where(keep)


def reach_weights(table: pd.DataFrame, *, include_partial: bool = False) -> pd.Series:
    """Measured people who reach a site (the weights of mean minutes)."""
    unreach = pd.to_numeric(table["share_unreachable"], errors="coerce").fillna(1.0)
    return weights(table, include_partial=include_partial) * (1 - unreach)


def weighted_mean(values: pd.Series, w: pd.Series, mask: pd.Series | None = None) -> float:
    """THE population-weighted mean (NaN when nobody counts).

    In numpy on the same values: pandas' ``Series.sum`` of NaN-free floats is numpy's sum of
    them, so the figures are those pandas gave, at a tenth of the cost (issue 16: the
    headline table makes ~60 of these)."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    wv = np.asarray(w.to_numpy(dtype=float, na_value=np.nan))
    ok = ~np.isnan(v) & ~np.isnan(wv) & (wv > 0)
    if mask is not None:
        ok &= mask.fillna(False).astype(bool).to_numpy()
    den = float(wv[ok].sum())
    return float((v[ok] * wv[ok]).sum() / den) if den > 0 else float("nan")


def share_of_people(table: pd.DataFrame, column: str, mask: pd.Series | None = None, *,
                    include_partial: bool = False) -> float:
    return weighted_mean(table[column], weights(table, include_partial=include_partial), mask)


def mean_of_reaching(table: pd.DataFrame, column: str, mask: pd.Series | None = None, *,
                     include_partial: bool = False) -> float:
    return weighted_mean(table[column], reach_weights(table, include_partial=include_partial),
                         mask)


def deprived(table: pd.DataFrame, deciles: int) -> pd.Series:
    dec = pd.to_numeric(table["imd_decile"], errors="coerce")
    return dec.notna() & (dec <= deciles)


def has_deciles(table: pd.DataFrame) -> bool:
    return bool(pd.to_numeric(table["imd_decile"], errors="coerce").notna().any())


def headline_rows(speed_kmh: float, standards: tuple[str, ...],
                  deciles: int | None) -> list[tuple[str, str, str, str]]:
    """(key, label, kind, column) of each headline figure, in print order."""
    by_key = {s.key: s for s in access_cfg.STANDARDS}
    rows = [(f"share_{k}", by_key[k].describe(speed_kmh), "share", f"share_{k}")
            for k in standards]
    rows += [("minutes_any", "mean walk to the nearest green or blue space", "minutes",
              "minutes_any"),
             ("minutes_park", "mean walk to the nearest park", "minutes", "minutes_park"),
             ("metres_park", "mean walking distance to the nearest park", "metres",
              "metres_park")]
    if deciles is not None:
        h, loc = f"share_{access_cfg.HEADLINE_STANDARD}", f"share_{access_cfg.LOCAL_STANDARD}"
        rows += [(f"deprived_{h}", f"deprived areas (decile ≤ {deciles}): "
                  f"{by_key[access_cfg.HEADLINE_STANDARD].label}", "share", h),
                 (f"deprived_{loc}", f"deprived areas (decile ≤ {deciles}): "
                  f"{by_key[access_cfg.LOCAL_STANDARD].label}", "share", loc)]
    return rows


def headline(table: pd.DataFrame, *, speed_kmh: float,
             standards: tuple[str, ...] = access_cfg.STANDARD_KEYS, deciles: int | None = None,
             include_partial: bool = False) -> pd.DataFrame:
    """One row per headline figure: ``key, label, kind`` and one value column per way
    (:data:`WAYS`, named by :func:`way_name`). Minutes and metres have no straight-line value.
    ``deciles=None`` (or no deciles in the data) leaves out the deprived rows."""
    if deciles is not None and not has_deciles(table):
        deciles = None
    rows: list[dict[str, Any]] = []
    views = {(v, h): view(table, v, h) for v, h in WAYS}
    # Each view's weights once, not once per figure (share_of_people / mean_of_reaching).
    people = {k: weights(t, include_partial=include_partial) for k, t in views.items()}
    reaching = {k: reach_weights(t, include_partial=include_partial)
                for k, t in views.items()}
    for key, text, kind, col in headline_rows(speed_kmh, standards, deciles):
        if col not in table.columns:
            continue  # e.g. a result measured without that class
        row: dict[str, Any] = {"key": key, "label": text, "kind": kind}
        for (v, h), t in views.items():
            mask = deprived(t, deciles) if key.startswith("deprived_") and deciles else None
            if kind == "share":
                val = weighted_mean(t[col], people[v, h], mask)
            elif h == STRAIGHT:
                val = float("nan")
            else:
                val = weighted_mean(t[col], reaching[v, h], mask)
            row[way_name(v, h)] = val
        rows.append(row)
    return pd.DataFrame(rows)


def fmt(value: float, kind: str) -> str:
    """The one formatter of headline figures: '98.7 %', '4.4 min', '624 m', '27'; '—' if none."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if kind == "share":
        return f"{100 * value:.1f} %"
    if kind == "minutes":
        return f"{value:.1f} min"
    if kind == "metres":
        return f"{value:,.0f} m"
    return f"{value:,.0f}"


def headline_strings(head: pd.DataFrame) -> pd.DataFrame:
    """The headline table as the strings every front end shows (label + one column per way)."""
    out = pd.DataFrame({"measure": head["label"]})
    for v, h in WAYS:
        name = way_name(v, h)
        out[name] = [fmt(x, k) for x, k in zip(head[name], head["kind"], strict=True)]
    return out


def partial_note(table: pd.DataFrame, include_partial: bool) -> str | None:
    """The note shown beside headline figures when partial areas exist."""
    if "partial" not in table.columns:
        return None
    n = int(table["partial"].fillna(False).astype(bool).sum())
    if not n:
        return None
    pop = pd.to_numeric(table.loc[table["partial"].astype(bool), "population"],
                        errors="coerce").sum()
    if include_partial:
        return (f"{n} area(s) lie mostly outside the OSM data (partial, {pop:,.0f} people) "
                "and are included in the headline figures; their distances near the edge "
                "may be too long.")
    return (f"{n} area(s) lie mostly outside the OSM data (partial, {pop:,.0f} people) and "
            "are left out of the headline figures; they are still listed per area.")


def extent_area(layers_bounds: tuple[float, float, float, float]):
    """One area covering the loaded OSM data, for places without need data (the demo)."""
    import geopandas as gpd
    import shapely

    w, s, e, n = layers_bounds
    return gpd.GeoDataFrame({"area_code": ["whole-area"], "area_name": ["Whole loaded area"],
                             "population": [np.nan]}, geometry=[shapely.box(w, s, e, n)],
                            crs="EPSG:4326")


def home_summary(origins: pd.DataFrame) -> pd.DataFrame:
    """Without need data (no population): shares of *homes* (origin points weighted by the
    mapped homes or street points merged into each) — what can honestly be shown.

    Rows: 10/15-minute walk to green or blue space, 10-minute walk to a park, mean minutes to
    each; columns: confirmed public access / including access unknown (network).
    """
    w = pd.to_numeric(origins.get("n_sources", pd.Series(1.0, index=origins.index)),
                      errors="coerce").fillna(1.0)
    rows = []
    specs = (("15-minute walk to green or blue space", "walk15_any_ok", "share"),
             ("10-minute walk to green or blue space", "walk10_any_ok", "share"),
             ("10-minute walk to a park", "park10_ok", "share"),
             ("mean walk to the nearest green or blue space", "any_min", "minutes"),
             ("mean walk to the nearest park", "park_min", "minutes"))
    for text, col, kind in specs:
        row = {"measure": text}
        for v in access_cfg.VARIANTS:
            c = col + access_cfg.VARIANT_SUFFIX[v]
            measured = origins["status"].ne("unsnapped") if "status" in origins else True
            vals = pd.to_numeric(origins[c], errors="coerce").astype(float) \
                if c in origins else pd.Series(np.nan, index=origins.index)
            row[way_name(v, NETWORK)] = fmt(weighted_mean(vals, w.where(measured)), kind)
        rows.append(row)
    n = int(w.sum())
    out = pd.DataFrame(rows)
    out.attrs["n_homes"] = n
    return out
