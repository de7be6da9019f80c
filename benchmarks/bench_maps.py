"""Time the Sites map on the Isle of Wight: building it, and what one "choose a site" costs.

Before (``ecoplan.app.data.sites_map``): every new selection rebuilt the whole map (basemap,
every site) and every Streamlit run handed the whole map to ``st_folium``, which renders it to
HTML/JS again. After (``ecoplan.app.site_map``): the map is built and rendered once per area;
a selection renders only the chosen site's outline and entrances.

Prints, for whichever of the two APIs the checked-out code has: the first build, the cost of a
run that chooses a new site (what the server does before the browser gets anything), and the
bytes of map script sent. Run from the repository root:
``.venv/bin/python benchmarks/bench_maps.py``
"""

from __future__ import annotations

import copy
import logging
import time
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

from ecoplan.osm.pbf import read_pbf  # noqa: E402
from ecoplan.settings import paths  # noqa: E402
from ecoplan.sites.build import build_sites  # noqa: E402

PBF = paths.shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"


def _st_folium_prep(m) -> int:
    """What ``st_folium`` does to a map on every run before calling the component."""
    import streamlit_folium as stf

    m.get_root().render()
    m.render()
    return len(stf._get_map_string(m).encode())


def main() -> None:
    layers = read_pbf(PBF)
    built = build_sites(layers)
    ids = built.sites.sort_values("area_ha", ascending=False)["site_id"].astype(str).tolist()
    a, b = ids[0], ids[1]
    try:
        from ecoplan.app import site_map
    except ImportError:
        site_map = None
    if site_map is None:  # before: one template per selection, deep-copied and rendered
        from ecoplan.app import data

        t = time.perf_counter()
        m = data._sites_map_template.__wrapped__("iow", layers, built, None, "kind")
        build = time.perf_counter() - t
        size = _st_folium_prep(copy.deepcopy(m))
        t = time.perf_counter()
        m2 = data._sites_map_template.__wrapped__("iow", layers, built, a, "kind")
        _st_folium_prep(copy.deepcopy(m2))
        choose = time.perf_counter() - t
        t = time.perf_counter()
        _st_folium_prep(copy.deepcopy(m2))
        same = time.perf_counter() - t
        sent = size
        print("API: ecoplan.app.data.sites_map (rebuild per selection)")
    else:
        t = time.perf_counter()
        base = site_map.build_sites_base(layers, built.sites, built.entrances)
        pm = site_map.prepare(base)
        build = time.perf_counter() - t
        size = len(pm.script.encode())
        t = time.perf_counter()
        for sid in (a, b):
            grp = site_map.selection_overlay(built.sites, built.entrances, sid)
            script = site_map.overlay_script(grp)
            site_map.selection_view(built.sites, sid)
        choose = (time.perf_counter() - t) / 2
        t = time.perf_counter()
        site_map.selection_view(built.sites, a)  # same selection: overlay cached in session
        same = time.perf_counter() - t
        sent = len(script.encode())
        print("API: ecoplan.app.site_map (render once, overlay per selection)")
    print(f"sites: {len(built.sites):,}; entrances: {len(built.entrances):,}")
    print(f"first build + render: {build:.2f} s; map script {size / 1e6:.2f} MB")
    what = ("the whole map, re-created by the browser" if site_map is None else
            "the unchanged map script (the browser keeps its map) + the chosen site's overlay")
    print(f"choose a new site (server work per run): {choose:.2f} s; the browser receives "
          f"{what}: {size / 1e6:.2f} MB" + ("" if site_map is None else
                                              f" + {sent / 1e3:,.0f} kB"))
    print(f"rerun, same selection (server work): {same:.3f} s")


if __name__ == "__main__":
    main()
