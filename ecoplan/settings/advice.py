"""Advice that depends on the country a site is in: emergency numbers, health services, bodies.

A leader in Helsinki must not be told to ring 999 or look on the NHS website. Sites in the UK
get UK advice; everywhere else (and wherever the country cannot be told) gets 112 and neutral
wording — 112 reaches the emergency services in every EU/EEA country and in the UK too
(EU Directive 2002/22/EC art. 26; Ofcom General Conditions C4), so it is never wrong advice.

The country is found offline from the site's position (``ecoplan.support.country``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class Advice:
    """Wording for one country (or the neutral default)."""

    country: str | None  # ISO 3166-1 alpha-2 code; None = neutral
    uk: bool
    #: Checklist line about the phone (Walking for Health: carry a charged phone).
    phone_line: str
    #: Where to confirm a hospital's emergency department.
    confirm_health: str
    #: Label of a hospital OSM tags with emergency=yes.
    emergency_department: str
    #: Coast note (shown for coastal sites).
    coast_note: str
    #: What to do when OSM has nothing in a help category (by category key; a category left
    #: out gets no sentence).
    missing: dict[str, str] = field(default_factory=dict)
    #: OS National Grid references on meeting points (Great Britain only).
    grid_references: bool = False


#: UK: HM Coastguard (call 999 or 112, ask for the Coastguard); NHS 111 for urgent advice in
#: England, Scotland and Wales; The Circuit (national defibrillator network, defibfinder.uk);
#: 101 is the UK police non-emergency number.
UK: Final = Advice(
    country="GB", uk=True,
    phone_line="Charged mobile phone (and the emergency number 999 or 112)",
    confirm_health="confirm on the NHS website before relying on it",
    emergency_department="A&E (emergency department)",
    coast_note="In an emergency on the coast call 999 or 112 and ask for the Coastguard.",
    missing={
        "defibrillator": "check the national defibrillator network (The Circuit, via "
                         "defibfinder.uk) before the session",
        "emergency_department": "look up the nearest A&E on the NHS website before the "
                                "session",
        "urgent_care": "note the NHS 111 number for urgent advice",
        "gp": "note the NHS 111 number for urgent advice",
        "pharmacy": "look up pharmacies on the NHS website",
        "phone": "make sure at least two leaders carry charged mobile phones",
        "toilets": "tell participants before the session",
        "shelter": "plan where the group will shelter in bad weather",
        "police": "call 999 in an emergency, 101 otherwise",
    },
    grid_references=True,
)

#: Everywhere else: 112 and no named national bodies.
NEUTRAL: Final = Advice(
    country=None, uk=False,
    phone_line="Charged mobile phone (and the emergency number 112)",
    confirm_health="confirm with the local health service before relying on it",
    emergency_department="Emergency department",
    coast_note="In an emergency on the coast call 112 and say you are on the shore.",
    missing={
        "defibrillator": "ask the local emergency services or a defibrillator register "
                         "where the nearest public defibrillator is",
        "emergency_department": "look up the nearest emergency department before the session",
        "urgent_care": "note the local number for urgent medical advice",
        "gp": "note the local number for urgent medical advice",
        "pharmacy": "look up the nearest pharmacy before the session",
        "phone": "make sure at least two leaders carry charged mobile phones",
        "toilets": "tell participants before the session",
        "shelter": "plan where the group will shelter in bad weather",
        "police": "call 112 in an emergency",
    },
)

#: ISO codes that get UK advice. Only GB: the Crown Dependencies (JE, GG, IM) run their own
#: health services, so they get the neutral wording (112 works there too).
UK_COUNTRIES: Final[frozenset[str]] = frozenset({"GB"})
