"""The printed programme leaflet: a cover with the dates and the leader's contact, then one page
per session with its route map, meeting point, distance and time, toilets, step-free notes and
what to bring. A4 or A5, standard or large print (every text ≥ 14 pt, map labels included).

Maps are drawn by :func:`ecoplan.routes.printmap.draw_route_map` — the same renderer as the
one-page route sheet — so both look alike and are tested once. Text flows top-down: each page
measures its text first and gives the map what is left (within ``MAP_SHARE``), so nothing
overflows the page. All text goes through ``page_text`` (no mathtext) after ``one_line``
(no control characters): OSM names and the leader's text are untrusted.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.programmes import print_style
from ecoplan.programmes.facts import facts, loop_km, season, used_forecast
from ecoplan.programmes.model import Programme, ProgrammeSession
from ecoplan.programmes.print_style import TypeSizes
from ecoplan.programmes.weather import ATTRIBUTION as WEATHER_ATTRIBUTION
from ecoplan.routes.printmap import (
    MPL_RC,
    draw_route_map,
    legend_handles,
    one_line,
    page_text,
    wrap_chars,
)
from ecoplan.settings import routes as route_cfg

PT_PER_IN = 72.0
LINE = 1.3  # line height, × font size
#: Page margin, inches (our choice: printers need ≥ 5 mm; 12 mm on A4, 9 mm on A5).
MARGIN_IN = {"A4": 12 / 25.4, "A5": 9 / 25.4}
#: The map key on session pages: what a walker needs on the day.
KEY_LABELS = ("Route", "Start (S)", "Distance (km)", "Toilets", "Bench", "Footpath, track")
#: Smallest share of the page the map keeps before text is cut (our choice).
MIN_MAP_SHARE = 0.22


@dataclass(frozen=True)
class LeafletOptions:
    paper: str = "A4"  # 'A4' | 'A5'
    large_print: bool = False

    def __post_init__(self) -> None:
        if self.paper not in print_style.PAPER_IN:
            raise EcoplanError(f"paper {self.paper!r}: choose "
                               f"{' or '.join(print_style.PAPER_IN)}")

    @property
    def pt(self) -> TypeSizes:
        return print_style.LARGE_PT if self.large_print else print_style.STANDARD_PT


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool = False
    gap_before: float = 0.0  # points


class _Page:
    """One page: a Figure, a cursor moving down in points, and text that never overflows."""

    def __init__(self, opts: LeafletOptions, footer: str) -> None:
        self.opts = opts
        self.footer_text = footer
        self.w_in, self.h_in = print_style.PAPER_IN[opts.paper]
        self.fig = Figure(figsize=(self.w_in, self.h_in))
        self.fig.patch.set_facecolor("white")
        self.margin_pt = MARGIN_IN[opts.paper] * PT_PER_IN
        self.width_pt = self.w_in * PT_PER_IN - 2 * self.margin_pt
        self.y_pt = self.h_in * PT_PER_IN - self.margin_pt  # from the bottom
        self.bottom_pt = self.margin_pt + self.footer_height()

    def footer_lines(self, page: int = 99, pages: int = 99) -> list[str]:
        return self.wrap(f"{self.footer_text} · Page {page} of {pages}", self.opts.pt.small)

    def footer_height(self) -> float:
        return (len(self.footer_lines()) + 0.5) * self.opts.pt.small * LINE

    def wrap(self, text: str, size: float, *, bold: bool = False, indent: str = "",
             width_pt: float | None = None) -> list[str]:
        width = (width_pt or self.width_pt) * (0.9 if bold else 1.0)
        return textwrap.wrap(one_line(text), wrap_chars(width, size),
                             subsequent_indent=indent) or [""]

    def lines(self, text: str, size: float, *, bold: bool = False, indent: str = "",
              gap_before: float = 0.0) -> list[_Line]:
        out = [_Line(t, size, bold) for t in self.wrap(text, size, bold=bold, indent=indent)]
        if out and gap_before:
            out[0] = _Line(out[0].text, size, bold, gap_before)
        return out

    @staticmethod
    def height(lines: list[_Line]) -> float:
        return sum(ln.size * LINE + ln.gap_before for ln in lines)

    def left_pt(self) -> float:
        return self.y_pt - self.bottom_pt

    def draw(self, lines: list[_Line], *, x_pt: float = 0.0) -> int:
        """Draw lines from the cursor down; returns how many fitted."""
        n = 0
        for ln in lines:
            need = ln.size * LINE + ln.gap_before
            if need > self.left_pt() + 0.5:
                break
            self.y_pt -= ln.gap_before
            self.put(x_pt, self.y_pt, ln.text, ln.size, bold=ln.bold)
            self.y_pt -= ln.size * LINE
            n += 1
        return n

    def put(self, x_pt: float, y_pt: float, text: str, size: float, *, bold: bool = False,
            **kw) -> Text:
        """Text with its top-left at (x_pt from the left margin, y_pt from the page bottom)."""
        kw.setdefault("va", "top")
        return page_text(self.fig, (self.margin_pt + x_pt) / (self.w_in * PT_PER_IN),
                         y_pt / (self.h_in * PT_PER_IN), one_line(text), fontsize=size,
                         weight="bold" if bold else "normal", **kw)

    def rect(self, x_pt: float, y_pt: float, w_pt: float, h_pt: float, **kw) -> None:
        W, H = self.w_in * PT_PER_IN, self.h_in * PT_PER_IN
        self.fig.add_artist(Rectangle(((self.margin_pt + x_pt) / W, y_pt / H), w_pt / W,
                                      h_pt / H, transform=self.fig.transFigure, **kw))

    def footer(self, page: int, pages: int) -> None:
        size = self.opts.pt.small
        lines = self.footer_lines(page, pages)
        for i, t in enumerate(lines):
            self.put(0, self.margin_pt + (len(lines) - i) * size * LINE, t, size,
                     color="#333333")


def _map_data_line(programme: Programme, layers: OsmLayers | None) -> str:
    data_date = layers.source.data_date if layers is not None else None
    when = f", data of {data_date:%b %Y}" if data_date is not None else ""
    line = f"Map data {route_cfg.ATTRIBUTION} (ODbL){when}."
    if any(used_forecast(s) for s in programme.sessions):
        line += f" {WEATHER_ATTRIBUTION}."
    return line


def _every(programme: Programme) -> str:
    spec = programme.spec
    day = programme.sessions[0].start.strftime("%A") + "s"
    often = "Weekly" if spec.every_days == 7 else "Fortnightly"
    return (f"{often} walks · {day} at {spec.start:%H:%M} · {spec.minutes} minutes · "
            f"{len(programme.sessions)} walks")


def _cover(programme: Programme, opts: LeafletOptions, footer: str) -> _Page:
    pg = _Page(opts, footer)
    pt = opts.pt
    spec = programme.spec
    first, last = programme.sessions[0].start, programme.sessions[-1].start
    pg.draw(pg.lines(programme.name, pt.title, bold=True))
    pg.draw(pg.lines(_every(programme), pt.body, gap_before=pt.body * 0.3))
    pg.draw(pg.lines(f"{first:%-d %B %Y} to {last:%-d %B %Y}", pt.body))
    who = [f"for a group of {spec.group_size}"]
    if spec.profile != "default":
        who.append(spec.profile.replace("-", " "))
    if spec.step_free:
        who.append("every walk step-free")
    pg.draw(pg.lines(", ".join(who).capitalize(), pt.body))

    pg.draw(pg.lines("Dates", pt.heading, bold=True, gap_before=pt.body))
    _dates_table(pg, programme)

    pg.draw(pg.lines("Your walk leader", pt.heading, bold=True, gap_before=pt.body))
    contact = " · ".join(x for x in (spec.leader_name, spec.leader_contact) if x)
    box_h = pt.body * LINE * 2.2
    if pg.left_pt() > box_h:
        pg.rect(0, pg.y_pt - box_h, pg.width_pt, box_h, facecolor="white", edgecolor="black",
                linewidth=1.2)
        label = contact or "Name and phone: ______________________________"
        pg.put(pt.body * 0.6, pg.y_pt - box_h / 2, pg.wrap(label, pt.body)[0],
               pt.body, bold=bool(contact), va="center")
        pg.y_pt -= box_h
    notes = ["Walks go ahead in most weather. The leader checks the forecast in the week "
             "before each walk and tells you if a walk moves or is called off."]
    notes.append("Each walk has its own page: where to meet, the map, toilets and what to "
                 "bring.")
    for n in notes:
        pg.draw(pg.lines(f"• {n}", pt.body, indent="  ", gap_before=pt.body * 0.4))
    return pg


def _dates_table(pg: _Page, programme: Programme) -> None:
    pt = pg.opts.pt.body
    # Column widths as shares of the text width (our choice: the place name gets the most).
    shares = (0.08, 0.30, 0.14, 0.34, 0.14)
    heads = ("", "Date", "Time", "Place", "Walk")
    widths = [s * pg.width_pt for s in shares]
    xs = [sum(widths[:i]) for i in range(len(widths))]
    rows = [heads]
    for s in programme.sessions:
        site = programme.site(s.site_id)
        km = loop_km(site.route or {})
        rows.append((str(s.number), f"{s.start:%a %-d %b}", f"{s.start:%H:%M}", site.name,
                     f"{km:.1f} km"))
    for i, row in enumerate(rows):
        cells = [pg.wrap(c, pt, bold=i == 0, width_pt=0.88 * w - 4)
                 for c, w in zip(row, widths, strict=True)]
        cells[3] = cells[3][:2]  # a place name takes at most two lines
        h = max(len(c) for c in cells) * pt * LINE + 3
        if h > pg.left_pt():
            pg.draw(pg.lines(f"… {len(rows) - i} more: see the session pages", pt))
            return
        for x, c in zip(xs, cells, strict=True):
            for k, t in enumerate(c):
                pg.put(x, pg.y_pt - 1.5 - k * pt * LINE, t, pt, bold=i == 0)
        pg.y_pt -= h
        pg.fig.add_artist(_hline(pg, pg.y_pt + 1))


def _hline(pg: _Page, y_pt: float):
    from matplotlib.lines import Line2D

    W, H = pg.w_in * PT_PER_IN, pg.h_in * PT_PER_IN
    return Line2D([pg.margin_pt / W, (pg.margin_pt + pg.width_pt) / W], [y_pt / H, y_pt / H],
                  transform=pg.fig.transFigure, color="#999999", linewidth=0.6)


def _session_text(pg: _Page, programme: Programme, session: ProgrammeSession) -> list[_Line]:
    pt = pg.opts.pt
    f = facts(programme, session)
    gap = pt.body * 0.5
    out: list[_Line] = []

    def head(text: str) -> None:
        out.extend(pg.lines(text, pt.heading, bold=True, gap_before=gap))

    def body(text: str, *, bold: bool = False) -> None:
        if text:
            out.extend(pg.lines(text, pt.body, bold=bold, indent="  "))

    head("Meeting point")
    body(f.meeting, bold=True)
    body(f.grid_ref)
    body(f.bus)
    head("The walk")
    body(f.walk)
    body(f.step_free, bold=True)
    body(f.toilets)
    body(f"Rest: {f.rest}")
    body(f.daylight)
    head(f"What to bring ({season(session)})")
    for item in f.bring:
        out.extend(pg.lines(f"• {item}", pt.body, indent="  "))
    head("Weather")
    body(f.weather)
    body(f.note)
    return out


def _session_pages(programme: Programme, session: ProgrammeSession, layers: OsmLayers,
                   opts: LeafletOptions, footer: str) -> list[_Page]:
    """The session's page: title, map, key, then the facts. Text that does not fit under the
    map (large print on A5) continues on a second page rather than being cut."""
    pg = _Page(opts, footer)
    pt = opts.pt
    f = facts(programme, session)
    title = pt.title if opts.paper == "A4" else pt.heading
    pg.draw(pg.lines(f.title, title, bold=True))
    pg.draw(pg.lines(f"{f.when} · {f.place}", pt.heading, gap_before=pt.body * 0.2))
    text = _session_text(pg, programme, session)
    route = programme.site(session.site_id).to_route()
    keys = [h for h in legend_handles(route) if h.get_label() in KEY_LABELS]
    ncols = 2 if (opts.paper == "A5" and opts.large_print) else 3
    key_h = math.ceil(len(keys) / ncols) * pt.body * 1.45 + pt.body * 0.6
    page_h = pg.h_in * PT_PER_IN
    W = pg.w_in * PT_PER_IN
    share = print_style.MAP_SHARE[(opts.paper, opts.large_print)]
    room = pg.left_pt() - key_h - pt.body
    if room - pg.height(text) >= MIN_MAP_SHARE * page_h:  # all on one page
        map_h = min(share * page_h, room - pg.height(text))
    else:  # the text continues overleaf: a larger map, then the meeting point under it
        meet = next((i for i, ln in enumerate(text[1:], 1) if ln.size == pt.heading), 1)
        map_h = max(share * page_h, room - pg.height(text[:meet]))
    y0 = pg.y_pt - map_h - pt.body * 0.3
    ax = pg.fig.add_axes((pg.margin_pt / W, y0 / page_h, pg.width_pt / W, map_h / page_h))
    draw_route_map(ax, route, layers, min_pt=pt.small if opts.large_print else 0.0)
    pg.fig.legend(handles=keys, loc="upper left", ncols=ncols, frameon=False,
                  bbox_to_anchor=(pg.margin_pt / W, (y0 - 3) / page_h),
                  bbox_transform=pg.fig.transFigure, fontsize=pt.body, borderaxespad=0,
                  handlelength=1.8, columnspacing=1.2, labelspacing=0.3)
    pg.y_pt = y0 - key_h
    pages = [pg]
    while text:
        shown = pg.draw(text)
        text = text[shown:]
        if text:
            pg = _Page(opts, footer)
            pg.draw(pg.lines(f"{f.title} (continued)", title, bold=True))
            pages.append(pg)
    return pages


def build_pages(programme: Programme, layers: OsmLayers, opts: LeafletOptions
                ) -> list[Figure]:
    """The leaflet's pages as matplotlib Figures (cover first)."""
    if not programme.sessions:
        raise EcoplanError("the programme has no sessions to print")
    footer = _map_data_line(programme, layers)
    with mpl.rc_context(MPL_RC):
        pages = [_cover(programme, opts, footer)]
        for s in programme.sessions:
            pages += _session_pages(programme, s, layers, opts, footer)
        for i, pg in enumerate(pages, 1):
            pg.footer(i, len(pages))
    return [pg.fig for pg in pages]


def leaflet_pdf(programme: Programme, layers: OsmLayers, *, paper: str = "A4",
                large_print: bool = False) -> bytes:
    """The leaflet as PDF bytes (cover + one page per session)."""
    opts = LeafletOptions(paper=paper, large_print=large_print)
    figs = build_pages(programme, layers, opts)
    buf = io.BytesIO()
    meta = {"Title": one_line(programme.name), "Creator": "ecoplan",
            "Subject": f"Walking programme. Map data {route_cfg.ATTRIBUTION}"}
    with mpl.rc_context(MPL_RC), PdfPages(buf, metadata=meta) as pdf:
        for fig in figs:
            pdf.savefig(fig)
    return buf.getvalue()


def smallest_text_pt(figs: list[Figure]) -> float:
    """The smallest font size of any visible text on the pages (large print must be ≥ 14)."""
    sizes = [float(t.get_fontsize()) for fig in figs for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("nan")
