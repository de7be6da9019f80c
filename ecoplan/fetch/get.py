"""``ecoplan data get --la NAME|CODE``: everything the analysis needs for one English authority.

Steps (each source from the data catalogue, each file recorded in the manifest):

1. the ONS LSOA 2011→2021→LAD 2022 lookup (national, paged from ArcGIS, cached once); the list
   of authority names and codes is derived from it, so the name given is resolved here;
2. LSOA 2011 and 2021 boundaries of the authority's LSOAs (ArcGIS, GeoJSON, EPSG:4326);
3. IoD 2019 Files 1, 2, 6 and IoD 2025 File 7 (national files cached once, spreadsheets
   converted to CSV) and the lookup, each cut to the authority's LSOAs;
4. the smallest Geofabrik extract covering the authority, checked against its ``.md5``.

Offline (``offline=True`` or ``ECOPLAN_OFFLINE=1``) every step reads the cache; whatever is not
there is named in one :class:`NotInCacheError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from ecoplan import net
from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch import arcgis, geofabrik, tables
from ecoplan.fetch.authorities import Authority, authorities_from_lookup, resolve
from ecoplan.fetch.catalogue import Catalogue, Source, load_catalogue, mirror_url
from ecoplan.fetch.download import (
    FileRecord,
    Progress,
    fetch_file,
    no_progress,
    now_iso,
    record_for,
)
from ecoplan.fetch.manifest import (
    Manifest,
    downloads_root,
    la_dir,
    national_dir,
    osm_dir,
)

#: IoD sources and the LSOA vintage of their codes.
IOD_SOURCES: dict[str, str] = {"iod2019_file1": "2011", "iod2019_file2": "2011",
                               "iod2019_file6": "2011", "iod2025": "2021"}
LOOKUP_FIELDS = {"lsoa11": "LSOA11CD", "lsoa21": "LSOA21CD", "lad": "LAD22CD"}

Step = Callable[[str], None]


def _quiet(message: str) -> None:  # noqa: ARG001
    """Default step callback."""


@dataclass
class Context:
    cat: Catalogue
    root: Path
    offline: bool
    refresh: bool
    progress: Progress
    step: Step
    sleep: Callable[[float], None]
    missing: list[str]

    def fetch(self, source: Source, url: str, dest: Path, **kw: Any) -> FileRecord | None:
        """fetch_file, or None (noted as missing) when offline and not cached."""
        try:
            return fetch_file(source, url, dest, root=self.root, offline=self.offline,
                              refresh=self.refresh, progress=self.progress, sleep=self.sleep,
                              **kw)
        except NotInCacheError:
            self.missing.append(f"{source.title} ({source.id})")
            return None


def get_la_data(query: str, *, offline: bool = False, refresh: bool = False,
                catalogue: str | Path | None = None, progress: Progress = no_progress,
                step: Step = _quiet, sleep: Callable[[float], None] = time.sleep) -> Manifest:
    """Download (or reuse) everything for the authority ``query`` names; return its manifest.

    A download that fails after its retries says what to do about it (:func:`failure`)."""
    try:
        return _get_la_data(query, offline=offline, refresh=refresh, catalogue=catalogue,
                            progress=progress, step=step, sleep=sleep)
    except net.HttpFailure as err:
        raise failure(err) from None


def failure(err: net.HttpFailure) -> ServiceError:
    """``err`` with what the user can do about it, by kind of failure."""
    if err.kind == "status" and err.status in (401, 403, 404, 410):
        todo = ("the file has moved or is no longer published there: check for a newer "
                "ecoplan (its data catalogue names the sources), or download the file by hand "
                "and point ECOPLAN_DATA_MIRROR at a copy (see data/README.md)")
    elif err.kind == "status":
        todo = "the service is having trouble: try again later"
    else:
        todo = ("check this computer's internet connection (a proxy or firewall may block the "
                "site), or use a mirror with ECOPLAN_DATA_MIRROR (see data/README.md)")
    return ServiceError(f"{err} — {todo}. Files already downloaded are kept: asking again "
                        "fetches only what is missing.")


def _get_la_data(query: str, *, offline: bool, refresh: bool, catalogue: str | Path | None,
                 progress: Progress, step: Step, sleep: Callable[[float], None]) -> Manifest:
    cat = load_catalogue(catalogue)
    ctx = Context(cat, downloads_root(), net.offline_mode(offline), refresh, progress, step,
                  sleep, [])
    for folder in (national_dir(), osm_dir()):
        folder.mkdir(parents=True, exist_ok=True)
    national: dict[str, dict[str, Any]] = {}
    lookup, rec = _national_lookup(ctx)
    national["lsoa_lookup"] = rec
    table = authorities_from_lookup(lookup)
    listed = national_dir() / "authorities.csv"
    _write_csv(table, listed)
    auth = resolve(query, table)
    step(f"{auth.name} ({auth.code})")
    folder = la_dir(auth.code)
    folder.mkdir(parents=True, exist_ok=True)
    mine = lookup[lookup[LOOKUP_FIELDS["lad"]] == auth.code]
    codes = {"2011": sorted(set(mine[LOOKUP_FIELDS["lsoa11"]])),
             "2021": sorted(set(mine[LOOKUP_FIELDS["lsoa21"]]))}
    files: dict[str, dict[str, Any]] = {}
    src = cat["lsoa_lookup"]
    _write_csv(mine, folder / "lsoa_lookup.csv")
    files["lookup"] = record_for(src, src.url, folder / "lsoa_lookup.csv", ctx.root,
                                 derived_from=rec["path"], rows=len(mine)).as_dict()

    for key, sid, vintage in (("lsoa2011", "lsoa2011_boundaries", "2011"),
                              ("lsoa2021", "lsoa2021_boundaries", "2021")):
        got = _boundaries(ctx, cat[sid], auth, codes[vintage], folder / f"{key}.geojson")
        if got is not None:
            files[key] = got
    for sid, vintage in IOD_SOURCES.items():
        got = _iod(ctx, cat[sid], codes[vintage], folder / f"{sid}.csv", national)
        if got is not None:
            files[sid] = got
    osm = _osm(ctx, auth, folder, files, national)
    if ctx.missing:
        raise NotInCacheError("offline mode is on and these are not downloaded yet: "
                              + "; ".join(ctx.missing) + " — go online once to fetch them")
    manifest = Manifest(code=auth.code, name=auth.name, created=now_iso(),
                        catalogue={"path": str(cat.path), "sha256": cat.sha256}, files=files,
                        national=national, osm=osm, notes=list(osm.pop("notes", [])))
    manifest.write()
    return manifest


# --- steps --------------------------------------------------------------------------------------

def _national_lookup(ctx: Context) -> tuple[pd.DataFrame, dict[str, Any]]:
    src = ctx.cat["lsoa_lookup"]
    dest = national_dir() / "lsoa_lookup.csv"
    if dest.is_file() and not (ctx.refresh and not ctx.offline):
        df = pd.read_csv(dest, dtype=str, keep_default_na=False)
        ctx.step(f"{src.title}: cached")
        return df, record_for(src, src.url, dest, ctx.root, fetched_from="(cache)",
                              downloaded_at=_mtime(dest), rows=len(df)).as_dict()
    ctx.step(f"{src.title}: downloading")
    try:
        rows = arcgis.query(src, "1=1", geometry=False, offline=ctx.offline,
                            refresh=ctx.refresh, sleep=ctx.sleep,
                            on_page=lambda n, t: ctx.progress(dest.name, n, t))
    except NotInCacheError:
        raise NotInCacheError(
            f"offline mode is on and {src.title} ({src.id}) has not been downloaded — it holds "
            "the list of authorities, so nothing can be found without it; go online once"
        ) from None
    df = pd.DataFrame(rows)
    tables.check_columns(_as_columns(src), list(df.columns))
    df = df[list(src.fields)].astype(str)
    _write_csv(df, dest)
    return df, record_for(src, src.url, dest, ctx.root, rows=len(df)).as_dict()


def _as_columns(src: Source) -> Source:
    """The lookup checked like a table: its ArcGIS fields are its columns."""
    from dataclasses import replace

    return replace(src, columns=src.fields, code_column="")


def _boundaries(ctx: Context, src: Source, auth: Authority, codes: list[str],
                dest: Path) -> dict[str, Any] | None:
    if dest.is_file() and not (ctx.refresh and not ctx.offline):
        ctx.step(f"{src.title}: cached")
        return record_for(src, src.url, dest, ctx.root, fetched_from="(cache)",
                          downloaded_at=_mtime(dest), rows=len(codes)).as_dict()
    ctx.step(f"{src.title}: downloading {len(codes)} areas")
    feats: list[dict[str, Any]] = []
    try:
        for i in range(0, len(codes), src.codes_per_query):
            chunk = codes[i:i + src.codes_per_query]
            done = len(feats)
            feats += arcgis.query(
                src, arcgis.where_in(src.code_field, chunk), geometry=True,
                offline=ctx.offline, refresh=ctx.refresh, sleep=ctx.sleep,
                on_page=lambda n, _t, d=done: ctx.progress(  # type: ignore[misc]
                    dest.name, d + n, len(codes)))
    except NotInCacheError:
        ctx.missing.append(f"{src.title} for {auth.name} ({src.id})")
        return None
    got = {str((f.get("properties") or {}).get(src.code_field)) for f in feats}
    lost = sorted(set(codes) - got)
    if lost:
        raise ServiceError(f"{src.title} ({src.id}) has no boundary for {len(lost)} of the "
                           f"{len(codes)} LSOAs of {auth.name} (e.g. {', '.join(lost[:3])}) — "
                           f"check 'code_field' ({src.code_field}) in the data catalogue")
    for f in feats:
        tables_missing = [k for k in src.fields if k not in (f.get("properties") or {})]
        if tables_missing:
            raise ServiceError(f"{src.title} ({src.id}): features lack the field(s) "
                               f"{', '.join(tables_missing)} — the layer may have changed; "
                               "update 'fields' in the data catalogue")
    net.write_json(dest, {"type": "FeatureCollection", "features": feats})
    return record_for(src, src.url, dest, ctx.root, rows=len(feats)).as_dict()


def _iod(ctx: Context, src: Source, codes: list[str], dest: Path,
         national: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    raw = national_dir() / Path(src.url.split("?")[0]).name
    ctx.step(f"{src.title}")
    rec = ctx.fetch(src, src.url, raw)
    if rec is None:
        return None
    national[src.id] = rec.as_dict()
    table = raw
    if src.kind == "xlsx":
        table = raw.with_suffix(".csv")
        if not table.is_file() or table.stat().st_mtime < raw.stat().st_mtime:
            ctx.step(f"{src.title}: converting the spreadsheet to CSV")
            tables.xlsx_to_csv(src, raw, table)
    df = tables.read_national(src, table)
    rows = tables.cut(src, df, codes, dest)
    return record_for(src, src.url, dest, ctx.root, fetched_from=rec.fetched_from,
                      downloaded_at=rec.downloaded_at, derived_from=rec.path,
                      rows=rows).as_dict()


def _osm(ctx: Context, auth: Authority, folder: Path, files: dict[str, dict[str, Any]],
         national: dict[str, dict[str, Any]]) -> dict[str, Any]:
    index_src, osm_src = ctx.cat["geofabrik_index"], ctx.cat["osm_extract"]
    ctx.step(index_src.title)
    rec = ctx.fetch(index_src, index_src.url, national_dir() / "geofabrik-index-v1.json")
    if rec is None or "lsoa2011" not in files:
        if "lsoa2011" not in files:
            ctx.missing.append(f"{osm_src.title} (needs the LSOA 2011 boundaries first)")
        return {}
    national[index_src.id] = rec.as_dict()
    index = net.read_json(national_dir() / "geofabrik-index-v1.json")
    if index is None:
        raise ServiceError(f"{index_src.title} ({index_src.id}) is not valid JSON — run again "
                           "with --refresh")
    area = authority_area(folder / "lsoa2011.geojson")
    ex = geofabrik.choose_extract(index, area, f"{auth.name} ({auth.code})")
    pbf_url = osm_src.url.replace("{pbf}", ex.pbf_url)
    md5_url = (osm_src.checksum_url or "{pbf}.md5").replace("{pbf}", ex.pbf_url)
    dest = osm_dir() / Path(ex.pbf_url).name
    md5 = _md5(ctx, osm_src, md5_url, dest.with_name(dest.name + ".md5"))
    ctx.step(f"OpenStreetMap extract: {ex.name} ({dest.name})")
    got = ctx.fetch(osm_src, pbf_url, dest, known_hash=f"md5:{md5}" if md5 else None,
                    checksum_note=(f"md5 {md5} verified against {md5_url}" if md5 else
                                   "offline: the .md5 was not re-checked"))
    if got is None:
        return {}
    files["osm"] = got.as_dict()
    from ecoplan.fetch.clip import buffer_m, osm_buffer_m

    reach = osm_buffer_m()
    near = geofabrik.neighbours_reached(index, ex, buffer_m(area, reach))
    notes = []
    if near:
        notes.append(f"The {reach / 1000:g} km buffer around {auth.name} reaches beyond the "
                     f"{ex.name} extract into: {', '.join(near)}. Paths and green space there "
                     "are not in the data, so access for people near that edge may be "
                     "understated (not where the buffer only crosses the sea).")
    return {"extract_id": ex.id, "extract_name": ex.name, "pbf_url": ex.pbf_url,
            "extract_km2": round(ex.km2, 1), "buffer_m": reach, "notes": notes}


def _md5(ctx: Context, src: Source, url: str, keep: Path) -> str | None:
    """Geofabrik's published MD5 (kept beside the extract for offline runs)."""
    if ctx.offline:
        return None
    resp = net.request("GET", mirror_url(url), what=f"checksum of {src.title}", sleep=ctx.sleep)
    if resp.status_code != 200:
        raise ServiceError(f"{src.title} ({src.id}): no checksum at {url} (HTTP "
                           f"{resp.status_code}) — Geofabrik publishes one beside every extract; "
                           "try again later")
    digest = geofabrik.parse_md5(resp.text, url)
    keep.parent.mkdir(parents=True, exist_ok=True)
    from ecoplan.io import write_text

    write_text(keep, resp.text)
    return digest


def authority_area(boundaries: Path) -> shapely.Geometry:
    """The authority as one (multi)polygon: the union of its LSOAs."""
    gdf = gpd.read_file(boundaries)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return shapely.union_all(shapely.make_valid(gdf.geometry.to_numpy()))


def _write_csv(df: pd.DataFrame, dest: Path) -> None:
    from ecoplan.io import atomic_path

    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")


def _mtime(path: Path) -> str:
    from ecoplan.fetch.download import _mtime as mt

    return mt(path)


__all__ = ["get_la_data"]
