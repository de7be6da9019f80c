"""Help nearby for a leader's safety plan: the nearest of each kind, meeting points, coast note.

Why say "none mapped": a silent gap reads as "there is none", when usually OSM just lacks it
(the 2015 Isle of Wight extract maps no defibrillator at all). Every help category with nothing
within its radius gets a sentence telling the leader what to check instead.
"""

from __future__ import annotations

import re

import pandas as pd

from ecoplan.routes.gridref import grid_reference
from ecoplan.settings import support as cfg
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


def help_lists(candidates: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Nearest few of each help category within its radius, and a sentence for each empty one.

    ``candidates`` are help features with ``category``, ``distance_m``, ``basis`` and
    ``status`` (from :func:`ecoplan.support.nearby.measure` / ``choose_distance``).
    """
    frames, missing = [], []
    for key, label, radius, n, _rules in cfg.HELP_CATEGORIES:
        rows = candidates[(candidates["category"] == key)]
        ok = rows["distance_m"] <= radius
        if radius <= cfg.NETWORK_LIMIT_M:
            ok &= rows["status"] != "beyond_limit"
        rows = rows[ok].sort_values(["distance_m", "name"]).head(n)
        if rows.empty:
            advice = cfg.MISSING_ADVICE.get(key, "check locally")
            missing.append(f"No {label[0].lower() + label[1:]} mapped within "
                           f"{fmt_distance(radius)} — {advice}.")
            continue
        frames.append(rows.assign(radius_m=radius))
    out = pd.concat(frames, ignore_index=True) if frames else candidates.iloc[0:0].assign(
        radius_m=pd.Series(dtype=float))
    return out, missing


def meeting_points(origin: Origin, *, limit: int | None = None) -> pd.DataFrame:
    """The site's entrances (or the chosen point) with lat/lon and an OS grid reference."""
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
    if limit is not None:
        recs = recs[:limit]
    out = []
    for ent_id, source, lat, lon in recs:
        ref = grid_reference(lon, lat, figures=8)
        out.append({"entrance_id": ent_id, "source": source, "lat": round(lat, 6),
                    "lon": round(lon, 6), "grid_ref": ref.ref or "",
                    "grid_note": "" if ref else ref.reason})
    return pd.DataFrame(out, columns=["entrance_id", "source", "lat", "lon", "grid_ref",
                                      "grid_note"])


def _natural(value: object) -> tuple:
    """'w1/e10' sorts after 'w1/e2'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value)))


def is_coastal(origin: Origin) -> bool:
    cats = {c.strip() for c in origin.categories.split(";") if c.strip()}
    return bool(cats & cfg.COASTAL_CATEGORIES)


def safety_notes(origin: Origin) -> list[str]:
    """Standing notes for the plan (the Coastguard note for coastal sites)."""
    return [cfg.COASTGUARD_NOTE] if is_coastal(origin) else []
