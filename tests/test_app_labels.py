"""Words in the app (AppTest): labelled columns with units, no raw names or long floats,
unnamed sites described, ranking one row per place, no command-line flags, file names as
the user gave them."""

from __future__ import annotations

import json
import re

import pandas as pd
from hostile import plain
from streamlit.testing.v1 import AppTest

from ecoplan.app import labels, state
from ecoplan.settings.paths import shared_data_dir

TIMEOUT = 180
RAW = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")  # n_entrances, bus_stops_400m …


def page(module: str) -> AppTest:
    return AppTest.from_string(f"from ecoplan.app.pages import {module}\n{module}.render()\n",
                               default_timeout=TIMEOUT)


def column_labels(element) -> dict[str, dict]:
    return json.loads(element.proto.columns)


def test_sites_table_has_human_labels_units_and_formats():
    at = page("sites_page").run()
    assert not at.exception
    cols = column_labels(at.dataframe[0])
    shown = {k: v.get("label", k) for k, v in cols.items() if not k.startswith("_")}
    assert shown["area_ha"] == "Area (ha)" and shown["n_entrances"] == "Entrances"
    assert shown["bus_stops_400m"] == "Bus stops within 400 m"
    assert not [v for v in shown.values() if RAW.match(v)], shown
    assert cols["area_ha"]["type_config"]["format"] == "%.1f"
    table = at.dataframe[0].value
    assert (table["label"].str.strip() != "").all()  # every site has a name or description
    assert not table["label"].str.match(r"^[wr]\d").any()  # never an id as a name
    assert table["label"].str.contains(r" (near|by) ").any()  # the demo's unnamed coast


def test_ranking_shows_two_decimal_scores_one_row_per_place_and_no_flags(ryde_osm):
    at = page("sites_page")
    at.session_state[state.SOURCE] = str(ryde_osm)  # a coast long enough to come in pieces
    at.run()
    at.toggle(key="rank_on").set_value(True).run()
    at.selectbox(key="rank_purpose").set_value("public-health").run()
    assert not at.exception
    cols = column_labels(at.dataframe[0])
    assert cols["score"]["label"] == "Score (0–1)"
    assert cols["score"]["type_config"]["format"] == "%.2f"
    assert all(cols[c]["type_config"]["format"] == "%.2f" for c in ("nature", "calm"))
    one = at.dataframe[0].value
    base = one["site_id"].str.replace(r"-\d+$", "", regex=True)
    assert not base.duplicated().any()  # a coast cut into pieces is one row
    notes = [plain(c.value) for c in at.caption if "not computed" in plain(c.value)]
    assert notes and "Area & data page" in notes[0] and "--" not in notes[0], notes
    at.checkbox(key="rank_all_pieces").check().run()
    every = at.dataframe[0].value
    assert len(every) > len(one)


def test_need_file_errors_name_the_users_file_not_the_stored_copy():
    bounds = shared_data_dir() / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
    at = page("area_page").run()
    at.file_uploader(key="need_boundaries").set_value(
        (bounds.name, bounds.read_bytes(), "application/geo+json"))
    at.file_uploader(key="need_iod").set_value(
        [("my deprivation.csv", b"code,value\nE01,1\n", "text/csv")]).run()
    at.button(key="need_load").click().run()
    assert not at.exception
    errors = [plain(e.value) for e in at.error]
    assert errors and "my deprivation.csv" in errors[0], errors
    assert not re.search(r"[0-9a-f]{16}-", errors[0]), errors[0]  # no content-hashed name


def test_label_helpers():
    frame = pd.DataFrame({"site_id": ["w1"], "name": [None], "categories": ["village_green"],
                          "area_ha": [1.234], "n_entrances": [3]})
    out = labels.site_table(frame, ["site_id", "name", "categories", "area_ha",
                                    "n_entrances"], {"w1": "Village green near Chale"})
    assert out.columns.tolist() == ["label", "categories", "area_ha", "n_entrances", "site_id"]
    assert out.loc[0, "label"] == "Village green near Chale"
    assert out.loc[0, "categories"] == "village green"
    assert labels.label("bus_stops_400m") == "Bus stops within 400 m"
    assert labels.label("something_new") == "Something new"


def test_each_uploader_states_the_real_limit_for_its_kind():
    from ecoplan.settings.app import MAX_UPLOAD_MB

    at = page("area_page").run()
    limits = {u.proto.id.rsplit("-", 1)[-1]: u.proto.max_upload_size_mb
              for u in at.get("file_uploader")}
    assert limits == {"area_osm_upload": MAX_UPLOAD_MB["osm"],
                      "need_boundaries": MAX_UPLOAD_MB["boundaries"],
                      "need_iod": MAX_UPLOAD_MB["table"],
                      "need_generic_file": MAX_UPLOAD_MB["boundaries"]}
    assert MAX_UPLOAD_MB["table"] == 100  # not the server-wide 200 MB
