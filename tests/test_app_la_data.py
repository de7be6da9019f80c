"""App: Area & data → "Get data for a local authority" against the loopback mirror: progress,
then the island is the area in use with its need data; a bad name is a message, not a crash."""

from __future__ import annotations

import pytest
from fixtures_http import no_internet  # noqa: F401
from fixtures_mirror import IOW_PBF, DataMirror, require_shared
from streamlit.testing.v1 import AppTest

from ecoplan.app import la_data, state

pytestmark = [pytest.mark.usefixtures("no_internet"), pytest.mark.slow]


def _page() -> AppTest:
    return AppTest.from_string("from ecoplan.app.pages import area_page\narea_page.render()\n",
                               default_timeout=300)


def test_get_data_for_the_island_loads_area_and_need(tmp_path, monkeypatch):
    require_shared(IOW_PBF)
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    with DataMirror() as mirror:
        monkeypatch.setenv("ECOPLAN_DATA_MIRROR", mirror.url)
        at = _page().run()
        assert not at.exception
        assert la_data.authority_names() == []  # no list before the first download
        at.text_input(key=la_data.NAME_KEY).set_value("Isle of Wight")
        at.button(key=la_data.BUTTON_KEY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert state.source(at.session_state) == "la:E06000046"
    nd = state.need(at.session_state)
    assert nd is not None and len(nd.areas.areas) == 89
    assert nd.areas.areas["population"].sum() == 138_718  # IoD 2019 File 6, mid-2015
    assert any("Now using local authority E06000046" in str(s.value) for s in at.success)
    names = la_data.authority_names()
    assert len(names) == 309 and "Isle of Wight (E06000046)" in names
    # the next visit suggests names; an offline repeat needs no network
    at = _page().run()
    assert at.selectbox(key=la_data.PICK_KEY).options[:1] != []
    at.session_state[state.OFFLINE] = True
    at.selectbox(key=la_data.PICK_KEY).set_value("Isle of Wight (E06000046)")
    at.button(key=la_data.BUTTON_KEY).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_offline_with_nothing_downloaded_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    at = _page().run()
    at.session_state[state.OFFLINE] = True
    at.text_input(key=la_data.NAME_KEY).set_value("Isle of Wite")
    at.button(key=la_data.BUTTON_KEY).click().run()
    assert not at.exception
    errors = [str(e.value) for e in at.error]
    assert errors and "lsoa_lookup" in errors[0] and "go online" in errors[0], errors
    assert state.source(at.session_state) == "demo"
