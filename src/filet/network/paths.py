"""Path to the top ("taper plus haut"): from a street-level number, the chains of calls
(and, on the graph of ``filet.network.multigraph``, of meetings and payments) that reach
the best-ranked people of the network.

An arrest usually yields a seller's phone. The question the investigator asks next is
who, through whom, stands above it. For each of the highest-ranked numbers (the
key-player ranking of ``filet.network.ranking``), the chain is a shortest path in
hops (fewest intermediaries to identify); among equally short chains, the one whose
weakest link has the most calls is kept, since a chain is only as strong as its
least-used link. Each link cites the first call between the two numbers, so that the
chain can be read back in the fadettes; on the combined graph, each link says which
kinds of contact (appel, rencontre, paiement) tie the two people, how many of each and
the first evidence of each kind, and its strength is the contacts of all kinds together.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import igraph as ig

from filet.network.ranking import Ranked


@dataclass(frozen=True)
class Tie:
    """One kind of contact between two people: how many, and the first one's record."""

    kind: str  # appel, rencontre, paiement
    count: int
    first: str | None  # ISO time of the first; None for an undated meeting
    source_file: str
    source_line: int
    amount: float | None = None  # payments: the total paid


@dataclass(frozen=True)
class Link:
    """One step of a chain: two numbers that called each other, or two people tied by
    calls, meetings or payments (``ties``, one per kind, calls first)."""

    a: str
    b: str
    calls: int  # contacts of every kind
    first_call: str | None  # the first evidence's time
    source_file: str
    source_line: int
    ties: tuple[Tie, ...] = ()


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
    labels: tuple[str, ...] = ()  # each step's caption (a person's name, else the identifier)


class UnknownNumber(ValueError):
    """The starting number (or person, account) is not in the graph."""


def paths_to_top(graph: ig.Graph, ranked: list[Ranked], start: str, top: int = 3) -> list[Chain]:
    """Chains from ``start`` to each of the ``top`` best-ranked other numbers it can reach,
    best-ranked target first. ``graph`` is an annotated call graph
    (``exports.annotated_graph``); numbers it cannot reach are left out."""
    names = graph.vs["name"] if graph.vcount() else []
    if start not in names:
        raise UnknownNumber(f"{start}: absent du réseau / not in the network")
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
    names = _names(graph, best)
    labels = [graph.vs[v]["label"] for v in best] if "label" in graph.vs.attributes() else names
    return Chain(
        target=target.name,
        target_rank=target.rank,
        target_score=target.key_player,
        hops=len(best) - 1,
        numbers=tuple(names),
        links=links,
        weakest_link_calls=min((link.calls for link in links), default=0),
        labels=tuple(labels),
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
    where = (edge["source_file"], edge["source_line"])
    if "ties" in graph.es.attributes():
        ties = tuple(edge["ties"])
    else:  # a call graph (exports.annotated_graph): its edges are calls
        ties = (Tie("appel", edge["calls"], edge["first_call"], *where),)
    return Link(
        a=graph.vs[a]["name"],
        b=graph.vs[b]["name"],
        calls=edge["calls"],
        first_call=edge["first_call"],
        source_file=edge["source_file"],
        source_line=edge["source_line"],
        ties=ties,
    )
