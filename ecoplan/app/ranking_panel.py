"""The Sites page's ranking panel: purpose selector, weight sliders, ranked table, explanation.

Scores are computed once per area (and need data) with ``ecoplan.ranking.rank.score_sites``
(cached); moving a slider only re-weights them (``rank_scores``, milliseconds). The panel is
off until the user asks for a ranking, so the page opens fast; without it the table is
sorted by area — never a made-up score.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ecoplan.app import data, state, ui
from ecoplan.errors import EcoplanError
from ecoplan.messages import word
from ecoplan.ranking import rank
from ecoplan.settings import ranking as rcfg

#: Columns of a ranked table shown before the site columns (when present).
EXTRA_COLUMNS: list[str] = ["rank", "score"]
TOGGLE_KEY = "rank_on"
PIECES_KEY = "rank_all_pieces"


@st.cache_resource(show_spinner="Scoring the sites…", max_entries=8)
def _scores(source: str, need_key: tuple[str, ...], _built: Any, _layers: Any,
            _areas: Any) -> Any:
    graph = data.walk_graph_for(source, _layers)
    return rank.score_sites(_built, _layers, graph=graph, areas=_areas)


def render(built: Any, *, layers: Any, source: str) -> pd.DataFrame | None:
    """Draw the panel; return the ranked table (best first), or None (plain area order)."""
    with st.container(border=True):
        st.markdown("**Rank sites for a purpose**")
        if not st.toggle("Rank the sites", key=TOGGLE_KEY,
                         help="Score every site for a purpose; off: sites by area."):
            st.caption("Off: sites are listed by area, largest first.")
            return None
        purpose = st.selectbox("Purpose", rcfg.PURPOSES, key="rank_purpose",
                               format_func=lambda p: p.replace("-", " "))
        nd = state.need()
        areas = nd.areas.areas if nd is not None else None
        try:
            scores = _scores(source, nd.files if nd else (), built, layers, areas)
        except EcoplanError as err:
            ui.show_error(word(err, "app"))
            return None
        st.caption("Weights (relative; 0 leaves a part out):")
        cols = st.columns(4)
        weights: dict[str, float] = {}
        for i, comp in enumerate(rcfg.COMPONENTS):
            disabled = comp not in scores.available
            weights[comp] = cols[i % 4].slider(
                comp.capitalize(), 0.0, 1.0,
                float(rcfg.PURPOSE_WEIGHTS[purpose].get(comp, 0.0)), 0.05,
                key=f"rank_w_{purpose}_{comp}", disabled=disabled,
                help=rcfg.COMPONENT_HELP.get(comp, "")
                + (" — needs deprivation data (Area & data page)" if disabled else ""))
        weights = {k: v for k, v in weights.items() if k in scores.available}
        pieces = st.checkbox(
            "Show every piece of rivers and coasts", key=PIECES_KEY,
            help="Rivers and coasts are cut into 1 km pieces; by default each place is "
                 "listed once, at its best piece.")
        try:
            ranked = rank.rank_scores(scores, purpose, weights, one_per_place=not pieces)
        except EcoplanError as err:
            ui.show_error(word(err, "app"))
            return None
        for note in ranked.notes:
            st.caption(f"Note: {ui.md_escape(word(note, 'app'))}")
        for a in ranked.attributions:
            st.caption(a)
        return pd.DataFrame(ranked.table)


def table_columns(ranked: pd.DataFrame) -> list[str]:
    """Ranking columns to show first: rank, score and each computed component score."""
    return [c for c in [*EXTRA_COLUMNS, *rcfg.COMPONENTS, "more_pieces"] if c in ranked.columns]


def explain(site_id: str, ranked: pd.DataFrame | None) -> None:
    """Why the site ranks where it does (nothing without a ranking)."""
    if ranked is None or "site_id" not in ranked.columns:
        return
    hit = ranked[ranked["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        st.caption("Not ranked (restricted access).")
        return
    row = hit.iloc[0]
    st.markdown(f"**Rank {int(row['rank'])} of {len(ranked)}**, score {row['score']:.2f} "
                "(0–1)")
    if row.get("explanation"):
        st.caption(ui.md_escape(row["explanation"]))
