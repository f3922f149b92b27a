"""Who matters in a network: communities, brokers and a key-player ranking.

The key-player score is the mean of three measures, each divided by its maximum in
the graph so that they weigh alike:

- betweenness (Freeman 1977), how often a person lies on the shortest paths between
  others: the broker's position that Morselli (2009, *Inside Criminal Networks*) found
  around CAVIAR's leaders, and the ranking whose removal disrupts most (Cavallaro et
  al. 2020, PLOS ONE 15(8):e0236476);
- two-step reach, how many people are at most two calls away: Borgatti's (2006,
  *Comput. Math. Organ. Theory* 12:21-34) distance-weighted reach for the KPP-Pos
  key-player problem, which sees a leader who calls only his lieutenants, since
  through them he reaches everyone (Agreste et al. 2016: bosses are often not
  central in wiretap networks);
- call volume (strength, Opsahl, Agneessens & Skvoretz 2010, *Social Networks*
  32(3):245-251), since organisers are on the phone most: CAVIAR's target made
  1,272 of the 3,611 intercepted calls.

Betweenness alone ranks a go-between above the organiser; volume alone ranks a busy
street seller first. Together they rank CAVIAR's target first over all phases and his
lieutenant in the top three, and follow the succession after the seizures (n3 first
in phase 9, n41 in phase 11; see docs/networks.md).

Large graphs (more than ``LARGE_GRAPH_VERTICES`` numbers) take two shortcuts. Exact
betweenness costs one shortest-path search per vertex (Brandes 2001, O(n·m)): on the
generated 200,000-vertex, million-edge graph of benchmarks/bench_network.py igraph
does about six searches a second, hours for all of them. Betweenness is then
estimated from ``SAMPLED_SOURCES`` seeded source vertices (Brandes & Pich 2007,
*Int. J. Bifurcation and Chaos* 17(7):2303-2318), scaled by n / k: about a minute
there, and on its 20,000-vertex graph the estimate keeps 79 of the exact top 100, as
many as networkx's own estimator from as many sources. Leiden runs in igraph's C
implementation (same modularity objective, two iterations as leidenalg's default):
2.7 s against leidenalg's 38 s on the million edges, for the same modularity (0.787
and 0.788). Below the threshold nothing changes, exact betweenness and leidenalg, so
the CAVIAR, Montagna and demo results stay as published.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

import igraph as ig
import leidenalg

LEIDEN_SEED = 42
LARGE_GRAPH_VERTICES = 5_000
SAMPLED_SOURCES = 500
SAMPLE_SEED = 42
_IGRAPH_RNG = threading.Lock()


@dataclass(frozen=True)
class Ranked:
    """One person's (or line's) place in the network."""

    name: str
    rank: int
    key_player: float
    betweenness: float
    degree: int
    reach: int
    calls: float
    community: int


def betweenness(graph: ig.Graph, *, sources: int = SAMPLED_SOURCES) -> list[float]:
    """Betweenness normalised to [0, 1] by the number of pairs, as networkx does.

    Exact up to ``LARGE_GRAPH_VERTICES`` vertices; above, estimated from ``sources``
    seeded source vertices (:func:`sampled_sources`), since exact is O(n·m).
    """
    n = graph.vcount()
    pairs = (n - 1) * (n - 2) / 2
    if not pairs:
        return [0.0] * n
    if n <= LARGE_GRAPH_VERTICES or sources >= n:
        return [value / pairs for value in graph.betweenness(directed=False)]
    picked = sampled_sources(n, sources)
    scale = n / len(picked) / pairs  # each source stands for n / k of them
    return [value * scale for value in graph.betweenness(directed=False, sources=picked)]


def sampled_sources(vertex_count: int, count: int = SAMPLED_SOURCES) -> list[int]:
    """The source vertices of the sampled estimate: the same ones on every run."""
    return sorted(random.Random(SAMPLE_SEED).sample(range(vertex_count), count))


def communities(graph: ig.Graph) -> list[int]:
    """Leiden communities (Traag, Waltman & van Eck 2019) maximising weighted modularity.

    leidenalg up to ``LARGE_GRAPH_VERTICES`` vertices; igraph's C Leiden above, which
    finds as good a partition ten times faster on a million edges.
    """
    if graph.ecount() == 0:
        return list(range(graph.vcount()))
    if graph.vcount() > LARGE_GRAPH_VERTICES:
        return _igraph_leiden(graph)
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=LEIDEN_SEED
    )
    return list(partition.membership)


def _igraph_leiden(graph: ig.Graph) -> list[int]:
    """igraph draws from one process-wide generator: seed it for this call, then put
    Python's ``random`` back (igraph's default), one call at a time."""
    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(LEIDEN_SEED))
        try:
            clusters = graph.community_leiden(
                objective_function="modularity", weights="weight", n_iterations=2
            )
        finally:
            ig.set_random_number_generator(random)
    return list(clusters.membership)


def rank(graph: ig.Graph) -> list[Ranked]:
    """Everyone, best key player first; ties broken by name."""
    between = betweenness(graph)
    degree = graph.degree()
    reach = [size - 1 for size in graph.neighborhood_size(order=2)]
    calls = graph.strength(weights="weight") if graph.ecount() else [0.0] * graph.vcount()
    shares = [_shares(between), _shares(reach), _shares(calls)]
    scores = [(b + r + c) / 3 for b, r, c in zip(*shares, strict=True)]
    membership = communities(graph)
    names = graph.vs["name"] if graph.vcount() else []
    order = sorted(range(graph.vcount()), key=lambda v: (-scores[v], names[v]))
    return [
        Ranked(
            name=names[v],
            rank=position,
            key_player=round(scores[v], 6),
            betweenness=round(between[v], 6),
            degree=degree[v],
            reach=reach[v],
            calls=calls[v],
            community=membership[v],
        )
        for position, v in enumerate(order, start=1)
    ]


def _shares(values: list[float] | list[int]) -> list[float]:
    """Each value over the largest, the maximum taken once: once per vertex would make
    ranking quadratic."""
    top = max(values, default=0)
    return [value / top if top else 0.0 for value in values]
