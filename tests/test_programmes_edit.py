"""The leader's own change: move a session to another pool site, under the builder's rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from programme_fixtures import tiny_programme

from ecoplan.errors import EcoplanError
from ecoplan.programmes.edit import move_session
from ecoplan.programmes.model import Verdict


def test_move_to_a_free_site():
    p = tiny_programme(n=3)  # sessions at w100, w101, w102
    p = p.with_session(replace(p.session(1), verdict=Verdict("go", "go: calm")))
    moved, summary = move_session(p, 1, "w102")
    s1 = moved.session(1)
    assert s1.site_id == "w102" and s1.verdict is None  # the old verdict was for another site
    assert "Moved from" in s1.note and "w102" not in summary and "Site 2" in summary
    assert [s.site_id for s in moved.sessions] == ["w102", "w101", "w102"]
    assert p.session(1).site_id == "w100"  # the original is untouched


@pytest.mark.parametrize("number, site, msg", [
    (2, "w100", "no site twice in a row"),
    (1, "w101", "no site twice in a row"),
    (1, "w100", "already at"),
    (1, "w999", "not in this programme's pool"),
    (9, "w102", "sessions 1–3"),
])
def test_moves_that_break_the_rules_are_refused(number, site, msg):
    with pytest.raises(EcoplanError, match=msg):
        move_session(tiny_programme(n=3), number, site)


def test_a_site_without_a_route_is_refused():
    p = tiny_programme(n=3)
    pool = tuple(replace(s, route=None, note="no step-free loop") if s.site_id == "w102"
                 else s for s in p.pool)
    with pytest.raises(EcoplanError, match="no step-free loop"):
        move_session(replace(p, pool=pool), 1, "w102")
