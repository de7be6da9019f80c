"""Leader's own changes to a programme: move a session to another site of its pool.

Same rules as the builder: the site must have a route, the session must still fit in daylight
there, and no site may come twice in a row. Returns the new programme and the sentence for its
history; the store saves both (nothing changes until then).
"""

from __future__ import annotations

from dataclasses import replace

from ecoplan.errors import EcoplanError
from ecoplan.programmes.daylight import daylight_problem
from ecoplan.programmes.model import Programme


def move_session(programme: Programme, number: int, site_id: str) -> tuple[Programme, str]:
    session = programme.session(number)
    new = programme.site(site_id)
    old = programme.site(session.site_id)
    if site_id == session.site_id:
        raise EcoplanError(f"session {number} is already at {new.name}")
    if not new.usable:
        raise EcoplanError(f"{new.name} has no suitable loop ({new.note or 'none found'}); "
                           "choose another site")
    neighbours = {s.number: s.site_id for s in programme.sessions
                  if abs(s.number - number) == 1}
    for n, sid in neighbours.items():
        if sid == site_id:
            raise EcoplanError(f"session {n} is at {new.name} too: no site twice in a row — "
                               "choose another site")
    assert new.lat is not None and new.lon is not None  # pool sites have a point
    sunset, problem = daylight_problem(session.start, session.minutes, new.lat, new.lon,
                                       programme.spec.timezone, number)
    if problem:
        raise EcoplanError(problem)
    moved = replace(session, site_id=site_id, sunset=sunset or session.sunset, verdict=None,
                    note=f"Moved from {old.name} by the leader.")
    return (programme.with_session(moved),
            f"session {number} ({session.start:%a %-d %b}): {old.name} → {new.name}")
