"""What the rules need to know besides the weather: the session, the group and the site."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from ecoplan.errors import EcoplanError
from ecoplan.settings import advice as acfg
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as weather_cfg


@dataclass(frozen=True)
class Session:
    """A session: tz-aware start and length in minutes (validated on creation)."""

    start: datetime
    minutes: int

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise EcoplanError("session start has no time zone; give a local time with its zone")
        if not 0 < self.minutes <= weather_cfg.RULES.max_session_min:
            raise EcoplanError(f"session length {self.minutes} min is impossible; give 1–"
                               f"{weather_cfg.RULES.max_session_min:.0f} minutes")
        try:  # its end must be a date too (a session ending after 9999-12-31 crashed)
            self.start + timedelta(minutes=self.minutes + 24 * 60)
        except OverflowError:
            raise EcoplanError(f"session date {self.start:%Y-%m-%d} is out of range; check "
                               "the date") from None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @classmethod
    def between(cls, start: datetime, end: datetime) -> Session:
        """From start and end times; an end at or before the start is an error."""
        if end <= start:
            raise EcoplanError(f"session ends ({end:%H:%M}) before it starts ({start:%H:%M}); "
                               "check the times")
        return cls(start, round((end - start).total_seconds() / 60))


@dataclass(frozen=True)
class Group:
    size: int = 10
    leaders: int = 1
    profile: str = "default"
    children: bool = False

    def __post_init__(self) -> None:
        if self.profile not in pcfg.PROFILES:
            raise EcoplanError(f"unknown profile '{self.profile}'; use one of "
                               f"{', '.join(pcfg.PROFILES)}")
        if self.size < 1 or self.leaders < 0:
            raise EcoplanError(f"group of {self.size} with {self.leaders} leaders is impossible; "
                               "give at least 1 walker and 0 or more leaders")

    @property
    def vulnerable(self) -> bool:
        return self.profile in pcfg.VULNERABLE_PROFILES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(row: Mapping[str, Any], key: str) -> int:
    v = row.get(key)
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return int(f) if math.isfinite(f) else 0


@dataclass(frozen=True)
class SiteContext:
    """Site features that change what the weather means (from one sites-table row)."""

    site_id: str = ""
    name: str = ""
    categories: tuple[str, ...] = ()
    woodland: bool = False
    open_ground: bool = False  # heath, down, grassland, common
    coast: bool = False  # coast, cliff, beach
    water: bool = False  # riverside, lake
    has_shelter: bool = False
    has_toilets: bool = False
    surfaced_share: float | None = None  # share of paths sealed, if known
    lat: float | None = None
    lon: float | None = None
    #: Nearest mapped building, in words ("Ryde Pavilion (café), 140 m"), for thunder advice;
    #: '' when none is mapped nearby, None when it was not looked up (no map data at hand).
    nearest_building: str | None = None
    #: The site's kind was not given: it could be woodland, coast or open ground, so every
    #: kind's hazards are checked (the strictest thresholds apply) and no shade is assumed.
    kind_unknown: bool = False

    @property
    def shade(self) -> bool:
        return self.woodland and not self.kind_unknown

    @property
    def exposed(self) -> bool:
        """Has open parts: heath/down, coast or open water — whether or not it is also wooded
        (a site that is part wood, part beach is exposed on the beach)."""
        return self.open_ground or self.coast or self.water

    @property
    def mixed(self) -> bool:
        """Part wooded, part open: rules apply both sets of hazards, each to its part."""
        return self.woodland and self.exposed

    @property
    def open_words(self) -> str:
        """The open part in words: 'beach/coast', 'open ground', 'waterside' (joined by 'and')."""
        if self.kind_unknown:
            return "open or coastal parts, if any"
        parts = [w for flag, w in ((self.coast, "beach/coast"), (self.open_ground, "open ground"),
                                   (self.water, "waterside")) if flag]
        return " and ".join(parts) or "open part"

    @property
    def country(self) -> str | None:
        """ISO code of the country the site is in (offline lookup), None if unknown."""
        from ecoplan.support.country import country_at

        return country_at(self.lon, self.lat)

    @property
    def advice(self) -> acfg.Advice:
        """UK advice for UK sites, 112 and neutral wording elsewhere."""
        from ecoplan.support.country import advice_for

        return advice_for(self.country)

    @property
    def unsurfaced(self) -> bool:
        """Paths likely earth or grass: known share below the threshold, else by category."""
        if self.kind_unknown:
            return True
        if self.surfaced_share is not None and math.isfinite(self.surfaced_share):
            return self.surfaced_share < weather_cfg.RULES.surfaced_share_ok
        return bool(set(self.categories) & pcfg.UNSURFACED_CATS)

    @property
    def label(self) -> str:
        return self.name or self.site_id or "this site"

    @classmethod
    def from_categories(cls, categories: str | tuple[str, ...], **kw: Any) -> SiteContext:
        cats = tuple(c.strip().lower() for c in (
            categories.split(";") if isinstance(categories, str) else categories) if c.strip())
        s = set(cats)
        return cls(categories=cats, woodland=bool(s & pcfg.WOODLAND_CATS),
                   open_ground=bool(s & pcfg.OPEN_CATS), coast=bool(s & pcfg.COAST_CATS),
                   water=bool(s & pcfg.WATER_CATS), **kw)

    @classmethod
    def unknown_kind(cls, **kw: Any) -> SiteContext:
        """A place whose kind nobody gave: never treated as the mildest kind (open ground) —
        it is checked as woodland, coast and open ground at once ("missing data is never GO")."""
        return cls(categories=(), woodland=True, open_ground=True, coast=True, water=True,
                   kind_unknown=True, **kw)

    @classmethod
    def from_site_row(cls, row: Mapping[str, Any], *,
                      nearest_building: str | None = None) -> SiteContext:
        """From a sites GeoDataFrame row (Series or dict) in the lead's schema."""
        cats = row.get("categories")
        cats = cats if isinstance(cats, str) else ""
        kind = row.get("kind")
        if isinstance(kind, str) and "blue" in kind and not cats:
            cats = "water"
        share = row.get("surfaced_share")
        try:
            share = float(share) if share is not None else None
        except (TypeError, ValueError):
            share = None
        if share is not None and not math.isfinite(share):
            share = None
        lat = lon = None
        geom = row.get("geometry")
        if geom is not None and not getattr(geom, "is_empty", True):
            pt = geom.representative_point()
            lat, lon = float(pt.y), float(pt.x)
        name = row.get("name")
        return cls.from_categories(
            cats, site_id=str(row.get("site_id") or ""),
            name=name if isinstance(name, str) else "",
            has_shelter=_count(row, "shelters") > 0, has_toilets=_count(row, "toilets") > 0,
            surfaced_share=share, lat=lat, lon=lon, nearest_building=nearest_building)


def parse_categories(text: str) -> tuple[str, ...]:
    """Site kinds typed by a user ('wood;beach' or 'wood, beach'), each one checked: a word we
    do not know is refused with the list of words we do, never silently dropped."""
    cats = tuple(dict.fromkeys(c.strip().lower() for c in re.split(r"[;,]", text or "")
                               if c.strip()))
    bad = [c for c in cats if c not in pcfg.KNOWN_CATS]
    if bad:
        raise EcoplanError(f"unknown site kind{'s' if len(bad) > 1 else ''} "
                           f"{', '.join(repr(b[:40]) for b in bad[:3])} in --categories; use "
                           f"one or more of {', '.join(sorted(pcfg.KNOWN_CATS))} "
                           "(separated by ';' or ',')")
    return cats
