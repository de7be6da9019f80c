"""Which country (and time zone) a point is in, offline — so advice follows the country.

Why this way: the OSM extract rarely holds the country boundary (a county extract has no
``admin_level=2`` relation, the Helsinki demo neither), and a network lookup fails offline. The
time-zone polygons of timezone-boundary-builder — built from OSM boundaries, shipped inside
the 3 MB ``tzfpy`` wheel — answer for any point on land or in territorial waters, and
the IANA ``zone.tab`` (shipped by ``tzdata``) names the country of each zone. Open sea
(``Etc/GMT±n``) or a zone shared by no single country gives ``None``: neutral advice.
The same lookup gives the session's local time zone.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from ecoplan.settings import advice as advice_cfg


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone → ISO 3166-1 alpha-2 code, from tzdata's zone.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            out[parts[2]] = parts[0]
    return out


@lru_cache(maxsize=4096)
def timezone_at(lon: float, lat: float) -> str | None:
    """IANA time zone at a WGS84 point; None for an invalid point or the open sea."""
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
            and -90 <= lat <= 90):
        return None
    import tzfpy

    zone = tzfpy.get_tz(float(lon), float(lat))
    if not zone or zone.startswith("Etc/"):
        return None
    return zone


def country_at(lon: float | None, lat: float | None) -> str | None:
    """ISO 3166-1 alpha-2 code of the country at a point, or None when it cannot be told."""
    if lon is None or lat is None:
        return None
    zone = timezone_at(float(lon), float(lat))
    return _zone_countries().get(zone) if zone else None


def advice_for(country: str | None) -> advice_cfg.Advice:
    """UK advice for UK sites; 112 and neutral wording everywhere else."""
    return advice_cfg.UK if country in advice_cfg.UK_COUNTRIES else advice_cfg.NEUTRAL


def advice_at(lon: float | None, lat: float | None) -> advice_cfg.Advice:
    return advice_for(country_at(lon, lat))
