"""The one-page A4 PDF route map, on real Isle of Wight data and small in-code fixtures."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from matplotlib.image import imread
from shapely.geometry import LineString, Point, Polygon

from ecoplan.errors import AreaError
from ecoplan.osm import layers as L
from ecoplan.routes.model import Route, Step, Waypoint, geodesic_length_m
from ecoplan.routes.printmap import direction_lines, render_route_pdf
from ecoplan.settings import paths

IOW = "osm/isle-of-wight_2015-01-01.osm.pbf"
A4 = {(595, 842), (842, 595)}
UNTRUSTED = "Ryde <b>walk</b> $\\frac{1}{2}$ & co"


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return exe


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _page(path: Path) -> tuple[int, tuple[int, int]]:
    info = _pdfinfo(path)
    w, _, h, *_ = info["Page size"].split()
    return int(info["Pages"]), (round(float(w)), round(float(h)))


def _text(path: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _raw_text(path: Path) -> str:
    """Text in drawing order (column by column), not laid out side by side."""
    return subprocess.run([_tool("pdftotext"), "-raw", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def iow_layers() -> L.OsmLayers:
    pbf_path = paths.shared_data_dir() / IOW
    if not pbf_path.exists():
        pytest.skip(f"real data missing: {pbf_path}")
    from ecoplan.osm.pbf import read_pbf
    return read_pbf(pbf_path, bbox=(-1.19, 50.712, -1.13, 50.74))


def _route_through(layers: L.OsmLayers, stops: list[tuple[float, float]], title: str) -> Route:
    """A real route along Ryde streets: shortest paths between the given stops."""
    graph = nx.Graph()
    for u, v, length, name in zip(layers.ways["u"], layers.ways["v"], layers.ways["length_m"],
                                  layers.ways["name"], strict=True):
        graph.add_edge(int(u), int(v), w=float(length), name=name if isinstance(name, str) else "")
    nodes = layers.nodes.geometry
    xs, ys = nodes.x.to_numpy(), nodes.y.to_numpy()
    ids = [int(nodes.index[np.argmin(np.hypot(xs - x, ys - y))]) for x, y in stops]
    path = [ids[0]]
    for a, b in zip(ids, ids[1:], strict=False):
        path += nx.shortest_path(graph, a, b, weight="w")[1:]
    line = LineString([nodes.loc[n].coords[0] for n in path])
    steps: list[Step] = []
    for a, b in zip(path, path[1:], strict=False):
        name = graph.edges[a, b]["name"] or "the path"
        if steps and steps[-1].text.endswith(name):
            steps[-1] = Step(steps[-1].text, steps[-1].distance_m + graph.edges[a, b]["w"])
        else:
            steps.append(Step(f"Continue along {name}", graph.edges[a, b]["w"]))
    length = geodesic_length_m(line)
    toilets = layers.pois[layers.pois["amenity"] == "toilets"].head(2)
    wps = [Waypoint("start", "Ryde Esplanade", *line.coords[0])]
    wps += [Waypoint("toilets", "<b>$x$</b> WC", p.x, p.y) for p in toilets.geometry]
    wps.append(Waypoint("bench", "$\\frac{1}{2}$", *line.coords[len(line.coords) // 3]))
    return Route(line, length, length / 1000 / 3.0 * 60, 3.0, True, Point(line.coords[0]), wps,
                 steps, {"share_green_blue": 0.4, "share_on_roads": 0.3, "share_retraced": 0.1,
                  "toilets": 2},
                 title, True)


@pytest.fixture(scope="module")
def wide_route(iow_layers: L.OsmLayers) -> Route:
    # Ryde sea front → Appley → back through the town (runs east-west).
    return _route_through(iow_layers, [(-1.1605, 50.7320), (-1.1440, 50.7280), (-1.1560, 50.7240),
                                       (-1.1640, 50.7285), (-1.1605, 50.7320)], UNTRUSTED)


@pytest.fixture(scope="module")
def tall_route(iow_layers: L.OsmLayers) -> Route:
    return _route_through(iow_layers, [(-1.1605, 50.7320), (-1.1650, 50.7170), (-1.1560, 50.7180),
                                       (-1.1605, 50.7320)], "Ryde north to south")


@pytest.fixture(scope="module")
def wide_pdf(tmp_path_factory, wide_route: Route, iow_layers: L.OsmLayers) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "ryde.pdf"
    return render_route_pdf(wide_route, iow_layers, out, date="Saturday 6 June 2026")


def test_one_a4_page_in_either_orientation(wide_pdf: Path, tall_route: Route,
                                           iow_layers: L.OsmLayers, tmp_path: Path) -> None:
    pages, size = _page(wide_pdf)
    # the map page; 9 of its 24 Ryde street steps fit beside a landscape map, the rest are
    # overleaf
    assert pages == 2
    assert size == (842, 595)  # east-west route → landscape
    tall = render_route_pdf(tall_route, iow_layers, tmp_path / "tall.pdf")
    pages, size = _page(tall)
    assert pages == 2  # 29 steps: 10 beside the map, the rest overleaf
    assert size == (595, 842)  # north-south route → portrait
    assert size in A4


def test_pdf_text_has_title_attribution_grid_ref_and_blocks(wide_pdf: Path,
                                                           wide_route: Route) -> None:
    text = _text(wide_pdf)
    flat = " ".join(text.split())
    assert UNTRUSTED in flat  # printed literally: no mathtext, no markup
    assert "© OpenStreetMap contributors" in flat
    assert "OS grid ref SZ 59" in flat
    assert "Saturday 6 June 2026" in flat
    assert "Leader's phone" in flat or "Leader’s phone" in flat
    for word in ("Route", "Toilets", "Bench", "Directions", "Step-free", "Start (S)",
                 "N", "Continue along"):
        assert word in flat, word
    km = f"{wide_route.length_m / 1000:.1f} km"
    assert km in flat
    assert f"about {wide_route.minutes:.0f} min" in flat
    # the toilets passed, under the key scoring.measure writes (issue #10)
    assert "2 toilets on the way" in flat
    assert "Circular walk" in flat and "10 % retraced" in flat
    assert "Finish" not in flat  # a loop ends at its start


def test_out_and_back_walk_is_called_so(wide_route: Route, iow_layers: L.OsmLayers,
                                        tmp_path: Path) -> None:
    """Issue #3: a loop retracing most of its length is printed as out-and-back, with the
    share retraced."""
    back = replace(wide_route, scores={**wide_route.scores, "share_retraced": 0.8})
    flat = " ".join(_text(render_route_pdf(back, iow_layers, tmp_path / "b.pdf")).split())
    assert "Out-and-back walk ·" in flat and "Circular walk" not in flat
    assert "80 % retraced (walked both ways)" in flat


def test_a_to_b_walk_marks_its_finish(tall_route: Route, iow_layers: L.OsmLayers,
                                      tmp_path: Path) -> None:
    """Issue #4: an A-to-B walk's finish is on the map (F), in the key and in the facts."""
    from ecoplan.routes.gridref import grid_reference
    from ecoplan.routes.printmap import legend_handles

    half = LineString(tall_route.geometry.coords[: len(tall_route.geometry.coords) // 2])
    atob = replace(tall_route, geometry=half, is_loop=False)
    labels = [h.get_label() for h in legend_handles(atob)]
    assert "Finish (F)" in labels and "Finish (F)" not in [
        h.get_label() for h in legend_handles(tall_route)]
    flat = " ".join(_text(render_route_pdf(atob, iow_layers, tmp_path / "ab.pdf")).split())
    lon, lat = half.coords[-1]
    ref = grid_reference(lon, lat, 6).ref
    assert ref and f"Finish: OS grid ref {ref}" in flat
    assert f"lat {lat:.5f}, lon {lon:.5f}" in flat
    assert "Finish (F)" in flat and "Walk ·" in flat
    assert "retraced" not in flat  # retracing is a loop's measure


def test_rendering_shows_route_and_is_print_friendly(wide_pdf: Path, tmp_path: Path) -> None:
    exe = _tool("pdftoppm")
    subprocess.run([exe, "-png", "-r", "40", str(wide_pdf), str(tmp_path / "page")], check=True)
    png = sorted(tmp_path.glob("page*.png"))[0]  # the map page
    img = imread(png)[..., :3]
    # Route colour (Okabe-Ito vermillion #d55e00) clearly present.
    route_rgb = np.array([0xD5, 0x5E, 0x00]) / 255
    near = np.abs(img - route_rgb).max(axis=2) < 0.12
    assert near.mean() > 0.002
    # Mostly light ground: prints without flooding the page with ink.
    assert img.mean() > 0.75


def test_untrusted_names_render_literally(wide_route: Route, iow_layers: L.OsmLayers,
                                          tmp_path: Path) -> None:
    evil = [Step("Turn at $\\frac{1}{2}$ <b>bold</b> \x07 lane", 120.0),
            Step("Pass the $$ cafe $", 80.0)]
    r = Route(wide_route.geometry, wide_route.length_m, wide_route.minutes, 3.0, False,
              wide_route.start, wide_route.waypoints, evil, {}, "$a^2$ walk", True)
    out = render_route_pdf(r, iow_layers, tmp_path / "evil.pdf", title="$\\frac{1}{2}$ <b>")
    flat = " ".join(_text(out).split())
    assert "$\\frac{1}{2}$ <b>" in flat
    assert "Turn at $\\frac{1}{2}$" in flat
    assert "<b>bold</b> lane" in flat
    assert "Pass the $$ cafe $" in flat
    assert "Step-free: NO" in flat


def _tiny_layers(lon: float, lat: float) -> L.OsmLayers:
    """A park and a street grid around (lon, lat), built in code."""
    d = 0.002
    park = Polygon([(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)])
    features = L.conform(gpd.GeoDataFrame({"leisure": ["park"], "osm_id": [1], "osm_type": ["way"]},
                                          geometry=[park], crs=L.CRS), L.feature_columns())
    rows, nid = [], 0
    for i in range(5):
        for a, b in (((lon - d, lat + i * d / 2), (lon + 2 * d, lat + i * d / 2)),
                     ((lon + i * d / 2, lat - d), (lon + i * d / 2, lat + 2 * d))):
            rows.append({"u": nid, "v": nid + 1, "osm_id": 100 + nid, "length_m": 300.0,
                         "highway": "residential" if i % 2 else "footway",
                         "geometry": LineString([a, b])})
            nid += 2
    ways = L.conform(gpd.GeoDataFrame(rows, crs=L.CRS), L.way_columns())
    empty_pois = L.empty_layer(L.poi_columns())
    return L.OsmLayers(features=features, ways=ways, nodes=L.empty_layer(["geometry"], "node_id"),
                       pois=empty_pois, buildings=L.empty_layer(L.building_columns()))


def _square_route(lon: float, lat: float) -> Route:
    d = 0.002
    line = LineString([(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d), (lon, lat)])
    return Route(line, geodesic_length_m(line), 10.0, 4.8, True, Point(lon, lat), title="Square",
                 is_loop=True)


def test_outside_great_britain_notes_missing_grid_ref(tmp_path: Path) -> None:
    lon, lat = 24.94, 60.17  # Helsinki: UTM zone 35N, no OS grid
    out = render_route_pdf(_square_route(lon, lat), _tiny_layers(lon, lat), tmp_path / "h.pdf")
    pages, size = _page(out)
    assert pages == 1 and size in A4
    flat = " ".join(_text(out).split())
    assert "no OS grid reference" in flat
    assert "Follow the orange line" in flat  # no directions given
    assert "__________" in flat  # blank date to fill in


def test_no_data_around_route_raises_and_leaves_no_file(tmp_path: Path) -> None:
    layers = _tiny_layers(-1.16, 50.73)
    far = _square_route(-3.0, 53.0)
    out = tmp_path / "none.pdf"
    with pytest.raises(AreaError, match="nothing around this route"):
        render_route_pdf(far, layers, out)
    assert list(tmp_path.iterdir()) == []


def _many_steps(route: Route, n: int = 60) -> Route:
    steps = [Step(f"Turn left into Very Long Named Street Number {i + 1} by the church", 150.0)
             for i in range(n)]
    return replace(route, directions=steps)


def test_directions_that_do_not_fit_say_where_they_continue() -> None:
    line = LineString([(-1.16, 50.73), (-1.15, 50.73)])
    r = _many_steps(Route(line, 700.0, 10.0, 4.8, True, Point(-1.16, 50.73)))
    lines = direction_lines(r, 40, 12)
    assert len(lines) <= 12
    assert lines[-1].startswith("Steps ") and lines[-1].endswith("–60 continue overleaf.")
    assert all(len(x) <= 40 for x in lines)
    assert lines[0].startswith("1. Turn left")
    first_left = int(lines[-1].split()[1].split("–")[0])
    assert f"{first_left - 1}. Turn left" in " ".join(lines)  # no step skipped


def test_every_direction_is_printed(tall_route, iow_layers, tmp_path) -> None:
    out = render_route_pdf(_many_steps(tall_route, 90), iow_layers, tmp_path / "steps.pdf")
    pages, size = _page(out)
    assert pages >= 2 and size == (595, 842)
    flat = " ".join(_raw_text(out).split())
    for i in range(1, 91):
        assert f"{i}. Turn left into Very Long Named Street Number {i} by" in flat, i
    assert "continue overleaf" in flat
    assert "© OpenStreetMap contributors" in flat


def test_few_directions_keep_one_page(wide_route, iow_layers, tmp_path) -> None:
    r = replace(wide_route, directions=wide_route.directions[:5])
    out = render_route_pdf(r, iow_layers, tmp_path / "few.pdf")
    assert _page(out)[0] == 1
    assert "overleaf" not in _text(out)


def test_streets_the_route_uses_are_named_on_the_map(tall_route, iow_layers) -> None:
    from matplotlib.figure import Figure

    from ecoplan.routes.printmap import draw_route_map, map_crs
    from ecoplan.routes.streets import route_streets

    used = set(route_streets(tall_route, iow_layers, map_crs(tall_route))["name"])
    assert len(used) >= 3  # the test route walks several named Ryde streets
    fig = Figure(figsize=(8, 8))
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    draw_route_map(ax, tall_route, iow_layers)
    labels = {t.get_text() for t in ax.texts}
    assert len(labels & used) >= 2, (labels, used)
    # streets next to the route but not on it are not labelled as route streets
    near = iow_layers.ways[iow_layers.ways["name"].notna()]["name"].unique()
    assert labels & set(near) <= used


def test_on_roads_counts_every_road_class(tall_route, iow_layers, tmp_path) -> None:
    r = replace(tall_route, scores={"share_any_road": 1.0, "share_on_roads": 0.0})
    flat = " ".join(_raw_text(render_route_pdf(r, iow_layers, tmp_path / "r.pdf")).split())
    assert "100 % on roads (0 % on busy roads)" in flat


def _words(path: Path) -> tuple[list[tuple[str, float, float, float, float]], float, float]:
    """Words with their boxes (xMin, yMin, xMax, yMax, points) and the page size."""
    import re

    html = subprocess.run([_tool("pdftotext"), "-f", "1", "-l", "1", "-bbox", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout  # the map page
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    words = [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html)]
    return words, float(page.group(1)), float(page.group(2))


@pytest.mark.parametrize("title", [
    "Ryde seafront, Appley Tower, the canoe lake, Puckpool Park and back along the Esplanade "
    "past the pier — a gentle walk for the Tuesday morning group",
    "Seaview-to-Ryde-" * 12,  # one unbreakable 190-character word
    "A long title " * 30,  # 390 characters: more than two lines can hold
])
def test_long_titles_stay_on_the_page(tall_route, iow_layers, tmp_path, title):
    from html import unescape

    out = render_route_pdf(tall_route, iow_layers, tmp_path / "long.pdf", title=title)
    words, width, height = _words(out)
    assert _page(out)[1] == (595, 842)
    for _, x0, y0, x1, y1 in words:
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height
    top = sorted(words, key=lambda w: w[2])
    sub = next(w for w in top if w[0] == "Circular")  # the subtitle line below the title
    title_words = [w for w in top if w[4] <= sub[2] + 0.5]
    shown = unescape(" ".join(w[0] for w in title_words))
    assert shown.replace(" ", "")[:30] == title.replace(" ", "")[:30]  # it starts as given
    assert all(w[4] <= sub[2] + 0.5 for w in title_words)  # never over the subtitle
    assert max(w[3] for w in title_words) <= width - 0.04 * width  # inside the margins
    meta = _pdfinfo(out)["Title"].strip()
    assert meta == " ".join(title.split())  # the whole title kept in the metadata


def test_fit_title_shrinks_then_wraps_then_cuts():
    from ecoplan.routes import print_style as rcfg
    from ecoplan.routes.printmap import _title_width_pt, fit_title

    width = 500.0
    assert fit_title("Short walk", width) == ("Short walk", rcfg.TITLE_PT)
    text, size = fit_title("Ryde seafront and Appley Tower loop via the canoe lake", width)
    assert "\n" not in text and rcfg.TITLE_MIN_PT <= size < rcfg.TITLE_PT
    text, size = fit_title("word " * 30, width)
    assert text.count("\n") == 1 and not text.endswith("…")
    text, size = fit_title("word " * 80, width)
    assert text.count("\n") == 1 and text.endswith("…") and size == rcfg.TITLE_MIN_TWO_LINE_PT
    for line in text.split("\n"):
        assert _title_width_pt(line, size) <= width


def test_long_title_fits_a_landscape_page_too(wide_route, iow_layers, tmp_path):
    title = ("Ryde seafront, Appley Tower, the canoe lake, Puckpool Park and back along the "
             "Esplanade past the pier — a gentle walk for the Tuesday morning group")
    out = render_route_pdf(wide_route, iow_layers, tmp_path / "wide.pdf", title=title)
    words, width, height = _words(out)
    assert (round(width), round(height)) == (842, 595)
    for _, x0, y0, x1, y1 in words:
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height
    assert "Ryde" in {w[0] for w in words} and "group" in {w[0] for w in words}
