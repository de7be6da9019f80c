"""OSM features → green and blue *sites*: classify, union overlaps, cut rivers and coast into
pieces, then attach entrances and amenities.

Why union: parks contain woods contain nature reserves; measuring each polygon would count the
same ground twice (docs/architecture.md#sites). Why pieces: a whole coastline or river is
not "a place to go"; 1 km pieces are (``settings.osm.LINEAR_PIECE_M``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ecoplan.collector import collector_paused
from ecoplan.errors import NoGreenSpaceError
from ecoplan.geometry import clean_geometries, estimate_utm
from ecoplan.network.walkable import walkable_mask
from ecoplan.osm.layers import CRS, OsmLayers, text
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import public_access as pa
from ecoplan.sites import classify as C
from ecoplan.sites.amenities import amenities_near, count_amenities, poi_mask
from ecoplan.sites.entrances import site_entrances
from ecoplan.sites.evidence import apply_evidence, public_paths
from ecoplan.sites.linear import bank_strips, cut_pieces

SITE_COLUMNS = [
    "site_id", "name", "kind", "categories", "area_ha", "access", "access_evidence", "park",
    "n_entrances", "entry",
    "open_edge_m", "toilets", "benches", "shelters", "drinking_water", "parking", "bus_stops_400m",
    "components", "geometry",
]
LINEAR_CATEGORIES = ("river", "canal", "stream", "coast")


@dataclass(frozen=True)
class Sites:
    """Sites and their entrances (both EPSG:4326) and the projected CRS used to measure them."""

    sites: gpd.GeoDataFrame
    entrances: gpd.GeoDataFrame
    crs: str


def build_sites(layers: OsmLayers, *, include_restricted: bool = False,
                require_any: bool = True, open_edges: bool = True) -> Sites:
    """Turn normalised OSM layers into sites with entrances and amenity counts.

    Restricted land (private, golf, allotments, airfields, school grounds) is left out unless
    ``include_restricted``; it then appears as separate sites with ``access='restricted'``.
    Raises :class:`NoGreenSpaceError` when nothing is found and ``require_any``.
    ``open_edges=False`` gives the older entrance model (see :mod:`ecoplan.sites.entrances`).
    """
    with collector_paused():
        return _build_sites(layers, include_restricted=include_restricted,
                            require_any=require_any, open_edges=open_edges)


def _build_sites(layers: OsmLayers, *, include_restricted: bool, require_any: bool,
                 open_edges: bool) -> Sites:
    crs = local_crs(layers)
    ground = layers.derived.get(GROUND)
    if not (isinstance(ground, SiteGround) and ground.fits(layers.features, crs,
                                                           include_restricted)):
        ground = site_ground(layers.features, crs=crs, include_restricted=include_restricted)
    if len(ground.sites) == 0:
        return _empty_or_raise(require_any, crs)
    prep = layers.derived.get(PREP)
    if not (isinstance(prep, SitePrep) and prep.fits(layers, crs)):
        prep = site_prep(layers, crs=crs)
    # Every layer the rest reads, in ``crs`` (projection is per coordinate, so a subset of
    # these is that subset projected); ``nodes`` stay in EPSG:4326 (not read here).
    layers = replace(layers, features=ground.features, ways=prep.ways, pois=prep.pois,
                     buildings=prep.buildings)
    sites = ground.sites.copy()

    walkable = prep.walkable
    found = site_entrances(sites, layers, crs, open_edges=open_edges, walkable=walkable)
    pois = layers.pois
    # Amenities around each site need no entrances: counted on a second thread while the
    # access evidence is read (both mostly GEOS work, which runs without the GIL; issue 16).
    with ThreadPoolExecutor(max_workers=1) as pool:
        near_job = pool.submit(amenities_near, sites, pois)
        sites, entrances = apply_evidence(sites, found.entrances, layers, crs,
                                          walkable=walkable, path_kind=prep.path_kind)
        near = near_job.result()
    sites["n_entrances"] = sites.site_id.map(entrances.site_id.value_counts()).fillna(0)
    entry = found.entry.set_index("site_id")
    sites["entry"] = sites.site_id.map(entry["entry"]).to_numpy()
    sites["open_edge_m"] = sites.site_id.map(entry["open_edge_m"]).round(0).to_numpy()
    sites = count_amenities(sites, entrances, pois, near)
    sites = _name_from_landmarks(sites, pois)
    sites["n_entrances"] = sites["n_entrances"].astype(int)
    sites = sites.sort_values(["area_ha", "site_id"], ascending=[False, True])
    back = _reprojector(crs, CRS)
    sites = back(sites[SITE_COLUMNS]).reset_index(drop=True)
    return Sites(sites=sites, entrances=back(entrances).reset_index(drop=True), crs=crs)


#: The name of the sites' ground in ``OsmLayers.derived`` (see :func:`site_ground`).
GROUND = "sites.ground"


@dataclass(frozen=True)
class SiteGround:
    """The sites' ground before entrances: what the features alone decide (classes, unions,
    bank strips, small sites dropped), in the projected ``crs``.

    Why apart: it needs no network, buildings or POIs, so a cold run makes it in the forked
    child that reads the features while the network is read (``read_pbf(derive=...)``,
    issue 16). It is used only for the very ``source`` frame it was made from, in the same
    CRS and with the same ``include_restricted``; anything else makes it again.
    """

    source: gpd.GeoDataFrame  # the layers' features it was made from (checked by identity)
    crs: str
    include_restricted: bool
    features: gpd.GeoDataFrame  # ``source`` in ``crs``
    sites: gpd.GeoDataFrame  # in ``crs``; empty when the features hold no site

    def fits(self, features: gpd.GeoDataFrame, crs: str, include_restricted: bool) -> bool:
        return (self.source is features and self.crs == crs
                and self.include_restricted == include_restricted)


def site_ground(features: gpd.GeoDataFrame, *, crs: str | None = None,
                include_restricted: bool = False) -> SiteGround:
    """The :class:`SiteGround` of normalised features (EPSG:4326), in ``crs`` (default: the
    features' own UTM zone, which is :func:`local_crs` of layers whose network lies in the
    same zone)."""
    if crs is None:
        crs = estimate_utm(features) if len(features) else "EPSG:3857"
    projected = _reprojector(CRS, crs)(features)
    return SiteGround(features, crs, include_restricted, projected,
                      _ground_sites(projected, crs, include_restricted))


def _ground_sites(projected: gpd.GeoDataFrame, crs: str, include_restricted: bool
                  ) -> gpd.GeoDataFrame:
    features = C.classify(projected)
    if len(features) == 0:
        return _empty_sites(crs)
    features["geometry"] = shapely.make_valid(features.geometry.to_numpy())
    zones = C.restricted_zones(projected)
    features = _mark_zone_restricted(features, zones)

    is_line = features.category.isin(LINEAR_CATEGORIES) & features.geom_type.isin(
        ["LineString", "MultiLineString"])
    areas = features[~is_line & features.geom_type.isin(["Polygon", "MultiPolygon"])]
    lines = features[is_line]

    open_areas = areas[areas.access != C.RESTRICTED]
    polys = _union_sites(open_areas)
    pieces = _linear_sites(lines[lines.access != C.RESTRICTED], polys)
    polys = _add_linear_categories(polys, lines[lines.access != C.RESTRICTED])
    parts = [polys, pieces]
    if include_restricted:
        parts.append(_union_sites(areas[areas.access == C.RESTRICTED]))
    sites = gpd.GeoDataFrame(pd.concat([p for p in parts if len(p)], ignore_index=True)
                             if any(len(p) for p in parts) else _empty_sites(crs),
                             geometry="geometry", crs=crs)
    sites = _drop_small(sites)
    if len(sites) == 0:
        return sites
    return sites.drop_duplicates("site_id").reset_index(drop=True)


def local_crs(layers: OsmLayers) -> str:
    """A metric CRS for measuring: the UTM zone of the data (works anywhere, not only in GB)."""
    layer = layers.nodes if len(layers.nodes) else layers.features
    if len(layer) == 0:
        return "EPSG:3857"
    return estimate_utm(layer)


#: The name of the sites' view of the other layers in ``OsmLayers.derived`` (:func:`site_prep`).
PREP = "sites.prep"


@dataclass(frozen=True)
class SitePrep:
    """The network, POIs and buildings as the entrance and evidence steps read them: in the
    projected ``crs``, with each segment's walkability and right-of-way words.

    Why apart: none of it depends on the sites, so a cold run makes it while the reader's
    child reads the features (``read_pbf(prepare=...)``, issue 16) instead of after. Used
    only for the very frames it was made from, in the same CRS; anything else makes it again.
    """

    sources: tuple[gpd.GeoDataFrame, ...]  # the layers' ways, POIs, buildings (by identity)
    crs: str
    ways: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    walkable: pd.Series  # walkable_mask of the ways
    path_kind: pd.Series  # evidence.public_paths of the ways

    def fits(self, layers: OsmLayers, crs: str) -> bool:
        now = (layers.ways, layers.pois, layers.buildings)
        return self.crs == crs and all(a is b for a, b in zip(self.sources, now, strict=True))


def site_prep(layers: OsmLayers, *, crs: str | None = None) -> SitePrep:
    """The :class:`SitePrep` of ``layers`` (only their ways, nodes, POIs and buildings are
    read) in ``crs`` (default :func:`local_crs`): each layer reprojected once (not per helper
    and subset, 13 times a run before; issue 16)."""
    crs = local_crs(layers) if crs is None else crs
    project = _reprojector(CRS, crs)
    ways = project(layers.ways)
    walkable = walkable_mask(ways)
    kind = public_paths(ways, walkable) if len(ways) else pd.Series(dtype=object)
    return SitePrep((layers.ways, layers.pois, layers.buildings), crs, ways,
                    project(layers.pois), project(layers.buildings), walkable, kind)


def _reprojector(source: str, target: str) -> Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]:
    """``gdf.to_crs(target)`` for frames in ``source``: the same numbers (the same PROJ
    transformation, always x/y), without geopandas' per-call overhead; anything else (another
    CRS, 3D coordinates) is left to ``to_crs`` itself."""
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def coords(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    def project(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if gdf.crs is None or not gdf.crs.equals(source) or shapely.has_z(
                gdf.geometry.to_numpy()).any():
            return gdf.to_crs(target)
        geoms = shapely.transform(gdf.geometry.to_numpy(), coords)
        return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=target), crs=target)

    return project


def _mark_zone_restricted(features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame
                          ) -> gpd.GeoDataFrame:
    """An airfield's grass or a school field: mostly inside a restricted zone → restricted."""
    if len(zones) == 0:
        return features
    zone = shapely.union_all(shapely.make_valid(zones.geometry.to_numpy()))
    polys = features.geom_type.isin(["Polygon", "MultiPolygon"])
    geoms = features.geometry[polys]
    area = geoms.area.to_numpy()
    # Overlaid only where the zone reaches (prepared test); elsewhere nothing is inside.
    shapely.prepare(zone)
    reach = shapely.intersects(zone, geoms.to_numpy())
    inside = np.zeros(len(geoms))
    inside[reach] = shapely.area(shapely.intersection(geoms.to_numpy()[reach], zone))
    share = np.divide(inside, area, out=np.zeros_like(area), where=area > 0)
    hit = geoms.index[share >= osm_cfg.RESTRICTED_ZONE_OVERLAP]
    # Zones are not themselves categories, but amenity=school etc. are not sites either.
    features.loc[hit, "access"] = C.RESTRICTED
    return features


def _union_sites(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve overlapping or touching polygons into sites, keeping component tags."""
    if len(areas) == 0:
        return _empty_sites(areas.crs)
    parts = shapely.get_parts(np.asarray(_local_unions(areas.geometry.to_numpy()),
                                         dtype=object))
    raw = list(parts[shapely.area(parts) > 0])
    # Snapped before measuring, so area and the written shape are the same valid polygon;
    # features are matched to the unsnapped pieces (a neighbour a few mm away is not a part).
    snapped = clean_geometries(raw, osm_cfg.GRID_M)
    keep = [i for i, g in enumerate(snapped) if g.area > 0]
    comps = [snapped[i] for i in keep]
    raw_arr = np.empty(len(keep), dtype=object)
    raw_arr[:] = [raw[i] for i in keep]
    # A feature belongs to every component it overlaps (a repaired bow-tie can span two);
    # pairs in sjoin's order (feature, then the tree's order of components).
    feat_of, comp_of = shapely.STRtree(raw_arr).query(areas.geometry.to_numpy(),
                                                      predicate="intersects")
    overlap = _overlaps(areas.geometry.to_numpy()[feat_of], raw_arr, comp_of)
    # Size within this piece of ground, so a scattered multipolygon does not name every piece.
    some = overlap > 0
    feat_of, comp_of = feat_of[some], comp_of[some]
    # Each connected piece of ground is its own site, even when one multipolygon spans several
    # (a forest mapped as scattered parcels): a site is one place to go.
    records = _records(areas.iloc[feat_of].assign(part_area=overlap[some]))
    rows = [_site_row([records[i] for i in idx], comps[comp])
            for comp, idx in pd.Series(comp_of).groupby(comp_of).indices.items()]
    if not rows:
        return _empty_sites(areas.crs)
    return _unique_ids(gpd.GeoDataFrame(rows, geometry="geometry", crs=areas.crs))


def _overlaps(features: np.ndarray, comps: np.ndarray, comp_of: np.ndarray) -> np.ndarray:
    """Area of each feature within its piece of ground.

    A piece only one feature touches is made of that feature alone, so its own area is the
    overlap (the overlay gives the same to the last digit or two). That number is only
    compared — which part is largest, whether parks cover half — never written, so the
    overlay (two thirds of the pieces on the Isle of Wight; issue 16) is skipped for them.
    """
    sole = np.bincount(comp_of, minlength=len(comps))[comp_of] == 1
    out = np.empty(len(features))
    out[sole] = shapely.area(comps[comp_of[sole]])
    out[~sole] = shapely.area(shapely.intersection(features[~sole], comps[comp_of[~sole]]))
    return out


def _local_unions(geoms: np.ndarray) -> list:
    """``union_all`` per group of touching polygons, in input order: a site's outline then
    depends only on its own features, not on the rest of the map (one global union's float
    noise does, which moved entrances when a partitioned run read only part of the map)."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    n = len(geoms)
    groups = pd.Series(np.arange(n)).groupby(components(n, left, right)).indices
    return [shapely.union_all(geoms[np.sort(idx)]) for idx in groups.values()]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component of each of ``n`` nodes joined by the undirected edges ``left[k]–right[k]``,
    numbered by each component's smallest node (as scipy's ``connected_components`` numbers
    them).

    Why not scipy: importing ``scipy.sparse.csgraph`` takes 0.3 s, and a cold run builds the
    sites in a forked child before the parent has imported scipy (issue 16). Each round hooks
    every node onto the smaller label across its edges, then halves the pointer chains; labels
    only fall, so it stops, and at the fixed point both ends of every edge share a root, the
    smallest node of their component.
    """
    label = np.arange(n)
    left, right = np.asarray(left, dtype=np.intp), np.asarray(right, dtype=np.intp)
    while True:
        low = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        new = new[new]
        if np.array_equal(new, label):
            return np.unique(label, return_inverse=True)[1]
        label = new


#: A site id: the leading OSM object (n/w/r and its id, negative for objects an editor such
#: as JOSM has not uploaded yet) and, for one of its pieces, "-N".
_SITE_ID = r"^([nwr]-?\d+)(?:-\d+)?$"


def site_objects(site_ids: pd.Series) -> pd.Series:
    """The OSM object each site id belongs to, without a piece's "-N" (w123-2 → w123,
    w-100 → w-100): pieces of one object are one place. Ids of another form are kept."""
    ids = site_ids.astype(str)
    return ids.str.extract(_SITE_ID, expand=False).fillna(ids)


def _unique_ids(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Pieces led by the same OSM object get -1, -2, … in order of size."""
    sites = sites.sort_values("area_ha", ascending=False).reset_index(drop=True)
    dup = sites.site_id.duplicated(keep=False)
    sites.loc[dup, "site_id"] = sites.loc[dup, "site_id"] + "-" + sites[dup].groupby(
        "site_id").cumcount().add(1).astype(str)
    return sites


def _records(parts: pd.DataFrame) -> list[dict]:
    """The fields a site row needs, as plain dicts (pandas per-group indexing is too slow)."""
    return pd.DataFrame({
        "osm_type": parts["osm_type"].astype(str).to_numpy(),
        "osm_id": parts["osm_id"].astype("int64").to_numpy(),
        "name": text(parts["name"]).to_numpy(),
        "category": parts["category"].to_numpy(),
        "kind": parts["kind"].to_numpy(),
        "access": parts["access"].to_numpy(),
        "access_evidence": parts["access_evidence"].to_numpy(),
        "part_area": parts["part_area"].to_numpy(dtype=float),
    }).to_dict("records")


def _site_row(parts: list[dict], geom, suffix: str = "") -> dict:
    """One site from its component features: id and name from the largest, all categories."""
    parts = sorted(parts, key=lambda p: (-p["part_area"], p["osm_id"]))
    lead = parts[0]
    named = [p for p in parts if p["name"]]
    public_named = [p for p in named if p["category"] in osm_cfg.PUBLIC_CATEGORIES]
    name_src = public_named or named
    access = C.best_access([p["access"] for p in parts])
    why = next(p["access_evidence"] for p in parts if p["access"] == access)
    return {
        "site_id": f"{lead['osm_type'][0]}{lead['osm_id']}{suffix}",
        "name": name_src[0]["name"] if name_src else "",
        "kind": C.site_kind([p["kind"] for p in parts]),
        "categories": ";".join(dict.fromkeys(p["category"] for p in parts)),
        "area_ha": geom.area / 10_000.0,
        "access": access,
        "access_evidence": why,
        "park": access != C.RESTRICTED and _mostly_park(parts, geom.area),
        "components": ";".join(f"{p['osm_type'][0]}{p['osm_id']}" for p in parts),
        "geometry": geom,
    }


def _mostly_park(parts: list[dict], area: float) -> bool:
    """In the parks class when park-class parts cover at least ``PARK_MIN_SHARE`` of the
    site: a football pitch beside a large wood does not make the wood a park."""
    park_area = sum(p["part_area"] for p in parts if p["category"] in pa.PARK_CATEGORIES)
    return area > 0 and min(park_area, area) >= pa.PARK_MIN_SHARE * area


def _linear_sites(lines: gpd.GeoDataFrame, polys: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rivers, canals, named streams and coast → bank strips cut into ≤1 km pieces.

    The part of a strip inside a polygon site is removed (that site gains the blue category
    instead), so no ground is counted twice.
    """
    if len(lines) == 0:
        return _empty_sites(lines.crs)
    keep = (lines.category != "stream") | (text(lines["name"]) != "")
    lines = lines[keep].assign(part_area=0.0)
    records = _records(lines)
    pieces, row_of = cut_pieces(lines.geometry.to_numpy(), osm_cfg.LINEAR_PIECE_M)
    if len(pieces) == 0:
        return _empty_sites(lines.crs)
    strips = bank_strips(pieces, lines["category"].to_numpy()[row_of])
    taken = polys.geometry.to_numpy()
    if len(taken):
        piece, hit = shapely.STRtree(taken).query(strips, predicate="intersects")
        if len(piece):
            cut = np.flatnonzero(np.bincount(piece, minlength=len(strips)))
            groups = np.split(hit, np.cumsum(np.bincount(piece)[cut])[:-1])
            strips[cut] = shapely.difference(
                strips[cut], np.array([shapely.union_all(taken[g]) for g in groups],
                                      dtype=object))
    strips = _without_overlaps(strips)
    n_pieces = np.bincount(row_of, minlength=len(records))
    number = np.arange(len(pieces)) - (np.cumsum(n_pieces) - n_pieces)[row_of] + 1
    area = shapely.area(strips)
    rows = [_site_row([{**records[r], "part_area": a}], strip,
                      suffix=f"-{i}" if n_pieces[r] > 1 else "")
            for r, i, strip, a in zip(row_of.tolist(), number.tolist(), strips, area.tolist(),
                                      strict=True)
            if strip is not None]
    if not rows:
        return _empty_sites(lines.crs)
    return _unique_ids(gpd.GeoDataFrame(rows, geometry="geometry", crs=lines.crs))


def _without_overlaps(strips: np.ndarray) -> np.ndarray:
    """Each strip minus the strips kept before it (crossing rivers, estuary and coast),
    snapped to the grid; ``None`` where nothing is left.

    A difference can leave stray points/lines and near-touching vertices that turn invalid
    when reprojected (River Medina, Caul Bourne): each kept strip is a snapped polygon.
    Strips are taken in order, each against the already kept ones; a kept strip whose box
    misses this one's cannot intersect it, so only box neighbours are tried.
    """
    snapped = clean_geometries(strips, osm_cfg.GRID_M)
    box = shapely.bounds(strips)
    out = np.full(len(strips), None, dtype=object)
    kept_box = np.empty((len(strips), 4))
    kept: list[int] = []
    for i, strip in enumerate(strips):
        if kept:
            kb = kept_box[:len(kept)]
            near = np.flatnonzero((kb[:, 0] <= box[i, 2]) & (kb[:, 2] >= box[i, 0])
                                  & (kb[:, 1] <= box[i, 3]) & (kb[:, 3] >= box[i, 1]))
        else:
            near = np.empty(0, dtype=np.intp)
        changed = False
        for j in near:
            other = out[kept[j]]
            if strip.intersects(other):
                strip = strip.difference(other)
                changed = True
        strip = clean_geometries([strip], osm_cfg.GRID_M)[0] if changed else snapped[i]
        if strip.is_empty or strip.area <= 0:
            continue
        out[i] = strip
        kept_box[len(kept)] = shapely.bounds(strip)
        kept.append(i)
    return out


def _add_linear_categories(polys: gpd.GeoDataFrame, lines: gpd.GeoDataFrame
                           ) -> gpd.GeoDataFrame:
    """A park a river runs through is green *and* blue space."""
    if len(polys) == 0 or len(lines) == 0:
        return polys
    # Within the snap tolerance: a stream ending on a lake's outline shares a node with it,
    # which the 1 cm grid may have moved by millimetres.
    # The lines near each site in the tree's order, as geopandas' sjoin lists them.
    poly_i, line_i = shapely.STRtree(lines.geometry.to_numpy()).query(
        polys.geometry.to_numpy(), predicate="dwithin", distance=osm_cfg.BOUNDARY_TOUCH_M)
    if len(poly_i) == 0:
        return polys
    line_cats = lines["category"].to_numpy()
    extra: dict[int, list] = {}
    for p, line in zip(poly_i.tolist(), line_i.tolist(), strict=True):
        extra.setdefault(p, []).append(line_cats[line])
    categories = polys["categories"].to_numpy(dtype=object).copy()
    kind = polys["kind"].to_numpy(dtype=object).copy()
    for p, cats in extra.items():
        categories[p] = ";".join(dict.fromkeys(categories[p].split(";") + cats))
        if kind[p] == osm_cfg.GREEN:
            kind[p] = "green+blue"
    return polys.assign(categories=categories, kind=kind)


def _name_from_landmarks(sites: gpd.GeoDataFrame, pois: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give an unnamed site the name of a named summit or locality inside it."""
    unnamed = text(sites["name"]) == ""
    marks = pois[poi_mask(pois, osm_cfg.NAMING_LANDMARKS) & (text(pois["name"]) != "")]
    if not unnamed.any() or len(marks) == 0:
        return sites
    hits = gpd.sjoin(marks[["name", "geometry"]], sites.loc[unnamed, ["geometry"]],
                     predicate="within", how="inner")
    first = hits.groupby("index_right")["name"].first()
    sites = sites.copy()
    sites.loc[first.index, "name"] = first.to_numpy()
    return sites


def _drop_small(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    cats = sites.categories.str.split(";")
    always = cats.map(lambda c: bool(set(c) & osm_cfg.ALWAYS_KEEP_CATEGORIES))
    return sites[(sites.area_ha >= osm_cfg.MIN_SITE_HA) | always]


def _empty_sites(crs) -> gpd.GeoDataFrame:
    cols = [c for c in SITE_COLUMNS if c != "geometry"]
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def _empty_or_raise(require_any: bool, crs: str) -> Sites:
    if require_any:
        raise NoGreenSpaceError(
            "no green or blue space found in this area — try a larger area or another file")
    from ecoplan.sites.entrances import empty_entrances

    return Sites(_empty_sites(CRS), empty_entrances(CRS), crs)


__all__ = ["Sites", "build_sites", "local_crs"]
