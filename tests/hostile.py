"""Hostile text and a small OSM area carrying it, plus a Markdown checker for app pages.

The OSM file is built in code: a park whose name is hostile Markdown, crossed by a footway
(so it has entrances), a residential street (homes) and a bus stop, toilets and a street that
are named hostile too. The checker parses text the way Streamlit renders it (CommonMark with
GitHub autolinks and ``$…$`` math) and reports anything that would become a link, an image,
HTML, LaTeX or a Streamlit directive.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

#: Appears in every hostile string, so a test can tell the hostile text reached the page.
MARK = "EVIL"
#: Markdown that would load a remote image, make links, HTML, LaTeX, Streamlit colour and icon
#: directives, emphasis, code, a heading after a line break and GFM autolinks.
HOSTILE = (f"![{MARK}](http://evil.example/p.png) [{MARK} link](http://evil.example) "
           f"<img src=x onerror=alert(1)> ${MARK}^2$ :red[{MARK}] :material/warning: "
           f"**{MARK}** `{MARK}` www.evil.com {MARK}@evil.com &amp;\n# {MARK} heading")
#: Plan notes typed by a user.
HOSTILE_NOTES = (f"Meet at ![{MARK}](http://evil.example/n.png) $$\\frac{{{MARK}}}{{2}}$$ "
                 f"<script>{MARK}</script> [click](javascript:alert(1)) :blue[{MARK}]")
#: A file name a user could give (no '/': it must be a valid name).
HOSTILE_FILE = f"![{MARK}](http:x.png) ${MARK}$ :red[{MARK}] <b>{MARK}"

_MD = MarkdownIt("gfm-like").use(dollarmath_plugin, allow_space=True, double_inline=True)
#: Never wanted from data: a remote image, a link, raw HTML, LaTeX.
_ACTIVE = {"image", "link_open", "html_inline", "html_block", "math_inline", "math_block",
           "math_inline_double", "math_block_label", "code_block", "fence"}
#: Our own formatting uses these (bold labels, a heading, a column name in backticks); the
#: hostile text must not end up inside one.
_SPANS = {"strong_open": "strong_close", "em_open": "em_close", "s_open": "s_close"}
#: Streamlit's own Markdown extensions: colour/background/badge directives, Material icons,
#: emoji short codes. Unescaped, a ':' starts one.
_DIRECTIVE = re.compile(r"(?<!\\):(?:[a-z]+-?background|[a-z]+-badge|red|blue|green|orange|"
                        r"violet|gray|grey|rainbow|primary|small)\[|(?<!\\):material/|"
                        r"(?<!\\):[a-z_]+:")


def plain(text: str) -> str:
    """Markdown source with its backslash escapes removed: what the user reads."""
    return re.sub(r"\\(.)", r"\1", str(text))


def markdown_problems(text: str) -> list[str]:
    """What in ``text`` would not be shown as plain text by Streamlit's Markdown: links,
    images, HTML, LaTeX, code blocks and directives anywhere; headings, emphasis and code
    spans holding the hostile mark."""
    found = []
    tokens = _MD.parse(text)
    for i, block in enumerate(tokens):
        if block.type in _ACTIVE:
            found.append(block.type)
        if block.type == "heading_open" and MARK in tokens[i + 1].content:
            found.append("heading_open")
        inside: list[str] = []
        for child in block.children or []:
            if child.type in _ACTIVE:
                found.append(f"{child.type}: {child.content or child.attrs}")
            elif child.type in _SPANS:
                inside.append(child.type)
            elif inside and child.type == _SPANS[inside[-1]]:
                inside.pop()
            elif MARK in child.content and (inside or child.type == "code_inline"):
                found.append(f"{inside[-1] if inside else child.type}: {child.content}")
    if _DIRECTIVE.search(text):
        found.append(f"directive: {_DIRECTIVE.search(text).group(0)}")
    return found


def rendered_texts(at) -> list[str]:
    """Every string an AppTest run hands to Streamlit's Markdown renderer: bodies of markdown,
    captions, headings and alerts, and the labels of expanders, tabs, status boxes, metrics
    and widgets (all Markdown in Streamlit)."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "info",
                 "warning", "error", "toast"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("expander", "tabs", "status", "metric", "radio", "checkbox", "button",
                 "text_input", "text_area", "selectbox", "toggle", "number_input"):
        out += [str(getattr(e, "label", "") or "") for e in getattr(at, kind)]
    for radio in at.radio:
        out += [str(o) for o in radio.options]
    return out


def check_page(at) -> list[str]:
    """Texts carrying the hostile mark, after asserting none of them is active Markdown and the
    page shows no LaTeX, image, raw HTML or exception."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.latex and not at.image and not at.html
    marked = [t for t in rendered_texts(at) if MARK in t]
    bad = {t: markdown_problems(t) for t in marked if markdown_problems(t)}
    assert not bad, bad
    return marked


def _node(i: int, lon: float, lat: float, tags: dict[str, str] | None = None) -> str:
    body = "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in (tags or {}).items())
    return (f'<node id="{i}" version="1" timestamp="2024-05-01T10:00:00Z" lat="{lat:.7f}" '
            f'lon="{lon:.7f}">{body}</node>')


def _way(i: int, refs: list[int], tags: dict[str, str]) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    body = "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
    return f'<way id="{i}" version="1" timestamp="2024-05-01T10:00:00Z">{nds}{body}</way>'


#: (west, south, east, north) of the area the file covers.
BOUNDS = (-1.1630, 50.7280, -1.1540, 50.7330)


def write_hostile_osm(path: Path, name: str = HOSTILE) -> Path:
    """A small, valid OSM XML area near Ryde whose names are ``name``."""
    nodes: list[str] = []
    ways: list[str] = []
    nid = iter(range(1, 10_000))

    def line(points: list[tuple[float, float]]) -> list[int]:
        ids = []
        for lon, lat in points:
            i = next(nid)
            nodes.append(_node(i, lon, lat))
            ids.append(i)
        return ids

    park = line([(-1.1600, 50.7300), (-1.1570, 50.7300), (-1.1570, 50.7320),
                 (-1.1600, 50.7320)])
    ways.append(_way(100, [*park, park[0]], {"leisure": "park", "name": name}))
    xs = [-1.1620 + 0.0005 * k for k in range(15)]
    path_ids = line([(x, 50.7310) for x in xs])
    ways.append(_way(101, path_ids, {"highway": "footway", "name": name}))
    street = line([(x, 50.7290) for x in xs])
    ways.append(_way(102, street, {"highway": "residential", "name": name}))
    link = line([(-1.1620, 50.7295), (-1.1620, 50.7300), (-1.1620, 50.7305)])
    ways.append(_way(103, [street[0], *link, path_ids[0]], {"highway": "footway"}))
    east = line([(-1.1550, 50.7295), (-1.1550, 50.7300), (-1.1550, 50.7305)])
    ways.append(_way(104, [street[-1], *east, path_ids[-1]], {"highway": "footway"}))
    i = next(nid)
    nodes.append(_node(i, -1.1610, 50.7291, {"highway": "bus_stop", "name": name}))
    i = next(nid)
    nodes.append(_node(i, -1.1585, 50.7311, {"amenity": "toilets", "name": name}))
    i = next(nid)
    nodes.append(_node(i, -1.1590, 50.7315, {"amenity": "bench", "name": name}))
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="tests">\n'
           f'<bounds minlat="{BOUNDS[1]}" minlon="{BOUNDS[0]}" maxlat="{BOUNDS[3]}" '
           f'maxlon="{BOUNDS[2]}"/>\n' + "\n".join(nodes + ways) + "\n</osm>\n")
    path.write_text(xml, encoding="utf-8")
    return path


def hostile_need(name: str = HOSTILE):
    """A generic need layer over the area: two areas named ``name``, with people."""
    import geopandas as gpd
    from shapely.geometry import box

    from ecoplan.need.generic import read_generic_need

    w, s, e, n = BOUNDS
    mid = (w + e) / 2
    gdf = gpd.GeoDataFrame({"code": ["A1", "A2"], "area": [name, name], "score": [30.0, 5.0],
                            "pop": [1200.0, 800.0]},
                           geometry=[box(w, s, mid, n), box(mid, s, e, n)], crs=4326)
    return read_generic_need(gdf, id_column="code", need_column="score", higher_is_worse=True,
                             name_column="area", population_column="pop")
