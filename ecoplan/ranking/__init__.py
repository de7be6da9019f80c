"""Ranking stage: explainable scores per site for a purpose (therapy, group walk, public health).

``measures`` (geometry, once) → ``reach`` (per-site limited Dijkstra) → ``components`` (scores
in [0, 1] + phrases) → ``rank`` (weights from ``weights``, sort, ``explain``).
Entry points: :func:`ecoplan.ranking.rank.score_sites` + ``rank_scores``.
"""
