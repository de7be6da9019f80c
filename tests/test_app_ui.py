"""Markdown injection: one escaping helper, and every page walked with hostile names and text.

A site, street and bus stop named with Markdown that would load a remote image, make links,
raw HTML, LaTeX and Streamlit directives; plan notes and a file name just as hostile. Each page
is rendered through streamlit.testing and every string handed to Streamlit's Markdown is
parsed as Streamlit would (CommonMark + GFM autolinks + $ math): none may be active.
"""

from __future__ import annotations

import pytest
from hostile import (
    HOSTILE,
    HOSTILE_FILE,
    HOSTILE_NOTES,
    MARK,
    check_page,
    hostile_need,
    markdown_problems,
    write_hostile_osm,
)
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from ecoplan.app import state
from ecoplan.app.ui import md_escape

TIMEOUT = 180


def test_the_checker_sees_every_kind_of_injection():
    # The test below would pass vacuously if the checker missed these.
    problems = " ".join(markdown_problems(HOSTILE) + markdown_problems(HOSTILE_NOTES))
    for kind in ("image", "link_open", "html_inline", "math_inline", "heading_open",
                 "directive", "mailto:", "www.evil.com"):
        assert kind in problems, kind


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE_NOTES, HOSTILE_FILE])
def test_escaped_hostile_text_is_plain(text):
    out = md_escape(text)
    assert markdown_problems(out) == []
    assert "\n" not in out


@given(hs.text(max_size=60))
def test_md_escape_leaves_nothing_active_and_keeps_the_text(text):
    out = md_escape(text)
    assert markdown_problems(out) == [], out
    # every Markdown character is escaped; rendering gives the text back on one line
    from hostile import _MD

    shown = "".join(c.content for t in _MD.parse(out) for c in (t.children or [])
                    if c.type in ("text", "softbreak"))
    expected = " ".join(text.replace("\x00", "\ufffd").split())
    assert " ".join(shown.split()) == expected


@pytest.fixture(scope="module")
def hostile_area(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return write_hostile_osm(folder / f"{HOSTILE_FILE}.osm")


def _page(module: str, area, **session) -> AppTest:
    at = AppTest.from_string(f"from ecoplan.app.pages import {module}\n{module}.render()\n",
                             default_timeout=TIMEOUT)
    at.session_state[state.SOURCE] = str(area)  # (AppTest's session state has no .pop)
    at.session_state[state.SELECTED_SITE] = "w100"
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


def test_sites_page_shows_a_hostile_site_name_as_text(hostile_area):
    at = _page("sites_page", hostile_area)
    marked = check_page(at)
    assert md_escape(HOSTILE) in [s.value for s in at.subheader]
    assert any(md_escape(HOSTILE_FILE) in t for t in marked)  # the source caption


def test_area_page_shows_hostile_file_and_area_names_as_text(hostile_area):
    at = _page("area_page", hostile_area)
    check_page(at)
    at.session_state[state.NEED] = state.NeedData(hostile_need(), (HOSTILE_FILE,),
                                                  "generic: score")
    marked = check_page(at.run())
    assert any("Source" in t and md_escape(HOSTILE_FILE) in t for t in marked)
    assert any("Files" in t and md_escape(HOSTILE_FILE) in t for t in marked)


def test_gaps_page_with_hostile_area_and_file_names(hostile_area):
    need = state.NeedData(hostile_need(), (HOSTILE_FILE,), "generic: score")
    at = _page("gaps_page", hostile_area, **{state.NEED: need})
    marked = check_page(at)
    assert any("Need data" in t for t in marked), marked


def test_plan_page_with_hostile_site_name_and_notes(hostile_area):
    at = _page("plan_page", hostile_area)
    check_page(at)
    at.radio(key="plan_fc_mode").set_value("Enter conditions by hand").run()
    at.number_input(key="man_temp").set_value(29.0)
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    marked = check_page(at)
    assert any(md_escape(HOSTILE) in t for t in marked)  # the verdict line names the site
    at.text_area(key="plan_notes").set_value(HOSTILE_NOTES)
    at.button(key="plan_save").click().run()
    check_page(at)
    saved = [t for t in (e.value for e in at.success) if t.startswith("Saved as plan #")]
    pid = int(saved[0].split("#")[1].rstrip("."))
    at.run()
    at.selectbox(key="plans_open").set_value(pid).run()
    marked = check_page(at)
    assert any(md_escape(HOSTILE_NOTES) in t for t in marked)  # saved notes, as typed


def test_route_page_with_a_hostile_start_name(hostile_area):
    at = _page("route_page", hostile_area)
    marked = check_page(at)
    assert any(t.startswith("Start") and MARK in t for t in marked), marked
    at.button(key="route_plan").click().run()
    check_page(at)
