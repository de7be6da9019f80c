"""Saved programmes: round trip, history of every change, version conflicts, one shared
database with plans and the directory, and nothing half-saved when a write fails."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from programme_fixtures import HOSTILE, tiny_programme

from ecoplan.plans.store import PlanStore, StoreError, schema_version
from ecoplan.programmes import store as store_mod
from ecoplan.programmes.store import (
    SCHEMA_VERSION,
    ProgrammeConflictError,
    ProgrammeNotFoundError,
    ProgrammeStore,
)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.sqlite'}"


def test_create_get_by_name_and_id_survives_restart(url):
    p = tiny_programme(name=HOSTILE)
    with ProgrammeStore(url) as store:
        saved = store.create(p)
    assert saved.id is not None and saved.version == 1
    with ProgrammeStore(url) as store:  # a new engine: read back from disk
        by_name = store.get(HOSTILE)
        by_id = store.get(str(saved.id))
        assert by_name.content() == p.content() == by_id.content()
        assert [r["name"] for r in store.list()] == [HOSTILE]
        assert store.schema_version() == SCHEMA_VERSION


def test_every_change_is_kept_in_the_history(url):
    with ProgrammeStore(url) as store:
        p = store.create(tiny_programme())
        s2 = p.session(2)
        moved = p.with_session(replace(s2, site_id="w100", note="moved"))
        p2 = store.update(moved, action="swap", summary="session 2 → Site 0")
        assert p2.version == 2
        hist = store.history(p.id)
        assert [(h.version, h.action) for h in hist] == [(1, "created"), (2, "swap")]
        assert hist[1].summary == "session 2 → Site 0"
        old = store.at_version(p.id, 1)
        assert old.session(2).site_id == p.session(2).site_id != "w100"
        assert store.get(p.id).session(2).site_id == "w100"


def test_stale_update_loses_nothing(url):
    with ProgrammeStore(url) as store:
        p = store.create(tiny_programme())
        a = store.update(p.with_session(replace(p.session(1), note="a")), action="edit",
                         summary="a")
        with pytest.raises(ProgrammeConflictError, match="changed by someone else"):
            store.update(p.with_session(replace(p.session(1), note="b")), action="edit",
                         summary="b")
        assert store.get(p.id).session(1).note == "a" and store.get(p.id).version == a.version
        assert len(store.history(p.id)) == 2


def test_duplicate_names_are_refused(url):
    with ProgrammeStore(url) as store:
        store.create(tiny_programme(name="Walks"))
        with pytest.raises(ProgrammeConflictError, match="already exists"):
            store.create(tiny_programme(name="Walks"))
        assert len(store.list()) == 1 and store.count_history() == 1


def test_a_failed_write_leaves_nothing_half_saved(url, monkeypatch):
    """The programme row is inserted, then the history insert fails: neither is kept."""
    real_insert = store_mod.insert

    def failing_insert(table):
        if table is store_mod.history_table:
            raise sqlite3.OperationalError("disk I/O error")
        return real_insert(table)

    with ProgrammeStore(url) as store:
        monkeypatch.setattr(store_mod, "insert", failing_insert)
        with pytest.raises(sqlite3.OperationalError):
            store.create(tiny_programme())
        monkeypatch.setattr(store_mod, "insert", real_insert)
        assert store.list() == [] and store.count_history() == 0


def test_delete_removes_programme_and_history(url):
    with ProgrammeStore(url) as store:
        p = store.create(tiny_programme())
        store.create(tiny_programme(name="Other"))
        store.delete("Test walks")
        with pytest.raises(ProgrammeNotFoundError, match="programme list"):
            store.get(p.id)
        assert [r["name"] for r in store.list()] == ["Other"]
        assert store.count_history() == 1


def test_same_database_as_plans_with_its_own_schema_row(url, tmp_path):
    with PlanStore(url):
        pass
    with ProgrammeStore(url) as store:
        store.create(tiny_programme())
    con = sqlite3.connect(tmp_path / "plans.sqlite")
    rows = dict(con.execute("select component, version from schema_version").fetchall())
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    con.close()
    assert rows["plans"] >= 1 and rows["programmes"] == SCHEMA_VERSION
    assert {"plans", "programmes", "programme_history"} <= tables


def test_unreadable_row_is_a_user_error(url):
    with ProgrammeStore(url) as store:
        p = store.create(tiny_programme())
        with store.engine.begin() as conn:
            conn.execute(store_mod.programmes_table.update().values(content_json="{not json"))
        with pytest.raises(StoreError, match="unreadable"):
            store.get(p.id)


def test_newer_schema_is_refused(url):
    with ProgrammeStore(url) as store, store.engine.begin() as conn:
        conn.execute(schema_version.update().where(
            schema_version.c.component == "programmes").values(version=SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="newer than this ecoplan"):
        ProgrammeStore(url)
