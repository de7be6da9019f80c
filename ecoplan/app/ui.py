"""Small shared pieces of the app's pages: escaping, error guard, page links, licences, captions.

Every string from outside the code — OSM names, file names, typed text, saved notes, and error
messages that quote them — reaches Streamlit's Markdown (``st.markdown``, ``st.caption``,
``st.subheader``, ``st.error``, status and expander labels…) through :func:`md_escape`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import need as need_cfg
from ecoplan.settings import weather as weather_cfg

#: Pages registered by app.py this run, by url path (for st.page_link / st.switch_page).
PAGES: dict[str, Any] = {}

#: Characters with a meaning in CommonMark, GitHub-flavoured Markdown (autolinks: ':' '.' '@'),
#: Streamlit's Markdown (LaTeX '$', directives ':red[…]', ':material/…:', emoji ':x:') or HTML
#: ('<', '&' entities). Each is a CommonMark "ASCII punctuation" character, so a backslash before
#: it is always a valid escape and prints the character itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@^])")
#: Line breaks and runs of blanks: a break could start a heading or a list, a leading tab or four
#: spaces a code block; rendered Markdown shows one space for any run anyway.
_BLANKS = re.compile(r"[ \t\r\n\u2028\u2029\x0b\x0c\x85]+")


def md_escape(value: object) -> str:
    """Text safe inside any Streamlit Markdown: shown as typed on one line, never as a link,
    image, emphasis, heading, list, code, HTML, LaTeX or Streamlit directive."""
    s = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", _BLANKS.sub(" ", s).strip(" "))


def show_error(err: BaseException | str) -> None:
    """An error message in the page; messages quote file and place names, so escaped."""
    from ecoplan.messages import word  # a hint is worded for the app, never as CLI flags

    st.error(md_escape(word(err, "app")))

LICENCES_MD = f"""
- **OpenStreetMap** map data © OpenStreetMap contributors, available under the
  [Open Database Licence (ODbL)](https://www.openstreetmap.org/copyright). Maps and exports
  with OSM data must keep this attribution.
- **English Indices of Deprivation** (MHCLG): {need_cfg.IOD_ATTRIBUTION}
- **Boundaries and lookups** (ONS): {need_cfg.ONS_BOUNDARY_ATTRIBUTION}
- **Weather**: {weather_cfg.ATTRIBUTION} (CC BY 4.0).
"""


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """Run a page; a user error becomes a message in the page, the app keeps working."""

    @functools.wraps(render)
    def run() -> None:
        try:
            render()
        except EcoplanError as err:
            show_error(err)

    return run


def page_link(url_path: str, label: str, icon: str | None = None) -> None:
    """A link to another page if it is registered (pages rendered alone in tests have none)."""
    page = PAGES.get(url_path)
    if page is not None:
        st.page_link(page, label=label, icon=icon)


def switch_page(url_path: str) -> None:
    page = PAGES.get(url_path)
    if page is not None:
        st.switch_page(page)


def source_caption(layers: OsmLayers, n_sites: int | None = None) -> str:
    info = layers.source
    parts = [f"Data: {md_escape(info.name)}"]
    if info.data_date:
        parts.append(f"OSM data of {info.data_date:%d %b %Y}")
    if n_sites is not None:
        parts.append(f"{n_sites} sites")
    parts.append(info.attribution)
    return " · ".join(parts)


def licences_expander(expanded: bool = False) -> None:
    with st.expander("Data sources and licences", expanded=expanded):
        st.markdown(LICENCES_MD)


def demo_notice(layers: OsmLayers) -> None:
    info = layers.source
    if info.kind == "demo":
        st.info(f"Showing the built-in **demo area**: {md_escape(info.name)}. "
                f"{md_escape(info.note)} "
                "Choose your own area on the **Area & data** page.")


#: Some captions in Streamlit's theme are drawn at 60 % opacity, grey #828180 on white: 3.9:1,
#: under the WCAG AA 4.5:1 for normal text (axe-core ``color-contrast``). Opaque #5c5b5a is
#: 6.6:1 on white, 6.2:1 on the sidebar's #f8f8f7 — still lighter than body text.
ACCESSIBLE_CSS = """<style>
[data-testid="stCaptionContainer"] { color: #5c5b5a; opacity: 1; }
[data-testid="stCaptionContainer"] * { color: inherit; opacity: 1; }
</style>"""


def accessible_styles() -> None:
    """Raise the contrast of captions to WCAG AA (call once per run, before the pages)."""
    st.markdown(ACCESSIBLE_CSS, unsafe_allow_html=True)
