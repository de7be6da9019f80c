"""Confirmed public access vs including access unknown; network vs straight line (issue 19).

Why one place: every figure (CLI summary, CSV, GeoPackage, the app's headline, equity and
priority tables) is reported both ways, and the same per-area table serves every view. The
table holds each variant's columns side by side — the default variant (``confirmed``) under
the plain names, the other with a suffix (``share_walk15_any_incl_unknown``) — and
:func:`view` renames one variant's columns (and, for straight-line figures, the ``_straight``
twins) back to the plain names, so the summary, gap and priority functions are written once.

Column contract with the sites step: ``sites.park`` (bool, the parks class) and
``entrances.confirmed`` (bool: the entrance leads into land the public may confirmedly use).
Older sites tables without them get documented fallbacks (:func:`with_contract`).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.settings import access as access_cfg
from ecoplan.sites.build import Sites

VARIANTS = access_cfg.VARIANTS
DEFAULT = access_cfg.DEFAULT_VARIANT
NETWORK, STRAIGHT = "network", "straight"


def check_variant(variant: str) -> str:
    if variant not in access_cfg.VARIANTS:
        raise EcoplanError(f"Unknown access variant {variant!r}: use one of "
                           f"{', '.join(access_cfg.VARIANTS)}.")
    return variant


def suffix(variant: str) -> str:
    return access_cfg.VARIANT_SUFFIX[check_variant(variant)]


def label(variant: str) -> str:
    return access_cfg.VARIANT_LABEL[check_variant(variant)]


def with_contract(sites: Sites) -> Sites:
    """``sites`` with boolean ``sites.park`` and ``entrances.confirmed`` (fallbacks if absent).

    Fallbacks: a park is a site with a category in ``PARK_CATEGORIES``; an entrance is
    confirmed when its site's access is in ``CONFIRMED_ACCESS``.
    """
    s, e = sites.sites, sites.entrances
    if "park" not in s.columns:
        cats = s["categories"].fillna("").astype(str).str.split(";")
        s = s.assign(park=[bool(access_cfg.PARK_CATEGORIES & set(c)) for c in cats])
    else:
        s = s.assign(park=s["park"].fillna(False).astype(bool))
    if "confirmed" not in e.columns:
        ok = set(s.loc[s["access"].isin(access_cfg.CONFIRMED_ACCESS), "site_id"])
        e = e.assign(confirmed=e["site_id"].isin(ok).to_numpy())
    else:
        e = e.assign(confirmed=e["confirmed"].fillna(False).astype(bool))
    return replace(sites, sites=s, entrances=e)


def variant_sites(sites: Sites, variant: str) -> Sites:
    """The sites and entrances that count in ``variant``.

    'all': every site and entrance. 'confirmed': only confirmed entrances, and only sites that
    keep at least one (their straight-line distance counts too: a private wood crossed by a
    public footpath is reached by the path, and so is near in a straight line).
    """
    sites = with_contract(sites)
    if check_variant(variant) == "all":
        return sites
    keep, ents = variant_masks(sites.sites, sites.entrances, variant)
    return replace(sites, sites=sites.sites[keep], entrances=sites.entrances[ents])


def variant_masks(sites: pd.DataFrame, entrances: pd.DataFrame,
                  variant: str) -> tuple[np.ndarray, np.ndarray]:
    """(sites kept, entrances kept) in ``variant``, of sites and entrances already
    :func:`with_contract` (see :func:`variant_sites`)."""
    if check_variant(variant) == "all":
        return np.ones(len(sites), dtype=bool), np.ones(len(entrances), dtype=bool)
    ents = entrances["confirmed"].to_numpy(bool)
    # Object isin against an object array: the str dtype's isin builds a pyarrow scalar per
    # id, and a set built by iterating the column costs as much (~8 ms each; issue 16).
    keep = sites["site_id"].astype(object).isin(
        entrances["site_id"].to_numpy(dtype=object)[ents]).to_numpy()
    return keep, ents


def metric_columns(table: pd.DataFrame) -> list[str]:
    """Per-area columns that differ between the variants (the plain, default-variant names)."""
    per_variant = ("minutes_", "metres_", "share_", "nearest_site_", "status", "priority_",
                   "fails_", "failed_", "people_")
    skip = {"share_unsnapped", "share_inside_data"}
    sfx = tuple(s for s in access_cfg.VARIANT_SUFFIX.values() if s)
    return [c for c in table.columns
            if c.startswith(per_variant) and c not in skip and not c.endswith(sfx)]


def view(table: pd.DataFrame, variant: str = DEFAULT, how: str = NETWORK) -> pd.DataFrame:
    """The table as one variant and one way of measuring, under the plain column names.

    ``how='straight'`` puts each standard's straight-line share (``…_straight``) in place of
    its network share, so the same rules give the straight-line answers. Minutes and metres
    are always along the network.
    """
    sfx = suffix(variant)
    if how not in (NETWORK, STRAIGHT):
        raise EcoplanError(f"Unknown measuring {how!r}: use {NETWORK!r} or {STRAIGHT!r}.")
    new: dict[str, Any] = {}  # column → values, as ``out[column] = values`` would set them
    if sfx:
        for col in metric_columns(table):
            if col + sfx in table.columns:
                new[col] = table[col + sfx].to_numpy()
    if how == STRAIGHT:
        for col in list(table.columns):
            if col.startswith("share_") and col.endswith("_straight"):
                values = pd.Series(new[col]).to_numpy() if col in new else table[col].to_numpy()
                new[col[: -len("_straight")]] = values
    cols = list(table.columns) + [c for c in new if c not in table.columns]
    suffixes = tuple(s for s in access_cfg.VARIANT_SUFFIX.values() if s)
    drop = [c for c in cols if c.endswith(suffixes)]
    if table.columns.has_duplicates or type(table) not in (pd.DataFrame, gpd.GeoDataFrame):
        out = table.copy()
        for col, values in new.items():
            out[col] = values
        return out.drop(columns=drop)
    # One frame from the kept columns rather than ~40 assignments to a copy (issue 16:
    # 12 ms a view, and a cold run makes eight).
    gone = set(drop)
    frame = pd.DataFrame({c: new[c] if c in new else table[c] for c in cols if c not in gone},
                         index=table.index)
    frame.columns = frame.columns.astype(table.columns.dtype)
    geometry = getattr(table, "_geometry_column_name", None)
    if isinstance(table, gpd.GeoDataFrame) and geometry in frame.columns:
        frame = gpd.GeoDataFrame(frame, geometry=geometry, crs=table.crs)
    frame.attrs = copy.deepcopy(table.attrs)
    return frame
