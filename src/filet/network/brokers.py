"""Brokers: numbers that join communities and through which most paths go.

A broker is who others must go through (high betweenness, Freeman 1977) *and* who
talks to several communities (Leiden, Traag et al. 2019), the go-between of Gould &
Fernandez's (1989) brokerage roles. Morselli (2009, *Inside Criminal Networks*, ch. 6)
shows CAVIAR's organisers in that position rather than at the centre of the calls.
Each alert gives the broker's main roles (:mod:`filet.network.brokerage`) between those
communities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import igraph as ig

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.network.brokerage import ROLE_LABELS_FR, Brokerage, brokerage_roles
from filet.network.edges import Contact, contacts, edge_steps, graph_from_rows
from filet.network.ranking import Ranked, rank

DETECTOR_ID = "network.broker"
VERSION = "2"  # 2: brokerage roles in the reasons


@dataclass(frozen=True)
class BrokerThresholds(Thresholds):
    min_betweenness: float = threshold(
        0.2,
        unit="fraction of pairs",
        source=(
            "CAVIAR (Morselli & Petit 2007, Global Crime 8(2):109-130), 11 phases undirected: "
            "the organisers n1 (0.554) and n12 (0.257) lie above, all others at 0.142 or below"
        ),
        help=(
            "Intermédiarité normalisée minimale (part des plus courts chemins qui passent par "
            "le numéro). / Lowest normalised betweenness (share of shortest paths through the "
            "number)."
        ),
    )
    min_communities: int = threshold(
        2,
        unit="communities",
        source="Gould & Fernandez 1989, Sociological Methodology 19:89-126 (brokerage)",
        help=(
            "Nombre minimal de communautés (Leiden) parmi les contacts du numéro. / Fewest "
            "(Leiden) communities among the number's contacts."
        ),
    )
    max_evidence_calls: int = threshold(
        5,
        unit="calls",
        source="Décision d'analyse Filet, 2026-11 / analyst decision: one call per main contact",
        help="Appels cités en preuve par alerte. / Calls cited as evidence per alert.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.min_betweenness <= 1:
            raise ValueError(f"min_betweenness must be in [0, 1], not {self.min_betweenness}")


def steps(thresholds: BrokerThresholds, dialect: Dialect) -> list[Step]:
    return edge_steps()


def to_alerts(rows: list[dict[str, Any]], thresholds: BrokerThresholds) -> list[Alert]:
    graph = graph_from_rows(rows)
    ranked = rank(graph)
    seen = contacts(rows, thresholds.max_evidence_calls)
    group = {person.name: person.community for person in ranked}
    roles = brokerage_roles(((row["caller"], row["callee"]) for row in rows), group)
    alerts = []
    for person in ranked:
        linked = _communities_around(graph, person, ranked)
        if (
            person.betweenness >= thresholds.min_betweenness
            and len(linked) >= thresholds.min_communities
        ):
            alerts.append(_alert(person, linked, roles[person.name], seen[person.name], thresholds))
    return alerts


def _communities_around(graph: ig.Graph, person: Ranked, ranked: list[Ranked]) -> list[int]:
    community = {other.name: other.community for other in ranked}
    vertex = graph.vs.find(name=person.name)
    return sorted({community[graph.vs[v]["name"]] for v in graph.neighbors(vertex)})


def _alert(
    person: Ranked,
    linked: list[int],
    roles: Brokerage,
    contact: Contact,
    thresholds: BrokerThresholds,
) -> Alert:
    groups = ", ".join(str(c) for c in linked)
    share = f"{person.betweenness:.3f}"
    main = roles.main_roles()
    roles_fr = ", ".join(f"{ROLE_LABELS_FR[role]} {count}" for role, count in main) or "aucun"
    roles_en = ", ".join(f"{role} {count}" for role, count in main) or "none"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("phone", person.name),),
        start=contact.first,
        end=contact.last,
        score=round(person.betweenness, 3),
        reason_fr=(
            f"Intermédiaire : {share.replace('.', ',')} des plus courts chemins passent par ce "
            f"numéro, en contact avec les communautés {groups} ; relais (Gould & Fernandez) : "
            f"{roles_fr}."
        ),
        reason_en=(
            f"Broker: {share} of shortest paths go through this number, in contact with "
            f"communities {groups}; relays (Gould & Fernandez): {roles_en}."
        ),
        evidence=contact.evidence,
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="network",
        title_fr="Intermédiaire du réseau",
        title_en="Network broker",
        inputs=("calls",),
        thresholds=BrokerThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
