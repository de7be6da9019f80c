"""What the Streamlit app reads and writes: offline assets, upload limits, download sources,
attribution.

How the app looks (colours, map sizes, classes) is in :mod:`ecoplan.app.style` and its
input ranges and defaults in :mod:`ecoplan.app.controls`, next to the app: they change no
number the app reports. The limits here guard the machine and name external sources.
"""

from __future__ import annotations

from typing import Final

# --- Offline assets (served by Streamlit static serving, see ecoplan.app.assets) -------------

#: Sub-folder of the app's ``static/`` folder that holds the copied third-party files; one
#: folder so that a single ``static/`` line in .gitignore keeps them out of git.
VENDOR_SUBDIR: Final = "vendor"

#: URL under which Streamlit serves ``<folder of main script>/static/`` when
#: ``server.enableStaticServing = true`` (Streamlit docs, "Static file serving"). Root-relative
#: so it resolves against the Streamlit server from the page *and* from the streamlit-folium
#: component iframe (served from the same origin at /component/...). If the app runs under a
#: ``server.baseUrlPath``, pass ``f"/{base}/app/static"`` instead.
STATIC_URL_PREFIX: Final = "/app/static"

# --- Attribution ------------------------------------------------------------------------------

ATTRIBUTION_OSM: Final = "© OpenStreetMap contributors"  # ODbL attribution, required on OSM maps

# --- Uploads ------------------------------------------------------------------------------------

#: Largest upload accepted per kind of file, in megabytes. ``server.maxUploadSize`` in
#: .streamlit/config.toml is the hard cap Streamlit enforces in the browser (must be ≥ the
#: largest value here); these per-kind limits are checked again in code so a too-big file gets
#: a clear message. Our choices: a county .osm.pbf from Geofabrik is 10–60 MB (Isle of Wight
#: 2015: 7 MB; Greater London 2024 ≈ 110 MB), so 200 MB covers a county or a city region while
#: keeping reading time reasonable; IoD/boundary tables for all of England are ≈ 10–90 MB;
#: a recorded Open-Meteo forecast is ≈ 15–50 KB, so 5 MB is generous.
MAX_UPLOAD_MB: Final[dict[str, int]] = {"osm": 200, "table": 100, "boundaries": 100,
                                        "forecast": 5}
#: File name endings accepted per kind (lower case, checked on the full name).
UPLOAD_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    "osm": (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz", ".xml"),
    "table": (".csv", ".csv.gz", ".gz", ".zip"),
    "boundaries": (".geojson", ".json", ".gpkg", ".zip"),
    "forecast": (".json",),
}
#: Sub-folder of ecoplan.settings.paths.cache_dir() where uploads are written (content-hashed
#: names, so the same file uploaded twice is read from the cache).
UPLOAD_SUBDIR: Final = "uploads"
#: Uploaded file names are cut to this many characters, keeping their type suffix (our
#: choice: with the 17-character content-hash prefix, well under the 255-byte name limit of
#: ext4, APFS and NTFS).
UPLOAD_NAME_MAX_CHARS: Final = 120

# --- Downloads ----------------------------------------------------------------------------------

#: Official English Indices of Deprivation 2025, File 7 (all ranks, scores, deciles and
#: population denominators, LSOA 2021) as CSV, from the MHCLG release page
#: https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025 (OGL v3).
IOD2025_FILE7_URL: Final = (
    "https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/"
    "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
)
#: Connect / read timeouts for that download, seconds (our choice: fail fast when offline,
#: allow a slow link for the ≈ 20 MB file).
DOWNLOAD_TIMEOUT_S: Final[tuple[float, float]] = (10.0, 120.0)
