"""Human column labels (with units) and number formats for the app's tables.

Tables show what a reader understands — "Area (ha)", "Entrances", "Score (0–1)" — never raw
column names (``n_entrances``) or long floats (``0.000007``): every number column gets a
format with the precision the data supports. One mapping, used by every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

#: raw column → (label, printf format or None for text). Formats: two decimals for 0–1 scores
#: (differences below 0.01 mean nothing to a reader), one for hectares, whole for counts.
COLUMNS: dict[str, tuple[str, str | None]] = {
    "rank": ("Rank", "%d"),
    "label": ("Site", None),
    "name": ("Name", None),
    "score": ("Score (0–1)", "%.2f"),
    "reach": ("Reach (0–1)", "%.2f"),
    "nature": ("Nature (0–1)", "%.2f"),
    "calm": ("Calm (0–1)", "%.2f"),
    "facilities": ("Facilities (0–1)", "%.2f"),
    "accessibility": ("Accessibility (0–1)", "%.2f"),
    "privacy": ("Privacy (0–1)", "%.2f"),
    "paths": ("Paths (0–1)", "%.2f"),
    "more_pieces": ("Other pieces", "%d"),
    "kind": ("Kind", None),
    "categories": ("Categories", None),
    "area_ha": ("Area (ha)", "%.1f"),
    "access": ("Access", None),
    "n_entrances": ("Entrances", "%d"),
    "toilets": ("Toilets", "%d"),
    "benches": ("Benches", "%d"),
    "shelters": ("Shelters", "%d"),
    "drinking_water": ("Drinking water", "%d"),
    "parking": ("Parking", "%d"),
    "bus_stops_400m": ("Bus stops within 400 m", "%d"),
    "explanation": ("Why", None),
    "site_id": ("OSM id", None),
}


def label(column: str) -> str:
    return COLUMNS.get(column, (column.replace("_", " ").capitalize(), None))[0]


def site_table(table: pd.DataFrame, columns: list[str],
               names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The columns a reader needs, with site names (or descriptions of unnamed sites) and
    readable categories; column names stay raw here (see :func:`column_config`)."""
    out = pd.DataFrame(table[[c for c in columns if c in table.columns]]).copy()
    if names is not None and "site_id" in table.columns:
        out.insert(0 if "rank" not in out.columns else 1, "label",
                   table["site_id"].astype(str).map(names).fillna("").to_numpy())
        out = out.drop(columns=[c for c in ("name",) if c in out.columns])
    if "site_id" in out.columns:  # last: analysts look sites up in OSM by it
        out = out[[c for c in out.columns if c != "site_id"] + ["site_id"]]
    if "categories" in out.columns:
        out["categories"] = out["categories"].fillna("").astype(str).str.replace(
            ";", ", ").str.replace("_", " ")
    for col in ("kind", "access"):
        if col in out.columns:
            out[col] = out[col].fillna("").astype(str).str.replace("_", " ")
    return out


def column_config(frame: pd.DataFrame) -> dict[str, Any]:
    """``st.dataframe`` column_config giving each known column its label and format."""
    cfg: dict[str, Any] = {}
    for col in frame.columns:
        name, fmt = COLUMNS.get(col, (label(col), None))
        if fmt is not None and pd.api.types.is_numeric_dtype(frame[col]):
            cfg[col] = st.column_config.NumberColumn(name, format=fmt)
        else:
            cfg[col] = st.column_config.TextColumn(name) if fmt is None else name
    return cfg
