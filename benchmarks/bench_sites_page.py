"""Time the Sites page on the Isle of Wight, as Streamlit runs it (AppTest, no browser).

First run (read the extract, find sites, draw the map once), then a rerun that chooses a site
(what a click on the map or the list does), then a rerun with nothing new. The numbers are the
server's time per run; the browser adds the transfer and drawing (see
tests/e2e/test_e2e_maps.py). Run from the repository root:
``PYTHONPATH=. .venv/bin/python benchmarks/bench_sites_page.py``
"""

from __future__ import annotations

import logging
import time
import warnings

from streamlit.testing.v1 import AppTest

from ecoplan.settings import paths

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
PBF = paths.shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"
SCRIPT = """
import streamlit as st
from ecoplan.app import state
from ecoplan.app.pages import sites_page
if "ecoplan.source" not in st.session_state:
    state.set_source(%r)
sites_page.render()
"""


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return time.perf_counter() - t


def main() -> None:
    at = AppTest.from_string(SCRIPT % str(PBF), default_timeout=900)
    first = timed(at)
    from ecoplan.app import state

    key = state.SELECTED_SITE
    before = at.session_state[key] if key in at.session_state else None  # noqa: SIM401
    at.selectbox(key="sites_select").select_index(1)
    t = time.perf_counter()
    at.run()
    choose = time.perf_counter() - t
    target = at.session_state[state.SELECTED_SITE]
    assert target and target != before, (before, target)  # a site really was chosen
    again = timed(at)
    print(f"first run: {first:.1f} s; choose a site: {choose:.2f} s; rerun, nothing new: "
          f"{again:.2f} s (chosen: {target})")


if __name__ == "__main__":
    main()
