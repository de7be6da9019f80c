"""Help nearby for a leader's safety plan: the nearest of each kind, meeting points, coast note.

Why say "none mapped": a silent gap reads as "there is none", when usually OSM just lacks it
(the 2015 Isle of Wight extract maps no defibrillator at all). Every help category with nothing
within its radius gets a sentence telling the leader what to check instead — and "none within
X" only where the data covers X all round the site; nearer its edge the sentence says how far
the data reaches. Wording (emergency numbers, health services) follows the site's country.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.osm.layers import text
from ecoplan.routes.gridref import grid_reference
from ecoplan.settings import support as support_cfg
from ecoplan.settings.advice import NEUTRAL, Advice
from ecoplan.support.nearby import Origin


def fmt_distance(metres: float) -> str:
    """'450 m', '1.2 km', '25 km' — how a leader would say it."""
    if metres < 1000:
        return f"{int(round(metres / 10.0) * 10)} m"
    km = metres / 1000
    return f"{km:.1f} km".replace(".0 km", " km") if km < 10 else f"{km:.0f} km"


def distance_text(row: pd.Series) -> str:
    """'450 m walk (~6 min)' or '1.2 km straight line'; '' when unknown."""
    d = row.get("distance_m")
    if d is None or pd.isna(d):
        return ""
    text = fmt_distance(float(d))
    if row.get("basis") == "walk":
        mins = row.get("minutes")
        return f"{text} walk" + (f" (~{float(mins):.0f} min)" if pd.notna(mins) else "")
    return f"{text} straight line"


def lower_first(label: str) -> str:
    """'Pharmacies' → 'pharmacies', but 'GP surgeries' and 'A&E …' keep their capitals."""
    if len(label) > 1 and (label[1].isupper() or not label[1].isalpha()):
        return label
    return label[:1].lower() + label[1:]


def help_label(key: str, label: str, advice: Advice) -> str:
    """The label shown for a help category; an emergency department says where the fact is
    from and that it must be confirmed (UK: 'A&E …, confirm on the NHS website')."""
    if key == "emergency_department":
        return f"{advice.emergency_department} — from OpenStreetMap, {advice.confirm_health}"
    return label


def absence(what: str, radius_m: float, covered_m: float | None) -> str:
    """'No pharmacies mapped within 2 km' only where the data covers 2 km all round; else
    'Pharmacies: not mapped within the area covered by the data (1.2 km)'."""
    if covered_m is None or covered_m >= radius_m:
        return f"No {lower_first(what)} mapped within {fmt_distance(radius_m)}"
    return (f"{what}: not mapped within the area covered by the data "
            f"({fmt_distance(max(covered_m, 0.0))})")


def help_lists(candidates: pd.DataFrame, advice: Advice = NEUTRAL,
               covered_m: float | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Nearest few of each help category within its radius, and a sentence for each empty one.

    ``candidates`` are help features with ``category``, ``distance_m``, ``basis`` and
    ``status`` (from :func:`ecoplan.support.nearby.measure` / ``choose_distance``);
    ``covered_m`` is how far the data reaches all round the site (None: unknown, assume all).
    """
    frames, missing = [], []
    for key, label, radius, n, _rules in support_cfg.HELP_CATEGORIES:
        label = help_label(key, label, advice)
        rows = candidates[(candidates["category"] == key)]
        ok = rows["distance_m"] <= radius
        if radius <= support_cfg.NETWORK_LIMIT_M:
            ok &= rows["status"] != "beyond_limit"
        rows = rows[ok].sort_values(["distance_m", "name"]).head(n)
        if rows.empty:
            if key not in advice.missing:
                continue  # e.g. no "other hospital": nothing to tell the leader
            todo = advice.missing[key]
            shown = label.split(" — from OpenStreetMap")[0]
            missing.append(f"{absence(shown, radius, covered_m)} — {todo}.")
            continue
        frames.append(rows.assign(radius_m=radius, label=label))
    out = pd.concat(frames, ignore_index=True) if frames else candidates.iloc[0:0].assign(
        radius_m=pd.Series(dtype=float))
    return out, missing


#: Plain words for unnamed ways (OSM wiki Key:highway).
_WAY_WORDS: dict[str, str] = {
    "footway": "footpath", "path": "path", "bridleway": "bridleway", "track": "track",
    "steps": "steps", "cycleway": "cycle path", "pedestrian": "pedestrian street",
    "living_street": "street", "residential": "street", "service": "service road",
}
MEETING_COLUMNS = ["entrance_id", "name", "source", "lat", "lon", "grid_ref", "grid_note"]


def meeting_points(origin: Origin, *, ways: gpd.GeoDataFrame | None = None,
                   advice: Advice = NEUTRAL, limit: int | None = None) -> pd.DataFrame:
    """The site's entrances (or the chosen point) with a readable name — the street or path it
    is on ('Entrance on Castle Road') — lat/lon and, in Great Britain, an OS grid reference."""
    recs = []
    if origin.kind == "site" and origin.entrances is not None and len(origin.entrances):
        ents = origin.entrances
        tagged_first = ents.assign(_o=(ents["source"] != "tagged").astype(int)) \
            if "source" in ents.columns else ents.assign(_o=0)
        tagged_first = tagged_first.assign(_n=tagged_first["entrance_id"].map(_natural))
        for _, e in tagged_first.sort_values(["_o", "_n"]).iterrows():
            recs.append((str(e["entrance_id"]), str(e.get("source", "") or ""),
                         float(e.geometry.y), float(e.geometry.x)))
    else:
        recs.append(("point" if origin.kind == "point" else "centre", "chosen point"
                     if origin.kind == "point" else "site centre (no entrance mapped)",
                     origin.lat, origin.lon))
    recs = _apart(recs)
    if limit is not None:
        recs = recs[:limit]
    names = _way_names(ways, [(lon, lat) for _, _, lat, lon in recs], origin)
    out = []
    for (ent_id, source, lat, lon), way in zip(recs, names, strict=True):
        ref = grid_reference(lon, lat, figures=8) if advice.grid_references else None
        if origin.kind == "point":
            name = "Chosen point"
        elif ent_id == "centre":
            name = "Site centre (no entrance mapped)"
        else:
            name = f"Entrance {way}" if way else "Entrance"
        out.append({"entrance_id": ent_id, "name": name, "source": source,
                    "lat": round(lat, 6), "lon": round(lon, 6),
                    "grid_ref": (ref.ref or "") if ref is not None else "",
                    "grid_note": (ref.reason if ref is not None and not ref else "")})
    return pd.DataFrame(out, columns=MEETING_COLUMNS)


def _apart(recs: list[tuple[str, str, float, float]]) -> list[tuple[str, str, float, float]]:
    """Meeting points at least ``ENTRANCE_MERGE_M`` apart, the first kept: a gate and the
    path crossing beside it are one place to meet (one sheet listed 'Entrance on Rink Road'
    three times, within a metre)."""
    from ecoplan.settings.osm import ENTRANCE_MERGE_M

    kept: list[tuple[str, str, float, float]] = []
    for rec in recs:
        lat, lon = rec[2], rec[3]
        if all(_metres(lat, lon, k[2], k[3]) >= ENTRANCE_MERGE_M for k in kept):
            kept.append(rec)
    return kept


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line metres between two nearby points (equirectangular: exact enough at the
    tens of metres this is used for)."""
    k = np.pi / 180 * 6_371_008.8  # metres per degree on the mean Earth radius (IUGG)
    return float(np.hypot((lon2 - lon1) * k * np.cos(np.radians((lat1 + lat2) / 2)),
                          (lat2 - lat1) * k))


def _way_names(ways: gpd.GeoDataFrame | None, lonlat: list[tuple[float, float]],
               origin: Origin) -> list[str]:
    """'on Castle Road' / 'from a footpath' for the nearest way to each point ('' if none)."""
    if ways is None or len(ways) == 0 or not lonlat:
        return [""] * len(lonlat)
    pts = gpd.GeoSeries(gpd.points_from_xy(*zip(*lonlat, strict=True)), crs="EPSG:4326")
    crs = origin.crs
    pad = support_cfg.MEETING_NAME_MAX_M / 111_320 * 3
    w, s, e, n = pts.total_bounds
    near = ways.cx[w - pad:e + pad, s - pad:n + pad]
    if near.empty:
        return [""] * len(lonlat)
    near_m = near.geometry.to_crs(crs).reset_index(drop=True)
    named = text(near["name"]).to_numpy() if "name" in near else np.full(len(near), "")
    kinds = text(near["highway"]).to_numpy() if "highway" in near else np.full(len(near), "")
    out = []
    for p in pts.to_crs(crs):
        d = near_m.distance(p).to_numpy()
        ok = d <= support_cfg.MEETING_NAME_MAX_M
        if not ok.any():
            out.append("")
            continue
        with_name = ok & (named != "")
        if with_name.any():
            i = int(np.argmin(np.where(with_name, d, np.inf)))
            out.append(f"on {named[i]}")
        else:
            i = int(np.argmin(np.where(ok, d, np.inf)))
            word = _WAY_WORDS.get(kinds[i], "path")
            out.append(f"from an unnamed {word}")
    return out


def _natural(value: object) -> tuple:
    """'w1/e10' sorts after 'w1/e2'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value)))


def is_coastal(origin: Origin) -> bool:
    cats = {c.strip() for c in origin.categories.split(";") if c.strip()}
    return bool(cats & support_cfg.COASTAL_CATEGORIES)


def safety_notes(origin: Origin, advice: Advice = NEUTRAL) -> list[str]:
    """Standing notes for the plan (the country's coast note for coastal sites)."""
    return [advice.coast_note] if is_coastal(origin) else []
