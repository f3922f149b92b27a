"""The call network in the formats analysts open elsewhere: Gephi (GEXF, GraphML), a CSV
edge list for a spreadsheet or another tool, and FollowTheMoney ``Call`` entities.

Each number carries its key-player rank, score, betweenness and Leiden community, so a
Gephi user can size and colour the nodes without recomputing anything; each edge its
number of calls and its first and last call, and the source line of the first, so that a
picture can be traced back to the fadette it came from.
"""

from __future__ import annotations

import csv
import io
import tempfile
import xml.etree.ElementTree as ET  # nosec B405 - writes XML, parses none
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import igraph as ig
from followthemoney import model

from filet.network.edges import graph_from_rows
from filet.network.ranking import rank

GEXF_NAMESPACE = "http://gexf.net/1.3"
NODE_ATTRIBUTES = ("rank", "key_player", "betweenness", "degree", "reach", "calls", "community")
EDGE_COLUMNS = ("source", "target", "calls", "first_call", "last_call", "source_file",
                "source_line")  # fmt: skip


class GraphFormat(StrEnum):
    GEXF = "gexf"
    GRAPHML = "graphml"
    CSV = "csv"


def annotated_graph(rows: list[dict[str, Any]]) -> ig.Graph:
    """The call graph of an edge list (``edges.edge_steps``), with each number's ranking
    as vertex attributes and each pair's first and last call as edge attributes."""
    graph = graph_from_rows(rows)
    ranked = {person.name: person for person in rank(graph)}
    for attribute in NODE_ATTRIBUTES:
        graph.vs[attribute] = [getattr(ranked[name], attribute) for name in graph.vs["name"]]
    firsts = _first_calls(rows)
    edge_rows = [firsts[_pair(graph.vs[e.source]["name"], graph.vs[e.target]["name"])]
                 for e in graph.es]  # fmt: skip
    graph.es["first_call"] = [row["first_ts"].isoformat() for row in edge_rows]
    graph.es["last_call"] = [row["last_ts"].isoformat() for row in edge_rows]
    graph.es["source_file"] = [str(row["source_file"]) for row in edge_rows]
    graph.es["source_line"] = [int(row["source_line"]) for row in edge_rows]
    graph.es["calls"] = [int(weight) for weight in graph.es["weight"]]
    return graph


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _first_calls(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per unordered pair: the earliest first call and the latest last call of both
    directions, with the earliest call's source line."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = _pair(row["caller"], row["callee"])
        seen = merged.get(key)
        if seen is None:
            merged[key] = dict(row)
            continue
        earlier = (row["first_ts"], row["source_file"], row["source_line"]) < (
            seen["first_ts"], seen["source_file"], seen["source_line"])  # fmt: skip
        if earlier:
            seen.update(first_ts=row["first_ts"], source_file=row["source_file"],
                        source_line=row["source_line"])  # fmt: skip
        seen["last_ts"] = max(seen["last_ts"], row["last_ts"])
    return merged


def write_graph(graph: ig.Graph, form: GraphFormat) -> str:
    """The annotated graph as GEXF 1.3, GraphML or a CSV edge list."""
    if form is GraphFormat.GEXF:
        return gexf(graph)
    if form is GraphFormat.GRAPHML:
        return graphml(graph)
    return edge_csv(graph)


def graphml(graph: ig.Graph) -> str:
    """GraphML as igraph writes it (attributes declared with their types). igraph's
    writer needs a real file, hence the temporary one."""
    exported = graph.copy()
    del exported.es["weight"]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "network.graphml"
        exported.write_graphml(str(target))
        return target.read_text(encoding="utf-8")


def gexf(graph: ig.Graph) -> str:
    """GEXF 1.3 (gexf.net), Gephi's own format: nodes with their ranking, edges weighted
    by the number of calls."""
    root = ET.Element("gexf", xmlns=GEXF_NAMESPACE, version="1.3")
    ET.SubElement(ET.SubElement(root, "meta"), "description").text = "Filet call network"
    body = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    _declare(body, "node", [(name, _gexf_type(graph.vs[name])) for name in NODE_ATTRIBUTES])
    edge_attributes = ("first_call", "last_call", "source_file", "source_line")
    _declare(body, "edge", [(name, _gexf_type(graph.es[name])) for name in edge_attributes])
    nodes = ET.SubElement(body, "nodes")
    for vertex in graph.vs:
        node = ET.SubElement(nodes, "node", id=str(vertex.index), label=vertex["name"])
        _values(node, [(str(i), vertex[name]) for i, name in enumerate(NODE_ATTRIBUTES)])
    edges = ET.SubElement(body, "edges")
    for edge in graph.es:
        element = ET.SubElement(edges, "edge", id=str(edge.index), source=str(edge.source),
                                target=str(edge.target), weight=str(edge["calls"]))  # fmt: skip
        _values(element, [(str(i), edge[name]) for i, name in enumerate(edge_attributes)])
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _declare(body: ET.Element, kind: str, attributes: list[tuple[str, str]]) -> None:
    declared = ET.SubElement(body, "attributes", {"class": kind})
    for number, (title, gexf_type) in enumerate(attributes):
        ET.SubElement(declared, "attribute", id=str(number), title=title, type=gexf_type)


def _values(element: ET.Element, values: list[tuple[str, Any]]) -> None:
    holder = ET.SubElement(element, "attvalues")
    for key, value in values:
        ET.SubElement(holder, "attvalue", {"for": key, "value": str(value)})


def _gexf_type(values: list[Any]) -> str:
    if all(isinstance(value, int) for value in values):
        return "integer"
    if all(isinstance(value, int | float) for value in values):
        return "double"
    return "string"


def edge_csv(graph: ig.Graph) -> str:
    """One row per pair of numbers, both ways merged, busiest pairs first."""
    handle = io.StringIO()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    order = sorted(graph.es, key=lambda e: (-e["calls"], e["first_call"]))
    for edge in order:
        source, target = graph.vs[edge.source]["name"], graph.vs[edge.target]["name"]
        writer.writerow([source, target, *(edge[name] for name in EDGE_COLUMNS[2:])])
    return handle.getvalue()


def ftm_calls(calls: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each call row as a FollowTheMoney ``Call`` (numbers, start, duration), its id
    derived from the source line so that exporting twice gives the same entities."""
    for row in calls:
        entity = model.make_entity("Call")
        entity.make_id("filet-call", str(row["source_file"]), str(row["source_line"]))
        entity.add("callerNumber", row["caller"])
        entity.add("receiverNumber", row["callee"])
        start = row["start_ts"]
        entity.add("startDate", start.isoformat() if isinstance(start, datetime) else start)
        if row.get("duration_s") is not None:
            entity.add("duration", str(row["duration_s"]))
        entity.add("recordId", f"{row['source_file']}:{row['source_line']}")
        yield entity.to_dict()
