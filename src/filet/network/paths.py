"""Path to the top ("taper plus haut"): from a street-level number, the chains of calls
that reach the best-ranked people of the network.

An arrest usually yields a seller's phone. The question the investigator asks next is
who, through whom, stands above it. For each of the highest-ranked numbers (the
key-player ranking of ``filet.network.ranking``), the chain is a shortest path in
hops (fewest intermediaries to identify); among equally short chains, the one whose
weakest link has the most calls is kept, since a chain is only as strong as its
least-used link. Each link cites the first call between the two numbers, so that the
chain can be read back in the fadettes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import igraph as ig

from filet.network.ranking import Ranked


@dataclass(frozen=True)
class Link:
    """One step of a chain: two numbers that called each other."""

    a: str
    b: str
    calls: int
    first_call: str
    source_file: str
    source_line: int


@dataclass(frozen=True)
class Chain:
    """How a number reaches one of the network's top people."""

    target: str
    target_rank: int
    target_score: float
    hops: int
    numbers: tuple[str, ...]
    links: tuple[Link, ...]
    weakest_link_calls: int


class UnknownNumber(ValueError):
    """The starting number is not in the call graph."""


def paths_to_top(graph: ig.Graph, ranked: list[Ranked], start: str, top: int = 3) -> list[Chain]:
    """Chains from ``start`` to each of the ``top`` best-ranked other numbers it can reach,
    best-ranked target first. ``graph`` is an annotated call graph
    (``exports.annotated_graph``); numbers it cannot reach are left out."""
    names = graph.vs["name"] if graph.vcount() else []
    if start not in names:
        raise UnknownNumber(f"{start}: numéro absent des appels / number not in the calls")
    source = names.index(start)
    reachable = set(graph.subcomponent(source))
    targets = [p for p in ranked if p.name != start and names.index(p.name) in reachable]
    return [_chain(graph, source, person) for person in targets[:top]]


def _chain(graph: ig.Graph, source: int, target: Ranked) -> Chain:
    candidates = graph.get_all_shortest_paths(source, to=graph.vs["name"].index(target.name))
    # Equally strong chains: the first by the numbers' order, so that runs agree.
    ordered = sorted(candidates, key=lambda path: _names(graph, path))
    best = max(ordered, key=lambda path: _weakest(graph, path))
    links = tuple(_link(graph, a, b) for a, b in pairwise(best))
    return Chain(
        target=target.name,
        target_rank=target.rank,
        target_score=target.key_player,
        hops=len(best) - 1,
        numbers=tuple(_names(graph, best)),
        links=links,
        weakest_link_calls=min((link.calls for link in links), default=0),
    )


def _weakest(graph: ig.Graph, path: list[int]) -> int:
    return min((_edge(graph, a, b)["calls"] for a, b in pairwise(path)),
               default=0)  # fmt: skip


def _names(graph: ig.Graph, path: list[int]) -> list[str]:
    return [graph.vs[v]["name"] for v in path]


def _edge(graph: ig.Graph, a: int, b: int) -> Any:
    return graph.es[graph.get_eid(a, b)]


def _link(graph: ig.Graph, a: int, b: int) -> Link:
    edge = _edge(graph, a, b)
    return Link(
        a=graph.vs[a]["name"],
        b=graph.vs[b]["name"],
        calls=edge["calls"],
        first_call=edge["first_call"],
        source_file=edge["source_file"],
        source_line=edge["source_line"],
    )
