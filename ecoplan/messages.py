"""Neutral messages with a structured hint, worded by each front end.

The library must not speak in command-line flags ("no --areas/--deprivation") because the app
has none, nor in page names because the CLI has none. It says what is missing in neutral words
and attaches a *hint* — what the user can give — which the CLI words as flags and the app as
pages and buttons (:func:`word`). :class:`Message` is a ``str``, so existing notes stay
strings; :class:`HintedError` is an :class:`EcoplanError` carrying the same hint.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from ecoplan.errors import EcoplanError

Front = Literal["cli", "app"]
E = TypeVar("E", bound=BaseException)

#: Hints: what would fix it. Keys are stable names used by the library.
NEED_DATA = "need_data"  # area boundaries + deprivation (IoD) files
POPULATION = "population"  # a population table (IoD 2019 File 6)
LAYER_POPULATION = "layer_population"  # the population column of the user's own need layer
DECILES = "deciles"  # how many deciles count as deprived
MINUTES = "minutes"  # the walking time for reach
TOP = "top"  # how many sites to list
LOOKUP = "lookup"  # population and deprivation on different LSOA vintages
GENERIC_NEED = "generic_need"  # a need layer of the user's own: which columns mean what
NEED_EITHER = "need_either"  # IoD files and a need layer given together
DATABASE = "database"  # the plans database path cannot be used
FORECAST = "forecast"  # Open-Meteo could not be reached
FORECAST_OFFLINE = "forecast_offline"  # offline, and nothing cached

HINTS: dict[str, dict[str, str]] = {
    NEED_DATA: {"cli": "give --areas and --deprivation (or --la NAME)",
                "app": "load boundaries and IoD files on the Area & data page"},
    POPULATION: {"cli": "add --population (IoD 2019 File 6)",
                 "app": "add the population file (IoD 2019 File 6) on the Area & data page"},
    LAYER_POPULATION: {"cli": "add --population-column NAME (your area layer's column of "
                              "people per area)",
                       "app": "type the population column of your need layer on the "
                              "Area & data page"},
    DECILES: {"cli": "set --deciles", "app": "change the number of deprived deciles"},
    MINUTES: {"cli": "set --minutes", "app": "change the walking time"},
    TOP: {"cli": "set --top", "app": "change how many sites are listed"},
    LOOKUP: {"cli": "pass the population with --population and the ONS lookup with --lookup",
             "app": "add the population file and the ONS LSOA 2011→2021 lookup on the "
                    "Area & data page"},
    GENERIC_NEED: {"cli": "give --id-column and --higher-is-worse or --lower-is-worse",
                   "app": "choose the area id column and whether higher values mean more need"},
    NEED_EITHER: {"cli": "give either --deprivation files or --need-column",
                  "app": "load either IoD files or your own need layer"},
    DATABASE: {"cli": "give another path with --db sqlite:///PATH or set ECOPLAN_DB_URL",
               "app": "set ECOPLAN_DB_URL to another database and restart the app"},
    # `plan` and `programme check` both take --offline and --forecast; only `plan` --conditions
    FORECAST: {"cli": "use --offline for a cached forecast or --forecast FILE.json for a saved "
                      "Open-Meteo response ('plan' also takes --conditions k=v,…)",
               "app": "turn on offline mode for a cached forecast, or enter the expected "
                      "conditions by hand"},
    FORECAST_OFFLINE: {"cli": "give --forecast FILE.json, a saved Open-Meteo response ('plan' "
                              "also takes --conditions k=v,…)",
                       "app": "enter the expected conditions by hand, or load a recorded "
                              "forecast file"},
}


class Message(str):
    """A user message with an optional hint (a key of :data:`HINTS`)."""

    hint: str | None

    def __new__(cls, text: str, hint: str | None = None) -> Message:
        obj = super().__new__(cls, text)
        obj.hint = hint
        return obj


class HintedError(EcoplanError):
    """An error whose message is neutral; ``hint`` says what would fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def hinted(err: E, hint: str) -> E:
    """``err`` (any exception type, so callers' ``except`` clauses still match) with ``hint``."""
    err.hint = hint  # type: ignore[attr-defined]
    return err


def word(msg: object, front: Front) -> str:
    """The message with its hint worded for ``front`` ("…: give --areas …" / "…: load …")."""
    text = str(msg)
    hint = getattr(msg, "hint", None)
    if hint and hint in HINTS:
        return f"{text} — {HINTS[hint][front]}"
    return text


def with_file_names(err: EcoplanError, names: dict[str, str]) -> EcoplanError:
    """The same error with stored paths (``<cache>/uploads/64df…-File_2.csv``) replaced by the
    names the user gave the files, so a message never shows the hashed stored name."""
    from pathlib import Path

    text = str(err)
    for path, shown in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, shown).replace(Path(path).name, shown)
    if text == str(err):
        return err
    try:
        new = type(err)(text)
    except TypeError:
        new = EcoplanError(text)
    if hasattr(err, "hint"):
        new.hint = err.hint  # type: ignore[attr-defined]
    return new
