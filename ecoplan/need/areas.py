"""Join boundaries, deprivation and population into one "areas" layer.

Schema (EPSG:4326, one row per area)::

    area_code, area_name, population (float; NaN = unknown), imd_decile, imd_rank, imd_score,
    need_source ('IoD2019' | 'IoD2025' | 'generic:<column>' | None), [domain columns], geometry

Codes are matched directly first. ONS keeps an LSOA code only when the area is unchanged
between 2011 and 2021 (checked on the lookup: every reused code has change code U), so a direct
match is always right; when the areas and the deprivation/population table are on different
vintages and the lookup is given, values are carried with :mod:`ecoplan.need.lookup`.
Deprivation rows outside the areas are expected (a national file) and only counted; areas with
no deprivation row or no population are listed and left NaN — never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.need._io import examples, in_table
from ecoplan.need.boundaries import Boundaries
from ecoplan.need.lookup import carry_counts, carry_iod, infer_vintage
from ecoplan.settings import need as need_cfg

AREA_COLUMNS = ["area_code", "area_name", "population", "imd_decile", "imd_rank", "imd_score",
                "need_source", "geometry"]


@dataclass(frozen=True)
class AreasResult:
    """The areas layer and what the user should know about how it was built."""

    areas: gpd.GeoDataFrame
    warnings: tuple[str, ...]
    unmatched_areas: tuple[str, ...]  # area codes with no deprivation row
    n_need_outside: int  # deprivation rows for codes outside the areas (fine, counted only)
    n_fixed: int = 0  # invalid polygons repaired while reading


def need_attributions(areas: pd.DataFrame) -> tuple[str, ...]:
    """The licence notices the need data behind ``areas`` asks for: the OGL notices of the
    IoD and of ONS's boundaries when any area's need came from the IoD, none for a layer the
    user brought (its licence is theirs to state — claiming OGL for it would be wrong)."""
    src = areas["need_source"] if "need_source" in areas.columns else None
    if src is not None and src.astype(str).str.startswith("IoD").any():
        return (need_cfg.IOD_ATTRIBUTION, need_cfg.ONS_BOUNDARY_ATTRIBUTION)
    return ()


def join_notices(notices: list[str] | tuple[str, ...]) -> str:
    """Notices as one line ("A; B; C."), whatever full stops they end with."""
    return "; ".join(n.rstrip(". ") for n in notices if n) + "."


def build_areas(boundaries: Boundaries | gpd.GeoDataFrame, need: pd.DataFrame | None = None, *,
                population: pd.DataFrame | None = None, lookup: pd.DataFrame | None = None,
                area_vintage: str | None = None) -> AreasResult:
    """Areas with deprivation and population attached (see module docstring).

    ``need`` is a tidy IoD table (:func:`ecoplan.need.iod.load_iod`); its ``population`` column
    is used unless ``population`` (``area_code, population``) is given.
    """
    warnings: list[str] = []
    n_fixed = 0
    if isinstance(boundaries, Boundaries):
        gdf = boundaries.areas
        warnings.extend(boundaries.warnings)
        n_fixed = boundaries.n_fixed
        area_vintage = area_vintage or boundaries.vintage
    else:
        gdf = boundaries
    areas = gpd.GeoDataFrame(gdf[["area_code", "geometry"]].copy(), geometry="geometry",
                             crs=gdf.crs)
    if areas.crs is None or areas.crs.to_epsg() != 4326:
        areas = areas.to_crs("EPSG:4326") if areas.crs is not None else areas.set_crs(
            "EPSG:4326")
    areas["area_name"] = gdf["area_name"].to_numpy() if "area_name" in gdf.columns else None
    if lookup is not None and area_vintage is None:
        area_vintage = infer_vintage(areas["area_code"], lookup)

    unmatched: tuple[str, ...] = ()
    n_outside = 0
    need_pop = None
    if need is not None and len(need):
        edition = str(need["edition"].dropna().iloc[0])
        need_vintage = need_cfg.EDITION_VINTAGE.get(edition)
        table = need
        n_outside = int((~need["area_code"].isin(areas["area_code"])).sum())
        if lookup is not None and area_vintage and need_vintage and area_vintage != need_vintage:
            sub = _lookup_for(lookup, areas["area_code"], area_vintage)
            reach = need["area_code"].isin(sub[f"lsoa{need_vintage[2:]}_code"])
            carried = carry_iod(need[reach], sub, to_vintage=area_vintage)
            table = carried.table
            warnings.extend(carried.warnings)
            n_outside = int((~reach).sum())
        value_cols = [c for c in table.columns if c.endswith(("_rank", "_decile", "_score"))]
        # Only the table's rows for these areas take part (a left join drops the others
        # anyway; matching 33k national codes cost 0.015 s a join; issue 16).
        ours = table[in_table(table["area_code"], areas["area_code"]).to_numpy()]
        joined = areas[["area_code"]].merge(ours[["area_code", *value_cols, "area_name"]]
                                            .rename(columns={"area_name": "_need_name"}),
                                            on="area_code", how="left")
        for col in value_cols:
            areas[col] = joined[col].to_numpy(float)
        areas["area_name"] = areas["area_name"].where(
            areas["area_name"].notna(), joined["_need_name"].to_numpy())
        hit = in_table(areas["area_code"], table["area_code"])
        if not hit.any():
            raise _no_match("deprivation file", f"the {edition} table", areas, need, lookup)
        unmatched = tuple(areas.loc[~hit, "area_code"])
        areas["need_source"] = np.where(hit, edition, None)  # type: ignore[call-overload]
        if unmatched:
            hint = ""
            if lookup is None:
                hint = (" If the boundaries are LSOA 2021 and the deprivation LSOA 2011 (or the "
                        "reverse), give the ONS LSOA 2011→2021 lookup.")
            warnings.append(f"{len(unmatched)} of {len(areas)} areas have no {edition} row "
                            f"({examples(unmatched)}); their deprivation is unknown.{hint}")
        if "population" in table.columns and table["population"].notna().any():
            need_pop = table[["area_code", "population"]]
    for col in ("imd_decile", "imd_rank", "imd_score"):
        if col not in areas.columns:
            areas[col] = np.nan
    if "need_source" not in areas.columns:
        areas["need_source"] = None

    areas["population"] = _population(areas, population, need_pop, lookup, area_vintage,
                                      warnings)
    extra = [c for c in areas.columns if c not in AREA_COLUMNS]
    out = gpd.GeoDataFrame(areas[AREA_COLUMNS[:-1] + extra + ["geometry"]], geometry="geometry",
                           crs="EPSG:4326").reset_index(drop=True)
    return AreasResult(out, tuple(warnings), unmatched, n_outside, n_fixed)


def _population(areas: gpd.GeoDataFrame, population: pd.DataFrame | None,
                need_pop: pd.DataFrame | None, lookup: pd.DataFrame | None,
                area_vintage: str | None, warnings: list[str]) -> np.ndarray:
    table = population if population is not None else need_pop
    if table is None:
        warnings.append("No population given: population is unknown (NaN) for every area, so "
                        "results cannot be weighted by people. Give IoD 2019 File 6 or a CSV "
                        "with area_code,population.")
        return np.full(len(areas), np.nan)
    # A population table given on its own says its vintage; the IoD table's population was
    # already carried with it onto the areas' vintage.
    vintage = table.attrs.get("vintage") if population is not None else None
    if lookup is not None and vintage and area_vintage and vintage != area_vintage:
        sub = _lookup_for(lookup, areas["area_code"], area_vintage)
        table = table[table["area_code"].isin(sub[f"lsoa{vintage[2:]}_code"])]
        carried = carry_counts(table, sub, from_vintage=vintage, to_vintage=area_vintage)
        warnings.extend(carried.warnings)
        table = carried.table
    ours = table[in_table(table["area_code"], areas["area_code"]).to_numpy()]  # as above
    values = areas[["area_code"]].merge(ours[["area_code", "population"]], on="area_code",
                                        how="left")["population"].to_numpy(float)
    if len(table) and population is not None and not in_table(
            areas["area_code"], table["area_code"]).any():
        raise _no_match("population file", "the population table", areas, population, lookup)
    missing = np.isnan(values)
    if missing.any():
        codes = list(areas.loc[missing, "area_code"])
        warnings.append(f"{int(missing.sum())} of {len(areas)} areas have no population "
                        f"({examples(codes)}); left unknown (NaN), not 0.")
    return values


def _no_match(kind: str, label: str, areas: gpd.GeoDataFrame, table: pd.DataFrame,
              lookup: pd.DataFrame | None) -> InputFileError:
    """No area code is in ``table``: the files are for different places (or vintages). An
    analysis would report every area as unknown — refuse, showing codes from both sides."""
    ours = sorted(str(c) for c in areas["area_code"].dropna().unique())
    theirs = sorted(str(c) for c in table["area_code"].dropna().unique())
    hint = "" if lookup is not None else (
        " If one is LSOA 2011 and the other LSOA 2021, also give the ONS LSOA 2011→2021 lookup.")
    return InputFileError(
        f"None of the {len(ours)} area codes matches the {kind}: the areas have codes such as "
        f"{examples(ours, 3)}, {label} has {examples(theirs, 3)}. Check the boundaries and the "
        f"{kind} are for the same place (and the same LSOA vintage: 2011 for IoD 2019, 2021 "
        f"for IoD 2025).{hint}")


def _lookup_for(lookup: pd.DataFrame, codes: pd.Series, vintage: str) -> pd.DataFrame:
    """The lookup rows whose ``vintage`` code is one of ``codes`` (keeps messages local)."""
    return lookup[lookup[f"lsoa{vintage[2:]}_code"].isin(codes)]
