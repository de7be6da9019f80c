"""The per-area table every export writes (CLI ``--out``/``--gpkg``, the app's downloads).

Why one function: the CSV and the GeoPackage from the CLI and from the app must hold the same
columns and values — every figure both ways (confirmed public access under the plain names,
including access unknown with ``_incl_unknown``), the priority tier and failed standards per
variant, ``share_inside_data`` / ``partial``, and an ``attribution`` column.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ecoplan.access.priorities import NOT_ASSESSED, PRIORITY_COLUMNS, prioritise, tier_label
from ecoplan.access.variants import suffix, view
from ecoplan.attribution import export_attribution, with_attribution
from ecoplan.settings import access as access_cfg

_BOOLS = ("deprived", "fails_walk10", "fails_park10", "fails_large", "partial")
#: Whole numbers that may be empty (no tier): written as 1, never 1.0.
_COUNTS = ("priority_tier", "n_failed")


def whole(values: pd.Series) -> pd.Series:
    """Whole numbers with gaps as a nullable integer column, so files read 1 not 1.0."""
    return pd.Series(pd.array(pd.to_numeric(values, errors="coerce").round(), dtype="Int64"),
                     index=values.index)


#: A need layer of the user's own is written under these names, not the IoD's: its value is
#: not an IMD score and its rank and decile are within the layer, not England's (a reader saw
#: "imd_rank 35" and took it for one of England's most deprived areas).
GENERIC_NEED_NAMES: dict[str, str] = {"imd_score": "need_value", "imd_rank": "need_rank_in_layer",
                                      "imd_decile": "need_decile_in_layer"}


def generic_need(table: pd.DataFrame) -> bool:
    """Did every area's need come from a layer of the user's own (``need_source``
    'generic:<column>'), not the IoD?"""
    src = table["need_source"].dropna().astype(str) if "need_source" in table.columns else None
    return src is not None and len(src) > 0 and bool(src.str.startswith("generic:").all())


def file_encoding(table: pd.DataFrame, *, generic: bool | None = None) -> pd.DataFrame:
    """One encoding for every exported table (access CSV/GeoPackage, gaps CSV, the app's
    downloads): flags as 'yes'/'no'/'' (not True/False), tiers and counts as integers, and a
    user's own need under :data:`GENERIC_NEED_NAMES` (``generic``: None = as the table's
    ``need_source`` says)."""
    out = table.copy()
    if generic if generic is not None else generic_need(table):
        out = out.rename(columns=GENERIC_NEED_NAMES)
    for col in out.columns:
        if col.startswith(_BOOLS):
            # nullable booleans → 'yes'/'no'/'' so CSV readers and GeoPackage agree
            vals = pd.Series(pd.array(out[col], dtype="boolean"), index=out.index)
            out[col] = vals.map({True: "yes", False: "no"}).fillna("").astype(object)
        elif col.startswith(_COUNTS):
            out[col] = whole(out[col])
    return out


def area_table(areas: gpd.GeoDataFrame, *,
               deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
               include_partial: bool = False) -> gpd.GeoDataFrame:
    """Per-area results + priorities for both variants + attribution (EPSG:4326); partial
    areas get no tier unless ``include_partial`` (:func:`ecoplan.access.priorities.prioritise`)."""
    base = pd.DataFrame(areas.drop(columns="geometry"))
    out = base.copy()
    for variant in access_cfg.VARIANTS:
        p = prioritise(view(base, variant), deciles=deciles, include_partial=include_partial)
        sfx = suffix(variant)
        for col in PRIORITY_COLUMNS:
            if col == "deprived" and sfx:
                continue
            out[col + sfx] = p[col].to_numpy()
        out["priority" + sfx] = ["not assessed (partial)" if f == NOT_ASSESSED else tier_label(t)
                                 for t, f in zip(p["priority_tier"], p["failed_standards"],
                                                 strict=True)]
    out = with_attribution(file_encoding(out), export_attribution(areas))
    return gpd.GeoDataFrame(out, geometry=areas.geometry.to_numpy(), crs=areas.crs)


def origin_table(origins: gpd.GeoDataFrame, areas: pd.DataFrame) -> gpd.GeoDataFrame:
    """The per-origin layer as exported: the same ``attribution`` as the areas (its population
    comes from the same need data)."""
    return with_attribution(origins, export_attribution(areas))
