"""The cyclic collector pause: off inside, restored after, also on errors and when nested."""

from __future__ import annotations

import gc

import pytest

from ecoplan.collector import collector_paused


@pytest.fixture(autouse=True)
def _restore():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_back_on_after():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still off when the inner block ends
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_an_access_run_pauses_it_and_turns_it_back_on(monkeypatch):
    # run_access holds the pause for the whole run (reading, sites, measuring) and its end
    # gives the collector back, whatever the run did.
    from ecoplan.access import pipeline

    seen = []

    def fake(*args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("stop here")

    monkeypatch.setattr(pipeline, "_run_access", fake)
    gc.enable()
    with pytest.raises(RuntimeError):
        pipeline.run_access(pipeline.AccessInputs(source="demo", areas="x"), lambda: None)
    assert seen == [False] and gc.isenabled()
