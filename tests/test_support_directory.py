"""The user's local directory: CRUD, restart, concurrent adds, shared database with plans."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from ecoplan.plans.store import Plan, PlanStore
from ecoplan.support.directory import DirectoryEntry, DirectoryError, DirectoryStore


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.sqlite'}"


def test_crud_and_restart(url):
    with DirectoryStore(url) as store:
        a = store.add(DirectoryEntry(name="  Newport Walk & Talk ", category="Peer support group",
                                     phone="01983 000000", url="https://example.org/walk",
                                     lat=50.7, lon=-1.29))
        b = store.add(DirectoryEntry(name="Crisis line", category="Crisis line", phone="116 123"))
        assert a.id and b.id and a.name == "Newport Walk & Talk"
        store.update(DirectoryEntry(**{**vars(b), "notes": "24/7, free"}))
    # a new object on the same database: a restart
    with DirectoryStore(url) as again:
        got = {e.name: e for e in again.list()}
        assert set(got) == {"Newport Walk & Talk", "Crisis line"}
        assert got["Crisis line"].notes == "24/7, free"
        assert got["Newport Walk & Talk"].lat == 50.7
        again.delete(a.id)
        assert [e.name for e in again.list()] == ["Crisis line"]
        with pytest.raises(DirectoryError, match="no directory entry"):
            again.get(a.id)
        with pytest.raises(DirectoryError, match="no directory entry"):
            again.delete(a.id)


def test_site_filter(url):
    with DirectoryStore(url) as store:
        store.add(DirectoryEntry(name="Park friends", site_id="w1"))
        store.add(DirectoryEntry(name="Other park friends", site_id="w2"))
        store.add(DirectoryEntry(name="Everywhere"))
        assert {e.name for e in store.list(site_id="w1")} == {"Park friends", "Everywhere"}


def test_same_database_as_plans_with_own_schema_row(url):
    plans = PlanStore(url)
    plans.create(Plan(site_id="w1", site_name="Park", minutes=60,
                      start=datetime(2025, 5, 1, 10, tzinfo=ZoneInfo("Europe/London"))))
    with DirectoryStore(url) as store:
        store.add(DirectoryEntry(name="Link worker"))
        assert store.schema_version() == 1
    assert plans.count() == 1
    eng = create_engine(url)
    with eng.connect() as conn:
        rows = dict(conn.execute(text("select component, version from schema_version")).all())
        tables = {r[0] for r in conn.execute(text(
            "select name from sqlite_master where type='table'"))}
    eng.dispose()
    assert rows == {"plans": 1, "directory": 1}
    assert {"plans", "directory_entries"} <= tables


def test_default_url_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOPLAN_DB_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with DirectoryStore() as store:
        store.add(DirectoryEntry(name="A"))
    assert (tmp_path / "x.sqlite").exists()


def test_concurrent_adds(url):
    DirectoryStore(url).close()  # create tables first, as an app start would
    errors = []

    def worker(i):
        try:
            with DirectoryStore(url) as s:
                for j in range(10):
                    s.add(DirectoryEntry(name=f"entry {i}-{j}"))
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with DirectoryStore(url) as s:
        entries = s.list()
    assert len(entries) == 40
    assert len({e.id for e in entries}) == 40


@pytest.mark.parametrize("entry, msg", [
    (DirectoryEntry(name="  "), "needs a name"),
    (DirectoryEntry(name="x", url="javascript:alert(1)"), "must start with"),
    (DirectoryEntry(name="x", lat=50.0), "both latitude and longitude"),
    (DirectoryEntry(name="x", lat=95.0, lon=0.0), "not a valid"),
    (DirectoryEntry(name="x" * 500), "under"),
    (DirectoryEntry(name="a\x00b"), "control characters"),
])
def test_validation(url, entry, msg):
    with DirectoryStore(url) as store, pytest.raises(DirectoryError, match=msg):
        store.add(entry)
