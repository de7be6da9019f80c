"""Which highway segments people can walk on (a UK-aware filter we own,
docs/architecture.md#walking-network).

osmnx's "walk" filter drops UK shared paths (``highway=cycleway`` + ``foot=designated``) and
``access=private`` + ``foot=yes`` rights of way, so the rules live here, in one place.
"""

from __future__ import annotations

import pandas as pd

from ecoplan.settings import network as network_cfg


def walkable_mask(ways: pd.DataFrame) -> pd.Series:
    """True for segments a pedestrian may use (tags as in ``OsmLayers.ways``)."""
    hw = ways["highway"].fillna("")
    foot = ways["foot"].fillna("")
    access = ways["access"].fillna("")
    service = ways["service"].fillna("") if "service" in ways else pd.Series("", index=ways.index)
    foot_ok = foot.isin(network_cfg.FOOT_ALLOWED)
    ok = hw.isin(network_cfg.WALK_HIGHWAYS)
    ok |= hw.isin(network_cfg.WALK_IF_FOOT_ALLOWED) & foot_ok
    ok &= ~foot.isin(network_cfg.FOOT_FORBIDDEN)
    # access=private|no closes a way unless foot=* reopens it (public footpaths over farmland).
    ok &= ~(access.isin(network_cfg.ACCESS_CLOSED) & ~foot_ok)
    # Private service roads (driveways, car-park aisles behind gates) are not walking routes.
    ok &= ~((hw == "service") & (service == "driveway") & access.isin(network_cfg.ACCESS_CLOSED))
    return ok


def step_free_mask(ways: pd.DataFrame, walkable: pd.Series | None = None) -> pd.Series:
    """True for walkable segments that someone who cannot use steps or rough paths can use.

    Barrier *nodes* (stiles, kissing gates) are handled by the graph builder, which drops the
    segments that touch them. ``walkable``: :func:`walkable_mask` of ``ways``, if known.
    """
    hw = ways["highway"].fillna("")
    sac = ways["sac_scale"].fillna("")
    walk = walkable_mask(ways) if walkable is None else walkable
    return walk & (hw != "steps") & ~sac.isin(network_cfg.ROUGH_SAC_SCALE)
