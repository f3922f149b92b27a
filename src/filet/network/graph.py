"""Call graphs: who talks to whom and how often, as an undirected weighted igraph.

Calls go both ways on a line, so the two directions of a pair make one edge whose
weight is the number of calls (as in the CAVIAR and Montagna studies, which analyse
the undirected graph). Vertices are ordered by name so that every computation, and
every tie between equal scores, comes out the same on each run and each engine.
"""

from __future__ import annotations

from collections.abc import Iterable

import igraph as ig

Edge = tuple[str, str, float]


def call_graph(edges: Iterable[Edge]) -> ig.Graph:
    """Undirected graph of ``(a, b, weight)``; self-loops dropped, repeated pairs summed."""
    weights: dict[tuple[str, str], float] = {}
    for source, target, weight in edges:
        if source == target:
            continue
        key = (source, target) if source < target else (target, source)
        weights[key] = weights.get(key, 0.0) + weight
    names = sorted({name for pair in weights for name in pair})
    index = {name: number for number, name in enumerate(names)}
    pairs = sorted(weights)
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
    graph.vs["name"] = names
    graph.es["weight"] = [weights[pair] for pair in pairs]
    return graph


def largest_component_size(graph: ig.Graph) -> int:
    if graph.vcount() == 0:
        return 0
    return max(graph.connected_components().sizes())
