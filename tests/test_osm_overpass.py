"""Overpass client: query building, bounded retries, disk cache, offline mode, JSON → OSM XML.

We have no recorded Overpass answer and no internet, so the "recorded-style" answer is built
from REAL data: a ~1 km² box of Ryde cut from the Isle of Wight extract with pyosmium, laid out
exactly as Overpass answers ``out body; >; out skel qt;`` (matching elements with tags, then
the nodes/ways they need without tags — so some nodes appear twice). It is served from a
loopback HTTP server; the no_internet guard refuses anything else.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from fixtures_http import LoopbackServer, Reply, no_internet, refused_url  # noqa: F401
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon, box

from ecoplan.errors import AreaError, NotInCacheError, ServiceError
from ecoplan.osm import overpass as op
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import overpass as cfg
from ecoplan.settings import paths

pytestmark = pytest.mark.usefixtures("no_internet")

RYDE = (-1.170, 50.725, -1.156, 50.734)  # W,S,E,N: Ryde seafront and town centre, ~1 km²
OSM_BASE = "2015-01-01T21:22:01Z"  # replication time in the extract's header


# --- recorded-style answer from real data -----------------------------------------------------

def _matches(tags: dict[str, str], flt: dict[str, list[str] | bool]) -> bool:
    for key, values in flt.items():
        if key in tags and (values is True or tags[key] in values):
            return True
    return False


def overpass_json_from_pbf(path: Path, bbox: tuple[float, float, float, float]) -> dict:
    """What Overpass returns for our query on ``bbox``, computed from a PBF with pyosmium."""
    import osmium

    w, s, e, n = bbox
    coords: dict[int, tuple[float, float]] = {}
    node_tags: dict[int, dict[str, str]] = {}
    ways: dict[int, tuple[list[int], dict[str, str]]] = {}
    rels: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = {}
    for o in osmium.FileProcessor(str(path)):
        if o.is_node():
            coords[o.id] = (o.location.lat, o.location.lon)
            if len(o.tags):
                node_tags[o.id] = dict(o.tags)
        elif o.is_way():
            ways[o.id] = ([nd.ref for nd in o.nodes], dict(o.tags))
        elif o.is_relation():
            rels[o.id] = ([(m.type, m.ref, m.role) for m in o.members], dict(o.tags))

    def inside(nid: int) -> bool:
        lat, lon = coords.get(nid, (999.0, 999.0))
        return s <= lat <= n and w <= lon <= e

    way_filter = op._merge_filters(osm_cfg.FEATURE_FILTER, osm_cfg.POI_FILTER,
                                   {"highway": True, "building": True})
    rel_filter = {**osm_cfg.FEATURE_FILTER, "building": True}
    touching = {wid for wid, (refs, _) in ways.items() if any(inside(r) for r in refs)}
    m_nodes = sorted(nid for nid, tags in node_tags.items()
                     if inside(nid) and _matches(tags, osm_cfg.POI_FILTER))
    m_ways = sorted(wid for wid in touching if _matches(ways[wid][1], way_filter))

    def rel_ok(tags: dict[str, str]) -> bool:
        if tags.get("type") not in cfg.RELATION_TYPES or not _matches(tags, rel_filter):
            return False
        if tags.get("boundary") == "administrative" and not _matches(tags, {
                k: v for k, v in rel_filter.items() if k != "boundary"}):
            return tags.get("admin_level") in cfg.ADMIN_LEVELS
        return True

    m_rels = sorted(rid for rid, (members, tags) in rels.items() if rel_ok(tags) and any(
        (t == "n" and inside(ref)) or (t == "w" and ref in touching) for t, ref, _ in members))

    kinds = {"n": "node", "w": "way", "r": "relation"}
    elements: list[dict] = []
    for nid in m_nodes:  # out body: nodes, ways, relations with tags
        lat, lon = coords[nid]
        elements.append({"type": "node", "id": nid, "lat": lat, "lon": lon,
                         "tags": node_tags[nid]})
    for wid in m_ways:
        refs, tags = ways[wid]
        elements.append({"type": "way", "id": wid, "nodes": refs, "tags": tags})
    for rid in m_rels:
        members, tags = rels[rid]
        elements.append({"type": "relation", "id": rid, "tags": tags, "members": [
            {"type": kinds[t], "ref": ref, "role": role} for t, ref, role in members]})
    # ">": members of the relations, and the nodes of every way; "out skel": no tags
    down_ways = sorted({ref for rid in m_rels for t, ref, _ in rels[rid][0]
                        if t == "w" and ref in ways} - set(m_ways))
    down_nodes = {ref for wid in (*m_ways, *down_ways) for ref in ways[wid][0]}
    down_nodes |= {ref for rid in m_rels for t, ref, _ in rels[rid][0] if t == "n"}
    for nid in sorted(down_nodes & coords.keys()):
        lat, lon = coords[nid]
        elements.append({"type": "node", "id": nid, "lat": lat, "lon": lon})
    for wid in down_ways:
        elements.append({"type": "way", "id": wid, "nodes": ways[wid][0]})
    return {
        "version": 0.6, "generator": "Overpass API 0.7.62.1 084b4234",
        "osm3s": {"timestamp_osm_base": OSM_BASE,
                  "copyright": "The data included in this document is from "
                               "www.openstreetmap.org. The data is made available under ODbL."},
        "elements": elements,
    }


@pytest.fixture(scope="module")
def ryde_json() -> dict:
    pbf = paths.shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.exists():
        pytest.skip(f"real OSM extract not found at {pbf}")
    return overpass_json_from_pbf(pbf, RYDE)


@pytest.fixture(autouse=True)
def tmp_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ECOPLAN_OVERPASS_URL", raising=False)
    return tmp_path / "cache"


class Sleeps(list):
    """Injected sleep: records waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _api(srv: LoopbackServer) -> str:
    return srv.url + "/api/interpreter"


# --- the fixture itself is sane (guards against a vacuous round-trip test) -------------------

def test_fixture_looks_like_overpass_answer(ryde_json):
    els = ryde_json["elements"]
    tagged_ways = [e for e in els if e["type"] == "way" and e.get("tags")]
    assert sum(1 for w in tagged_ways if "highway" in w["tags"]) > 50
    assert any(e["type"] == "node" and e.get("tags", {}).get("highway") == "bus_stop"
               for e in els)
    ids = [(e["type"], e["id"]) for e in els]
    assert len(ids) > len(set(ids)), "out body + out skel should repeat some nodes"
    node_ids = {e["id"] for e in els if e["type"] == "node"}
    assert all(ref in node_ids for w in tagged_ways for ref in w["nodes"])


# --- query ------------------------------------------------------------------------------------

def test_query_is_built_from_the_settings_taxonomy():
    q = op.build_query(RYDE, timeout=99)
    assert q.startswith("[out:json][timeout:99];")
    assert q.rstrip().endswith("out body;\n>;\nout skel qt;")
    for key, values in {**osm_cfg.FEATURE_FILTER, **osm_cfg.POI_FILTER}.items():
        assert f'["{key}"' in q, key
        if values is not True:
            assert all(re.search(rf"[\^|({v}[|)]", q) for v in values), key
    assert 'way["highway"](' in q  # every highway way, whatever its value
    assert 'way["building"](' in q
    # bbox order in Overpass is (south, west, north, east)
    assert "(50.7250000,-1.1700000,50.7340000,-1.1560000)" in q
    # relations only of polygon types, and no county/country admin boundaries
    assert all('["type"~"^(boundary|multipolygon)$"]' in line
               for line in q.splitlines() if line.strip().startswith("rel"))
    assert '["admin_level"~"^(10|8|9)$"]' in q


def test_query_without_buildings():
    assert '["building"]' not in op.build_query(RYDE, buildings=False)


def test_polygon_query_is_simplified_and_covers_the_area():
    circle = Point(-1.16, 50.73).buffer(0.05, quad_segs=500)  # 2,000 vertices
    q = op.build_query(circle)
    polys = re.findall(r'\(poly:"([^"]+)"\)', q)
    assert polys and len(set(polys)) == 1
    nums = [float(x) for x in polys[0].split()]
    assert len(nums) // 2 <= cfg.POLY_MAX_VERTICES
    ring = Polygon([(lon, lat) for lat, lon in zip(nums[::2], nums[1::2], strict=True)])
    assert ring.covers(circle)
    assert ring.area < circle.area * 1.1  # but not much bigger
    assert len(q) < 40_000


def test_multipolygon_area_gets_one_poly_per_part():
    parts = MultiPolygon([box(-1.2, 50.7, -1.19, 50.71), box(-1.1, 50.7, -1.09, 50.71)])
    q = op.build_query(parts)
    assert len(set(re.findall(r'\(poly:"([^"]+)"\)', q))) == 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.2, 1.0), min_size=3, max_size=300),
       st.integers(min_value=8, max_value=80))
def test_simplify_cover_contains_original_within_budget(radii, budget):
    import math
    k = len(radii)
    pts = [(-1.16 + 0.02 * r * math.cos(2 * math.pi * i / k),
            50.73 + 0.02 * r * math.sin(2 * math.pi * i / k)) for i, r in enumerate(radii)]
    poly = Polygon(pts)
    if not poly.is_valid or poly.area == 0:
        return
    cover = op.simplify_cover(poly, budget)
    assert len(cover.exterior.coords) - 1 <= budget
    assert cover.buffer(1e-9).covers(poly)


def test_too_large_area_is_refused_before_any_request():
    with LoopbackServer() as srv:
        with pytest.raises(AreaError, match="km² limit"):
            op.fetch_osm_json((-2.0, 50.0, -1.0, 51.0), base_url=_api(srv))
        assert srv.requests == []


def test_invalid_polygon_is_refused():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with pytest.raises(AreaError, match="invalid"):
        op.build_query(bowtie)


# --- fetching, XML ----------------------------------------------------------------------------

def test_fetch_writes_osm_xml_that_round_trips(ryde_json):
    import osmium

    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        path = op.fetch_osm_xml(RYDE, base_url=_api(srv))
        req = srv.requests[0]
    assert req.method == "POST" and req.path == "/api/interpreter"
    assert req.form()["data"][0] == op.build_query(RYDE)
    assert req.headers["User-Agent"].startswith("ecoplan/")

    unique = {(e["type"], e["id"]): e for e in ryde_json["elements"] if e.get("tags")}
    for e in ryde_json["elements"]:
        unique.setdefault((e["type"], e["id"]), e)
    counts = {"node": 0, "way": 0, "relation": 0}
    tags_read: dict[tuple[str, int], dict[str, str]] = {}
    for o in osmium.FileProcessor(str(path)):
        kind = "node" if o.is_node() else "way" if o.is_way() else "relation"
        counts[kind] += 1
        if len(o.tags):
            tags_read[(kind, o.id)] = dict(o.tags)
        if o.is_way():
            assert [nd.ref for nd in o.nodes] == unique[("way", o.id)]["nodes"]
        if o.is_node():
            src = unique[("node", o.id)]
            assert o.location.lat == pytest.approx(src["lat"], abs=1e-7)
    for kind in counts:
        assert counts[kind] == sum(1 for t, _ in unique if t == kind), kind
    expected_tags = {k: e["tags"] for k, e in unique.items() if e.get("tags")}
    assert tags_read == expected_tags
    root = ET.parse(path).getroot()
    assert root.tag == "osm" and root.get("version") == "0.6"
    assert root.find("meta").get("osm_base") == OSM_BASE


def test_untrusted_tag_text_is_escaped(tmp_path):
    nasty = 'Tom & Jerry\'s <"Park"> ]]> \t café ☕ \x01bell'
    data = {"elements": [
        {"type": "node", "id": 1, "lat": 50.73, "lon": -1.16},
        {"type": "node", "id": 2, "lat": 50.731, "lon": -1.161, "tags": {"name": nasty}},
        {"type": "node", "id": 1, "lat": 50.73, "lon": -1.16, "tags": {"amenity": "bench"}},
        {"type": "way", "id": 10, "nodes": [1, 2], "tags": {"highway": "footway",
                                                            'we"ird&key': "<v>"}},
        {"type": "relation", "id": 5, "tags": {"type": "multipolygon", "name": "A & B"},
         "members": [{"type": "way", "ref": 10, "role": 'out"er'}]},
        {"type": "area", "id": 3600000001, "tags": {"name": "derived, not OSM"}},
    ]}
    path = op.overpass_json_to_osm_xml(data, tmp_path / "x.osm")
    root = ET.parse(path).getroot()
    nodes = {int(n.get("id")): n for n in root.iter("node")}
    assert sorted(nodes) == [1, 2]  # duplicate merged, keeping tags
    assert {t.get("k"): t.get("v") for t in nodes[1].iter("tag")} == {"amenity": "bench"}
    name = nodes[2].find("tag").get("v")
    assert name == nasty.replace("\x01", "\ufffd")
    way = root.find("way")
    assert {t.get("k"): t.get("v") for t in way.iter("tag")}['we"ird&key'] == "<v>"
    assert root.find("relation/member").get("role") == 'out"er'
    assert root.find("area") is None
    assert list(tmp_path.glob("*.tmp")) == []


def test_second_call_is_served_from_cache(ryde_json, tmp_cache):
    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        first = op.fetch_osm_json(RYDE, base_url=_api(srv))
        second = op.fetch_osm_json(RYDE, base_url=_api(srv))
        assert len(srv.requests) == 1
    assert first["ecoplan"]["from_cache"] is False
    assert second["ecoplan"]["from_cache"] is True
    assert second["ecoplan"]["fetched_at"] == first["ecoplan"]["fetched_at"]
    assert second["elements"] == ryde_json["elements"]
    files = list((tmp_cache / "overpass").glob("*.json.gz"))
    assert [f.name for f in files] == [op.query_key(op.build_query(RYDE)) + ".json.gz"]
    entry = json.loads(gzip.decompress(files[0].read_bytes()))
    assert entry["fetched_at"] and entry["query"] == op.build_query(RYDE)


def test_offline_with_empty_cache_names_the_area():
    with LoopbackServer() as srv:
        with pytest.raises(NotInCacheError, match=r"bbox -1\.17,50\.725,-1\.156,50\.734"):
            op.fetch_osm_json(RYDE, offline=True, base_url=_api(srv))
        assert srv.requests == []


def test_offline_with_cache_needs_no_network(ryde_json):
    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        op.fetch_osm_xml(RYDE, base_url=_api(srv))
    path = op.fetch_osm_xml(RYDE, offline=True, base_url=refused_url())
    assert path.exists() and path.suffix == ".osm"
    data = op.fetch_osm_json(RYDE, offline=True)
    assert data["ecoplan"]["from_cache"] is True


def test_corrupt_cache_entry_is_fetched_again(ryde_json, tmp_cache):
    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        op.fetch_osm_json(RYDE, base_url=_api(srv))
        (entry,) = (tmp_cache / "overpass").glob("*.json.gz")
        entry.write_bytes(entry.read_bytes()[:100])  # truncated
        data = op.fetch_osm_json(RYDE, base_url=_api(srv))
        assert len(srv.requests) == 2
    assert data["ecoplan"]["from_cache"] is False


# --- failures and retries ---------------------------------------------------------------------

def test_429_then_200_backs_off_and_succeeds(ryde_json):
    sleeps = Sleeps()
    replies = [Reply.text("rate limited", 429, headers={"Retry-After": "7"}),
               Reply.text("busy", 429), Reply.json(ryde_json)]
    with LoopbackServer(replies) as srv:
        data = op.fetch_osm_json(RYDE, base_url=_api(srv), sleep=sleeps)
        assert len(srv.requests) == 3
    assert data["elements"] == ryde_json["elements"]
    assert sleeps == [7.0, cfg.BACKOFF_BASE_S * 2]  # Retry-After honoured, then exponential


def test_504_every_time_gives_up_after_max_retries():
    sleeps = Sleeps()
    with LoopbackServer([Reply.text("Gateway Timeout", 504)]) as srv:
        with pytest.raises(ServiceError, match=r"busy \(HTTP 504\).*4 attempts.*\.osm\.pbf"):
            op.fetch_osm_json(RYDE, base_url=_api(srv), max_retries=3, sleep=sleeps)
        assert len(srv.requests) == 4
    assert len(sleeps) == 3
    assert sleeps == sorted(sleeps)  # exponential
    assert sum(sleeps) <= cfg.BACKOFF_TOTAL_MAX_S


def test_huge_retry_after_stays_within_the_wait_budget():
    sleeps = Sleeps()
    with LoopbackServer([Reply.text("slow down", 429, headers={"Retry-After": "86400"})]) as srv:
        with pytest.raises(ServiceError, match="busy"):
            op.fetch_osm_json(RYDE, base_url=_api(srv), max_retries=10, sleep=sleeps)
        assert len(srv.requests) == len(sleeps) + 1 <= 11
    assert all(s <= cfg.BACKOFF_MAX_S for s in sleeps)
    assert sum(sleeps) <= cfg.BACKOFF_TOTAL_MAX_S


def test_retry_after_as_http_date_is_understood():
    assert op.backoff_delay(0, "Wed, 21 Oct 2015 07:28:00 GMT") == cfg.BACKOFF_BASE_S  # past
    assert op.backoff_delay(0, "garbage") == cfg.BACKOFF_BASE_S
    assert op.backoff_delay(20, None) == cfg.BACKOFF_MAX_S


def test_remark_runtime_error_is_a_service_error_and_not_cached():
    answer = {"version": 0.6, "generator": "Overpass API", "elements": [],
              "remark": 'runtime error: Query timed out in "query" at line 3 after 181 seconds.'}
    with LoopbackServer([Reply.json(answer)]) as srv:
        for _ in range(2):
            with pytest.raises(ServiceError, match=r"timed out.*smaller area.*\.osm\.pbf"):
                op.fetch_osm_json(RYDE, base_url=_api(srv))
        assert len(srv.requests) == 2  # the failure was not cached


def test_connection_refused_is_a_service_error():
    with pytest.raises(ServiceError, match=r"could not be reached.*\.osm\.pbf.*offline mode"):
        op.fetch_osm_json(RYDE, base_url=refused_url() + "/api/interpreter")


def test_http_400_reports_overpass_error_line():
    page = ("<html><body><p><strong style=\"color:#FF0000\">Error</strong>: line 2: "
            "parse error: Unknown type \"nwx\" </p></body></html>")
    with (
        LoopbackServer([Reply.text(page, 400, "text/html")]) as srv,
        pytest.raises(ServiceError, match=r"HTTP 400: Error : line 2: parse error"),
    ):
        op.fetch_osm_json(RYDE, base_url=_api(srv))


def test_non_json_answer_is_a_service_error():
    with (
        LoopbackServer([Reply.text("<osm/>", 200, "application/xml")]) as srv,
        pytest.raises(ServiceError, match="not JSON"),
    ):
        op.fetch_osm_json(RYDE, base_url=_api(srv))


def test_env_var_sets_the_endpoint(monkeypatch, ryde_json):
    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        monkeypatch.setenv("ECOPLAN_OVERPASS_URL", _api(srv))
        op.fetch_osm_json(RYDE)
        assert len(srv.requests) == 1


def test_guard_refuses_the_real_internet():
    with pytest.raises(requests.ConnectionError):
        requests.get("http://overpass-api.de/api/status", timeout=2)


# --- read_overpass (through the XML reader) ---------------------------------------------------

@pytest.fixture(scope="module")
def ryde_layers(ryde_json, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp, LoopbackServer([Reply.json(ryde_json)]) as srv:
        mp.setenv("ECOPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        return op.read_overpass(bbox="-1.170,50.725,-1.156,50.734", base_url=_api(srv))


def test_read_overpass_bbox_gives_layers(ryde_layers):
    layers = ryde_layers
    assert len(layers.ways) > 100 and len(layers.nodes) > 100
    assert (layers.ways["highway"].notna()).all()
    w, s, e, n = layers.pois.total_bounds
    assert RYDE[0] - 1e-6 <= w and e <= RYDE[2] + 1e-6
    assert layers.source.kind == "overpass"
    assert layers.source.data_date is not None and layers.source.data_date.year == 2015
    assert "Overpass" in layers.source.note


def test_overpass_path_agrees_with_the_pbf_reader(ryde_layers):
    """Same area, same real data: the online path must find what the PBF path finds."""
    pbf = paths.shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    from ecoplan.osm.pbf import read_pbf

    local = read_pbf(pbf, bbox=RYDE)
    online = ryde_layers
    assert set(online.pois["osm_id"]) == set(local.pois["osm_id"])
    assert set(local.features["osm_id"]) <= set(online.features["osm_id"])
    assert set(local.ways["osm_id"]) <= set(online.ways["osm_id"])
    assert len(online.ways) <= len(local.ways) * 1.1
    assert len(online.buildings) == len(local.buildings)


def test_read_overpass_place_uses_nominatim_then_overpass(ryde_json, monkeypatch):
    from ecoplan.osm import geocode
    monkeypatch.setattr(geocode, "_last_request", [float("-inf")])
    outline = box(-1.168, 50.726, -1.158, 50.733)
    hit = [{"osm_type": "relation", "osm_id": 1, "display_name": "Ryde",
            "boundingbox": ["50.726", "50.733", "-1.168", "-1.158"],
            "geojson": outline.__geo_interface__}]

    def respond(req):
        return Reply.json(hit) if req.path == "/search" else Reply.json(ryde_json)

    with LoopbackServer(respond) as srv:
        monkeypatch.setenv("ECOPLAN_NOMINATIM_URL", srv.url + "/search")
        layers = op.read_overpass(place="Ryde, Isle of Wight", base_url=_api(srv))
        assert [r.path for r in srv.requests] == ["/search", "/api/interpreter"]
        sent = srv.requests[1].form()["data"][0]
    assert '(poly:"' in sent and sent == op.build_query(outline)
    assert len(layers.ways) > 0
    assert layers.source.name == "Ryde, Isle of Wight"
    assert len(layers.pois) and layers.pois.within(outline.buffer(1e-9)).all()


def test_read_overpass_needs_exactly_one_area():
    with pytest.raises(AreaError, match="exactly one"):
        op.read_overpass()
    with pytest.raises(AreaError, match="exactly one"):
        op.read_overpass(place="Ryde", bbox=RYDE)


def test_read_overpass_offline_miss_is_not_in_cache():
    with pytest.raises(NotInCacheError):
        op.read_overpass(bbox=RYDE, offline=True)


def test_fixture_is_not_mutated_by_fetch(ryde_json):
    before = copy.deepcopy(ryde_json["elements"][:50])
    with LoopbackServer([Reply.json(ryde_json)]) as srv:
        op.fetch_osm_json(RYDE, base_url=_api(srv))
    assert ryde_json["elements"][:50] == before


def test_read_overpass_empty_answer_names_the_area():
    empty = {"version": 0.6, "osm3s": {"timestamp_osm_base": OSM_BASE}, "elements": []}
    with (
        LoopbackServer([Reply.json(empty)]) as srv,
        pytest.raises(AreaError, match=r"no streets, paths or green space in bbox -1\.17"),
    ):
        op.read_overpass(bbox=RYDE, base_url=_api(srv))
