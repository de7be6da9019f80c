"""Printed sheet and CSV: escaping, formula-injection safety, directory entries after restart."""

from __future__ import annotations

import csv

import pytest

from ecoplan.support.directory import DirectoryEntry, DirectoryStore
from ecoplan.support.report import prepare, report_frame, support_around, write_report_csv
from ecoplan.support.sheet import report_to_html, write_sheet

SITE = "w115478780"  # Vernon Square Garden, Ryde
EVIL = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def data(iow_layers):
    return prepare(iow_layers)


@pytest.fixture
def report(iow_layers, iow_sites, data, tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    with DirectoryStore(url) as store:
        store.add(DirectoryEntry(name=EVIL, category="Crisis line", phone="116 123"))
        store.add(DirectoryEntry(name="<script>alert(1)</script> Walk group",
                                 category="Peer support group", url="https://example.org/?a=1&b=2",
                                 lat=50.7295, lon=-1.1600))
        store.add(DirectoryEntry(name="Another site's group", site_id="w1"))
    with DirectoryStore(url) as restarted:  # entries survive a restart
        entries = restarted.list()
    return support_around(iow_layers, sites=iow_sites.sites, entrances=iow_sites.entrances,
                          site_id=SITE, data=data, directory=entries)


def test_directory_entries_in_report(report):
    names = list(report.directory["name"])
    assert EVIL in names and "Another site's group" not in names
    walk = report.directory[report.directory["name"].str.contains("Walk group")]
    assert walk["basis"].iloc[0] == "walk" and walk["distance_m"].iloc[0] < 500


def test_sheet_escapes_and_lists_directory(report, tmp_path):
    html = report_to_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Walk group" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html
    assert "© OpenStreetMap contributors" in html
    assert "size: A4" in html
    assert "No defibrillator mapped within 1 km" in html
    assert "Support around Vernon Square Garden" in html
    path = write_sheet(report, tmp_path / "sheet.html")
    assert "&lt;script&gt;" in path.read_text(encoding="utf-8")


def test_sheet_escapes_osm_names(report):
    rep = report
    rep.community.loc[0, "name"] = "<b>Café</b> & \"friends\""
    html = report_to_html(rep)
    assert "&lt;b&gt;Café&lt;/b&gt; &amp; &quot;friends&quot;" in html


def test_csv_is_formula_safe(report, tmp_path):
    out = tmp_path / "support.csv"
    write_report_csv(report, out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    names = [r["name"] for r in rows]
    assert "'" + EVIL in names and EVIL not in names
    sections = {r["section"] for r in rows}
    assert {"Help nearby", "Community resources", "Meeting points", "Your directory"} <= sections
    assert any("No defibrillator mapped" in r["detail"] for r in rows)
    assert len(rows) == len(report_frame(report))
    # issue #5: every row carries OSM's licence notice (the file gets passed on alone)
    assert {r["attribution"] for r in rows} == {"© OpenStreetMap contributors (ODbL)."}


def test_unwritable_folder_leaves_nothing(report, tmp_path):
    from ecoplan.errors import InputFileError

    with pytest.raises(InputFileError):
        write_report_csv(report, tmp_path / "missing" / "x.csv")
