"""Read OSM XML (``.osm``, ``.osm.bz2``, ``.osm.gz``) with osmnx into the normalised layers.

This is also the parser for Overpass downloads (``ecoplan.osm.overpass`` stores them as XML),
so offline files and online areas go through exactly the same code.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.sax import SAXParseException

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ecoplan.compressed import plain_copy
from ecoplan.errors import AreaError, InputFileError
from ecoplan.osm import layers as L
from ecoplan.osm.edge import cut_note, longest_run
from ecoplan.osm.pbf import (
    _newest,
    check_file,
    drop_relations,
    incomplete_note,
    looks_like_pbf,
    normalise_features,
    normalise_pois,
)
from ecoplan.osm.relations import incomplete_multipolygons
from ecoplan.settings import osm as osm_cfg

XML_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".xml")


def read_xml(path: str | Path, *, bbox: tuple[float, float, float, float] | None = None,
             polygon: BaseGeometry | None = None, source_kind: str = "xml",
             source_name: str | None = None) -> L.OsmLayers:
    """Read an OSM XML file into :class:`OsmLayers`, optionally clipped to a bbox/polygon."""
    import osmnx as ox
    from shapely.geometry import box

    path = check_file(path, XML_SUFFIXES)
    area = polygon if polygon is not None else (box(*bbox) if bbox else None)
    # osmnx reads .bz2 itself but not .gz, with no cap and no clear errors: every compressed
    # file is decompressed here, capped, into a temporary plain copy removed afterwards.
    notes: list[str] = []
    cut: set[int] = set()  # ways cut at the file's edge (ecoplan.osm.edge)
    with plain_copy(path, "osm", suffix=".osm") as xml_path:
        _configure_osmnx(ox)
        try:
            try:
                graph, feats = _read_osmnx(ox, xml_path)
            except ValueError as err:
                if _MISSING_NODES not in str(err):
                    raise
                # Ways reaching past the file's edge (an extract cut without whole ways):
                # read again with each such way cut at the edge, as the PBF reader does.
                with _cut_at_edge(xml_path) as (cut_path, cut):
                    graph, feats = _read_osmnx(ox, cut_path)
                notes.append(cut_note(len(cut), path.name))
        except ox._errors.InsufficientResponseError as err:  # a ValueError: catch it first
            raise AreaError(f"{path.name} holds no OSM data; check the file") from err
        except (SAXParseException, ParseError, ValueError, KeyError) as err:
            if looks_like_pbf(xml_path):
                raise InputFileError(f"{path.name} holds PBF data, not OSM XML — save it "
                                     "(uncompressed) as a file ending in .osm.pbf") from err
            raise InputFileError(
                f"{path.name} is not valid OSM XML ({type(err).__name__}: {err}); "
                "it may be truncated — download or export it again") from err
        incomplete = incomplete_multipolygons(xml_path, label=path.name, cut=cut)
    nodes, ways = _graph_layers(ox, graph)
    features, pois, buildings = _split_features(feats)
    if len(ways) == 0 and len(features) == 0:
        raise AreaError(f"{path.name} holds no streets, paths or green space")
    name = source_name or path.name
    result = L.OsmLayers(
        features=drop_relations(features, incomplete), ways=ways, nodes=nodes, pois=pois,
        buildings=buildings,
        source=L.SourceInfo(source_kind, name, data_date=_newest(feats),
                            warnings=(*notes, *incomplete_note(incomplete))),
    )
    return result.clip(area) if area is not None else result


#: What osmnx says when a way names nodes the file does not hold (osmnx.distance).
_MISSING_NODES = "missing nodes"


def _read_osmnx(ox, xml_path: Path) -> tuple[Any, gpd.GeoDataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = ox.graph_from_xml(xml_path, simplify=False, retain_all=True,
                                  bidirectional=True)
        return graph, _features(ox, xml_path)


@contextmanager
def _cut_at_edge(xml_path: Path) -> Iterator[tuple[Path, set[int]]]:
    """A temporary copy of ``xml_path`` in which every way that names nodes missing from the
    file keeps its longest run of nodes that are there (two or more; else it is dropped):
    never a straight line across the gap, so no path that does not exist. A closed way so
    cut that is not a path (a park's or a building's outline) is dropped, so no area is
    drawn in part (as for relations missing members). The rule is ``ecoplan.osm.edge``'s,
    as the PBF reader applies it. Yields the copy and the ids of the ways cut."""
    import osmium

    present: set[int] = set()

    class Nodes(osmium.SimpleHandler):
        def node(self, n: Any) -> None:
            present.add(n.id)

    Nodes().apply_file(str(xml_path), locations=False)
    fd, name = tempfile.mkstemp(prefix="ecoplan-cut-", suffix=".osm")
    os.close(fd)
    out = Path(name)
    out.unlink()  # osmium's writer makes the file itself
    cut: set[int] = set()
    try:
        writer = osmium.SimpleWriter(str(out))
        try:
            class Copy(osmium.SimpleHandler):
                def node(self, n: Any) -> None:
                    writer.add_node(n)

                def way(self, w: Any) -> None:
                    refs = [r.ref for r in w.nodes]
                    if all(r in present for r in refs):
                        writer.add_way(w)
                        return
                    cut.add(w.id)
                    run = longest_run(refs, present)
                    area = refs[0] == refs[-1] and "highway" not in w.tags
                    if len(run) >= 2 and not area:  # a cut area is no area: left out
                        writer.add_way(w.replace(nodes=run, tags=dict(w.tags)))

                def relation(self, r: Any) -> None:
                    writer.add_relation(r)

            Copy().apply_file(str(xml_path), locations=False)
        finally:
            writer.close()
        yield out, cut
    finally:
        out.unlink(missing_ok=True)


def _configure_osmnx(ox) -> None:
    ox.settings.useful_tags_way = list(dict.fromkeys(["oneway", *osm_cfg.WAY_TAGS]))
    ox.settings.log_console = False


def _all_tags() -> dict[str, list[str] | bool]:
    merged: dict[str, list[str] | bool] = {}
    for filt in (osm_cfg.FEATURE_FILTER, osm_cfg.POI_FILTER, {"building": True}):
        for key, values in filt.items():
            have = merged.get(key)
            if values is True or have is True:
                merged[key] = True
            else:
                merged[key] = sorted(set(have or []) | set(values))  # type: ignore[arg-type]
    return merged


def _features(ox, xml_path: Path) -> gpd.GeoDataFrame:
    try:
        return ox.features_from_xml(xml_path, tags=_all_tags())
    except ox._errors.InsufficientResponseError:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=L.CRS), crs=L.CRS)


def _graph_layers(ox, graph) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    if graph.number_of_edges() == 0:
        return (L.empty_layer(["geometry"], index_name="node_id"),
                L.empty_layer(L.way_columns()))
    nodes, edges = ox.graph_to_gdfs(graph)
    edges = edges.reset_index()
    edges = edges[edges.get("highway").notna()] if "highway" in edges else edges.iloc[0:0]
    # the network the PBF reader (pyrosm's "all") and osmnx's own filters give: osmnx reads
    # every highway way from a file, areas and platforms included
    first = edges["highway"].map(lambda x: x[0] if isinstance(x, list) else x)
    area = edges["area"].map(lambda x: x[0] if isinstance(x, list) else x) \
        if "area" in edges else pd.Series(None, index=edges.index)
    edges = edges[~first.isin(osm_cfg.NETWORK_EXCLUDED_HIGHWAY) & area.ne("yes")]
    # One row per undirected segment: osmnx adds both directions of two-way ways.
    a = edges[["u", "v"]].min(axis=1)
    b = edges[["u", "v"]].max(axis=1)
    edges = edges.assign(u=a, v=b).drop_duplicates(["u", "v", "osmid"])
    edges = edges.rename(columns={"osmid": "osm_id", "length": "length_m"})
    for col in osm_cfg.WAY_TAGS:  # osmnx gives lists where merged; we keep plain tags
        if col in edges:
            edges[col] = edges[col].map(lambda x: x[0] if isinstance(x, list) else x)
    ways = L.conform(gpd.GeoDataFrame(edges, geometry="geometry", crs=L.CRS), L.way_columns())
    for col in ("u", "v", "osm_id"):
        ways[col] = ways[col].astype("int64")
    ways["length_m"] = ways["length_m"].astype(float)
    used = pd.Index(pd.unique(pd.concat([ways.u, ways.v])))
    nodes = nodes.loc[nodes.index.isin(used)]
    node_gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(nodes.x, nodes.y), crs=L.CRS,
                                index=pd.Index(nodes.index.astype("int64"), name="node_id"))
    return node_gdf, ways


def _split_features(feats: gpd.GeoDataFrame
                    ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    if len(feats) == 0:
        return (L.empty_layer(L.feature_columns()), L.empty_layer(L.poi_columns()),
                L.empty_layer(L.building_columns()))
    feats = feats.reset_index().rename(columns={"element": "osm_type", "id": "osm_id"})
    if "element_type" in feats.columns:  # osmnx < 2 naming
        feats = feats.rename(columns={"element_type": "osm_type", "osmid": "osm_id"})
    feature_mask = _matches(feats, osm_cfg.FEATURE_FILTER) & (feats.osm_type != "node")
    poi_mask = _matches(feats, osm_cfg.POI_FILTER)
    building_mask = feats["building"].notna() if "building" in feats else feature_mask & False
    features = normalise_features(feats[feature_mask])
    pois = normalise_pois(feats[poi_mask])
    bcols = feats[building_mask & feats.geom_type.isin(["Polygon", "MultiPolygon"])]
    buildings = L.conform(bcols, L.building_columns())
    return features, pois, buildings


def _matches(feats: pd.DataFrame, filt: dict[str, list[str] | bool]) -> pd.Series:
    hit = pd.Series(False, index=feats.index)
    for key, values in filt.items():
        if key not in feats.columns:
            continue
        hit |= feats[key].notna() if values is True else feats[key].isin(values)
    return hit
