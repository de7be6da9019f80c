"""OSM readers on broken files: mislabelled and truncated archives, unreadable files (said as
such), and multipolygons with missing members treated alike by the PBF and XML readers."""

from __future__ import annotations

import bz2
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import osmium
import pytest
from hostile import write_hostile_osm

from ecoplan.errors import InputFileError
from ecoplan.osm.pbf import read_pbf
from ecoplan.osm.relations import incomplete_in_parsed, incomplete_multipolygons
from ecoplan.osm.xml import read_xml


@pytest.fixture(scope="module")
def area(tmp_path_factory) -> Path:
    return write_hostile_osm(tmp_path_factory.mktemp("osm") / "area.osm", name="Park")


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize("name,make,message", [
    ("a.osm.bz2", lambda xml: xml, "is not a readable bzip2 file"),
    ("a.osm.gz", lambda xml: xml, "is not a readable gzip file"),
    ("a.osm.bz2", lambda xml: gzip.compress(xml), "is not a readable bzip2 file"),
    ("a.osm.bz2", lambda xml: _half(bz2.compress(xml)), "is truncated"),
    ("a.osm.gz", lambda xml: _half(gzip.compress(xml)), "is truncated"),
])
def test_damaged_compressed_xml_is_named_plainly(area, tmp_path, name, make, message):
    path = tmp_path / name
    path.write_bytes(make(area.read_bytes()))
    with pytest.raises(InputFileError, match=message) as err:
        read_xml(path)
    assert name in str(err.value) and "download" in str(err.value)


@pytest.mark.parametrize("suffix", [".osm.bz2", ".osm.gz"])
def test_good_compressed_xml_reads_like_plain(area, tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    opener = bz2.open if suffix.endswith("bz2") else gzip.open
    with opener(path, "wb") as fh:
        fh.write(area.read_bytes())
    assert len(read_xml(path).ways) == len(read_xml(area).ways) > 0


def _unprivileged(code: str) -> str:
    prefix: list[str] = []
    if os.geteuid() == 0:
        exe = shutil.which("setpriv")
        if exe is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = [exe, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    proc = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_unreadable_files_are_permission_denied_not_corrupt(area, tmp_path):
    pbf = tmp_path / "a.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(area)):
            writer.add(obj)
    files = [tmp_path / "a.osm", tmp_path / "a.osm.bz2", pbf]
    shutil.copy(area, files[0])
    files[1].write_bytes(bz2.compress(area.read_bytes()))
    os.chmod(tmp_path, 0o755)
    for p in files:
        os.chmod(p, 0o000)
    out = _unprivileged(
        "from ecoplan.osm.load import load_layers\nfrom ecoplan.errors import InputFileError\n"
        f"for p in {[str(p) for p in files]!r}:\n"
        "    try:\n        load_layers(p)\n    except InputFileError as e:\n        print(e)\n")
    lines = out.splitlines()
    assert len(lines) == 3, out
    for line in lines:
        assert "permission denied" in line and "corrupt" not in line, line


# --- multipolygons whose member ways are not in the file ---------------------------------------

def _broken_multipolygon(folder: Path) -> tuple[Path, Path]:
    """An area with a wood drawn as a multipolygon of two closed outer ways, one of which the
    file lacks (as when an extract is cut across it), written as XML and as PBF."""
    text = write_hostile_osm(folder / "base.osm", name="Park").read_text()
    extra = []
    ring = [(-1.1612, 50.7282), (-1.1606, 50.7282), (-1.1606, 50.7286), (-1.1612, 50.7286)]
    for k, (lon, lat) in enumerate(ring):
        extra.append(f'<node id="{9000 + k}" version="1" timestamp="2024-05-01T10:00:00Z" '
                     f'lat="{lat}" lon="{lon}"/>')
    extra.append('<way id="900" version="1" timestamp="2024-05-01T10:00:00Z">'
                 + "".join(f'<nd ref="{9000 + k}"/>' for k in (0, 1, 2, 3, 0)) + "</way>")
    extra.append('<relation id="77" version="1" timestamp="2024-05-01T10:00:00Z">'
                 '<member type="way" ref="900" role="outer"/>'
                 '<member type="way" ref="901" role="outer"/>'
                 '<tag k="type" v="multipolygon"/><tag k="natural" v="wood"/>'
                 '<tag k="name" v="Half Wood"/></relation>')
    xml = folder / "broken.osm"
    xml.write_text(text.replace("</osm>", "\n".join(extra) + "\n</osm>"))
    pbf = folder / "broken.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    return xml, pbf


def test_missing_members_are_found_in_both_formats(tmp_path):
    xml, pbf = _broken_multipolygon(tmp_path)
    for path in (xml, pbf):
        found = incomplete_multipolygons(path)
        assert [(r.osm_id, r.name, r.missing, r.members) for r in found] == \
            [(77, "Half Wood", 1, 2)]


def _parsed(path):
    """pyrosm's whole-file parse of ``path``, as the PBF reader holds it."""
    import pyrosm

    osm = pyrosm.OSM(str(path), progress=False, engine="in_memory")
    osm._read_pbf()
    return osm._relations, osm._way_records.ids


def test_missing_members_found_in_the_parsed_file_as_in_the_file(tmp_path, iow_pbf):
    # The reader takes the list from pyrosm's parse (no second read of the file): the same
    # relations, counts and order as pyosmium's two passes, on a fixture and on the island.
    _, pbf = _broken_multipolygon(tmp_path)
    for path in (pbf, iow_pbf):
        assert incomplete_in_parsed(*_parsed(path)) == incomplete_multipolygons(path)
    found = incomplete_in_parsed(*_parsed(iow_pbf))
    assert [r.osm_id for r in found] == [4095105, 151304, 154350, 2273394]
    # a relation whose member ways are all present is not listed
    relations, ways = _parsed(pbf)
    assert incomplete_in_parsed(relations, list(ways) + [901]) == []


def test_pbf_and_xml_readers_leave_out_the_same_relation_and_say_so(tmp_path):
    xml, pbf = _broken_multipolygon(tmp_path)
    a, b = read_pbf(pbf), read_xml(xml)
    for layers in (a, b):
        rel = layers.features[layers.features["osm_type"] == "relation"]
        assert 77 not in set(rel["osm_id"])  # pyrosm alone would keep a partial wood
        assert len(layers.source.warnings) == 1
        note = layers.source.warnings[0]
        assert "r77 'Half Wood' (1 of 2 missing)" in note and "left out" in note
    assert len(a.features) == len(b.features)


def test_cli_prints_the_note(tmp_path, capsys):
    from ecoplan.cli import main

    xml, pbf = _broken_multipolygon(tmp_path)
    assert main(["sites", str(pbf)]) == 0
    out = capsys.readouterr().out
    assert "note: 1 area relation(s) miss member ways" in out and "r77 'Half Wood'" in out


def test_the_isle_of_wight_solent_sliver_is_gone(iow_layers):
    # pyrosm alone builds "The Solent" (47 of its 87 member ways are not in the extract) as a
    # 0.1 ha polygon; it is now left out and named in the note.
    f = iow_layers.features
    assert not ((f["osm_type"] == "relation") & (f["osm_id"] == 4095105)).any()
    assert any("r4095105 'The Solent' (47 of 87 missing)" in w
               for w in iow_layers.source.warnings)


def test_a_clip_box_reads_multipolygons_whole(iow_pbf):
    # Box across the island's middle: woods and commons straddle its edge. Read whole, then
    # cut, their area inside the box is what the full read gives inside the box.
    import shapely

    bbox = (-1.35, 50.65, -1.25, 50.72)
    clipped = read_pbf(iow_pbf, bbox=bbox).features
    full = read_pbf(iow_pbf).clip(shapely.box(*bbox)).features

    def rel_area(f):
        rel = f[(f["osm_type"] == "relation") & f.geom_type.isin(["Polygon", "MultiPolygon"])]
        return rel.set_index("osm_id").to_crs(27700).area.groupby(level=0).sum()

    a, b = rel_area(clipped), rel_area(full)
    assert set(a.index) == set(b.index) and len(a) >= 10
    assert (a - b.reindex(a.index)).abs().max() < 1.0  # m²
