"""Typed weight tables (ecoplan.settings.parts): attributes, not string keys; sums checked."""

from __future__ import annotations

import dataclasses

import pytest

from ecoplan.settings import programmes as programmes_cfg
from ecoplan.settings import ranking as ranking_cfg
from ecoplan.settings.parts import Parts


@dataclasses.dataclass(frozen=True)
class _Two(Parts):
    a: float
    b: float


def test_parts_that_do_not_sum_to_one_fail_when_built():
    assert _Two(a=0.25, b=0.75).b == 0.75
    with pytest.raises(ValueError, match="_Two: parts sum to 1.1, not 1"):
        _Two(a=0.5, b=0.6)


@pytest.mark.parametrize("table", [ranking_cfg.NATURE_PARTS, ranking_cfg.ACCESS_PARTS,
                                   ranking_cfg.PRIVACY_PARTS, ranking_cfg.PATHS_PARTS,
                                   programmes_cfg.FACILITY_PARTS])
def test_every_parts_table_is_frozen_and_read_by_attribute(table):
    field = dataclasses.fields(table)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(table, field, 1.0)
    with pytest.raises(TypeError):
        table[field]  # no string look-up left
