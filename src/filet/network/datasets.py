"""Loaders for the published criminal networks the analysis is checked against.

- CAVIAR (Morselli & Petit 2007, *Global Crime* 8(2):109-130; data from Morselli,
  *Inside Criminal Networks*, 2009): one CSV per two-month phase, a directed weighted
  adjacency matrix (cell = number of calls), first row and column = participant ids.
  Participants are named ``n<id>`` as in the literature (n1 is Daniel Serero).
- Montagna (Cavallaro et al. 2020, PLOS ONE 15(8):e0236476): tab-separated
  ``source target weight`` edge lists without header, meetings and phone calls.

Both give ``(a, b, weight)`` edges for :func:`filet.network.graph.call_graph`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from filet.network.graph import Edge

CAVIAR_PHASES = range(1, 12)
MONTAGNA_NETWORKS = {
    "meetings": "Montagna_meetings_edgelist.csv",
    "phonecalls": "Montagna_phonecalls_edgelist.csv",
}


class DatasetError(ValueError):
    """A dataset file that does not have the published layout."""


def caviar_phase(folder: Path, phase: int) -> list[Edge]:
    """The calls of one CAVIAR phase, one edge per ordered pair with calls."""
    path = folder / f"phase{phase}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise DatasetError(f"{path}:1: fichier vide / empty file")
    targets = rows[0][1:]
    edges: list[Edge] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(targets) + 1:
            raise DatasetError(
                f"{path}:{line}: {len(row)} champs / fields, {len(targets) + 1} attendus / expected"
            )
        for target, cell in zip(targets, row[1:], strict=True):
            calls = _number(cell, path, line, target)
            if calls > 0:
                edges.append((f"n{row[0]}", f"n{target}", calls))
    return edges


def caviar_all(folder: Path) -> list[Edge]:
    """All eleven phases together (3,611 calls)."""
    return [edge for phase in CAVIAR_PHASES for edge in caviar_phase(folder, phase)]


def montagna(folder: Path, network: str) -> list[Edge]:
    """``network`` is ``meetings`` or ``phonecalls``."""
    if network not in MONTAGNA_NETWORKS:
        raise DatasetError(
            f"réseau inconnu / unknown network {network!r}: {', '.join(MONTAGNA_NETWORKS)}"
        )
    path = folder / MONTAGNA_NETWORKS[network]
    edges: list[Edge] = []
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            fields = text.split()
            if not fields:
                continue
            if len(fields) != 3:
                raise DatasetError(f"{path}:{line}: 'source target weight' attendu / expected")
            edges.append((fields[0], fields[1], _number(fields[2], path, line, "weight")))
    return edges


def _number(text: str, path: Path, line: int, field: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DatasetError(
            f"{path}:{line}: {field}: nombre attendu / not a number: {text!r}"
        ) from None
