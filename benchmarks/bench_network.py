"""Betweenness and Leiden on generated call graphs: ``filet.network.ranking`` against networkx.

The graph (:func:`generate`) has ``size`` edges between ``size / 5`` numbers, seeded:
cells of about 60 numbers with 80 % of the pairs inside a cell, heavy-tailed activity
(Pareto, so a few numbers make most calls) and a geometric call count per pair as the
weight, as the call graphs of :mod:`filet.network.graph`.

- **Communities**: Filet's ``communities`` (igraph's C Leiden above
  ``LARGE_GRAPH_VERTICES``, leidenalg below) against
  ``networkx.community.louvain_communities`` with the weights, same seed. Both
  partitions are scored with the same weighted modularity, reported next to the
  times so that speed is never bought with quality. leidenalg, which Filet keeps for
  small graphs, is timed on the same graph too.
- **Betweenness, sampled**: exact betweenness is O(n·m), out of reach of networkx at
  this size, and Filet estimates it above ``LARGE_GRAPH_VERTICES`` from
  ``SAMPLED_SOURCES`` seeded sources (Brandes & Pich 2007). networkx's
  ``betweenness_centrality_subset`` is run from ``BASELINE_SOURCES`` of those same
  sources (one source costs it seconds at a million edges); igraph from those same
  sources must give the same values (checked), and throughput is compared in sources
  per second.
- **Sampled against exact**: on a graph of ``min(size, QUALITY_EDGES)`` edges, the
  share of the 100 most between vertices (exact, igraph) that the estimate also puts
  in its top 100, for Filet's seeded sources and for networkx's own estimator
  (``betweenness_centrality(k=SAMPLED_SOURCES, seed=...)``, the same method).
- **Betweenness, exact**: on a graph of ``min(size, EXACT_EDGES)`` edges, below the
  threshold, Filet's exact betweenness against ``networkx.betweenness_centrality``;
  the normalised values must agree (checked).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

import igraph as ig
import leidenalg
import networkx as nx
import numpy as np
from benchmarks.common import Comparison

from filet.network.ranking import (
    LARGE_GRAPH_VERTICES,
    LEIDEN_SEED,
    SAMPLED_SOURCES,
    betweenness,
    communities,
    sampled_sources,
)

DEFAULT_SIZE = 1_000_000
BASELINE_SOURCES = 20
QUALITY_EDGES = 100_000
EXACT_EDGES = 10_000
TOP = 100
CELL = 60
LOUVAIN = "networkx louvain_communities, weighted"
SUBSET = "networkx betweenness_centrality_subset"

T = TypeVar("T")


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    graph = generate(size)
    other = to_networkx(graph)
    _log(f"{graph.vcount():,} vertices, {graph.ecount():,} edges\n")
    return [
        *_communities(graph, other),
        _sampled(graph, other),
        _quality(graph if size <= QUALITY_EDGES else generate(QUALITY_EDGES)),
        _exact(generate(min(size, EXACT_EDGES))),
    ]


def generate(size: int, seed: int = 7) -> ig.Graph:
    """``size`` distinct pairs, fewer only where the draws repeat too often (tiny sizes)."""
    rng = np.random.default_rng(seed)
    n = max(30, size // 5)
    activity = rng.pareto(2.0, n) + 1.0
    activity /= activity.sum()
    cell = rng.integers(0, max(1, n // CELL), n)
    order = np.argsort(cell, kind="stable")
    start = np.searchsorted(cell[order], np.arange(cell.max() + 1))
    count = np.bincount(cell)
    draws = size * 13 // 10
    src = rng.choice(n, draws, p=activity)
    mate = order[start[cell[src]] + (rng.random(draws) * count[cell[src]]).astype(np.int64)]
    dst = np.where(rng.random(draws) < 0.8, mate, rng.choice(n, draws, p=activity))
    keep = src != dst
    low, high = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
    pairs = np.unique(low.astype(np.int64) * n + high)
    pairs = rng.permutation(pairs)[:size]
    graph = ig.Graph(n=n, edges=np.column_stack([pairs // n, pairs % n]).tolist())
    graph.es["weight"] = rng.geometric(0.3, len(pairs)).astype(float).tolist()
    graph.vs["name"] = [f"N{v:07d}" for v in range(n)]
    return graph


def to_networkx(graph: ig.Graph) -> nx.Graph:
    """The same graph, vertex ``v`` as node ``v`` (not timed: both sides get theirs built)."""
    other = nx.Graph()
    other.add_nodes_from(range(graph.vcount()))
    other.add_weighted_edges_from(
        (a, b, w) for (a, b), w in zip(graph.get_edgelist(), graph.es["weight"], strict=True)
    )
    return other


def _communities(graph: ig.Graph, other: nx.Graph) -> list[Comparison]:
    edges = f"{graph.ecount():,} edges"
    filet_s, filet = _timed(lambda: communities(graph))
    alg_s, alg = _timed(lambda: _leidenalg(graph))
    nx_s, found = _timed(
        lambda: nx.community.louvain_communities(other, weight="weight", seed=LEIDEN_SEED)
    )
    baseline = _membership(found, graph.vcount())
    _log(f"{len(set(filet))} Leiden communities, {len(found)} Louvain\n")
    return [
        Comparison(f"communities, {edges}", "s", filet_s, LOUVAIN, nx_s, False),
        Comparison(
            f"communities, {edges}", "modularity", _modularity(graph, filet), LOUVAIN,
            _modularity(graph, baseline), True,
        ),
        Comparison(
            f"leidenalg (Filet ≤ {LARGE_GRAPH_VERTICES:,} vertices), {edges}",
            "s", alg_s, LOUVAIN, nx_s, False,
        ),
        Comparison(
            f"leidenalg (Filet ≤ {LARGE_GRAPH_VERTICES:,} vertices), {edges}",
            "modularity", _modularity(graph, alg), LOUVAIN, _modularity(graph, baseline), True,
        ),
    ]  # fmt: skip


def _sampled(graph: ig.Graph, other: nx.Graph) -> Comparison:
    n = graph.vcount()
    sampled = n > LARGE_GRAPH_VERTICES and n > SAMPLED_SOURCES
    sources = sampled_sources(n) if sampled else list(range(n))
    filet_s, _ = _timed(lambda: betweenness(graph))
    few = sources[:: max(1, len(sources) // BASELINE_SOURCES)][:BASELINE_SOURCES]
    nx_s, theirs = _timed(lambda: nx.betweenness_centrality_subset(other, few, list(other)))
    ours = np.array(graph.betweenness(directed=False, sources=few))
    if not np.allclose(ours, [theirs[v] for v in range(n)], rtol=1e-9, atol=1e-9):
        raise RuntimeError("igraph and networkx disagree on betweenness from the same sources")
    kind = "sampled sources" if sampled else "sources, exact"
    return Comparison(
        f"betweenness, {len(sources):,} {kind}, {graph.ecount():,} edges", "sources/s",
        len(sources) / filet_s, f"{SUBSET}, {len(few)} of the sources",
        len(few) / nx_s, True,
    )  # fmt: skip


def _quality(graph: ig.Graph) -> Comparison:
    """How much of the exact top the estimate keeps, for Filet and networkx alike."""
    n = graph.vcount()
    pairs = (n - 1) * (n - 2) / 2
    exact = np.array(graph.betweenness(directed=False)) / pairs
    ours = np.array(betweenness(graph))
    k = min(SAMPLED_SOURCES, n)
    found = nx.betweenness_centrality(to_networkx(graph), k=k, seed=LEIDEN_SEED)
    theirs = np.array([found[v] for v in range(n)])
    top = min(TOP, n)
    return Comparison(
        f"betweenness, exact top {top} kept, {graph.ecount():,} edges",
        "share", _kept(exact, ours, top), f"networkx betweenness_centrality(k={k})",
        _kept(exact, theirs, top), True,
    )  # fmt: skip


def _exact(graph: ig.Graph) -> Comparison:
    filet_s, ours = _timed(lambda: betweenness(graph))
    other = to_networkx(graph)
    nx_s, found = _timed(lambda: nx.betweenness_centrality(other))
    if not np.allclose(ours, [found[v] for v in range(graph.vcount())], atol=1e-12):
        raise RuntimeError("exact betweenness differs between Filet and networkx")
    return Comparison(
        f"betweenness exact, {graph.ecount():,} edges", "s",
        filet_s, "networkx betweenness_centrality", nx_s, False,
    )  # fmt: skip


def _leidenalg(graph: ig.Graph) -> list[int]:
    """What ``communities`` runs on small graphs, run here on the large one."""
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=LEIDEN_SEED
    )
    return list(partition.membership)


def _membership(found: list[set[int]], n: int) -> list[int]:
    membership = [0] * n
    for number, group in enumerate(found):
        for vertex in group:
            membership[vertex] = number
    return membership


def _modularity(graph: ig.Graph, membership: list[int]) -> float:
    return float(graph.modularity(membership, weights="weight"))


def _kept(exact: np.ndarray, estimate: np.ndarray, top: int) -> float:
    best = set(np.argsort(-exact, kind="stable")[:top])
    return len(best & set(np.argsort(-estimate, kind="stable")[:top])) / top


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _log(text: str) -> None:
    sys.stderr.write(text)
