"""How the printed programme leaflet looks: paper sizes, type sizes, the map's share.

Styling of the leaflet, kept next to it (``leaflet.py``) rather than among the programme
rules in :mod:`ecoplan.settings.programmes`. Sources are given beside each number; where a
value is our own choice it says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from ecoplan.routes import print_style as route_print

#: ISO 216 paper sizes in inches (A4 210 × 297 mm, A5 148 × 210 mm), portrait.
PAPER_IN: Final[Mapping[str, tuple[float, float]]] = MappingProxyType({
    "A4": (210 / 25.4, 297 / 25.4),
    "A5": (148 / 25.4, 210 / 25.4),
})


@dataclass(frozen=True)
class TypeSizes:
    """Type sizes of one leaflet style, points."""

    title: float
    heading: float
    body: float
    small: float


#: Type sizes, points. Standard print follows the route map sheet (routes.print_style: 10.5 pt
#: body, UK Association for Accessible Formats clear print: never below 10 pt). Large print:
#: RNIB clear-print guidance asks for 12 pt at least and 14 pt preferably for readers with
#: sight loss; issue #17 asks for ≥ 14 pt everywhere, so every text on a large-print page —
#: map labels included — is at least LARGE_BODY_PT.
STANDARD_PT: Final = TypeSizes(title=20.0, heading=13.0, body=route_print.BODY_PT,
                               small=route_print.SMALL_PT)
LARGE_PT: Final = TypeSizes(title=24.0, heading=18.0, body=14.0, small=14.0)
LARGE_BODY_PT: Final = LARGE_PT.body
#: Share of a session page's height given to the map (our choice: the map is what people use
#: on the day; large print needs more room for text, A5 more still).
MAP_SHARE: Final[Mapping[tuple[str, bool], float]] = MappingProxyType({
    ("A4", False): 0.52, ("A4", True): 0.42, ("A5", False): 0.46, ("A5", True): 0.34,
})
