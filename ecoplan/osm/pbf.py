"""Read a local ``.osm.pbf`` extract with pyrosm — the fast, offline path
(docs/architecture.md#sources)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiLineString, box
from shapely.geometry.base import BaseGeometry

from ecoplan.compressed import unreadable
from ecoplan.errors import AreaError, InputFileError
from ecoplan.osm import layers as L
from ecoplan.osm.edge import CutWays, cut_areas_and_lines, cut_network, cut_note, cut_ways_of_pyrosm
from ecoplan.osm.relations import Incomplete, incomplete_in_parsed, incomplete_multipolygons
from ecoplan.osm.relations import describe as describe_incomplete
from ecoplan.settings import osm as osm_cfg

#: Tags whose closed ways are lines, not areas (a closed coastline ring is an island outline).
LINE_TAGS: tuple[tuple[str, str], ...] = (("natural", "coastline"), ("waterway", "river"),
                                          ("waterway", "stream"), ("waterway", "canal"),
                                          ("waterway", "tidal_channel"))


def read_pbf(path: str | Path, *, bbox: tuple[float, float, float, float] | None = None,
             polygon: BaseGeometry | None = None,
             derive: L.Derive | None = None, prepare: L.Prepare | None = None
             ) -> L.OsmLayers:
    """Read the layers ecoplan needs from a PBF file, optionally clipped to a bbox or polygon.

    ``bbox`` is (west, south, east, north) in degrees. Raises :class:`InputFileError` for a
    missing, empty, truncated or corrupt file and :class:`AreaError` when the clip area holds
    no OSM data. ``derive``: functions of the (normalised) features to run as soon as they
    are read, in the process that read them — beside the network read when forking is
    allowed — their results kept as ``layers.derived`` under the same names (unclipped reads
    only; a function that fails is left out, for its user to run again and report).
    ``prepare``: the same for functions of the other layers (network, POIs, buildings; the
    features still empty), run here while the child reads the features.
    """
    path = check_file(path, (".pbf",))
    area = polygon if polygon is not None else (box(*bbox) if bbox else None)
    from ecoplan import parallel

    osm = _open(path, area)
    # Ways running past the file's edge, from the same parse (unclipped reads only: a clipped
    # parse lacks nodes outside the clip that the file does have). See ecoplan.osm.edge.
    cut = cut_ways_of_pyrosm(osm) if area is None else CutWays()
    # The layers are independent reads of the parsed file: the features and incomplete
    # relations in a forked child (when the caller allows it), normalised there with what
    # ``derive`` makes of the features, while the network, buildings and POIs are read here
    # — the same frames as one after the other (ecoplan.parallel).
    rest = parallel.start(_read_rest, osm, path, area is None,
                          dict(derive or {}) if area is None else {}, cut)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = osm.get_network(network_type="all", nodes=True)
            buildings = osm.get_buildings()
            pois = osm.get_data_by_custom_criteria(
                custom_filter=osm_cfg.POI_FILTER, filter_type="keep",
                keep_nodes=True, keep_ways=True, keep_relations=False)
    except _READ_ERRORS as err:
        raise _corrupt(path, err) from err
    nodes, ways = net if net is not None else (None, None)
    for frame in (nodes, ways, buildings, pois):
        _drop_attrs(frame)
    no_ways = ways is None or len(ways) == 0
    # This half's frames are normalised (and prepared) before waiting for the child's.
    stamp = header_date(path)
    newest = None if stamp else _newest(ways, pois)
    ways, nodes = cut_network(normalise_ways(ways), cut), normalise_nodes(nodes)
    pois = normalise_pois(cut_areas_and_lines(_with_osm_type(pois), cut))
    buildings = cut_areas_and_lines(L.conform(_with_osm_type(buildings), L.building_columns()),
                                    cut)
    bounds = header_bounds(path)
    prepared = _derived(L.OsmLayers(features=L.empty_layer(L.feature_columns()), ways=ways,
                                     nodes=nodes, pois=pois, buildings=buildings),
                        dict(prepare or {}) if area is None else {})
    incomplete, features, (read_any, newest_feature), derived = rest.result()
    if no_ways and not read_any:
        where = " inside the requested area" if area is not None else ""
        raise AreaError(f"{path.name} holds no streets, paths or green space{where}; "
                        "check the area or use a larger extract")
    result = L.OsmLayers(
        features=features, ways=ways, nodes=nodes, pois=pois, buildings=buildings,
        source=L.SourceInfo("pbf", path.name,
                            data_date=stamp or _latest(newest, newest_feature),
                            warnings=(*([cut_note(len(cut), path.name)] if len(cut) else []),
                                      *incomplete_note(incomplete)), bounds=bounds),
        derived={**prepared, **derived},
    )
    return result.clip(area) if area is not None else result


_READ_ERRORS = (ValueError, KeyError, OSError, RuntimeError, IndexError, TypeError)


def _corrupt(path: Path, err: Exception) -> InputFileError:
    return InputFileError(
        f"could not read OSM data from {path.name} ({type(err).__name__}: {err}); "
        "the file may be truncated or corrupt — download it again")


def _read_rest(osm, path: Path, whole: bool,
               derive: dict[str, Callable[[gpd.GeoDataFrame], Any]], cut: CutWays
               ) -> tuple[list[Incomplete], gpd.GeoDataFrame, tuple[bool, datetime | None],
                          dict[str, Any]]:
    """(incomplete relations, features, (any feature read, their newest timestamp),
    ``derive``'s results): the features' half of the reading, the network, buildings and
    POIs being the other. ``whole``: the file was parsed unclipped. The features come back
    normalised (that work done here, beside the network read), ``cut`` ways cut at the edge."""
    incomplete = _incomplete(osm, path, whole, cut)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            features = _read_features(osm)
    except _READ_ERRORS as err:
        raise _corrupt(path, err) from err
    _drop_attrs(features)
    read = (features is not None and len(features) > 0, _newest(features))
    features = cut_areas_and_lines(drop_relations(normalise_features(features), incomplete),
                                   cut)
    return incomplete, features, read, _derived(features, derive)


def _derived(data: Any, derive: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """``derive``'s results on ``data``. One that fails is left out, not raised: its user
    runs it again on the layers and reports the error where it belongs (a sites error from
    the sites step, not from reading the file)."""
    out = {}
    for name, fn in derive.items():
        try:
            out[name] = fn(data)
        except Exception:  # noqa: BLE001, S112 - recomputed (and reported) by its user
            continue
    return out


def _incomplete(osm, path: Path, whole: bool, cut: CutWays) -> list[Incomplete]:
    """Relations missing member ways (a member cut at the edge counts as missing), from
    pyrosm's parse of the whole file when it has one (the same list, without reading the
    file again), else from the file itself."""
    relations = getattr(osm, "_relations", None)
    ways = getattr(getattr(osm, "_way_records", None), "ids", None)
    if whole and isinstance(relations, dict) and ways is not None and {
            "id", "tags", "members"} <= relations.keys():
        return incomplete_in_parsed(relations, ways, cut.ids())
    return incomplete_multipolygons(path, cut=cut.ids())


def _read_features(osm) -> gpd.GeoDataFrame | None:
    """Ways and relations read separately: pyrosm drops ways that belong to a relation when
    both are asked for at once (measured on the Isle of Wight: 32 river ways → 14).
    Relations are kept only as areas (multipolygons); route/waterway relations would repeat
    their member ways as one long line.
    """
    parts = []
    for ways, rels in ((True, False), (False, True)):
        gdf = osm.get_data_by_custom_criteria(
            custom_filter=osm_cfg.FEATURE_FILTER, filter_type="keep",
            keep_nodes=False, keep_ways=ways, keep_relations=rels)
        if gdf is None or len(gdf) == 0:
            continue
        if rels:
            gdf = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        parts.append(gdf)
    if not parts:
        return None
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)


def _drop_attrs(frame) -> None:
    """Forget pyrosm's ``attrs`` (its whole filter, ~2 KB of nested lists): pandas deep-copies
    ``attrs`` on every operation on the frame and on each column taken from it — measured
    300,000 ``deepcopy`` calls and 7 % of a cold Isle of Wight access run."""
    if frame is not None:
        frame.attrs.clear()


def check_file(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """Fail early, with advice, on paths that cannot be an OSM file (missing, a folder, empty,
    wrong type, or not readable by us — said as such, not as 'corrupt')."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path} does not exist — check the path")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not an OSM file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path.name} is empty (0 bytes) — download it again")
    if not any(path.name.lower().endswith(s) for s in suffixes):
        raise InputFileError(
            f"{path.name} is not a {' or '.join(suffixes)} file; give an .osm.pbf or .osm file")
    try:
        with open(path, "rb"):
            pass
    except OSError as err:
        raise unreadable(path, err) from None
    return path


def _head(path: Path, n: int = 512) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def looks_like_xml(path: Path) -> bool:
    return b"<osm" in _head(path).lstrip(b"\xef\xbb\xbf")


def looks_like_pbf(path: Path) -> bool:
    """PBF files start with a BlobHeader of type "OSMHeader"."""
    return b"OSMHeader" in _head(path, 64)


def drop_relations(features: gpd.GeoDataFrame,
                   incomplete: list[Incomplete]) -> gpd.GeoDataFrame:
    """``features`` without the multipolygons that miss member ways (see
    :mod:`ecoplan.osm.relations`): a partial outline is wrong ground, not less of it."""
    if not incomplete or len(features) == 0:
        return features
    ids = [r.osm_id for r in incomplete]
    drop = features["osm_type"].eq("relation") & features["osm_id"].isin(ids)
    return features[~drop].reset_index(drop=True)


def incomplete_note(incomplete: list[Incomplete]) -> tuple[str, ...]:
    return (describe_incomplete(incomplete),) if incomplete else ()


def _open(path: Path, area: BaseGeometry | None):
    pyrosm = _import_pyrosm()  # imported here: heavy, and only this reader needs it

    if area is not None and (area.is_empty or not area.is_valid):
        raise AreaError("the clip area is empty or invalid — give a valid bbox W,S,E,N")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # complete_relations: a multipolygon straddling the clip box is read whole and
            # then cut to it (as the XML reader does), not assembled from the ways inside the
            # box — measured on the Isle of Wight, box -1.35,50.65,-1.25,50.72: 13 relation
            # areas instead of 7.
            # progress=False: no timing lines on stderr, where a user error must be one line.
            osm = pyrosm.OSM(str(path), bounding_box=area, complete_relations=area is not None,
                             progress=False, engine=_engine(path))
            osm._read_pbf()  # parse now so a corrupt file fails here, with our message
    except Exception as err:  # noqa: BLE001 - pyrosm raises many types for bad files
        if looks_like_xml(path):
            raise InputFileError(f"{path.name} holds OSM XML, not PBF data — rename it to end "
                                 "in .osm") from err
        raise InputFileError(
            f"{path.name} is not a readable OSM PBF file ({type(err).__name__}: "
            f"{str(err).split('. ')[0]}); it may be truncated or corrupt — download it "
            "again") from err
    return osm


def _import_pyrosm():
    """pyrosm, loaded without networkx where that is safe.

    Why: when pyrosm loads, ``pyrosm.utils._compat`` imports networkx only to set a flag
    that nothing reads (ecoplan builds its own graph) — 0.25 s, a fifth of the floor a cold
    run is measured against (issue 16). In a single-threaded process (the ``ecoplan``
    command) networkx is hidden for that one import (its ``import`` fails, the flag is
    False) and restored at once, so osmnx and the route code import it as usual. With other
    threads running (the app) nothing is hidden: another thread could be importing it.
    """
    import sys
    import threading

    hide = ("networkx" not in sys.modules and "pyrosm.pyrosm" not in sys.modules
            and threading.active_count() == 1)
    if hide:
        sys.modules["networkx"] = None  # type: ignore[assignment]
    try:
        import pyrosm
        import pyrosm.pyrosm  # noqa: F401 - what pyrosm.OSM loads lazily
    finally:
        if hide and sys.modules.get("networkx", 0) is None:
            del sys.modules["networkx"]
    return pyrosm


def _engine(path: Path) -> str:
    """pyrosm's in-memory engine for files up to ``osm_cfg.PBF_IN_MEMORY_MB``: its default
    out-of-core engine writes every read's result to a GeoParquet cache first, which a cold
    run pays for and never reuses; above the limit (a region, a country) memory matters more.
    """
    return "in_memory" if path.stat().st_size <= osm_cfg.PBF_IN_MEMORY_MB * 2**20 else "out_of_core"


def normalise_features(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    out = L.conform(_with_osm_type(gdf), L.feature_columns())
    if len(out) == 0:
        return out
    out["osm_id"] = out["osm_id"].astype("int64")
    is_line = pd.Series(False, index=out.index)
    for key, value in LINE_TAGS:
        is_line |= out[key].eq(value)
    out.loc[is_line, "geometry"] = out.loc[is_line, "geometry"].map(_as_line)
    keep = out.geometry.notna() & ~out.geometry.is_empty
    keep &= out.geom_type.isin(["Polygon", "MultiPolygon", "LineString", "MultiLineString"])
    return out[keep].reset_index(drop=True)


def normalise_ways(ways: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if ways is None or len(ways) == 0:
        return L.empty_layer(L.way_columns())
    ways = ways.rename(columns={"id": "osm_id", "length": "length_m"})
    out = L.conform(ways, L.way_columns())
    out["u"] = out["u"].astype("int64")
    out["v"] = out["v"].astype("int64")
    out["osm_id"] = out["osm_id"].astype("int64")
    out["length_m"] = out["length_m"].astype(float)
    return out


def normalise_nodes(nodes: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if nodes is None or len(nodes) == 0:
        return L.empty_layer(["geometry"], index_name="node_id")
    out = gpd.GeoDataFrame({"node_id": nodes["id"].astype("int64").to_numpy()},
                           geometry=gpd.points_from_xy(nodes["lon"], nodes["lat"]), crs=L.CRS)
    return out.drop_duplicates("node_id").set_index("node_id")


def normalise_pois(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    out = L.conform(_with_osm_type(gdf), L.poi_columns())
    if len(out) == 0:
        return out
    out["osm_id"] = out["osm_id"].astype("int64")
    out = out[~_node_only_ways(out)]
    not_point = out.geom_type != "Point"
    out.loc[not_point, "geometry"] = out.loc[not_point, "geometry"].representative_point()
    return out[out.geometry.notna() & ~out.geometry.is_empty].reset_index(drop=True)


def _node_only_ways(pois: gpd.GeoDataFrame) -> pd.Series:
    """Ways and relations read as POIs only for a tag kept on nodes alone (a steps way is a
    path, not a point for maps, landmarks or support lists): settings POI_NODE_ONLY."""
    node_only = pd.Series(False, index=pois.index)
    for key, value in osm_cfg.POI_NODE_ONLY:
        if key in pois.columns:
            node_only |= pois[key].eq(value).fillna(False).astype(bool)
    other = pd.Series(False, index=pois.index)
    for key, values in osm_cfg.POI_FILTER.items():
        if key not in pois.columns:
            continue
        col = pois[key]
        hit = col.notna() if not isinstance(values, list) else col.isin(
            [v for v in values if (key, v) not in osm_cfg.POI_NODE_ONLY])
        other |= hit.fillna(False).astype(bool)
    return node_only & ~other & (pois["osm_type"] != "node")


def _with_osm_type(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if gdf is None or len(gdf) == 0:
        return gdf
    gdf = gdf.rename(columns={"id": "osm_id"})
    if "osm_type" not in gdf.columns:
        gdf["osm_type"] = "way"
    return gdf


def _as_line(geom: BaseGeometry) -> BaseGeometry:
    if geom is None:
        return geom
    if geom.geom_type == "Polygon":
        return LineString(geom.exterior.coords)
    if geom.geom_type == "MultiPolygon":
        return MultiLineString([LineString(p.exterior.coords) for p in geom.geoms])
    return geom


def header_date(path: Path) -> datetime | None:
    """``osmosis_replication_timestamp`` (else ``timestamp``) from the PBF header: the date
    the extract was cut (Geofabrik writes it); None when the header has neither."""
    try:
        import osmium

        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            header = reader.header()
            raw = (header.get("osmosis_replication_timestamp") or header.get("timestamp")
                   or "")
        finally:
            reader.close()
        if not raw:
            return None
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
    except (ImportError, RuntimeError, OSError, ValueError):
        return None


def header_bounds(path: str | Path) -> tuple[float, float, float, float] | None:
    """The bounding box a PBF header declares (west, south, east, north), or None. It is the
    extent the extract was cut to, the same for the whole file and for any cut of it — so a
    partitioned run measures "inside the data" exactly as the whole run does."""
    try:
        import osmium

        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            box = reader.header().box()
        finally:
            reader.close()
        if not box.valid():
            return None
        bl, tr = box.bottom_left, box.top_right
        out = (float(bl.lon), float(bl.lat), float(tr.lon), float(tr.lat))
    except (ImportError, RuntimeError, OSError, ValueError):
        return None
    w, s, e, n = out
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return out


def _latest(*stamps: datetime | None) -> datetime | None:
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def _newest(*frames: gpd.GeoDataFrame | None) -> datetime | None:
    """Newest object timestamp: the best 'data date' a PBF offers without its header."""
    stamps = [pd.to_numeric(f["timestamp"], errors="coerce").max()
              for f in frames if f is not None and len(f) and "timestamp" in f.columns]
    stamps = [s for s in stamps if pd.notna(s) and s > 0]
    if not stamps:
        return None
    return datetime.fromtimestamp(int(max(stamps)), tz=UTC)
