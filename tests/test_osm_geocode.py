"""Place names via Nominatim (recorded-style answers from a loopback server) and bbox parsing."""

from __future__ import annotations

import math
import re

import pytest
from fixtures_http import LoopbackServer, Reply, no_internet, refused_url  # noqa: F401
from hypothesis import assume, given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from ecoplan.errors import AreaError, NotInCacheError, ServiceError
from ecoplan.osm import geocode as gc
from ecoplan.settings import overpass as cfg

pytestmark = pytest.mark.usefixtures("no_internet")

# A jsonv2 answer in the shape Nominatim gives for polygon_geojson=1 (outline simplified here).
RYDE_OUTLINE = Polygon([(-1.1850, 50.7160), (-1.1405, 50.7120), (-1.1290, 50.7290),
                        (-1.1480, 50.7355), (-1.1700, 50.7345), (-1.1850, 50.7160)])
FOUND = [{
    "place_id": 118906318, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. "
    "http://osm.org/copyright", "osm_type": "relation", "osm_id": 2772045,
    "lat": "50.7299", "lon": "-1.1610", "category": "boundary", "type": "administrative",
    "place_rank": 16, "importance": 0.52, "addresstype": "town", "name": "Ryde",
    "display_name": "Ryde, Isle of Wight, England, United Kingdom",
    "boundingbox": ["50.7120", "50.7355", "-1.1850", "-1.1290"],
    "geojson": RYDE_OUTLINE.__geo_interface__,
}]
POINT_ONLY = [{
    "place_id": 1, "osm_type": "node", "osm_id": 27396148, "lat": "50.6630", "lon": "-1.2580",
    "category": "place", "type": "hamlet", "name": "Rookley Green",
    "display_name": "Rookley Green, Isle of Wight, England, United Kingdom",
    "boundingbox": ["50.6580", "50.6680", "-1.2630", "-1.2530"],
    "geojson": {"type": "Point", "coordinates": [-1.258, 50.663]},
}]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(gc, "_last_request", [-math.inf])


def _search(srv: LoopbackServer) -> str:
    return srv.url + "/search"


# --- geocode_place ----------------------------------------------------------------------------

def test_found_place_returns_its_outline_and_asks_politely():
    with LoopbackServer([Reply.json(FOUND)]) as srv:
        geom = gc.geocode_place("  Ryde,   Isle of Wight ", base_url=_search(srv))
        (req,) = srv.requests
    assert geom.equals(RYDE_OUTLINE)
    assert req.method == "GET" and req.path == "/search"
    assert req.query["q"] == ["Ryde, Isle of Wight"]
    assert req.query["format"] == ["jsonv2"] and req.query["polygon_geojson"] == ["1"]
    assert req.query["limit"] == [str(cfg.NOMINATIM_LIMIT)]
    assert re.match(r"ecoplan/\d+\.\d+\.\d+ \(", req.headers["User-Agent"])


def test_answer_is_cached_and_offline_uses_it():
    with LoopbackServer([Reply.json(FOUND)]) as srv:
        gc.geocode_place("Ryde, Isle of Wight", base_url=_search(srv))
        again = gc.geocode_place("ryde, isle of wight", base_url=_search(srv))  # case-insensitive
        assert len(srv.requests) == 1
    offline = gc.geocode_place("Ryde, Isle of Wight", offline=True, base_url=refused_url())
    assert again.equals(RYDE_OUTLINE) and offline.equals(RYDE_OUTLINE)


def test_offline_without_cache_is_not_in_cache():
    with LoopbackServer() as srv:
        with pytest.raises(NotInCacheError, match=r"'Ryde' has not been looked up.*bbox"):
            gc.geocode_place("Ryde", offline=True, base_url=_search(srv))
        assert srv.requests == []


def test_unknown_place_is_an_area_error():
    with (
        LoopbackServer([Reply.json([])]) as srv,
        pytest.raises(AreaError, match=r"Nominatim found no place called 'Xyzzyville' — "
                                       r"check the spelling.*bbox"),
    ):
        gc.geocode_place("Xyzzyville", base_url=_search(srv))


def test_point_only_place_is_refused_with_a_usable_bbox_suggestion():
    with (
        LoopbackServer([Reply.json(POINT_ONLY)]) as srv,
        pytest.raises(AreaError, match="only as a point, not an area") as info,
    ):
        gc.geocode_place("Rookley Green", base_url=_search(srv))
    suggested = re.search(r"rough box for it is ([-\d.,]+)\)", str(info.value)).group(1)
    assert gc.parse_bbox(suggested) == (-1.263, 50.658, -1.253, 50.668)


def test_first_polygon_result_wins_over_an_earlier_point():
    with LoopbackServer([Reply.json(POINT_ONLY + FOUND)]) as srv:
        assert gc.geocode_place("Ryde", base_url=_search(srv)).equals(RYDE_OUTLINE)


def test_self_intersecting_outline_is_repaired():
    bowtie = {"type": "Polygon",
              "coordinates": [[[-1.2, 50.7], [-1.1, 50.8], [-1.1, 50.7], [-1.2, 50.8],
                               [-1.2, 50.7]]]}
    with LoopbackServer([Reply.json([{**FOUND[0], "geojson": bowtie}])]) as srv:
        geom = gc.geocode_place("Bowtie", base_url=_search(srv))
    assert geom.is_valid and isinstance(geom, Polygon | MultiPolygon)
    assert geom.area == pytest.approx(0.005, rel=1e-6)


def test_geojson_format_answer_is_understood_too():
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "bbox": [-1.185, 50.712, -1.129, 50.7355],
        "properties": {"display_name": "Ryde"}, "geometry": RYDE_OUTLINE.__geo_interface__}]}
    with LoopbackServer([Reply.json(fc)]) as srv:
        assert gc.geocode_place("Ryde", base_url=_search(srv)).equals(RYDE_OUTLINE)


def test_at_most_one_request_per_second():
    sleeps: list[float] = []
    with LoopbackServer([Reply.json(FOUND)]) as srv:
        for name in ("Ryde", "Newport", "Cowes"):
            gc.geocode_place(name, base_url=_search(srv), sleep=sleeps.append,
                             clock=lambda: 1000.0)  # frozen clock: no time passes
        assert len(srv.requests) == 3
    assert sleeps == [cfg.NOMINATIM_MIN_INTERVAL_S] * 2


@pytest.mark.parametrize("status", [403, 429, 500])
def test_http_errors_are_service_errors(status):
    with (
        LoopbackServer([Reply.text("no", status)]) as srv,
        pytest.raises(ServiceError, match=f"HTTP {status}.*bbox"),
    ):
        gc.geocode_place("Ryde", base_url=_search(srv))


def test_unreachable_nominatim_is_a_service_error():
    with pytest.raises(ServiceError, match="could not be reached.*bbox"):
        gc.geocode_place("Ryde", base_url=refused_url() + "/search")


def test_failures_are_not_cached():
    with LoopbackServer([Reply.text("busy", 503), Reply.json(FOUND)]) as srv:
        with pytest.raises(ServiceError):
            gc.geocode_place("Ryde", base_url=_search(srv))
        assert gc.geocode_place("Ryde", base_url=_search(srv)).equals(RYDE_OUTLINE)


def test_empty_name_is_refused():
    with pytest.raises(AreaError, match="empty"):
        gc.geocode_place("   ")


# --- parse_bbox -------------------------------------------------------------------------------

def test_parse_bbox_accepts_spaces_and_signs():
    assert gc.parse_bbox(" -1.17 , 50.72,-1.15,  50.74 ") == (-1.17, 50.72, -1.15, 50.74)


@pytest.mark.parametrize(("text", "message"), [
    ("-1.17,50.72,-1.15", "four numbers"),
    ("-1.17,50.72,-1.15,50.74,3", "four numbers"),
    ("a,b,c,d", "four numbers"),
    ("", "four numbers"),
    ("-1.15,50.72,-1.17,50.74", "west -1.15 must be less than east -1.17"),
    ("-1.17,50.74,-1.15,50.72", "south 50.74 must be less than north 50.72"),
    ("-1.17,95,-1.15,96", "latitude 95 is outside -90..90"),
    ("-181,50,-1.15,50.1", "longitude -181 is outside -180..180"),
    ("nan,50.72,-1.15,50.74", "not a finite number"),
    ("-1.17,50.72,inf,50.74", "not a finite number"),
    ("-3,50,-1,51.5", "km² limit"),
])
def test_parse_bbox_rejects_with_a_clear_message(text, message):
    with pytest.raises(AreaError, match=message):
        gc.parse_bbox(text)


def test_bbox_limit_is_configurable():
    assert gc.parse_bbox("-3,50,-1,51.5", max_km2=1e6)
    with pytest.raises(AreaError, match="km²"):
        gc.parse_bbox("-1.17,50.72,-1.15,50.74", max_km2=0.5)


def test_area_km2_matches_a_known_cell():
    # one degree of latitude × 0.1° of longitude at 50.5°N ≈ 111.2 km × 7.08 km
    assert gc.area_km2(box(0, 50, 0.1, 51)) == pytest.approx(111.2 * 7.08, rel=0.01)


lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-89.9, 89.9, allow_nan=False)
sizes = st.floats(1e-4, 0.3)


@given(lons, lats, sizes, sizes)
def test_valid_small_boxes_round_trip(w, s, dw, dh):
    e, n = w + dw, s + dh
    assume(e <= 180 and n <= 90)
    assume(gc.area_km2(box(w, s, e, n)) <= cfg.MAX_AREA_KM2)
    assert gc.parse_bbox(f"{w!r},{s!r},{e!r},{n!r}") == (w, s, e, n)


@given(lons, lats, lons, lats)
def test_any_four_numbers_either_parse_or_raise_area_error(w, s, e, n):
    try:
        out = gc.parse_bbox(f"{w},{s},{e},{n}")
    except AreaError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert out[0] < out[2] and out[1] < out[3]
    assert gc.area_km2(box(*out)) <= cfg.MAX_AREA_KM2


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    try:
        out = gc.parse_bbox(text)
    except AreaError:
        return
    assert len(out) == 4 and all(math.isfinite(v) for v in out)


@given(lons, lats, sizes, sizes)
def test_swapped_corners_are_rejected(w, s, dw, dh):
    e, n = w + dw, s + dh
    assume(e <= 180 and n <= 90)
    with pytest.raises(AreaError, match="must be less than"):
        gc.parse_bbox(f"{e},{s},{w},{n}")
    with pytest.raises(AreaError, match="must be less than"):
        gc.parse_bbox(f"{w},{n},{e},{s}")
