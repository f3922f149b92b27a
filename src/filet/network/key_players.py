"""Key players: the numbers whose arrest would hurt the network most.

Ranked by the key-player score of :mod:`filet.network.ranking` (betweenness, degree
and call volume, each relative to the graph's maximum). Alerts go to the top
``top_percent`` of the numbers, and never fewer than ``min_key_players``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.network.edges import contacts, edge_steps, graph_from_rows
from filet.network.ranking import Ranked, rank

DETECTOR_ID = "network.key_player"
VERSION = "1"


@dataclass(frozen=True)
class KeyPlayerThresholds(Thresholds):
    top_percent: float = threshold(
        5.0,
        unit="%",
        source=(
            "Cavallaro et al. 2020, PLOS ONE 15(8):e0236476: removing the top 5% of nodes "
            "by betweenness shrinks the largest component of the Montagna networks by up to 70%"
        ),
        help=(
            "Part des numéros, les mieux classés, signalés comme acteurs clés. / Share of the "
            "numbers, best ranked first, reported as key players."
        ),
    )
    min_key_players: int = threshold(
        3,
        unit="numbers",
        source=(
            "Décision d'analyse Filet, 2026-11 (issue 7): sur CAVIAR le principal lieutenant "
            "(n3) est 3e / analyst decision: CAVIAR's main lieutenant ranks 3rd"
        ),
        help=(
            "Nombre minimal d'acteurs clés signalés, même dans un petit réseau. / Fewest key "
            "players reported, even in a small network."
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
        if not 0 < self.top_percent <= 100:
            raise ValueError(f"top_percent must be in (0, 100], not {self.top_percent}")
        if self.min_key_players < 1:
            raise ValueError(f"min_key_players must be at least 1, not {self.min_key_players}")


def steps(thresholds: KeyPlayerThresholds, dialect: Dialect) -> list[Step]:
    return edge_steps()


def to_alerts(rows: list[dict[str, Any]], thresholds: KeyPlayerThresholds) -> list[Alert]:
    graph = graph_from_rows(rows)
    ranked = rank(graph)
    count = max(thresholds.min_key_players, math.ceil(len(ranked) * thresholds.top_percent / 100))
    seen = contacts(rows, thresholds.max_evidence_calls)
    return [_alert(person, len(ranked), seen, thresholds) for person in ranked[:count]]


def _alert(
    person: Ranked, total: int, seen: dict[str, Any], thresholds: KeyPlayerThresholds
) -> Alert:
    contact = seen[person.name]
    calls = round(person.calls)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("phone", person.name),),
        start=contact.first,
        end=contact.last,
        score=round(min(person.key_player, 1.0), 3),
        reason_fr=(
            f"Acteur clé n° {person.rank} sur {total} numéros : {person.degree} contacts, "
            f"{calls} appels, intermédiarité {person.betweenness:.3f}".replace(".", ",")
            + f" (communauté {person.community})."
        ),
        reason_en=(
            f"Key player #{person.rank} of {total} numbers: {person.degree} contacts, "
            f"{calls} calls, betweenness {person.betweenness:.3f} (community {person.community})."
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
        title_fr="Acteur clé du réseau",
        title_en="Network key player",
        inputs=("calls",),
        thresholds=KeyPlayerThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
