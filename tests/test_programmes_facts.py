"""One rounding for every figure: the session table, the CLI list and the session detail round
the raw length and daylight once, so they never differ by 0.1 (#10)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from programme_fixtures import tiny_programme

from ecoplan.cli.programme import session_lines
from ecoplan.programmes.facts import facts, table


def _awkward():
    """Session 1 on a 2,446 m loop ending 32.6 min before sunset: rounding 2.45 km or 33 min
    again gives 2.5 km and 0.6 h, where the raw values give 2.4 km and 0.5 h."""
    p = tiny_programme(n=1)
    site = p.pool[0]
    route = dict(site.route or {}, length_m=2446.0, minutes=29.4)
    s = p.sessions[0]
    s = replace(s, sunset=s.end + timedelta(minutes=32.6))
    return replace(p, pool=(replace(site, route=route),) + p.pool[1:], sessions=(s,))


def test_table_and_cli_list_round_the_raw_length_and_daylight_once():
    p = _awkward()
    row = table(p).iloc[0]
    assert row["km"] == 2.4 and row["walk min"] == 29 and row["h before sunset"] == 0.5
    line = session_lines(p)[1]
    assert "2.4 km, 29 min" in line and "0.5 h" in line
    assert "2.5 km" not in line and "0.6 h" not in line


def test_detail_agrees_with_the_table():
    p = _awkward()
    f = facts(p, p.sessions[0])
    assert f.walk.startswith("2.4 km loop, about 29 min")
    assert f.daylight.startswith("Ends 0.5 h before sunset")
