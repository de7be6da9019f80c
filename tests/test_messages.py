"""Neutral library messages, worded per front end; stored file names never shown."""

from __future__ import annotations

from ecoplan.errors import InputFileError
from ecoplan.messages import NEED_DATA, HintedError, Message, with_file_names, word


def test_a_note_is_a_string_worded_for_each_front_end():
    note = Message("reach not computed (needs deprivation areas)", NEED_DATA)
    assert isinstance(note, str) and "--" not in note
    assert word(note, "cli").endswith("give --areas and --deprivation (or --la NAME)")
    app = word(note, "app")
    assert "Area & data page" in app and "--" not in app
    assert word("plain text", "app") == "plain text"


def test_hinted_errors_keep_their_hint():
    err = HintedError("the areas have no population", "population")
    assert "--population" in word(err, "cli") and "--" not in word(err, "app")


def test_stored_names_are_replaced_by_the_users_file_names():
    stored = "/cache/uploads/64df0a1b2c3d4e5f-File_2_-_IoD2019.csv.gz"
    err = InputFileError(f"{stored}: no LSOA code column; also 64df0a1b2c3d4e5f-File_2_-_"
                         "IoD2019.csv.gz is not IoD")
    out = with_file_names(err, {stored: "File_2 - IoD2019.csv.gz"})
    assert isinstance(out, InputFileError)
    assert "64df" not in str(out) and str(out).count("File_2 - IoD2019.csv.gz") == 2
