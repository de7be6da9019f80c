"""An unnamed site has one name in every command: the programme pool uses the description
``plan``, ``support`` and the site list give (#9), not the meeting point's street."""

from __future__ import annotations

from datetime import time

from programme_fixtures import winter_first

from ecoplan.programmes.model import ProgrammeSpec
from ecoplan.programmes.pool import build_pool
from ecoplan.sites.describe import describe_unnamed

IDS = ("w302045505", "w136655891", "w3407490")


def test_pool_names_unnamed_sites_as_the_other_commands_do(iow_layers, iow_sites):
    spec = ProgrammeSpec(name="Names", first=winter_first(), weekday=3, sessions=3,
                         start=time(10, 0), minutes=60, group_size=10, site_ids=IDS)
    pool, _ = build_pool(spec, iow_layers, iow_sites)
    frame = iow_sites.sites
    described = dict(zip(frame["site_id"].astype(str),
                         describe_unnamed(frame, iow_layers), strict=True))
    names = {p.site_id: p.name for p in pool}
    assert names == {i: described[i] for i in IDS}
    assert names["w302045505"] == "Grassland near Dunsbury"
