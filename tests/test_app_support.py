"""The "Support around this site" panel: help nearby with the explicit "none mapped"
sentences, community resources, the user's directory (added through the form, kept across a
restart) and the CSV/HTML exports, on the demo area."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ecoplan.app import state, support_panel
from ecoplan.support.directory import DirectoryEntry
from ecoplan.support.help import distance_text
from ecoplan.support.report import support_around
from ecoplan.support.sheet import report_to_html

TIMEOUT = 180
COAST_SITE = "w24629633"  # the coastal site of the demo extract (Helsinki)


def panel(site_id: str = COAST_SITE) -> AppTest:
    return AppTest.from_string(
        "from ecoplan.app import support_panel\n"
        f"support_panel.render({site_id!r}, key='t', expanded=True)\n",
        default_timeout=TIMEOUT)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def own_db(tmp_path, monkeypatch):
    """A fresh plans/directory database for the test (as ECOPLAN_DATA_DIR of a new user)."""
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ECOPLAN_DB_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def demo_sites(demo_layers):
    from ecoplan.sites.build import build_sites

    return build_sites(demo_layers, require_any=False)


# --- pure helpers ----------------------------------------------------------------------------


def test_distance_text_says_walk_or_straight_line():
    assert distance_text(pd.Series(
        {"distance_m": 450.0, "basis": "walk", "minutes": 5.6})) == "450 m walk (~6 min)"
    assert distance_text(pd.Series(
        {"distance_m": 1234.0, "basis": "straight", "minutes": float("nan")})) \
        == "1.2 km straight line"
    assert distance_text(pd.Series({"distance_m": None})) == ""


def test_exports_are_formula_safe_and_escaped(demo_layers, demo_sites):
    evil = DirectoryEntry(name="=HYPERLINK(\"http://x\")", category="Crisis line",
                          phone="+44 1", notes="<script>alert(1)</script>", site_id=COAST_SITE,
                          id=1)
    rep = support_around(demo_layers, sites=demo_sites.sites, entrances=demo_sites.entrances,
                         site_id=COAST_SITE, directory=[evil])
    rows = list(csv.DictReader(io.StringIO(support_panel.csv_bytes(rep).decode())))
    mine = [r for r in rows if r["section"] == "Your directory"]
    assert mine and mine[0]["name"].startswith("'=") and mine[0]["phone"] == "'+44 1"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)
    # issue #5: the downloaded CSV carries OSM's licence notice on every row
    assert {r["attribution"] for r in rows} == {"© OpenStreetMap contributors (ODbL)."}
    html = report_to_html(rep)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    table = support_panel.directory_table(rep)
    assert table.loc[0, "for"] == "this site"


# --- the panel --------------------------------------------------------------------------------


def test_panel_lists_help_with_distances_and_says_what_is_not_mapped(own_db):
    at = panel().run()
    no_exception(at)
    assert not at.error
    help_df = at.dataframe[0].value
    assert len(help_df) >= 3 and {"what", "name", "distance", "notes"} <= set(help_df.columns)
    assert help_df["distance"].str.contains(r"m (?:walk|straight line)").all()
    assert "Pharmacies" in set(help_df["what"])
    warnings = [w.value.replace("\\", "") for w in at.warning]
    # the demo extract maps no defibrillator: the panel says so instead of staying silent —
    # as "not mapped within the data" since the small Helsinki extract ends within 1 km
    assert any("Defibrillator: not mapped within the area covered by the data" in w
               for w in warnings), warnings
    # Helsinki: 112 and neutral wording, no UK-only advice anywhere on the panel
    assert any("call 112" in w for w in warnings)  # coastal site
    everything = "\n".join(warnings + [str(x.value) for x in [*at.markdown, *at.caption]]
                           + [d.value.to_csv() for d in at.dataframe])
    for uk in ("999", "Coastguard", "NHS", "defibfinder", "101", "UKHSA", "RNLI",
               "Great Britain", "grid reference"):
        assert uk not in everything, uk
    meeting = at.dataframe[1].value
    assert len(meeting) >= 1 and "grid reference" not in meeting.columns
    assert meeting["meeting point"].str.startswith("Entrance").all()
    assert not meeting["meeting point"].str.contains("/e").any()
    community = at.dataframe[2].value
    cats = community["category"].tolist()
    assert cats, "the demo area maps community resources"
    blocks = [c for i, c in enumerate(cats) if i == 0 or cats[i - 1] != c]
    assert len(blocks) == len(set(cats))  # grouped: each category in one block
    assert any("Download printable sheet" in b.proto.label
               for b in at.get("download_button"))


def test_a_directory_entry_added_in_the_form_appears_and_survives_a_restart(own_db):
    at = panel().run()
    no_exception(at)
    assert any("No entries yet" in c.value for c in at.caption)
    at.text_input(key="t_dir_name").input("Ryde *peer* [walkers](javascript:x)")
    at.text_input(key="t_dir_phone").input("01983 000000")
    at.button(key="FormSubmitter:t_dir_form-Add to my directory").click().run()
    no_exception(at)
    assert any("Added" in s.value for s in at.success)
    names = at.dataframe[-1].value["name"].tolist()
    assert names == ["Ryde *peer* [walkers](javascript:x)"]
    # the success message shows the name literally (markdown escaped)
    assert any("\\*peer\\*" in s.value for s in at.success)

    support_panel.directory_store.clear()  # a server restart: nothing kept in memory
    again = panel().run()
    no_exception(again)
    assert again.dataframe[-1].value["name"].tolist() == names
    # shown for this site only, not for another one
    other = panel("r6627217").run()
    assert not any("Ryde" in str(d.value.get("name", pd.Series()).tolist())
                   for d in other.dataframe)


def test_an_invalid_entry_is_refused_with_a_message(own_db):
    at = panel().run()
    at.text_input(key="t_dir_name").input("Crisis line")
    at.text_input(key="t_dir_url").input("javascript:alert(1)")
    at.button(key="FormSubmitter:t_dir_form-Add to my directory").click().run()
    no_exception(at)
    assert any("must start with" in e.value for e in at.error)


def test_sites_page_shows_the_panel_for_the_chosen_site(own_db):
    at = AppTest.from_string("from ecoplan.app.pages import sites_page\nsites_page.render()\n",
                             default_timeout=TIMEOUT)
    at.session_state[state.SELECTED_SITE] = COAST_SITE
    at.run()
    no_exception(at)
    assert not any("Defibrillator" in w.value for w in at.warning)  # off at first
    at.toggle(key="sites_support_show").set_value(True).run()
    no_exception(at)
    assert any("Defibrillator" in w.value for w in at.warning)
    assert any("call 112" in w.value for w in at.warning)
