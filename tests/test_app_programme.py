"""The Programme page through streamlit.testing on the demo area: build, review, save, check
the weather with a recorded (stormy) forecast, accept a swap, move a session, download."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from programme_fixtures import stormy_forecast
from streamlit.testing.v1 import AppTest

from ecoplan.app import programme_logic
from ecoplan.programmes.store import ProgrammeStore

TIMEOUT = 240


def page() -> AppTest:
    return AppTest.from_string("from ecoplan.app.pages import programme_page\n"
                               "programme_page.render()\n", default_timeout=TIMEOUT)


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    monkeypatch.setenv("ECOPLAN_DB_URL", url)
    return url


def _build(at: AppTest, name: str = "Helsinki walks") -> AppTest:
    at.text_input(key="prog_name").set_value(name)
    at.number_input(key="prog_sessions").set_value(3)
    at.number_input(key="prog_minutes").set_value(30)
    at.selectbox(key="prog_profile").set_value("default")
    at.checkbox(key="prog_step_free").set_value(False)
    at.slider(key="prog_top").set_value(6)
    at.text_input(key="prog_leader").set_value("Aino <b>$x$</b>")
    next(b for b in at.button if b.label == "Build the programme").click()
    return at.run()


def test_build_review_save_check_accept_move(db):
    at = page().run()
    no_exception(at)
    assert at.title[0].value == "Programme"
    at = _build(at)
    no_exception(at)
    assert not at.error, texts(at, "error")
    table = at.dataframe[0].value
    assert len(table) == 3
    assert list(table.columns[:5]) == ["session", "day", "date", "start", "site"]
    ids = table["site"].tolist()
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False))
    assert (table["min before sunset"] >= 60).all()
    assert any("not saved yet" in s.value for s in at.subheader)
    assert ProgrammeStore(db).list() == []  # nothing saved before the leader says so

    next(b for b in at.button if b.label == "Save the programme").click()
    at = at.run()
    no_exception(at)
    rows = ProgrammeStore(db).list()
    assert [r["name"] for r in rows] == ["Helsinki walks"] and rows[0]["version"] == 1

    # weather check with a recorded forecast: freezing rain in the morning of session 1
    p = ProgrammeStore(db).get("Helsinki walks")
    s1 = p.sessions[0]
    site = p.site(s1.site_id)
    raw = stormy_forecast(s1.start.date(), lat=site.lat, lon=site.lon, code=67,
                          tz="Europe/Helsinki")
    at.radio(key="prog_fc_mode").set_value(programme_logic.FORECAST_MODES[2]).run()
    at.file_uploader(key="prog_fc_file").set_value(
        ("storm.json", json.dumps(raw).encode(), "application/json")).run()
    next(b for b in at.button if b.label == "Check the coming sessions").click()
    at = at.run()
    no_exception(at)
    assert any("rethink" in t and "Freezing" in t for t in texts(at, "error")), texts(at,
                                                                                       "error")
    assert ProgrammeStore(db).get(p.id).version == 1  # the check changed nothing
    accept = [b for b in at.button if b.label == "Accept"]
    assert accept, "a swap is proposed"
    accept[0].click()
    at = at.run()
    no_exception(at)
    after = ProgrammeStore(db).get(p.id)
    assert after.version == 2 and "for the weather" in after.session(1).note
    assert [h.action for h in ProgrammeStore(db).history(p.id)] == ["created", "swap"]

    # move session 2 to another pool site
    opts = programme_logic.move_options(after, 2)
    assert opts  # six sites tried: another one can take session 2
    if opts:
        at.selectbox(key="prog_move_n").set_value(2).run()
        at.selectbox(key="prog_move_to").set_value(opts[0])
        next(b for b in at.button if b.label == "Move it").click()
        at = at.run()
        no_exception(at)
        moved = ProgrammeStore(db).get(p.id)
        assert moved.version == 3 and moved.session(2).site_id == opts[0]

    labels = {b.label for b in at.download_button}
    assert {"Leaflet (PDF)", "Calendar (.ics)", "GPX files (.zip)"} <= labels


def test_a_session_after_dark_is_an_error_and_nothing_is_built(db):
    at = page().run()
    assert at.date_input(key="prog_first").min == date.today()  # no past dates offered
    at.time_input(key="prog_start").set_value(time(23, 0))  # after sunset, any season
    at = _build(at, "Late walks")
    no_exception(at)
    assert any("sunset" in t and "start by" in t for t in texts(at, "error")), texts(at,
                                                                                    "error")
    assert not at.dataframe and ProgrammeStore(db).list() == []


def test_form_values_make_the_request():
    v = programme_logic.FormValues(
        name="A", first=date(2030, 1, 1), weekday="thu", every="fortnight", sessions=6,
        start=time(10, 30), minutes=45, group_size=9, leaders=1,
        profile="frail", step_free=True, site_ids=("w1",), top=5, leader_name="",
        leader_contact="", timezone="Europe/London")
    spec = programme_logic.spec_from_form(v)
    assert (spec.weekday, spec.every_days, spec.sessions, spec.minutes) == (3, 14, 6, 45)
    assert programme_logic.default_first(date(2030, 1, 1)).weekday() == 3
    assert programme_logic.default_first(date(2030, 1, 1)) > date(2030, 1, 7)


def test_the_picker_lists_this_areas_programmes_and_counts_the_others(db):
    """Programmes belong to the area (the project's OSM source): another area's programme is
    not offered until the leader asks for it, and is counted, never silently hidden."""
    import sqlalchemy as sa

    at = _build(page().run(), "Demo walks")
    next(b for b in at.button if b.label == "Save the programme").click()
    at = at.run()
    no_exception(at)
    fresh = page().run()
    assert any(o.endswith(": Demo walks") for o in fresh.selectbox(key="prog_pick").options)
    assert not [c for c in fresh.checkbox if c.key == "prog_other_areas"]  # none elsewhere

    engine = sa.create_engine(db)
    with engine.begin() as conn:  # the same programme, as if built on another area's file
        conn.execute(sa.text("UPDATE programmes SET source_key = 'other-area.osm.pbf'"))
    engine.dispose()
    other = page().run()
    no_exception(other)
    assert other.selectbox(key="prog_pick").options == [other.selectbox(key="prog_pick").options[0]]
    box = other.checkbox(key="prog_other_areas")
    assert "(1)" in box.label
    other = box.check().run()
    assert any(o.endswith(": Demo walks") for o in other.selectbox(key="prog_pick").options)
