"""Neutral library messages, worded per front end; stored file names never shown."""

from __future__ import annotations

import pytest

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


def test_library_errors_carry_hints_not_flags(tmp_path):
    """Database and need-data errors say what is wrong in neutral words; each front end words
    the fix (flags for the CLI, the page for the app)."""
    from ecoplan.messages import DATABASE, HINTS
    from ecoplan.plans.store import StoreError, check_sqlite_file
    from ecoplan.settings import plans as pcfg

    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    with pytest.raises(StoreError) as info:
        check_sqlite_file(bad)
    assert "--" not in str(info.value)
    assert "--db" in word(info.value, "cli") and "--db" not in word(info.value, "app")
    assert pcfg.DB_URL_ENV in HINTS[DATABASE]["cli"] and pcfg.DB_URL_ENV in HINTS[DATABASE]["app"]
    assert bad.read_text() == "not a database"  # left untouched


def test_the_cli_words_hints_as_flags(tmp_path, capsys):
    from ecoplan.cli import main

    bad = tmp_path / "plans.db"
    bad.write_text("not a database")
    assert main(["plans", "--db", f"sqlite:///{bad}", "list"]) == 2
    err = capsys.readouterr().err
    assert "not an ecoplan plans database" in err and "--db sqlite:///PATH" in err
