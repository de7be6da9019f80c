"""The licence notice every exported file carries, in one place.

Project rule: maps and exports carry "© OpenStreetMap contributors" (ODbL); data derived from
the IoD (and ONS boundaries) also carries the Open Government Licence notice. Files get passed
on without the terminal output, so each exported table holds the notice in an ``attribution``
column (the same text on every row) rather than only printing it.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

from ecoplan.need.areas import join_notices, need_attributions
from ecoplan.osm.layers import ATTRIBUTION as OSM_ATTRIBUTION

#: The column every exported table carries the notice in.
COLUMN = "attribution"

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def export_attribution(areas: pd.DataFrame | None = None) -> str:
    """One line: OpenStreetMap's notice (ODbL), plus the OGL notices of the IoD and ONS
    boundaries when ``areas``' need came from the IoD (none for a user's own need layer)."""
    need = need_attributions(areas) if areas is not None else ()
    return join_notices([OSM_ATTRIBUTION, *need])


def with_attribution(table: _Frame, notice: str) -> _Frame:
    """A copy of ``table`` with the ``attribution`` column (last, or replaced) set to ``notice``
    on every row, so the licence travels with any row copied out of the file."""
    out = table.drop(columns=COLUMN, errors="ignore").copy()
    out[COLUMN] = notice
    return out
