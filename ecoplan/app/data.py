"""Cached loading for the app: heavy steps run once per input, so switching pages is instant.

Streamlit caches by argument value; OSM layers, sites and graphs are passed as
``_underscored`` arguments (not hashed) and keyed by the source key instead. Source keys:
``'demo'``, a file path, or ``'overpass:<place>'`` (see :func:`source_key_for_place`).
Exceptions are never cached, so an error (e.g. the network being down) is retried next time.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import folium
import streamlit as st

from ecoplan.osm.layers import OsmLayers
from ecoplan.sites.build import Sites

OVERPASS_PREFIX = "overpass:"
#: ``la:<GSS code>``: an authority fetched with ``ecoplan data get`` (ecoplan.app.la_data).
LA_PREFIX = "la:"


def source_key_for_la(code: str) -> str:
    return f"{LA_PREFIX}{code}"


def source_key_for_place(place: str) -> str:
    return f"{OVERPASS_PREFIX}{' '.join(place.split())}"


def describe_source(key: str) -> str:
    """Short label of a source key for captions."""
    if key == "demo":
        return "built-in demo area"
    if key.startswith(OVERPASS_PREFIX):
        return f"Overpass: {key[len(OVERPASS_PREFIX):]}"
    if key.startswith(LA_PREFIX):
        return f"local authority {key[len(LA_PREFIX):]} (downloaded)"
    return Path(key).name


@st.cache_resource(show_spinner="Reading OpenStreetMap data…", max_entries=6)
def load_source(source: str, offline: bool = False) -> OsmLayers:
    """OSM layers for a source key; ``offline`` only matters for Overpass (cache only)."""
    if source.startswith(OVERPASS_PREFIX):
        from ecoplan.osm.overpass import read_overpass

        return read_overpass(place=source[len(OVERPASS_PREFIX):], offline=offline)
    if source.startswith(LA_PREFIX):
        from ecoplan.fetch.clip import load_authority_layers

        return load_authority_layers(source[len(LA_PREFIX):])
    from ecoplan.osm.load import load_layers

    return load_layers(source)


@st.cache_resource(show_spinner="Finding green and blue space…", max_entries=6)
def sites_for(source: str, _layers: OsmLayers, include_restricted: bool = False) -> Sites:
    from ecoplan.app import sites_cache
    from ecoplan.sites.build import build_sites

    # On disk too (GeoParquet, keyed by the file and the site rules): a project reopened
    # after the server restarted gets its sites in ≈ 0.1 s instead of seconds.
    key = sites_cache.key_for(source, include_restricted)
    hit = sites_cache.load(key) if key else None
    if hit is not None:
        return hit
    built = build_sites(_layers, include_restricted=include_restricted, require_any=False)
    if key:
        sites_cache.save(key, built)
    return built


@st.cache_resource(show_spinner="Building the walking network…", max_entries=6)
def walk_graph_for(source: str, _layers: OsmLayers, step_free: bool = False) -> Any:
    """The walk graph (ecoplan.network.graph.WalkGraph) of a source, once per source/mode."""
    from ecoplan.network.graph import build_walk_graph

    return build_walk_graph(_layers, step_free=step_free)


def sites_map(source: str, layers: OsmLayers, sites: Sites, selected: str | None,
              color_by: str = "kind") -> folium.Map:
    """The Sites page map (basemap, sites, entrances) for this run.

    Built once per (source, selection, colouring) and deep-copied for each run: folium's
    ``render()`` (called by ``st_folium``) appends scripts to the map's figure, so rendering the
    same object twice gives different HTML, which makes streamlit-folium re-create the map and
    lose its click handlers. A copy costs ≈ 15 ms; building the basemap costs 0.5 s or more.
    """
    return copy.deepcopy(_sites_map_template(source, layers, sites, selected, color_by))


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def _sites_map_template(source: str, _layers: OsmLayers, _sites: Sites, selected: str | None,
                        color_by: str = "kind") -> folium.Map:
    from ecoplan.app import maps
    from ecoplan.app import style as app_style

    bounds = _layers.bounds
    if selected is not None:  # zoom to the chosen site: a small park is lost on a county map
        bounds = _around(_sites.sites, selected, bounds)
    m = maps.base_map(bounds)
    maps.add_basemap_layers(m, _layers)
    maps.add_sites(m, _sites.sites, color_by=color_by, selected=selected)
    ent = _sites.entrances
    if selected is not None and len(ent):
        ent = ent[ent["site_id"].astype(str) == str(selected)]
        name = "Entrances of the selected site"
    elif len(ent) > app_style.MAX_OVERVIEW_ENTRANCES:
        ent = ent.iloc[0:0]  # thousands of markers would hide the sites; shown once chosen
        name = "Entrances"
    else:
        name = "Entrances"
    if len(ent):
        if len(ent) <= app_style.MAX_OVERVIEW_ENTRANCES:  # named after the street they are on
            from ecoplan.sites.describe import entrance_labels

            ent = ent.assign(label=entrance_labels(ent, _layers.ways, _sites.crs))
        else:
            ent = ent.assign(label="Entrance")
        maps.add_points(m, ent, label_column="label", color_by="source", name=name,
                        legend=True)
    return maps.finish(m)


@st.cache_data(show_spinner=False, max_entries=8)
def site_labels(source: str, include_restricted: bool, _layers: OsmLayers,
                _sites: Any) -> dict[str, str]:
    """site_id → its name, or kind and nearest named place for unnamed sites."""
    from ecoplan.sites.describe import describe_unnamed

    frame = getattr(_sites, "sites", _sites)  # a Sites object or its sites frame
    labels = describe_unnamed(frame, _layers, getattr(_sites, "crs", None))
    return dict(zip(frame["site_id"].astype(str), labels, strict=True))


def labelled_sites(source: str, layers: OsmLayers | None, sites: Any) -> Any:
    """``sites`` with each unnamed site's description as its name ("Wood near Ryde"), so a
    plan, its sheet and calendar event and the alternatives never show a bare OSM id."""
    if layers is None or len(sites) == 0:
        return sites
    labels = site_labels(source, False, layers, sites)
    return sites.assign(name=sites["site_id"].astype(str).map(labels).fillna(sites["name"]))


def _around(sites: Any, site_id: str, default: Any) -> tuple[float, float, float, float]:
    """(west, south, east, north) around one site with a margin; ``default`` if not found."""
    from ecoplan.app import style as app_style

    hit = sites[sites["site_id"].astype(str) == str(site_id)]
    if not len(hit):
        return tuple(default)
    w, s, e, n = hit.to_crs(4326).total_bounds
    dx = max((e - w) * app_style.SELECTED_VIEW_MARGIN, app_style.SELECTED_VIEW_MIN_HALF_DEG * 1.5)
    dy = max((n - s) * app_style.SELECTED_VIEW_MARGIN, app_style.SELECTED_VIEW_MIN_HALF_DEG)
    return (float(w - dx), float(s - dy), float(e + dx), float(n + dy))


@st.cache_resource(show_spinner="Reading deprivation and boundary files…", max_entries=4)
def load_iod_areas(boundaries_path: str, iod_paths: tuple[str, ...],
                   lookup_path: str | None = None) -> Any:
    """Boundaries + IoD 2019/2025 files (+ the ONS LSOA lookup) → ``AreasResult``, with the
    loader the CLI uses (:func:`ecoplan.need.load.load_need_areas`)."""
    from ecoplan.need.load import load_need_areas

    return load_need_areas(boundaries_path, iod_paths, lookup=lookup_path)


@st.cache_resource(show_spinner="Reading the need layer…", max_entries=4)
def load_generic_areas(path: str, id_column: str, need_column: str, higher_is_worse: bool,
                       name_column: str | None, population_column: str | None) -> Any:
    from ecoplan.need.generic import read_generic_need

    return read_generic_need(path, id_column=id_column, need_column=need_column,
                             higher_is_worse=higher_is_worse, name_column=name_column,
                             population_column=population_column)


@st.cache_resource
def plan_store(url: str) -> Any:
    """One PlanStore (SQLAlchemy engine) per database URL for the whole server."""
    from ecoplan.plans.store import PlanStore

    return PlanStore(url)


@st.cache_resource
def project_store(url: str) -> Any:
    """One ProjectStore per database URL (the plans database) for the whole server."""
    from ecoplan.projects.store import ProjectStore

    return ProjectStore(url)
