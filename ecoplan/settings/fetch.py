"""``ecoplan data get``: choosing the OSM extract, naming authorities, clipping for ``--la``.

Sources themselves (URLs, licences, expected columns) are in ``data/catalogue.toml``.
"""

from __future__ import annotations

from typing import Final

#: An extract "covers" the authority when at least this share of the authority's area (its
#: LSOA 2011 boundaries, unioned) lies inside the extract's polygon. Our choice: the ONS
#: boundaries are generalised (~200 m) and Geofabrik's polygons are drawn independently, so a
#: sliver of coast or border may poke out of an extract that really covers the authority.
COVER_MIN_SHARE: Final = 0.999

#: GSS code prefixes of English local authority districts (ONS Register of Geographic Codes):
#: E06 unitary authorities, E07 non-metropolitan districts, E08 metropolitan districts,
#: E09 London boroughs (and the City of London).
ENGLISH_LAD_PREFIXES: Final[tuple[str, ...]] = ("E06", "E07", "E08", "E09")

#: Name matching: how many close names to suggest, and how close (difflib ratio 0..1) a name
#: must be to be suggested (our choice: 0.6 catches one or two typos in a short name).
SUGGESTIONS: Final = 5
SUGGEST_CUTOFF: Final = 0.6

#: IoD editions ``--la`` can use, and which LSOA boundaries each is published on.
EDITIONS: Final[dict[str, str]] = {"2019": "lsoa2011", "2025": "lsoa2021"}
DEFAULT_EDITION: Final = "2019"
