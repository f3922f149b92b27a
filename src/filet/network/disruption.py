"""Disruption simulation: arrest people in order of a centrality, watch the network break.

As Cavallaro et al. (2020, PLOS ONE 15(8):e0236476): after each removal the size of
the largest connected component is taken as a fraction of the initial one. In the
sequential strategy the centrality is recomputed after every arrest (the police
learn as they go); in the block strategy it is recomputed only after each block of
arrests (a round of warrants). Ties are broken by vertex order, that is by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import igraph as ig

from filet.network.graph import largest_component_size
from filet.network.ranking import betweenness


class Strategy(StrEnum):
    SEQUENTIAL = "sequential"
    BLOCK = "block"


MEASURES: dict[str, Callable[[ig.Graph], list[float]]] = {
    "betweenness": betweenness,
    "degree": lambda graph: [float(d) for d in graph.degree()],
}


@dataclass(frozen=True)
class Step:
    """After ``removed`` arrests (``names``, in order): the largest component left."""

    removed: int
    names: tuple[str, ...]
    largest_component: int
    fraction_left: float


def simulate(
    graph: ig.Graph,
    removals: int,
    measure: str = "betweenness",
    strategy: Strategy = Strategy.SEQUENTIAL,
    block_size: int = 5,
) -> list[Step]:
    """Steps from 0 removals to ``removals``; a block strategy reports once per block."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")
    size = 1 if strategy is Strategy.SEQUENTIAL else block_size
    if size < 1:
        raise ValueError(f"block size must be at least 1, not {block_size}")
    current = graph.copy()
    initial = largest_component_size(current)
    removed: list[str] = []
    steps = [Step(0, (), initial, 1.0 if initial else 0.0)]
    while len(removed) < removals and current.vcount() > 0:
        scores = MEASURES[measure](current)
        order = sorted(range(current.vcount()), key=lambda v: (-scores[v], v))
        chosen = order[: min(size, removals - len(removed))]
        removed.extend(current.vs[v]["name"] for v in chosen)
        current.delete_vertices(chosen)
        left = largest_component_size(current)
        steps.append(Step(len(removed), tuple(removed), left, left / initial if initial else 0.0))
    return steps
