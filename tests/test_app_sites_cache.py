"""Sites cached on disk: the same tables back, a changed file or damage means a rebuild."""

from __future__ import annotations

import os

import pandas as pd

from ecoplan.app import sites_cache as sc
from ecoplan.osm.load import load_layers
from ecoplan.sites.build import build_sites


def test_round_trip_equal_and_keys_follow_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    built = build_sites(load_layers("demo"), require_any=False)
    key = sc.key_for("demo", False)
    assert key != sc.key_for("demo", True)
    sc.save(key, built)
    back = sc.load(key)
    assert back is not None and back.crs == built.crs
    for a, b in ((built.sites, back.sites), (built.entrances, back.entrances)):
        pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                      pd.DataFrame(b.drop(columns="geometry")))
        assert a.geometry.geom_equals_exact(b.geometry, 0).all()
    assert {type(v) for v in back.entrances["edge_u"]} <= {int, type(None)}
    f = tmp_path / "x.osm.pbf"
    f.write_bytes(b"one")
    k1 = sc.key_for(str(f), False)
    f.write_bytes(b"other")
    os.utime(f, ns=(1, 1))
    assert sc.key_for(str(f), False) != k1  # a changed file never reuses old sites
    assert sc.key_for("overpass:Ryde", False) is None  # not a local file: no disk cache


def test_a_damaged_entry_is_removed_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    built = build_sites(load_layers("demo"), require_any=False)
    key = sc.key_for("demo", False)
    sc.save(key, built)
    (tmp_path / "cache" / "sites" / key / "sites.parquet").write_bytes(b"not parquet")
    assert sc.load(key) is None
    assert not (tmp_path / "cache" / "sites" / key).exists()
