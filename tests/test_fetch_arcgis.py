"""ArcGIS FeatureServer paging against a loopback copy of the ONS services (real rows)."""

from __future__ import annotations

import json

import pytest
from fixtures_http import LoopbackServer, Reply, no_internet  # noqa: F401
from fixtures_mirror import B2011_PATH, FEATURE_MAX, SHARED, TABLE_MAX, DataMirror, require_shared

from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch import arcgis
from ecoplan.fetch.catalogue import load_catalogue

pytestmark = pytest.mark.usefixtures("no_internet")


@pytest.fixture(scope="module")
def mirror():
    require_shared(SHARED / "boundaries" / "lookup_lsoa11_lsoa21_ltla22_ew.csv.gz")
    with DataMirror() as m:
        yield m


@pytest.fixture
def via(mirror, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DATA_MIRROR", mirror.url)
    mirror.requests.clear()
    return mirror


def test_whole_lookup_pages_past_a_server_cap_below_the_page_size(via):
    src = load_catalogue()["lsoa_lookup"]
    assert src.page_size > TABLE_MAX  # the server sends fewer rows than asked for
    pages: list[int] = []
    rows = arcgis.query(src, "1=1", geometry=False, on_page=lambda n, t: pages.append(n))
    assert len(rows) == 35_795 == pages[-1]
    assert len(pages) == -(-35_795 // TABLE_MAX)
    assert len({(r["LSOA11CD"], r["LSOA21CD"]) for r in rows}) == 35_795  # no overlap, no gap
    first = via.requests[0][1]
    assert first["returnCountOnly"] == "true"
    offsets = [int(q["resultOffset"]) for p, q, _ in via.requests[1:]]
    assert offsets == [i * TABLE_MAX for i in range(len(pages))]
    assert all(q["orderByFields"] == "LSOA11CD,LSOA21CD" for _, q, _ in via.requests[1:])


def test_boundaries_by_code_come_as_geojson_in_4326_with_properties_paging(via):
    src = load_catalogue()["lsoa2011_boundaries"]
    codes = ["E01017281", "E01017282", "E01017283"] + [f"E0101{n}" for n in range(7284, 7330)]
    feats = arcgis.query(src, arcgis.where_in("LSOA11CD", codes), geometry=True)
    got = sorted(f["properties"]["LSOA11CD"] for f in feats)
    island = {f["properties"]["LSOA11CD"] for f in json.loads(
        (SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson").read_text())["features"]}
    assert got == sorted(set(codes) & island) and len(got) > FEATURE_MAX
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in feats)
    queries = [q for p, q, _ in via.requests if p == B2011_PATH and "resultOffset" in q]
    assert len(queries) == -(-len(feats) // FEATURE_MAX) > 1
    assert all(q["outSR"] == "4326" and q["f"] == "geojson" for q in queries)


def test_pages_are_cached_so_offline_rebuilds_and_refresh_refetches(via):
    src = load_catalogue()["lsoa2011_boundaries"]
    where = arcgis.where_in("LSOA11CD", ["E01017281", "E01017282"])
    online = arcgis.query(src, where, geometry=True)
    n = len(via.requests)
    assert arcgis.query(src, where, geometry=True, offline=True) == online
    assert len(via.requests) == n
    arcgis.query(src, where, geometry=True, refresh=True)
    assert len(via.requests) == 2 * n
    with pytest.raises(NotInCacheError, match="lsoa2011_boundaries"):
        arcgis.query(src, arcgis.where_in("LSOA11CD", ["E01017300"]), geometry=True,
                     offline=True)


def test_a_renamed_field_is_reported_naming_the_source(via):
    src = load_catalogue()["lsoa_lookup"]
    from dataclasses import replace

    renamed = replace(src, fields=("LSOA11CD", "LAD23CD"))
    with pytest.raises(ServiceError, match=r"lsoa_lookup\) refused the query.*Invalid field: "
                                           r"LAD23CD.*renamed"):
        arcgis.query(renamed, "1=1", geometry=False)


def _fake_source(url: str):
    from dataclasses import replace

    return replace(load_catalogue()["lsoa_lookup"], url=url + "/query", fields=("A",))


def test_a_short_answer_is_an_error_not_a_silent_gap(no_internet):  # noqa: F811
    replies = [Reply.json({"count": 3}), Reply.json({"features": [{"attributes": {"A": 1}}]})]
    with LoopbackServer(replies) as srv, pytest.raises(ServiceError, match="received 1 rows but"
                                                                          " the service counted 3"):
        arcgis.query(_fake_source(srv.url), "1=1", geometry=False)


def test_more_promised_but_nothing_sent_stops(no_internet):  # noqa: F811
    replies = [Reply.json({"count": 3}), Reply.json({"features": [], "exceededTransferLimit": True})]
    with LoopbackServer(replies) as srv, pytest.raises(ServiceError, match="sent none"):
        arcgis.query(_fake_source(srv.url), "1=1", geometry=False)


def test_codes_are_checked_before_going_into_a_where_clause():
    assert arcgis.where_in("LSOA11CD", ["E01000001"]) == "LSOA11CD IN ('E01000001')"
    with pytest.raises(ValueError, match="not a GSS code"):
        arcgis.where_in("LSOA11CD", ["E01' OR '1'='1"])
