"""Projects in the plans database: saved whole or not at all, merged settings from two tabs,
version checks, recent order, their own schema row, and plans never touched."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from ecoplan.plans.store import Plan, PlanStore, StoreError
from ecoplan.projects import Project, ProjectConflictError, ProjectNotFoundError, ProjectStore
from ecoplan.projects import files as pfiles
from ecoplan.projects.store import SCHEMA_COMPONENT


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.sqlite'}"


def test_create_get_and_survive_a_restart(url):
    with ProjectStore(url) as store:
        made = store.create(Project(name="  Ryde   walks ", source="/data/iow.osm.pbf",
                                    selected_site="w1", settings={"sites_color_by": "access"},
                                    need={"kind": "iod", "labels": ["b.geojson"]}))
    assert made.id and made.version == 1 and made.name == "Ryde walks"
    with ProjectStore(url) as store:  # a new process: same database
        got = store.get(made.id)
    assert (got.source, got.selected_site, got.settings, got.need) == (
        "/data/iow.osm.pbf", "w1", {"sites_color_by": "access"},
        {"kind": "iod", "labels": ["b.geojson"]})


def test_two_tabs_changing_different_settings_keep_both(url):
    store = ProjectStore(url)
    p = store.create(Project(name="P"))
    store.patch(p.id, settings={"rank_on": True})
    store.patch(p.id, settings={"route_minutes": 45}, selected_site="w9")
    got = store.get(p.id)
    assert got.settings == {"rank_on": True, "route_minutes": 45}
    assert got.selected_site == "w9" and got.version == 3


def test_stale_version_is_refused_and_nothing_is_overwritten(url):
    store = ProjectStore(url)
    p = store.create(Project(name="P", source="a"))
    store.patch(p.id, source="b")
    with pytest.raises(ProjectConflictError, match="changed elsewhere"):
        store.patch(p.id, expected_version=1, source="c")
    assert store.get(p.id).source == "b"


def test_recent_lists_the_last_opened_first(url):
    store = ProjectStore(url)
    a = store.create(Project(name="A"))
    b = store.create(Project(name="B"))
    assert [p.name for p in store.recent()] == ["B", "A"]
    store.opened(a.id)
    assert [p.name for p in store.recent()] == ["A", "B"]
    assert b.id in {p.id for p in store.recent()}


def test_unknown_id_and_empty_name_are_user_errors(url):
    store = ProjectStore(url)
    with pytest.raises(ProjectNotFoundError, match="no project with id"):
        store.get("nope")
    with pytest.raises(Exception, match="Give the project a name"):
        store.create(Project(name="   "))
    with pytest.raises(ValueError, match="unknown project fields"):
        store.patch(store.create(Project(name="x")).id, colour="red")


def test_shares_the_plans_database_and_never_touches_plans(url, tmp_path):
    plans = PlanStore(url)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    plan = plans.create(Plan(site_id="w1", site_name="Park", start=start, minutes=60))
    store = ProjectStore(url)
    p = store.create(Project(name="P"))
    store.patch(p.id, settings={"a": 1})
    store.delete(p.id)
    assert plans.get(plan.id).site_name == "Park" and plans.count() == 1
    con = sqlite3.connect(tmp_path / "plans.sqlite")
    rows = dict(con.execute("SELECT component, version FROM schema_version"))
    con.close()
    assert rows[SCHEMA_COMPONENT] == 1 and "plans" in rows


def test_a_foreign_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not an ecoplan"):
        ProjectStore(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_damaged_row_is_a_clear_error_and_left_out_of_recent(url, tmp_path):
    store = ProjectStore(url)
    good = store.create(Project(name="good"))
    bad = store.create(Project(name="bad"))
    con = sqlite3.connect(tmp_path / "plans.sqlite")
    con.execute("UPDATE projects SET data_json = '{broken' WHERE id = ?", (bad.id,))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="damaged"):
        store.get(bad.id)
    assert [p.id for p in store.recent()] == [good.id]


def test_kept_files_are_copied_once_by_content_with_the_users_name(tmp_path):
    src = tmp_path / "File 6 population.csv"
    src.write_text("a,b\n1,2\n")
    ref = pfiles.keep(src, src.name, root=tmp_path / "data")
    again = pfiles.keep(src, src.name, root=tmp_path / "data")
    assert ref == again and ref.name == "File 6 population.csv"
    kept = list((tmp_path / "data" / pfiles.SUBDIR).iterdir())
    assert len(kept) == 1 and kept[0].read_text() == "a,b\n1,2\n"
    src.unlink()  # the user's file may move: the project keeps its copy
    assert (tmp_path / "data" / pfiles.SUBDIR / kept[0].name).is_file()
