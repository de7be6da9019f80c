"""Reading PBF extracts: real Isle of Wight data, and every kind of bad file."""

from __future__ import annotations

import collections

import osmium
import pytest

from ecoplan.errors import AreaError, InputFileError
from ecoplan.osm.pbf import read_pbf


def _count_ways(pbf, key: str, value: str) -> int:
    """Independent count with pyosmium (not pyrosm) of ways carrying key=value."""
    counts: collections.Counter = collections.Counter()

    class H(osmium.SimpleHandler):
        def way(self, w):
            if w.tags.get(key) == value:
                counts["n"] += 1

    H().apply_file(str(pbf))
    return counts["n"]


def test_layers_have_the_schema(iow_layers):
    assert iow_layers.ways.crs.to_epsg() == 4326
    assert {"u", "v", "osm_id", "length_m", "highway", "foot", "sac_scale"} <= set(
        iow_layers.ways.columns)
    assert iow_layers.nodes.index.name == "node_id"
    # every segment end is a known node, so the graph builder never meets a dangling id
    assert iow_layers.ways.u.isin(iow_layers.nodes.index).all()
    assert iow_layers.ways.v.isin(iow_layers.nodes.index).all()
    assert (iow_layers.pois.geom_type == "Point").all()
    assert iow_layers.source.data_date.year == 2014 or iow_layers.source.data_date.year == 2015


@pytest.mark.parametrize(("key", "value"), [("natural", "coastline"), ("waterway", "river"),
                                             ("leisure", "park"), ("natural", "beach")])
def test_no_ways_are_lost(iow_pbf, iow_layers, key, value):
    # pyrosm drops relation members when ways and relations are read together; we read them
    # apart, so every way survives.
    got = iow_layers.features
    got = got[(got[key] == value) & (got.osm_type == "way")]
    assert len(got) == _count_ways(iow_pbf, key, value)


def test_bbox_clips_everything(iow_pbf):
    bbox = (-1.18, 50.715, -1.14, 50.735)  # Ryde
    layers = read_pbf(iow_pbf, bbox=bbox)
    w, s, e, n = layers.pois.total_bounds
    assert w >= bbox[0] - 1e-9 and e <= bbox[2] + 1e-9 and s >= bbox[1] - 1e-9
    assert 1000 < len(layers.ways) < 10000


def test_bbox_outside_the_data_is_an_area_error(iow_pbf):
    with pytest.raises(AreaError, match="no streets"):
        read_pbf(iow_pbf, bbox=(10.0, 10.0, 10.01, 10.01))


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        read_pbf(tmp_path / "nope.osm.pbf")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.osm.pbf"
    p.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_pbf(p)


def test_truncated_file(iow_pbf, tmp_path):
    p = tmp_path / "cut.osm.pbf"
    p.write_bytes(iow_pbf.read_bytes()[:200_000])
    with pytest.raises(InputFileError, match="truncated or corrupt"):
        read_pbf(p)


def test_garbage_file(tmp_path):
    p = tmp_path / "junk.osm.pbf"
    p.write_bytes(b"this is not a protobuf" * 100)
    with pytest.raises(InputFileError):
        read_pbf(p)


def test_wrong_suffix_and_folder(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    with pytest.raises(InputFileError, match="not a .pbf"):
        read_pbf(p)
    with pytest.raises(InputFileError, match="folder"):
        read_pbf(tmp_path)


def test_the_declared_extent_comes_from_the_header_and_a_clip_drops_it(iow_pbf, iow_layers):
    """The data extent ("inside the data") is the box the extract declares, the same for the
    whole file and any cut of it; a clipped layer set falls back to its network box."""
    from shapely.geometry import box

    from ecoplan.access.measure import data_extent
    from ecoplan.osm.pbf import header_bounds

    b = header_bounds(iow_pbf)
    assert b is not None
    w, s, e, n = b
    assert -1.7 < w < -1.6 and -1.05 < e < -1.0 and 50.50 < s < 50.51 and 50.80 < n < 50.81
    assert iow_layers.source.bounds == b
    assert data_extent(iow_layers).equals(box(*b))
    clipped = iow_layers.clip(box(-1.35, 50.62, -1.15, 50.75))
    assert clipped.source.bounds is None
    assert box(-1.35, 50.62, -1.15, 50.75).buffer(0.02).contains(data_extent(clipped))


def test_read_in_two_processes_equals_one(iow_pbf, iow_layers):
    # ecoplan.parallel: the features and relations come from a forked child when the CLI
    # allows it; every layer must equal the sequential read exactly (issue 16).
    import pandas as pd

    from ecoplan import parallel

    with parallel.allowed():
        both = read_pbf(iow_pbf)
    for name in ("features", "ways", "nodes", "pois", "buildings"):
        pd.testing.assert_frame_equal(getattr(both, name), getattr(iow_layers, name),
                                      check_exact=True)
    assert both.source == iow_layers.source


def _n_features(features):
    return len(features)


def _fails(features):
    raise ValueError("no")


def test_derive_runs_on_the_read_features_in_either_process(iow_pbf, iow_layers):
    # What ``derive`` makes of the features comes back under its name, computed on the very
    # features frame the layers hold (forked or not); a failing function is left out, not
    # raised (its user runs it again and reports the error itself).
    from ecoplan import parallel

    for forked in (False, True):
        with parallel.allowed(forked):
            got = read_pbf(iow_pbf, derive={"n": _n_features, "bad": _fails,
                                            "same": lambda f: f},
                           prepare={"ways": lambda part: part.ways, "bad too": _fails,
                                    "no features": lambda part: len(part.features)})
        assert got.derived["n"] == len(iow_layers.features) > 1000
        assert "bad" not in got.derived and "bad too" not in got.derived
        assert got.derived["same"] is got.features  # one frame, also after the fork's pickle
        # ``prepare`` sees this process's half (the layers' own frames), not the features
        assert got.derived["ways"] is got.ways and got.derived["no features"] == 0
    assert iow_layers.derived == {}


def test_derived_results_are_dropped_by_a_clip_and_not_made_for_a_clipped_read(iow_pbf):
    from shapely.geometry import box

    full = read_pbf(iow_pbf, derive={"n": _n_features})
    assert full.derived == {"n": len(full.features)}
    assert full.clip(box(-1.35, 50.62, -1.15, 50.75)).derived == {}
    assert read_pbf(iow_pbf, bbox=(-1.35, 50.65, -1.25, 50.72),
                    derive={"n": _n_features}).derived == {}


_LOAD = """
import sys, threading, time
if sys.argv[1] == "threads":
    threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
from ecoplan.osm.pbf import _import_pyrosm
pyrosm = _import_pyrosm()
loaded = "networkx" in sys.modules
import networkx  # still importable afterwards
osm = pyrosm.OSM(sys.argv[2], progress=False, engine="in_memory")
print(loaded, len(osm.get_network(network_type="walking")) > 1000, networkx.__name__)
"""


@pytest.mark.parametrize(("mode", "loaded"), [("alone", "False"), ("threads", "True")])
def test_pyrosm_loads_without_networkx_only_when_single_threaded(iow_pbf, mode, loaded):
    # pyrosm imports networkx when it loads only to set a flag (0.25 s of a cold run); the
    # command (one thread) skips that, and networkx stays importable; with other threads
    # running (the app) nothing is hidden.
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _LOAD, mode, str(iow_pbf)], text=True,
                         capture_output=True, check=True, timeout=120).stdout.split()
    assert out == [loaded, "True", "networkx"]
