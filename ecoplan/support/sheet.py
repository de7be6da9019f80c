"""The printable one-page "Support around this site" sheet (HTML, A4 print CSS).

Every piece of text — OSM names, user directory entries — is HTML-escaped; links are only
written for the schemes the directory accepts (http, https, mailto, tel).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from ecoplan.io import write_text
from ecoplan.settings import support as support_cfg
from ecoplan.support.help import distance_text, fmt_distance
from ecoplan.support.report import SupportReport

OSM_ATTRIBUTION = "© OpenStreetMap contributors"

_CSS = """
@page { size: A4; margin: 10mm; }
body { font-family: system-ui, sans-serif; font-size: 9pt; line-height: 1.2; max-width: 186mm;
       margin: auto; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2pt; } h2 { font-size: 11pt; margin: 8pt 0 2pt;
     border-bottom: 1px solid #999; }
h3 { font-size: 9.5pt; margin: 5pt 0 1pt; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 1pt 4pt;
        vertical-align: top; } th { font-weight: 600; border-bottom: 1px solid #ccc; }
td.d { white-space: nowrap; text-align: right; } .muted { color: #555; }
.alert { border: 2px solid #b00; padding: 3pt 6pt; font-weight: bold; margin: 4pt 0; }
.missing li { color: #7a2a00; } ul { margin: 2pt 0 2pt 14pt; padding: 0; }
.cols { column-count: 2; column-gap: 8mm; }
.cols section { break-inside: avoid; }
footer { margin-top: 8pt; font-size: 7.5pt; color: #444; border-top: 1px solid #999; }
@media print { body { max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def _name(row: pd.Series) -> str:
    name = str(row.get("name") or "")
    return name if name else f"(unnamed — {str(row.get('label') or 'place').lower()})"


def _link(url: str) -> str:
    if url and urlparse(url).scheme.lower() in support_cfg.URL_SCHEMES:
        return f'<a href="{escape(url, quote=True)}">{escape(url)}</a>'
    return escape(url)


def _tr(cells: list[str], dist_col: int | None = None) -> str:
    return "<tr>" + "".join(
        f'<td class="d">{c}</td>' if i == dist_col else f"<td>{c}</td>"
        for i, c in enumerate(cells)) + "</tr>"


def report_to_html(report: SupportReport, *, rows_per_category: int =
                   support_cfg.SHEET_ROWS_PER_CATEGORY) -> str:
    """The sheet as a complete HTML document (one A4 page for typical towns)."""
    e = escape
    o = report.origin
    how = "walking distance along paths from the site's entrances" if (
        report.walking and o.kind == "site") else (
        "walking distance along paths" if report.walking else "straight-line distance")
    p = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         f"<title>{e(report.title)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{e(report.title)}</h1>",
         f'<p class="muted">{e(f"{o.lat:.5f}, {o.lon:.5f}")}'
         + (f" · site {e(o.site_id)}" if o.site_id else "")
         + f" · within {e(fmt_distance(report.radius_m))} · {e(how)}"
         + f" at {e(f'{report.speed_kmh:g}')} km/h</p>"]
    for note in report.notes:
        cls = "alert" if note == report.advice.coast_note else "muted"
        p.append(f'<p class="{cls}">{e(note)}</p>')

    p.append("<h2>Help nearby</h2>")
    if len(report.help):
        p.append("<table><tr><th>What</th><th>Where</th><th>Distance</th><th>Notes</th></tr>")
        for _, r in report.help.iterrows():
            notes = "; ".join(x for x in (str(r.get("detail") or ""), str(r.get("phone") or ""))
                              if x)
            p.append(_tr([e(str(r["label"])), e(str(r.get("name") or "(unnamed)")),
                          e(distance_text(r)), e(notes)], 2))
        p.append("</table>")
    if report.missing:
        p.append('<ul class="missing">' + "".join(f"<li>{e(m)}</li>" for m in report.missing)
                 + "</ul>")

    mp = report.meeting_points.head(support_cfg.SHEET_MEETING_POINTS)
    if len(mp):
        p.append("<h3>Meeting points</h3><ul>")
        for _, m in mp.iterrows():
            ref = f"{m['grid_ref']} · " if m["grid_ref"] else ""
            p.append(f"<li>{e(str(m['name']))}: {e(ref)}"
                     f"{e(f'{m.lat:.5f}, {m.lon:.5f}')}</li>")
        more = len(report.meeting_points) - len(mp)
        if more > 0:
            p.append(f'<li class="muted">+{more} more entrances in the CSV export</li>')
        p.append("</ul>")

    p.append("<h2>Your directory</h2>")
    if len(report.directory):
        p.append("<table><tr><th>Name</th><th>Type</th><th>Contact</th><th>Distance</th>"
                 "<th>Notes</th></tr>")
        for _, d in report.directory.iterrows():
            contact = " ".join(x for x in (e(str(d["phone"] or "")), _link(str(d["url"] or "")))
                               if x)
            p.append(_tr([e(str(d["name"])), e(str(d["category"] or "")), contact,
                          e(distance_text(d)), e(str(d["notes"] or ""))], 3))
        p.append("</table>")
    else:
        p.append('<p class="muted">No entries yet — add local groups, crisis lines and link '
                 "workers with 'ecoplan directory add'.</p>")

    p.append("<h2>Community resources</h2>")
    if len(report.community):
        p.append('<div class="cols">')
        for label, rows in report.community.groupby("label", sort=False):
            p.append(f"<section><h3>{e(str(label))}</h3><ul>")
            for _, r in rows.head(rows_per_category).iterrows():
                extra = f" — {e(str(r['detail']))}" if r.get("detail") else ""
                p.append(f"<li>{e(_name(r))}: {e(distance_text(r))}{extra}</li>")
            more = len(rows) - rows_per_category
            if more > 0:
                p.append(f'<li class="muted">+{more} more in the CSV export</li>')
            p.append("</ul></section>")
        p.append("</div>")
    else:
        p.append(f"<p>{e(report.community_absence())} in OpenStreetMap. Try a larger radius, "
                 "or add what you know to your directory.</p>")

    stamp = report.generated.strftime("%Y-%m-%d %H:%M")
    src = report.source
    data = e(src.name or src.kind)
    if src.data_date is not None:
        data += e(f" (data to {src.data_date:%Y-%m-%d})")
    p.append(f"<footer>Generated by ecoplan {e(stamp)} from {data}. Map data "
             f"{e(OSM_ATTRIBUTION)} (ODbL) — OSM shows what volunteers have mapped, not every "
             "service: check before relying on it.</footer></body></html>")
    return "\n".join(p)


def write_sheet(report: SupportReport, path: str | Path) -> Path:
    """Write the sheet atomically; returns the path."""
    write_text(path, report_to_html(report))
    return Path(path)
