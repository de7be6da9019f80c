"""Everything a leader needs about the support around a site, as plain data the app, the CLI,
the printed sheet and the CSV all render.

Usage::

    data = prepare(layers)                       # once per loaded area (cache it in the app)
    rep = support_around(layers, sites=s.sites, entrances=s.entrances, site_id="w4570983",
                         data=data, directory=DirectoryStore().list())
    rep.community, rep.help, rep.missing, rep.meeting_points, rep.notes, rep.directory
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ecoplan.access.speeds import minutes, resolve_speed
from ecoplan.errors import AreaError, EcoplanError
from ecoplan.network.graph import WalkGraph, build_walk_graph
from ecoplan.osm.layers import ATTRIBUTION, OsmLayers, SourceInfo
from ecoplan.settings import support as support_cfg
from ecoplan.settings.advice import Advice
from ecoplan.support.categories import COMMUNITY, HELP, labels, support_features
from ecoplan.support.country import advice_at
from ecoplan.support.dedupe import dedupe
from ecoplan.support.directory import DirectoryEntry
from ecoplan.support.help import fmt_distance, help_lists, meeting_points, safety_notes
from ecoplan.support.nearby import (
    STRAIGHT,
    WALK,
    Origin,
    Reach,
    choose_distance,
    measure,
    point_origin,
    reach_from,
    site_origin,
)

#: Columns of ``SupportReport.community`` and ``.help`` (help adds ``radius_m``).
RESULT_COLUMNS: tuple[str, ...] = (
    "category", "label", "name", "distance_m", "basis", "minutes", "status", "lat", "lon",
    "detail", "phone", "opening_hours", "osm_type", "osm_id", "osm_refs", "n_mapped",
)
DIRECTORY_COLUMNS: tuple[str, ...] = (
    "id", "name", "category", "phone", "url", "notes", "site_id", "lat", "lon", "distance_m",
    "basis", "minutes",
)


@dataclass(frozen=True, eq=False)
class SupportData:
    """Support features (de-duplicated) and the walk graph for one loaded area."""

    features: gpd.GeoDataFrame
    graph: WalkGraph | None
    n_raw: int  # features before de-duplication
    note: str = ""
    extent: BaseGeometry | None = None  # where the data reaches (EPSG:4326), None = unknown
    ways: gpd.GeoDataFrame | None = None  # named streets and paths, for meeting point names


def data_extent(layers: OsmLayers) -> BaseGeometry | None:
    """The area the OSM data covers: the convex hull of every mapped road, path, feature and
    point. Beyond it nothing is known, so no absence can be claimed there. (A hull can only
    overstate a concave extract's coverage a little; it never shrinks it below the data.)"""
    parts = [g for g in (layers.nodes.geometry, layers.features.geometry,
                         layers.pois.geometry) if len(g)]
    if not parts:
        return None
    coords = np.concatenate([shapely.get_coordinates(g.to_numpy()) for g in parts])
    if len(coords) < 3:
        return None
    hull = shapely.convex_hull(shapely.multipoints(coords))
    return hull if hull.geom_type == "Polygon" else None


def prepare(layers: OsmLayers, *, graph: WalkGraph | None = None) -> SupportData:
    """Classify and de-duplicate support features; build the walk graph unless given."""
    note = ""
    if graph is None:
        try:
            graph = build_walk_graph(layers)
        except AreaError as err:
            graph, note = None, f"{err} Distances are straight lines."
    raw = support_features(layers)
    crs = graph.crs if graph is not None else _crs_for(raw, layers)
    ways = layers.ways[["name", "highway", "geometry"]] if {"name", "highway"} <= set(
        layers.ways.columns) else None
    return SupportData(dedupe(raw, crs), graph, len(raw), note, data_extent(layers), ways)


def covered_radius_m(origin: Origin, extent: BaseGeometry | None) -> float | None:
    """How far (m) the data reaches all round the site or point: the distance from it to the
    edge of the data's extent (0 when it lies outside); None when the extent is unknown."""
    if extent is None:
        return None
    crs = origin.crs
    geo = gpd.GeoSeries([origin.geometry, extent], crs="EPSG:4326").to_crs(crs)
    here, area = geo.iloc[0], geo.iloc[1]
    if not area.contains(here.representative_point()):
        return 0.0
    return float(area.exterior.distance(here))


def _crs_for(raw: gpd.GeoDataFrame, layers: OsmLayers) -> str:
    from ecoplan.network.graph import utm_crs_at

    try:
        w, s, e, n = layers.bounds
    except ValueError:
        return "EPSG:3857"
    return utm_crs_at(round((w + e) / 2, 2), round((s + n) / 2, 2))


@dataclass(frozen=True, eq=False)
class SupportReport:
    origin: Origin
    radius_m: float
    speed_kmh: float
    community: pd.DataFrame
    help: pd.DataFrame
    missing: list[str]
    meeting_points: pd.DataFrame
    notes: list[str]
    directory: pd.DataFrame
    source: SourceInfo
    walking: bool
    generated: datetime = field(default_factory=datetime.now)
    advice: Advice = field(default_factory=lambda: advice_at(None, None))
    covered_m: float | None = None  # how far the data reaches all round (None: unknown)

    def community_absence(self) -> str:
        """The sentence for "no community resources": never beyond the data."""
        from ecoplan.support.help import absence

        return absence("Community resources", self.radius_m, self.covered_m)

    @property
    def attribution(self) -> str:
        return self.source.attribution or ATTRIBUTION

    @property
    def title(self) -> str:
        return f"Support around {self.origin.name}"

    @property
    def empty(self) -> bool:
        """No community resource and no directory entry (help may still be listed)."""
        return self.community.empty and self.directory.empty

    def summary(self) -> str:
        """One line for the CLI / app header."""
        how = "walking" if self.walking else "straight-line"
        parts = [f"{len(self.community)} community resource(s) within "
                 f"{fmt_distance(self.radius_m)} ({how})",
                 f"{len(self.help)} help feature(s)",
                 f"{len(self.directory)} directory "
                 f"entr{'y' if len(self.directory) == 1 else 'ies'}"]
        return f"{self.title}: " + ", ".join(parts)


def check_radius(radius_m: float) -> float:
    r = float(radius_m)
    if not (np.isfinite(r) and support_cfg.MIN_RADIUS_M <= r <= support_cfg.MAX_RADIUS_M):
        raise AreaError(f"radius {radius_m} m is outside {support_cfg.MIN_RADIUS_M:.0f}–"
                        f"{support_cfg.MAX_RADIUS_M:.0f} m; choose a radius in that range")
    return r


def support_around(layers: OsmLayers, *, sites: gpd.GeoDataFrame | None = None,
                   entrances: gpd.GeoDataFrame | None = None, site_id: str | None = None,
                   lon: float | None = None, lat: float | None = None,
                   radius_m: float = support_cfg.DEFAULT_RADIUS_M, data: SupportData | None = None,
                   directory: Iterable[DirectoryEntry] = (),
                   speed: str | float | None = None) -> SupportReport:
    """Community resources within ``radius_m`` and help nearby for a site or a point.

    Give ``site_id`` (with ``sites`` and ``entrances`` from :func:`ecoplan.sites.build.build_sites`)
    or ``lon``/``lat``. Distances are walked along the network from the site's entrances when
    possible, else straight lines (``basis`` says which for every row).
    """
    radius = check_radius(radius_m)
    if (site_id is None) == (lon is None or lat is None):
        raise EcoplanError("give either a site id or a latitude and longitude (not both)")
    if site_id is not None:
        if sites is None:
            raise EcoplanError("a site id needs the sites table; build it with build_sites")
        origin = site_origin(sites, entrances, site_id, layers)
    else:
        assert lon is not None and lat is not None  # checked above
        origin = point_origin(layers, float(lon), float(lat))
    data = data or prepare(layers)
    limit = max(support_cfg.NETWORK_LIMIT_M, radius)
    reach = reach_from(data.graph, origin, limit_m=limit)
    kmh = resolve_speed(speed)

    feats = data.features
    measured = _measured(feats, origin, reach, kmh, radius, limit)
    comm = measured[(measured["group"] == COMMUNITY) & measured["within"]]
    order = {k: i for i, k in enumerate(labels())}
    comm = comm.assign(_o=comm["category"].map(order)).sort_values(
        ["_o", "distance_m", "name"])
    advice = advice_at(origin.lon, origin.lat)
    covered = covered_radius_m(origin, data.extent)
    help_df, missing = help_lists(measured[measured["group"] == HELP], advice, covered)

    notes = safety_notes(origin, advice)
    for msg in (data.note, reach.note):
        if msg:
            notes.append(msg)
    n_straight = int((comm["basis"] == STRAIGHT).sum()) if reach.walking else 0
    if n_straight:
        notes.append(f"{n_straight} place(s) are not joined to the path network from here; "
                     "their distances are straight lines.")
    return SupportReport(
        origin=origin, radius_m=radius, speed_kmh=kmh,
        community=_columns(comm, RESULT_COLUMNS),
        help=_columns(help_df, (*RESULT_COLUMNS, "radius_m")),
        missing=missing, notes=notes,
        meeting_points=meeting_points(origin, ways=data.ways, advice=advice),
        directory=directory_rows(directory, origin, reach, kmh, radius, limit),
        source=layers.source, walking=reach.walking, advice=advice, covered_m=covered)


def _measured(feats: gpd.GeoDataFrame, origin: Origin, reach: Reach, kmh: float,
              radius: float, limit: float) -> pd.DataFrame:
    if len(feats) == 0:
        return pd.DataFrame(columns=[*RESULT_COLUMNS, "group", "within"])
    m = measure(feats, origin, reach)
    help_radius = np.zeros(len(feats))
    for key, _label, r, _n, _rules in support_cfg.HELP_CATEGORIES:
        help_radius[(feats["category"] == key).to_numpy()] = r
    chosen = choose_distance(m, radius, limit)
    out = pd.DataFrame(feats.drop(columns=["geometry", "area"]), copy=True)
    out[["distance_m", "basis", "within"]] = chosen[["distance_m", "basis", "within"]]
    out["status"] = m["status"]
    # minutes only for walked distances: a straight line is not a walking time
    walked = (out["basis"] == WALK).to_numpy()
    out["minutes"] = np.where(walked, np.round(
        minutes(out["distance_m"].to_numpy(dtype=float), kmh), 1), np.nan)
    out["lon"] = feats.geometry.x.round(6)
    out["lat"] = feats.geometry.y.round(6)
    out["distance_m"] = out["distance_m"].round(0)
    # keep only what could ever be listed (community radius or the category's help radius)
    keep = out["distance_m"] <= np.maximum(radius, help_radius)
    return out[keep]


def _columns(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    for c in cols:
        if c not in df.columns:
            df = df.assign(**{c: None})
    return df.loc[:, list(cols)].reset_index(drop=True)


def directory_rows(entries: Iterable[DirectoryEntry], origin: Origin, reach: Reach,
                   kmh: float, radius: float, limit: float) -> pd.DataFrame:
    """User entries to show here: tied to this site, tied to nothing (area-wide), or placed
    within the radius. Located entries get a distance like any OSM feature."""
    rows = []
    for e in entries:
        if e.site_id and e.site_id != (origin.site_id or ""):
            continue
        rows.append({"id": e.id, "name": e.name, "category": e.category, "phone": e.phone,
                     "url": e.url, "notes": e.notes, "site_id": e.site_id,
                     "lat": e.lat, "lon": e.lon})
    df = pd.DataFrame(rows, columns=list(DIRECTORY_COLUMNS[:9]))
    df["distance_m"] = np.nan
    df["basis"] = ""
    df["minutes"] = np.nan
    placed = df["lat"].notna() & df["lon"].notna()
    if placed.any():
        pts = gpd.GeoDataFrame(df[placed], geometry=gpd.points_from_xy(
            df.loc[placed, "lon"].astype(float), df.loc[placed, "lat"].astype(float)),
            crs="EPSG:4326")
        chosen = choose_distance(measure(pts, origin, reach), radius, limit)
        df.loc[placed, "distance_m"] = chosen["distance_m"].round(0)
        df.loc[placed, "basis"] = chosen["basis"]
        df.loc[placed, "minutes"] = np.where(
            chosen["basis"] == WALK, np.round(minutes(chosen["distance_m"].to_numpy(), kmh), 1),
            np.nan)
        far = pd.Series(False, index=df.index)
        far[placed] = ~chosen["within"].to_numpy()
        # an entry tied to this site is always shown; a merely nearby one only within reach
        drop = far & (df["site_id"] == "")
        df = df[~drop]
    return _columns(df.sort_values(["category", "name"], kind="stable"), DIRECTORY_COLUMNS)


def report_frame(report: SupportReport) -> pd.DataFrame:
    """One table of everything (CSV export): help, community, meeting points, directory; with
    the OSM licence notice in an ``attribution`` column (the CLI's and the app's CSV)."""
    from ecoplan.attribution import export_attribution, with_attribution

    frames = []
    if len(report.help):
        frames.append(report.help.assign(section="Help nearby", source="OpenStreetMap"))
    for msg in report.missing:
        frames.append(pd.DataFrame([{"section": "Help nearby", "name": "", "detail": msg,
                                     "source": "OpenStreetMap"}]))
    if len(report.community):
        frames.append(report.community.assign(section="Community resources",
                                              source="OpenStreetMap"))
    mp = report.meeting_points
    if len(mp):
        frames.append(pd.DataFrame({
            "section": "Meeting points", "category": "entrance", "label": "Meeting point",
            "name": mp["name"], "lat": mp["lat"], "lon": mp["lon"],
            "detail": [f"{r} ({i})" if r else str(i) for r, i in
                       zip(mp["grid_ref"], mp["entrance_id"], strict=True)],
            "source": "OpenStreetMap"}))
    d = report.directory
    if len(d):
        frames.append(pd.DataFrame({
            "section": "Your directory", "category": d["category"], "label": d["category"],
            "name": d["name"], "distance_m": d["distance_m"], "basis": d["basis"],
            "minutes": d["minutes"], "lat": d["lat"], "lon": d["lon"], "detail": d["notes"],
            "phone": d["phone"], "url": d["url"], "source": "Your directory"}))
    for note in report.notes:
        frames.append(pd.DataFrame([{"section": "Notes", "detail": note}]))
    cols = ["section", "category", "label", "name", "distance_m", "basis", "minutes", "lat",
            "lon", "detail", "phone", "opening_hours", "url", "osm_type", "osm_id", "source"]
    frames = [f.dropna(axis=1, how="all") for f in frames]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    out = _columns(out, tuple(cols))
    out["osm_id"] = pd.to_numeric(out["osm_id"], errors="coerce").astype("Int64")
    return with_attribution(out, export_attribution())


def write_report_csv(report: SupportReport, path) -> None:
    """CSV of :func:`report_frame`, written atomically and safe to open in a spreadsheet."""
    from ecoplan.io import write_csv

    write_csv(path, report_frame(report))
