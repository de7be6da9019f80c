"""Caps on what an input file may expand to once decompressed (decompression bombs).

Upload and file-size limits see compressed bytes only: a 0.6 MB ``.csv.gz`` can hold gigabytes.
Every reader of a compressed (or plain) input streams it and counts; past these caps it stops
and says so. One environment variable raises (or lowers) every cap at once.
"""

from __future__ import annotations

from typing import Final

#: Environment variable overriding every cap below, in megabytes (e.g. ``2000``).
ENV_VAR: Final = "ECOPLAN_MAX_DECOMPRESSED_MB"

#: Largest decompressed size per kind of input, in MB (1 MB = 1024 × 1024 bytes).
#: - table: the largest tables ecoplan reads are national ones — IoD 2019 Files 1/2/6 are
#:   2.0 / 3.7 / 2.5 MB as CSV, IoD 2025 (humaniverse) 5.2 MB, the ONS LSOA 2011→2021 lookup
#:   2.8 MB (measured on ../shared/data with ``zcat FILE | wc -c``); the MHCLG IoD 2025 File 7
#:   (all ranks, scores, deciles and population) is ≈ 20 MB. 200 MB is ten times the largest.
#: - osm: OSM XML read by osmnx. Measured on the Isle of Wight 2015 extract written as XML
#:   (35 MB): ``read_xml`` peaks at 1.3 GB resident memory and takes 26 s, i.e. ≈ 37 times the
#:   XML size. 256 MB of XML needs ≈ 10 GB; anything larger should be converted to .osm.pbf
#:   (``osmium cat big.osm.bz2 -o big.osm.pbf``), which the PBF reader handles in far less.
#: - boundaries: area layers (GeoJSON, zipped shapefiles). The ONS full-resolution LSOA 2021
#:   boundaries for all of England and Wales are a few hundred MB as GeoJSON; 1 GB covers them.
MAX_DECOMPRESSED_MB: Final[dict[str, int]] = {"table": 200, "osm": 256, "boundaries": 1024}

#: Read and count in blocks of this many bytes (our choice: small enough that a refused bomb
#: costs no memory, large enough that counting costs nothing measurable).
CHUNK_BYTES: Final = 1 << 20
