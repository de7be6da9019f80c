"""A loopback "mirror" of the live data sources, built from the real files in ../shared/data.

``ecoplan data get`` fetches ``https://HOST/PATH?QUERY`` from ``$ECOPLAN_DATA_MIRROR/HOST/PATH?
QUERY``; :class:`DataMirror` answers those paths on 127.0.0.1 the way the live services do:

* ``download.geofabrik.de/index-v1.json``: a Geofabrik-style index. Geofabrik's real polygons
  are not in shared/, so the test draws them: the Isle of Wight extract as the island's LSOAs
  (their convex hull grown by 0.03°, ≈ 3 km of sea, as Geofabrik's polygons include some sea),
  a Hampshire box on the mainland to the north, England and Europe as boxes.
* the island's ``.osm.pbf`` (the real 2015 Geofabrik extract) and its ``.md5``, with HTTP Range;
* ONS ArcGIS FeatureServer ``query`` endpoints: the lookup (a table, ``f=json``) and the LSOA
  2011/2021 boundaries (``f=geojson``), paged with ``resultOffset``/``resultRecordCount``,
  ``exceededTransferLimit`` and ``returnCountOnly``; each page is capped below what the client
  asks (as some ONS layers do). The rows are the real lookup (humaniverse's copy, columns renamed
  to the ONS field names) and the real super-generalised 2011 boundaries; for 2021 the same
  polygons with LSOA21 codes (all 89 island LSOAs are unchanged, change code U);
* gov.uk IoD files: Files 1, 2 and 6 as .xlsx written from the shared CSVs (values as numbers,
  as in the published sheets), IoD 2025 as the File 7 CSV layout (humaniverse's values under the
  File 7 header names).

``faults`` makes the first requests to a path fail: ``"drop"`` sends half the body and closes
the connection, an int sends that HTTP status (with ``Retry-After: 1``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ecoplan.settings.paths import shared_data_dir

SHARED = shared_data_dir()
IOW = "E06000046"
PBF_PATH = "/download.geofabrik.de/europe/united-kingdom/england/isle-of-wight-latest.osm.pbf"
ARCGIS = "/services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
LOOKUP_PATH = f"{ARCGIS}/LSOA11_LSOA21_LAD22_EW_LU_v5/FeatureServer/0/query"
B2011_PATH = (f"{ARCGIS}/LSOA_2011_Boundaries_Super_Generalised_Clipped_BSC_EW_V4/"
              "FeatureServer/0/query")
B2021_PATH = (f"{ARCGIS}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4/"
              "FeatureServer/0/query")
GOVUK = "/assets.publishing.service.gov.uk"
FILE1_PATH = (f"{GOVUK}/government/uploads/system/uploads/attachment_data/file/833970/"
              "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx")
FILE2_PATH = (f"{GOVUK}/government/uploads/system/uploads/attachment_data/file/833973/"
              "File_2_-_IoD2019_Domains_of_Deprivation.xlsx")
FILE6_PATH = (f"{GOVUK}/government/uploads/system/uploads/attachment_data/file/833980/"
              "File_6_-_IoD2019_Population_Denominators.xlsx")
IOD2025_PATH = (f"{GOVUK}/media/691ded56d140bbbaa59a2a7d/"
                "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv")
INDEX_PATH = "/download.geofabrik.de/index-v1.json"

#: Rows per ArcGIS page the server will send at most (below the client's 1,000).
TABLE_MAX = 4000 // 6
FEATURE_MAX = 25

#: humaniverse IoD 2025 domain prefixes → the File 7 header words.
_DOMAINS_2025 = {"IMD": "Index of Multiple Deprivation (IMD)", "Income": "Income",
                 "Employment": "Employment", "Education": "Education, Skills and Training",
                 "Health": "Health Deprivation and Disability", "Crime": "Crime",
                 "Housing_and_Services": "Barriers to Housing and Services",
                 "Environment": "Living Environment"}


IOW_PBF = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"


def shared(rel: str) -> Path:
    return SHARED / rel


def require_shared(path: Path) -> Path:
    """Skip the test, with the reason, when the shared data is not there."""
    import pytest

    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (see ../shared/data/README.md)")
    return path


# --- the files, built once per test session ------------------------------------------------------

@functools.lru_cache(maxsize=1)
def lookup_rows() -> list[dict[str, str]]:
    import pandas as pd

    df = pd.read_csv(shared("boundaries/lookup_lsoa11_lsoa21_ltla22_ew.csv.gz"), dtype=str)
    df = df.rename(columns={"lsoa11_code": "LSOA11CD", "lsoa11_name": "LSOA11NM",
                            "change_code": "CHGIND", "lsoa21_code": "LSOA21CD",
                            "lsoa21_name": "LSOA21NM", "ltla22_code": "LAD22CD",
                            "ltla22_name": "LAD22NM"})
    return df.sort_values(["LSOA11CD", "LSOA21CD"]).to_dict("records")


@functools.lru_cache(maxsize=1)
def boundary_features() -> dict[str, list[dict[str, Any]]]:
    src = json.loads(shared("boundaries/lsoa2011_bsc_isle-of-wight.geojson").read_text())
    f11 = sorted(src["features"], key=lambda f: f["properties"]["LSOA11CD"])
    to21 = {r["LSOA11CD"]: r for r in lookup_rows()}
    f21 = []
    for f in f11:
        row = to21[f["properties"]["LSOA11CD"]]
        props = {"LSOA21CD": row["LSOA21CD"], "LSOA21NM": row["LSOA21NM"]}
        f21.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return {"2011": f11, "2021": f21}


def _xlsx(csv_rel: str, sheet: str) -> bytes:
    import openpyxl
    import pandas as pd

    df = pd.read_csv(shared(csv_rel), encoding="utf-8-sig", thousands=",")
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("Notes").append(["English Indices of Deprivation 2019"])
    ws = book.create_sheet(sheet)
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=1)
def govuk_files() -> dict[str, bytes]:
    import pandas as pd

    out = {FILE1_PATH: _xlsx("imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
                             "IMD2019"),
           FILE2_PATH: _xlsx("imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
                             "IoD2019 Domains"),
           FILE6_PATH: _xlsx("imd/File_6_-_IoD2019_Population_Denominators.csv.gz",
                             "Population Denominators")}
    df = pd.read_csv(shared("imd/IoD2025_lsoa21_scores_ranks_deciles_humaniverse.csv.gz"))
    names = {"lsoa21_code": "LSOA code (2021)"}
    for key, words in _DOMAINS_2025.items():
        score = f"{words} Score" + (" (rate)" if key in ("Income", "Employment") else "")
        names[f"{key}_score"] = score
        names[f"{key}_rank"] = f"{words} Rank (where 1 is most deprived)"
        names[f"{key}_decile"] = f"{words} Decile (where 1 is most deprived 10% of LSOAs)"
    out[IOD2025_PATH] = df[list(names)].rename(columns=names).to_csv(index=False).encode()
    return out


@functools.lru_cache(maxsize=1)
def pbf_bytes() -> bytes:
    return shared("osm/isle-of-wight_2015-01-01.osm.pbf").read_bytes()


@functools.lru_cache(maxsize=1)
def geofabrik_index() -> dict[str, Any]:
    import shapely
    from shapely.geometry import box, mapping, shape

    island = shapely.union_all([shape(f["geometry"]) for f in boundary_features()["2011"]])
    iow_poly = island.convex_hull.buffer(0.03)

    def feature(fid: str, name: str, parent: str, geom, pbf: str) -> dict[str, Any]:
        return {"type": "Feature", "geometry": mapping(geom),
                "properties": {"id": fid, "name": name, "parent": parent,
                               "urls": {"pbf": pbf, "shp": pbf.replace(".osm.pbf", "-free.shp.zip")}}}

    base = "https://download.geofabrik.de/europe"
    return {"type": "FeatureCollection", "features": [
        feature("europe", "Europe", "", box(-25, 34, 45, 72), f"{base}-latest.osm.pbf"),
        feature("england", "England", "great-britain", box(-6.5, 49.8, 2.0, 55.9),
                f"{base}/united-kingdom/england-latest.osm.pbf"),
        feature("hampshire", "Hampshire", "england", box(-1.96, 50.71, -0.73, 51.39),
                f"{base}/united-kingdom/england/hampshire-latest.osm.pbf"),
        feature("isle-of-wight", "Isle of Wight", "england", iow_poly,
                "https://download.geofabrik.de" + PBF_PATH[len("/download.geofabrik.de"):]),
    ]}


# --- ArcGIS query answers ---------------------------------------------------------------------------

_IN = re.compile(r"^\s*(\w+)\s+IN\s*\((.*)\)\s*$", re.I)


def _where(rows: list[dict[str, Any]], where: str, key: Callable[[dict], dict]) -> list[dict]:
    if where.strip() in ("1=1", ""):
        return rows
    m = _IN.match(where)
    if not m:
        raise ValueError(f"unsupported where: {where}")
    field, codes = m.group(1), set(re.findall(r"'([^']*)'", m.group(2)))
    return [r for r in rows if str(key(r).get(field)) in codes]


def arcgis_answer(rows: list[dict[str, Any]], q: dict[str, str], *, geojson_rows: bool,
                  cap: int) -> dict[str, Any]:
    props = (lambda f: f["properties"]) if geojson_rows else (lambda r: r)
    wanted = q.get("outFields", "*")
    if wanted != "*":
        missing = [f for f in wanted.split(",") if rows and f not in props(rows[0])]
        if missing:
            return {"error": {"code": 400, "message": "Cannot perform query. Invalid query "
                              "parameters.", "details": [f"Invalid field: {missing[0]}"]}}
    hit = _where(rows, q.get("where", "1=1"), props)
    if q.get("returnCountOnly") == "true":
        return {"count": len(hit)}
    start = int(q.get("resultOffset", 0))
    n = min(int(q.get("resultRecordCount", cap)), cap)
    page = hit[start:start + n]
    more = start + n < len(hit)
    if q.get("f") == "geojson":
        return {"type": "FeatureCollection", "features": page,
                **({"properties": {"exceededTransferLimit": True}} if more else {})}
    return {"objectIdFieldName": "ObjectId", "features": [{"attributes": r} for r in page],
            **({"exceededTransferLimit": True} if more else {})}


# --- the server ---------------------------------------------------------------------------------------

class DataMirror:
    """Serves the paths above on 127.0.0.1; ``requests`` records (path, query, headers)."""

    def __init__(self, faults: dict[str, list[Any]] | None = None) -> None:
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.lock = threading.Lock()
        self.routes: dict[str, Callable[[dict[str, str]], tuple[bytes, str]]] = {}
        self.md5 = None  # None: the true MD5 of the extract; a string replaces it
        self.routes[INDEX_PATH] = lambda q: (json.dumps(geofabrik_index()).encode(),
                                             "application/json")
        self.routes[PBF_PATH] = lambda q: (pbf_bytes(), "application/octet-stream")
        self.routes[PBF_PATH + ".md5"] = lambda q: (
            f"{self.md5 or hashlib.md5(pbf_bytes()).hexdigest()}  "  # noqa: S324 - as Geofabrik
            "isle-of-wight-latest.osm.pbf\n".encode(), "text/plain")
        for path in (FILE1_PATH, FILE2_PATH, FILE6_PATH, IOD2025_PATH):
            kind = "text/csv" if path.endswith(".csv") else (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            self.routes[path] = lambda q, path=path, kind=kind: (govuk_files()[path], kind)
        self.routes[LOOKUP_PATH] = lambda q: self._json(
            arcgis_answer(lookup_rows(), q, geojson_rows=False, cap=TABLE_MAX))
        self.routes[B2011_PATH] = lambda q: self._json(
            arcgis_answer(boundary_features()["2011"], q, geojson_rows=True, cap=FEATURE_MAX))
        self.routes[B2021_PATH] = lambda q: self._json(
            arcgis_answer(boundary_features()["2021"], q, geojson_rows=True, cap=FEATURE_MAX))
        self._server: ThreadingHTTPServer | None = None

    @staticmethod
    def _json(obj: Any) -> tuple[bytes, str]:
        return json.dumps(obj).encode(), "application/json"

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    def __enter__(self) -> DataMirror:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with owner.lock:
                    owner.requests.append((parts.path, query, dict(self.headers.items())))
                    queue = owner.faults.get(parts.path) or []
                    fault = queue.pop(0) if queue else None
                route = owner.routes.get(parts.path)
                if route is None:
                    return self._send(404, b"not found", "text/plain")
                if isinstance(fault, int):
                    return self._send(fault, b"busy", "text/plain", {"Retry-After": "1"})
                body, kind = route(query)
                if fault == "drop":
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                rng = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
                if rng and int(rng.group(1)) < len(body):
                    start = int(rng.group(1))
                    return self._send(206, body[start:], kind, {
                        "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"})
                return self._send(200, body, kind)

            def _send(self, status: int, body: bytes, kind: str,
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


