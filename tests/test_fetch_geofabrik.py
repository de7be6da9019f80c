"""Choosing the Geofabrik extract: the smallest polygon that covers the authority."""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from ecoplan.errors import ServiceError
from ecoplan.fetch import geofabrik


def _index(*extracts):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(geom),
         "properties": {"id": fid, "name": fid.title(), "urls": {"pbf": f"https://x/{fid}.pbf"}}}
        for fid, geom in extracts]}


INDEX = _index(("europe", box(-25, 34, 45, 72)), ("england", box(-6.5, 49.8, 2, 55.9)),
               ("county", box(-1.7, 50.5, -1.0, 50.9)), ("elsewhere", box(0, 52, 1, 53)))


def test_smallest_covering_extract_wins():
    ex = geofabrik.choose_extract(INDEX, box(-1.5, 50.6, -1.1, 50.8), "X")
    assert ex.id == "county" and ex.pbf_url == "https://x/county.pbf"
    assert ex.km2 < 5000


def test_an_area_over_a_county_edge_takes_the_next_level_up():
    assert geofabrik.choose_extract(INDEX, box(-1.2, 50.6, -0.8, 50.8), "X").id == "england"


def test_nothing_covers_the_sea():
    with pytest.raises(ServiceError, match="no Geofabrik extract covers Atlantis"):
        geofabrik.choose_extract(INDEX, box(-40, 10, -39, 11), "Atlantis")


def test_neighbours_reached_by_the_buffer():
    chosen = geofabrik.choose_extract(INDEX, box(-1.5, 50.6, -1.1, 50.8), "X")
    near = geofabrik.neighbours_reached(_index(*[(f["properties"]["id"], box(-1.0, 50.5, 0, 51))
                                                 for f in INDEX["features"][:0]],
                                               ("next", box(-1.0, 50.5, 0.0, 51.0)),
                                               ("county", box(-1.7, 50.5, -1.0, 50.9))),
                                        chosen, box(-1.6, 50.55, -0.9, 50.85))
    assert near == ["Next"]


def test_malformed_index_is_a_service_error():
    with pytest.raises(ServiceError, match="not a GeoJSON"):
        geofabrik.extracts({"extracts": []})
    with pytest.raises(ServiceError, match="no extract"):
        geofabrik.extracts({"type": "FeatureCollection", "features": [{"properties": {}}]})


def test_md5_file():
    digest = "0123456789abcdef0123456789ABCDEF"
    assert geofabrik.parse_md5(f"{digest}  isle-of-wight-latest.osm.pbf\n", "u") == digest.lower()
    with pytest.raises(ServiceError, match="no MD5"):
        geofabrik.parse_md5("<html>404</html>", "https://x/y.md5")
