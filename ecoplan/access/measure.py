"""The access step end to end: walk graph → origins → every standard → one row per area.

Why per origin then per area: people live at homes, not at area centroids; each area's
population is split over origin points (:func:`ecoplan.need.origins.place_origins`), every
origin gets its walk distance to each class of site, and areas report *population-weighted*
shares and means. Nothing is averaged away silently: origins too far from the mapped network
('unsnapped') and origins with no reachable site ('unreachable') are counted and reported, and
never turned into 0 minutes or infinity.

Area ``status``: 'ok' (every origin measured and reaching a site), 'some unmeasured' (some
people unsnapped or unreachable — see the share columns), 'unreachable' (no origin reaches any
site), 'outside data' (the area lies outside the OSM extent, or no origin is within reach of
the walking network: nothing is measured and shares are left empty).

Every figure is measured twice (:mod:`ecoplan.access.variants`): with confirmed public access
only (the default, plain column names) and including access unknown (suffix
``_incl_unknown``). ``share_inside_data`` is the share of each area's ground inside the data's
extent and ``partial`` marks areas mostly outside it (left out of headline figures).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.access.speeds import minutes, resolve_speed
from ecoplan.access.standards import Measurer, SiteIndex
from ecoplan.errors import AreaError
from ecoplan.geometry import estimate_utm
from ecoplan.need.areas import AreasResult
from ecoplan.network.graph import WalkGraph, build_walk_graph
from ecoplan.network.snap import points_xy
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import access as access_cfg
from ecoplan.settings import network as net_cfg
from ecoplan.settings.access import Standard
from ecoplan.sites.build import Sites

#: Columns copied from the areas layer into every result row.
AREA_ID_COLUMNS = ["area_code", "area_name", "population", "imd_decile", "imd_rank",
                   "imd_score", "need_source"]
#: Origin status values (per origin, from the unlimited 'any' pass).
ORIGIN_STATUS = ("ok", "unsnapped", "unreachable")
AREA_STATUS = ("ok", "some unmeasured", "unreachable", "outside data")


def result_columns(standards: tuple[Standard, ...] = access_cfg.STANDARDS) -> list[str]:
    """Per-area result columns, in CSV order (without geometry)."""
    cols = list(AREA_ID_COLUMNS)
    cols += [f"minutes_{c}" for c in access_cfg.CLASSES]
    cols += [f"metres_{c}" for c in access_cfg.CLASSES]
    cols += ["nearest_site_id", "nearest_site_name"]
    for s in standards:
        cols += [f"share_{s.key}", f"share_{s.key}_straight"]
    cols += ["share_lacking", "share_lacking_straight", "share_unreachable", "share_unsnapped",
             "n_origins", "origin_method", "status"]
    return cols


@dataclass(frozen=True, eq=False)
class AccessResult:
    """Access per area (``areas``) and per origin point (``origins``), plus how it was made.

    ``areas`` (EPSG:4326, one row per input area, :func:`result_columns` + geometry):
    ``minutes_<class>`` = population-weighted mean walk minutes to the nearest site of that
    class among the people who can reach one (empty when nobody can); ``share_<standard>`` =
    share of the measured population meeting it along the walking network, ``…_straight`` in
    a straight line; ``share_lacking`` = share failing the 15-minute or the AGS local standard;
    ``share_unreachable`` = share of the measured population with no reachable site;
    ``share_unsnapped`` = share of the population placed too far from the network to measure.

    ``origins`` (EPSG:4326): area_code, population, share, method, row (graph node, -1 =
    unsnapped), snap_m, status, ``<class>_m`` / ``<class>_site`` / ``<class>_min`` per class,
    any_straight_m, ``<standard>_m`` / ``_ok`` / ``_straight_ok``, lacking, geometry.
    """

    areas: gpd.GeoDataFrame
    origins: gpd.GeoDataFrame
    speed_kmh: float
    step_free: bool
    standards: tuple[str, ...] = access_cfg.STANDARD_KEYS
    warnings: tuple[str, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def standard_objects(self) -> tuple[Standard, ...]:
        by_key = {s.key: s for s in access_cfg.STANDARDS}
        return tuple(by_key[k] for k in self.standards)

    def table(self) -> pd.DataFrame:
        """The per-area table without geometry (what the CSV holds)."""
        return pd.DataFrame(self.areas.drop(columns="geometry"))

    def with_info(self, **more: Any) -> AccessResult:
        return replace(self, info={**self.info, **more})


def measure_access(layers: OsmLayers, sites: Sites, areas: gpd.GeoDataFrame | AreasResult, *,
                   speed_kmh: float | str | None = None, step_free: bool = False,
                   origins: gpd.GeoDataFrame | None = None, graph: WalkGraph | None = None,
                   standards: tuple[Standard, ...] = access_cfg.STANDARDS,
                   variants: tuple[str, ...] = access_cfg.VARIANTS,
                   extent: shapely.Geometry | None = None) -> AccessResult:
    """Measure every standard for every area, once per access variant (module docstring).

    ``speed_kmh`` is a number or a profile name (:func:`resolve_speed`). ``graph`` and
    ``origins`` may be passed in to reuse them (the what-if step does); ``graph.step_free``
    must then match ``step_free``. ``variants`` (see :mod:`ecoplan.access.variants`): each is
    one multi-source Dijkstra per set of qualifying sites (:class:`Measurer`: a standard whose
    sites are a class's, or another standard's with a longer reach, is cut from that search);
    the default variant's columns carry the plain names. ``extent`` is the data's extent
    (lon/lat polygon); default: the bounding box of the walkable network.
    """
    from ecoplan import parallel as par

    t0 = time.perf_counter()
    warnings: list[str] = []
    if isinstance(areas, AreasResult):
        warnings.extend(areas.warnings)
        areas = areas.areas
    areas = _checked_areas(areas)
    speed = resolve_speed(speed_kmh)
    variants = tuple(dict.fromkeys((access_cfg.DEFAULT_VARIANT, *variants)))
    seconds: dict[str, float] = {}
    if graph is None:
        graph = build_walk_graph(layers, step_free=step_free)
    elif graph.step_free != step_free:
        raise ValueError("graph.step_free does not match step_free")
    seconds["graph"] = time.perf_counter() - t0
    t = time.perf_counter()
    if origins is None:
        origins = _origins_for(areas, layers)
    origins = _with_share(origins.reset_index(drop=True))
    seconds["origins"] = time.perf_counter() - t
    t = time.perf_counter()
    xy = points_xy(graph, origins)
    inside = _inside_extent(areas, layers)
    share_in = inside_share(areas, extent if extent is not None else data_extent(layers))
    per_cols: dict[str, Any] = {}
    table: gpd.GeoDataFrame | None = None
    more: dict[str, Any] = {}  # the other variants' columns, then the data extent's
    # Variants after the first are measured in forked children while the first is measured
    # here, when the caller allows it (ecoplan.parallel); the same numbers either way.
    # Every variant's sites are some of all the sites: project them, place their entrances
    # and snap the origins once, before any child starts (issue 16).
    base = _all_sites_measurer(graph, sites, origins, xy)
    jobs = {v: par.start(_measure_variant, base, v, speed, standards, areas, inside)
            for v in variants[1:]}
    for variant in variants:
        sfx = access_cfg.VARIANT_SUFFIX[variant]
        per, tab = (jobs[variant].result() if variant in jobs else
                    _measure_variant(base, variant, speed, standards, areas, inside))
        new_cols = [c for c in per.columns if c not in origins.columns]
        for c in new_cols:
            per_cols[c + sfx] = per[c].to_numpy()
        if table is None:
            table = tab
            if variant == access_cfg.DEFAULT_VARIANT:
                warnings.extend(_status_warnings(tab, per))
        else:
            more.update({c + sfx: tab[c].to_numpy() for c in variant_columns(standards)})
    assert table is not None
    more["share_inside_data"] = share_in
    more["partial"] = share_in < access_cfg.PARTIAL_INSIDE_SHARE
    table = gpd.GeoDataFrame(with_columns(table, more), geometry="geometry", crs=table.crs)
    seconds["standards"] = time.perf_counter() - t
    per_all = gpd.GeoDataFrame(with_columns(origins, per_cols), geometry="geometry",
                               crs=origins.crs)
    info = {
        "source": layers.source.name, "attribution": layers.source.attribution,
        "data_date": layers.source.data_date,
        "n_sites": int(len(sites.sites)), "n_entrances": int(len(sites.entrances)),
        "n_nodes": int(graph.n_nodes), "n_edges": int(graph.n_edges),
        "n_origins": int(len(per_all)), "seconds": seconds,
        "standards_version": access_cfg.STANDARDS_VERSION, "variants": list(variants),
    }
    return AccessResult(areas=table, origins=per_all, speed_kmh=speed, step_free=step_free,
                        standards=tuple(s.key for s in standards), warnings=tuple(warnings),
                        info=info)


def _all_sites_measurer(graph: WalkGraph, sites: Sites, origins: gpd.GeoDataFrame,
                        xy: np.ndarray) -> Measurer:
    """A :class:`Measurer` over every site and entrance ('all' access), which each variant
    cuts its own from (:meth:`Measurer.subset`)."""
    from ecoplan.access.variants import with_contract

    every = with_contract(sites)
    return Measurer(graph, SiteIndex.build(every.sites, every.entrances, graph.crs), origins, xy)


def _measure_variant(base: Measurer, variant: str, speed: float,
                     standards: tuple[Standard, ...], areas: gpd.GeoDataFrame,
                     inside: np.ndarray) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Per-origin results and the per-area table for one access variant."""
    from ecoplan.access.variants import variant_masks

    index = base.index
    if variant == "all":
        measurer = base
    else:
        site_keep, ent_keep = variant_masks(index.sites, index.entrances, variant)
        measurer = base.subset(site_keep, ent_keep)
    per = _measure_origins(measurer, speed, standards)
    return per, aggregate_areas(areas, per, standards, measurer.index.sites, inside)


def variant_columns(standards: tuple[Standard, ...] = access_cfg.STANDARDS) -> list[str]:
    """Per-area columns measured once per access variant (suffixed for non-default ones)."""
    ident = set(AREA_ID_COLUMNS) | {"share_unsnapped", "n_origins", "origin_method"}
    return [c for c in result_columns(standards) if c not in ident]


def _measure_origins(measurer: Measurer, speed: float,
                     standards: tuple[Standard, ...]) -> pd.DataFrame:
    """Per-origin results for one set of sites: every class (no limit), every standard."""
    cols: dict[str, Any] = {}
    index, origins = measurer.index, measurer.origins
    measurer.plan(standards, speed)
    for name, cls in access_cfg.CLASSES.items():
        m = measurer.class_arrays(cls.kinds, min_ha=cls.min_ha, parks_only=cls.parks_only)
        if name == "any":
            status = m["status"].copy()
            status[status == "beyond_limit"] = "unreachable"
            cols["row"] = m["row"]
            cols["snap_m"] = m["snap_m"]
            cols["status"] = status
        cols[f"{name}_m"] = m["network_m"]
        cols[f"{name}_site"] = m["site_id"]
        cols[f"{name}_min"] = minutes(m["network_m"], speed)
    mask_any = np.asarray(index.sites["access"].isin(access_cfg.ACCESSIBLE).to_numpy()
                          & index.sites["kind"].isin(access_cfg.ANY_KINDS).to_numpy(), dtype=bool)
    cols["any_straight_m"], _ = measurer.straight.measure(mask_any, want_site=False)
    for s in standards:
        cols.update(measurer.standard_arrays(s, speed))
    keys = {s.key for s in standards}
    h, loc = access_cfg.HEADLINE_STANDARD, access_cfg.LOCAL_STANDARD
    if {h, loc} <= keys:
        cols["lacking"] = ~(cols[f"{h}_ok"] & cols[f"{loc}_ok"])
        cols["lacking_straight"] = ~(cols[f"{h}_straight_ok"] & cols[f"{loc}_straight_ok"])
    else:
        cols["lacking"] = False
        cols["lacking_straight"] = False
    return with_columns(origins, cols)


def with_columns(frame: pd.DataFrame, cols: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with ``cols`` set as by ``frame[name] = value`` one at a time (existing
    columns replaced in place, new ones appended in order), but built in one concat: setting
    ~200 columns one by one on a GeoDataFrame took ~0.5 s of every cold run (issue 16)."""
    if any(c in frame.columns for c in cols) or frame.columns.has_duplicates:
        out = frame.copy()
        for c, v in cols.items():
            out[c] = v
        return out
    new = pd.DataFrame(cols, index=frame.index)
    return pd.concat([frame, new], axis=1)


def data_extent(layers: OsmLayers) -> shapely.Geometry | None:
    """Where the OSM data ends: the extent a loader gave (a clip read with a margin), else the
    bounding box the file declares (a PBF header's, as extracts carry), else the bounding box
    of the walkable network (clipped layers drop the declared box and are cut to the clip box
    or polygon, so this is the clip when one was given)."""
    given = getattr(layers.source, "extent", None)
    if given is not None:
        return given
    declared = getattr(layers.source, "bounds", None)
    if declared is not None:
        return shapely.box(*declared)
    try:
        w, s, e, n = layers.bounds
    except (ValueError, TypeError):
        return None
    if not all(np.isfinite([w, s, e, n])):
        return None
    return shapely.box(w, s, e, n)


def inside_share(areas: gpd.GeoDataFrame, extent: shapely.Geometry | None) -> np.ndarray:
    """Share of each area's ground inside ``extent`` (measured in an equal-area projection)."""
    if extent is None or len(areas) == 0:
        return np.zeros(len(areas))
    geo = areas.geometry
    proj = estimate_utm(geo) if geo.crs is not None else None
    a = geo.to_crs(proj) if proj is not None else geo
    ext = gpd.GeoSeries([extent], crs=geo.crs or 4326)
    ext = ext.to_crs(proj).iloc[0] if proj is not None else ext.iloc[0]
    polys = shapely.make_valid(a.to_numpy())
    total = shapely.area(polys)
    inner = shapely.area(shapely.intersection(polys, ext))
    return np.divide(inner, total, out=np.zeros(len(areas)), where=total > 0).clip(0, 1)


def aggregate_areas(areas: gpd.GeoDataFrame, per: pd.DataFrame,
                    standards: tuple[Standard, ...], sites: pd.DataFrame,
                    inside: np.ndarray) -> gpd.GeoDataFrame:
    """One row per area from per-origin results, weighted by each origin's population share."""
    codes = areas["area_code"].to_numpy(object)
    pos = pd.Index(codes).get_indexer(per["area_code"].to_numpy(object))
    if (pos < 0).any():
        raise ValueError("origins reference area codes that are not in the areas layer")
    n = len(areas)
    w = per["share"].to_numpy(float)
    status = per["status"].to_numpy(object)
    measured = status != "unsnapped"
    reach = status == "ok"

    def wsum(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pos, weights=np.where(mask, w, 0.0), minlength=n)

    total = wsum(np.ones(len(per), dtype=bool))
    w_meas = wsum(measured)
    w_reach = wsum(reach)
    in_data = inside & (w_meas > 0)

    def share(flag: np.ndarray) -> np.ndarray:
        out = np.divide(wsum(measured & flag), w_meas, out=np.full(n, np.nan),
                        where=w_meas > 0)
        return np.where(in_data, out, np.nan)

    def mean_of(values: np.ndarray) -> np.ndarray:
        ok = measured & np.isfinite(values)
        den = wsum(ok)
        num = np.bincount(pos, weights=np.where(ok, w * np.nan_to_num(values), 0.0),
                          minlength=n)
        val = np.divide(num, den, out=np.full(n, np.nan), where=den > 0)
        return np.where(in_data, val, np.nan)

    # Columns gathered in a dict and framed once: setting ~40 columns one by one on a frame
    # cost ~0.015 s per variant (issue 16).
    out: dict[str, Any] = {c: areas[c].to_numpy() if c in areas.columns else np.nan
                           for c in AREA_ID_COLUMNS}
    for name in access_cfg.CLASSES:
        out[f"minutes_{name}"] = mean_of(per[f"{name}_min"].to_numpy(float))
        out[f"metres_{name}"] = mean_of(per[f"{name}_m"].to_numpy(float))
    nearest = _main_site(pos, w, per["any_site"].to_numpy(object), reach, n)
    nearest[~in_data] = None
    out["nearest_site_id"] = nearest
    names = dict(zip(sites["site_id"], sites["name"], strict=False))
    out["nearest_site_name"] = [names.get(s) if s is not None else None for s in nearest]
    for s in standards:
        out[f"share_{s.key}"] = share(per[f"{s.key}_ok"].to_numpy(bool))
        out[f"share_{s.key}_straight"] = share(per[f"{s.key}_straight_ok"].to_numpy(bool))
    out["share_lacking"] = share(per["lacking"].to_numpy(bool))
    out["share_lacking_straight"] = share(per["lacking_straight"].to_numpy(bool))
    out["share_unreachable"] = share(status == "unreachable")
    out["share_unsnapped"] = np.divide(total - w_meas, total, out=np.full(n, np.nan),
                                       where=total > 0)
    out["n_origins"] = np.bincount(pos, minlength=n)
    methods = per.groupby("area_code", sort=False)["method"].first() if "method" in per else {}
    out["origin_method"] = [methods.get(c) if len(methods) else None for c in codes]
    st = np.full(n, "ok", dtype=object)
    st[(w_reach < w_meas - 1e-9) | (w_meas < total - 1e-9)] = "some unmeasured"
    st[(w_meas > 0) & (w_reach <= 1e-12)] = "unreachable"
    st[~in_data] = "outside data"
    out["status"] = st
    frame = pd.DataFrame({c: out[c] for c in result_columns(standards)}, index=pd.RangeIndex(n))
    return gpd.GeoDataFrame(frame, geometry=areas.geometry.to_numpy(), crs=areas.crs)


def _main_site(pos: np.ndarray, w: np.ndarray, site: np.ndarray, reach: np.ndarray,
               n: int) -> np.ndarray:
    """Nearest site of each area's largest-population reaching origin (None if none)."""
    out = np.full(n, None, dtype=object)
    idx = np.flatnonzero(reach)
    if len(idx) == 0:
        return out
    order = idx[np.lexsort((-w[idx], pos[idx]))]
    first = order[np.r_[True, pos[order][1:] != pos[order][:-1]]]
    out[pos[first]] = site[first]
    return out


def _checked_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "area_code" not in areas.columns:
        raise AreaError("The areas layer has no area_code column: build it with "
                        "ecoplan.need.areas.build_areas or read_generic_need.")
    if len(areas) == 0:
        raise AreaError("No areas given: give a boundaries file with at least one area.")
    if areas["area_code"].duplicated().any():
        dup = sorted(set(areas.loc[areas["area_code"].duplicated(), "area_code"]))[:5]
        raise AreaError(f"Area codes must be unique; repeated: {', '.join(map(str, dup))}.")
    if areas.crs is None:
        areas = areas.set_crs("EPSG:4326")
    elif areas.crs.to_epsg() != 4326:
        areas = areas.to_crs("EPSG:4326")
    if "population" not in areas.columns:
        areas = areas.assign(population=np.nan)
    return areas.reset_index(drop=True)


def origins_for(areas: gpd.GeoDataFrame | AreasResult, layers: OsmLayers) -> gpd.GeoDataFrame:
    """The origins :func:`measure_access` would place for ``areas``, to pass in as
    ``origins`` (so they can be placed while the sites are built elsewhere)."""
    if isinstance(areas, AreasResult):
        areas = areas.areas
    return _origins_for(_checked_areas(areas), layers)


def _origins_for(areas: gpd.GeoDataFrame, layers: OsmLayers) -> gpd.GeoDataFrame:
    from ecoplan.need.origins import place_origins

    return place_origins(areas, layers)


def _with_share(origins: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Origins need a within-area ``share`` (weights); derive it from population if absent."""
    if "share" in origins.columns and origins["share"].notna().all():
        return origins
    if "population" in origins.columns:
        pop = pd.to_numeric(origins["population"], errors="coerce")
    else:
        pop = pd.Series(np.nan, index=origins.index)
    if pop.isna().any():
        counts = origins.groupby("area_code")["area_code"].transform("size")
        return origins.assign(share=1.0 / counts)
    tot = pop.groupby(origins["area_code"]).transform("sum")
    return origins.assign(share=np.where(tot > 0, pop / tot.where(tot > 0, 1), 0.0))


def _inside_extent(areas: gpd.GeoDataFrame, layers: OsmLayers) -> np.ndarray:
    """Areas that touch the OSM data's bounding box (others are 'outside data')."""
    try:
        w, s, e, n = layers.bounds
    except (ValueError, TypeError):
        return np.zeros(len(areas), dtype=bool)
    box = shapely.box(w, s, e, n)
    return np.asarray(areas.geometry.intersects(box).to_numpy(), dtype=bool)


def _status_warnings(table: pd.DataFrame, per: pd.DataFrame) -> list[str]:
    out: list[str] = []
    outside = table.loc[table["status"] == "outside data", "area_code"].tolist()
    if outside:
        out.append(f"{len(outside)} area(s) lie outside the OSM data or away from any mapped "
                   f"path ({', '.join(map(str, outside[:5]))}{'…' if len(outside) > 5 else ''}"
                   "); they are listed with status 'outside data' and no figures. Use an "
                   "extract that covers them.")
    unsnapped = int((per["status"] == "unsnapped").sum())
    if unsnapped and len(outside) < len(table):
        out.append(f"{unsnapped} origin point(s) lie more than {net_cfg.ORIGIN_MAX_SNAP_M:g} m "
                   "from the walking network and were not measured (share_unsnapped per area).")
    unreach = table.loc[table["status"] == "unreachable", "area_code"].tolist()
    if unreach:
        out.append(f"{len(unreach)} area(s) have no reachable green or blue space on the "
                   f"walking network ({', '.join(map(str, unreach[:5]))}); minutes are left "
                   "empty, not 0.")
    return out
