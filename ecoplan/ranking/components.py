"""Score components: one function per component, each raw measures → score in [0, 1] + words.

Each function takes the measures table (:func:`ecoplan.ranking.measures.measure_sites`, plus
the reach columns for :func:`reach`) and returns a DataFrame on the same index with the score
column (named after the component) and ``why_<component>``: a short phrase whose numbers are
the inputs, formatted by :mod:`ecoplan.ranking.explain`. Formulas and their sources are in
``settings.ranking``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecoplan.ranking import explain as fmt
from ecoplan.settings import ranking as ranking_cfg


def _frame(m: pd.DataFrame, name: str, score, why) -> pd.DataFrame:
    score = np.clip(np.nan_to_num(np.asarray(score, dtype=float)), 0.0, 1.0)
    return pd.DataFrame({name: score, f"why_{name}": list(why)}, index=m.index)


def reach(m: pd.DataFrame, *, deciles: int, minutes: float) -> pd.DataFrame:
    """Deprived (and all) people within the walk time, decay-weighted, ÷ the best site."""
    dep_w = m["reach_deprived_weighted"].to_numpy(dtype=float)
    tot_w = m["reach_total_weighted"].to_numpy(dtype=float)
    dep_n = dep_w / dep_w.max() if len(dep_w) and dep_w.max() > 0 else np.zeros(len(m))
    tot_n = tot_w / tot_w.max() if len(tot_w) and tot_w.max() > 0 else np.zeros(len(m))
    score = (1 - ranking_cfg.REACH_TOTAL_SHARE) * dep_n + ranking_cfg.REACH_TOTAL_SHARE * tot_n
    share = f"{deciles * 10} % most deprived neighbourhoods"
    mins = f"{minutes:g} minutes"
    why = []
    for dep, tot, placed in zip(m["reach_deprived_people"], m["reach_total_people"],
                                m["reach_entrances_placed"], strict=True):
        if placed == 0:
            why.append("No mapped entrance joins the path network, so reach counts 0")
        elif dep > 0:
            why.append(f"Reaches {fmt.people(dep)} people in the {share} within {mins} "
                       f"({fmt.people(tot)} people in all)")
        else:
            why.append(f"Reaches no one in the {share} within {mins} "
                       f"({fmt.people(tot)} people in all)")
    return _frame(m, "reach", score, why)


def natural_share(m: pd.DataFrame) -> np.ndarray:
    """Natural cover share, counting a nature reserve's unmapped ground as natural."""
    nat = m["natural_share"].to_numpy(dtype=float)
    if ranking_cfg.RESERVE_UNMAPPED_IS_NATURAL:
        rest = np.clip(1 - nat - m["mown_share"].to_numpy(dtype=float), 0, 1)
        nat = nat + rest * m["nature_reserve"].to_numpy(dtype=bool)
    return np.clip(nat, 0, 1)


def nature(m: pd.DataFrame) -> pd.DataFrame:
    """Size (log scale), natural cover share and blue space."""
    ha = m["area_ha"].to_numpy(dtype=float)
    size = np.minimum(1.0, np.log10(1 + ha) / np.log10(1 + ranking_cfg.NATURE_SIZE_REF_HA))
    nat = natural_share(m)
    blue = m["blue"].to_numpy(dtype=bool)
    p = ranking_cfg.NATURE_PARTS
    score = p.size * size + p.natural * nat + p.blue * blue
    why = []
    for i, (a, kinds, reserve) in enumerate(zip(ha, m["natural_kinds"], m["nature_reserve"],
                                                strict=True)):
        kinds_txt = ", ".join(k for k in str(kinds).split(";")[:3] if k)
        bits = [fmt.hectares(a), f"{fmt.pct(nat[i])} natural cover"
                + (f" ({kinds_txt})" if kinds_txt else "")]
        if reserve:
            bits.append("nature reserve")
        if blue[i]:
            bits.append("water or coast")
        why.append(", ".join(bits))
    return _frame(m, "nature", score, why)


def calm(m: pd.DataFrame) -> pd.DataFrame:
    """Share of the site away from busy roads, distance of its centre from one, airfields."""
    quiet = m["quiet_share"].to_numpy(dtype=float)
    road = m["road_m"].to_numpy(dtype=float)
    far = np.minimum(1.0, road / ranking_cfg.CALM_FAR_M)
    aero = m["aerodrome_share"].to_numpy(dtype=float)
    q = ranking_cfg.QUIET_SHARE_PART
    score = (q * quiet + (1 - q) * far) * (1 - ranking_cfg.AERODROME_PENALTY * aero)
    why = []
    for i in range(len(m)):
        text = (f"{fmt.pct(quiet[i])} of the site over {ranking_cfg.QUIET_ROAD_M:g} m from busy "
                "roads, railways and industry")
        text += (f" (nearest busy road {fmt.metres(road[i])} from its centre)"
                 if np.isfinite(road[i]) else " (no busy road in the data)")
        if aero[i] > 0:
            noise = fmt.metres(ranking_cfg.AERODROME_NOISE_M)
            text += f", {fmt.pct(aero[i])} within {noise} of an airfield"
        why.append(text)
    return _frame(m, "calm", score, why)


def facilities(m: pd.DataFrame) -> pd.DataFrame:
    """Toilets, benches, shelters, drinking water, parking, each capped at its 'enough'."""
    score = np.zeros(len(m))
    for col, (part, full) in ranking_cfg.FACILITY_PARTS.items():
        score += part * np.minimum(1.0, m[col].to_numpy(dtype=float) / full)
    names = {"toilets": ("toilet", "toilets"), "benches": ("bench", "benches"),
             "shelters": ("shelter", "shelters"),
             "drinking_water": ("drinking-water tap", "drinking-water taps"),
             "parking": ("car park", "car parks")}
    why = []
    for _, row in m[list(ranking_cfg.FACILITY_PARTS)].iterrows():
        bits = [fmt.count(row[c], *names[c]) for c in ranking_cfg.FACILITY_PARTS if row[c] > 0]
        why.append(", ".join(bits) if bits else "no toilets, benches, shelter or parking mapped")
    return _frame(m, "facilities", score, why)


def accessibility(m: pd.DataFrame) -> pd.DataFrame:
    """Step-free, surfaced and lit shares of the paths inside; a bus stop near an entrance."""
    p = ranking_cfg.ACCESS_PARTS
    free = m["step_free_share"].to_numpy(dtype=float)
    surf = m["surfaced_share"].to_numpy(dtype=float)
    lit = m["lit_share"].to_numpy(dtype=float)
    bus_m = m["bus_m"].to_numpy(dtype=float)
    bus = bus_m <= ranking_cfg.BUS_NEAR_M
    score = p.step_free * free + p.surfaced * surf + p.bus * bus + p.lit * lit
    why = []
    for i, (path_m, gate) in enumerate(zip(m["path_m"], m["bus_gate"], strict=True)):
        bits = []
        if path_m <= 0:
            bits.append("no mapped paths inside")
        else:
            bits.append("step-free paths" if free[i] >= 0.995
                        else f"{fmt.pct(free[i])} of paths step-free")
            bits.append(f"{fmt.pct(surf[i])} surfaced")
            bits.append(f"{fmt.pct(lit[i])} lit")
        if bus[i]:
            where = f"the {gate} entrance" if gate else "the entrance"
            bits.append(f"bus stop {fmt.metres(bus_m[i])} from {where}")
        else:
            bits.append(f"no bus stop within {fmt.metres(ranking_cfg.BUS_NEAR_M)} of an entrance")
        why.append(", ".join(bits))
    return _frame(m, "accessibility", score, why)


def entrance_density(m: pd.DataFrame) -> np.ndarray:
    """Entrances per hectare."""
    ha = np.maximum(m["area_ha"].to_numpy(dtype=float), 1e-9)
    return m["n_entrances"].to_numpy(dtype=float) / ha


def privacy(m: pd.DataFrame) -> pd.DataFrame:
    """Quiet corners away from playgrounds/pitches, ground away from paths, few entrances."""
    p = ranking_cfg.PRIVACY_PARTS
    corners = m["quiet_corner_share"].to_numpy(dtype=float)
    secluded = m["secluded_share"].to_numpy(dtype=float)
    density = entrance_density(m)
    ent = 1.0 / (1.0 + density / ranking_cfg.ENTRANCES_PER_HA_HALF)
    score = p.quiet_corners * corners + p.secluded * secluded + p.entrances * ent
    why = []
    for i, (spots, n_ent) in enumerate(zip(m["busy_spots"], m["n_entrances"], strict=True)):
        bits = [f"{fmt.pct(secluded[i])} of the site over {ranking_cfg.SECLUDED_PATH_M:g} m from "
                f"any "
                "path"]
        if spots > 0:
            bits.append(f"{fmt.count(spots, 'playground or pitch', 'playgrounds or pitches')}"
                        f" nearby, {fmt.pct(corners[i])} over {ranking_cfg.QUIET_SPOT_M:g} m away")
        bits.append(f"{fmt.count(n_ent, 'entrance')} ({fmt.density(density[i])} per ha)")
        why.append(", ".join(bits))
    return _frame(m, "privacy", score, why)


def paths(m: pd.DataFrame) -> pd.DataFrame:
    """Length of paths inside (up to PATHS_FULL_M) and whether they form a loop."""
    p = ranking_cfg.PATHS_PARTS
    length = m["path_m"].to_numpy(dtype=float)
    loop = m["loops"].to_numpy(dtype=int) > 0
    score = p.length * np.minimum(1.0, length / ranking_cfg.PATHS_FULL_M) + p.loop * loop
    why = [("no mapped paths inside" if length[i] <= 0 else
            f"{fmt.metres(length[i])} of paths inside" + (", with a loop" if loop[i]
                                                          else ", no loop"))
           for i in range(len(m))]
    return _frame(m, "paths", score, why)


#: Component name → function of the measures table (reach needs keyword arguments).
SITE_COMPONENTS = {
    "nature": nature, "calm": calm, "facilities": facilities,
    "accessibility": accessibility, "privacy": privacy, "paths": paths,
}
