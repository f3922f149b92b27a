"""The SQL half of the network detectors: calls aggregated into an edge list.

Graph algorithms (betweenness, Leiden) are not SQL; the detectors split the work.
``steps`` reduces the ``calls`` table to one row per ordered pair of numbers, with the
number of calls, the first and last call and the first call's source line, in SQL
that runs alike on DuckDB and Spark; ``to_alerts`` builds the graph from those rows
and runs igraph in Python. The edge list is small (one row per pair that talked),
so the split costs nothing where the calls table is large.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import igraph as ig

from filet.alerts import Evidence
from filet.engine import Step
from filet.network.graph import call_graph


def edge_steps() -> list[Step]:
    """One row per (caller, callee): calls, first and last start, first call's line.

    The first call is chosen by start time, then source file and line, so both engines
    point at the same row. Plain SQL: no dialect-specific snippet is needed.
    """
    window = "PARTITION BY caller, callee"
    numbered = f"""
        SELECT
            caller, callee, start_ts, source_file, source_line,
            COUNT(*) OVER ({window}) AS calls,
            MAX(start_ts) OVER ({window}) AS last_ts,
            ROW_NUMBER() OVER ({window} ORDER BY start_ts, source_file, source_line) AS n
        FROM calls
        WHERE caller <> callee
    """
    pairs = """
        SELECT caller, callee, calls, start_ts AS first_ts, last_ts, source_file, source_line
        FROM call_pairs_numbered
        WHERE n = 1
        ORDER BY caller, callee
    """
    return [Step(numbered, "call_pairs_numbered"), Step(pairs, "call_pairs")]


@dataclass(frozen=True)
class Contact:
    """What the edge list says about one number: when it was active, which calls show it."""

    first: datetime
    last: datetime
    evidence: tuple[Evidence, ...]


def graph_from_rows(rows: list[dict[str, Any]]) -> ig.Graph:
    return call_graph((row["caller"], row["callee"], float(row["calls"])) for row in rows)


def contacts(rows: list[dict[str, Any]], max_evidence: int) -> dict[str, Contact]:
    """Per number: its activity span and the first call of its busiest pairs."""
    by_number: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_number.setdefault(row["caller"], []).append(row)
        by_number.setdefault(row["callee"], []).append(row)
    found = {}
    for number, edges in by_number.items():
        busiest = sorted(edges, key=lambda r: (-r["calls"], r["source_file"], r["source_line"]))
        found[number] = Contact(
            first=min(row["first_ts"] for row in edges),
            last=max(row["last_ts"] for row in edges),
            evidence=tuple(
                Evidence(
                    "calls", {"source_file": r["source_file"], "source_line": r["source_line"]}
                )
                for r in busiest[:max_evidence]
            ),
        )
    return found
