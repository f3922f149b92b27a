"""The link chart: an entity's neighbourhood, paths between two entities, communities,
key players and a GraphML export, all read through the policy's row filter in SQL.

A link is either a FollowTheMoney relationship entity (an ``Ownership``, a ``Family``:
its schema has an ``edge`` with a source and a target, its dates are the interval's) or
a plain entity-valued property (a passport's ``holder``), named by the property. Only
readable values make links, nodes and captions, so a link held in a compartment the
reader is not in does not show, nor does the entity it would lead to.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Annotated
from xml.etree import ElementTree

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from followthemoney import registry
from pydantic import BaseModel

from filet.model import model
from filet.network.graph import call_graph
from filet.network.ranking import rank
from filet.security.audit import Consultation, Disclosure, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource
from filet.security.reads import admit
from filet.store.tables import statements
from filet.web.deps import Conn, CurrentAccount, Purpose
from filet.web.i18n import register_messages
from filet.web.refusals import not_found
from filet.web.templating import render

MAX_DEPTH = 3
MAX_NODES = 500  # a chart beyond this is unreadable; the answer says it was cut
MAX_PATH_HOPS = 6
_DATE_PROPS = ("startDate", "endDate", "date")


class Node(BaseModel):
    id: str
    schema_name: str
    caption: str
    depth: int
    community: int | None = None
    key_player_rank: int | None = None


class Edge(BaseModel):
    id: str
    source: str
    target: str
    relation: str
    start: str | None = None
    end: str | None = None


class Chart(BaseModel):
    root: str
    nodes: list[Node]
    edges: list[Edge]
    truncated: bool = False


class Filters(BaseModel):
    """Which links to follow: ``relations`` (schema or property names, all if empty)
    and the period they must meet; an undated link is always followed, since its lack
    of date says nothing about when it held."""

    relations: frozenset[str] = frozenset()
    since: date | None = None
    until: date | None = None

    def keeps(self, edge: Edge) -> bool:
        if self.relations and edge.relation not in self.relations:
            return False
        if self.since and edge.end and edge.end[:10] < self.since.isoformat():
            return False
        return not (self.until and edge.start and edge.start[:10] > self.until.isoformat())


def links_of(
    conn: sa.Connection, ids: Iterable[str], visible: sa.ColumnElement[bool] | None
) -> list[Edge]:
    """Every readable link touching one of ``ids``."""
    wanted = list(ids)
    query = sa.select(
        statements.c.entity_id, statements.c.schema, statements.c.prop, statements.c.value
    ).where(
        statements.c.prop_type == registry.entity.name,
        sa.or_(statements.c.value.in_(wanted), statements.c.entity_id.in_(wanted)),
    )
    if visible is not None:
        query = query.where(visible)
    rows = conn.execute(query.distinct()).all()
    edge_ids = {row.entity_id for row in rows if model[row.schema].edge}
    found = [
        Edge(
            id=f"{row.entity_id}:{row.prop}:{row.value}",
            source=row.entity_id,
            target=row.value,
            relation=row.prop,
        )
        for row in rows
        if row.entity_id not in edge_ids
    ]
    return found + _relationship_edges(conn, edge_ids, visible)


def _relationship_edges(
    conn: sa.Connection, edge_ids: set[str], visible: sa.ColumnElement[bool] | None
) -> list[Edge]:
    """Relationship entities as edges, from their readable ends and dates."""
    if not edge_ids:
        return []
    query = sa.select(
        statements.c.entity_id, statements.c.schema, statements.c.prop, statements.c.value
    ).where(statements.c.entity_id.in_(sorted(edge_ids)))
    if visible is not None:
        query = query.where(visible)
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    schemas: dict[str, str] = {}
    for row in conn.execute(query):
        values[row.entity_id][row.prop].append(row.value)
        schemas[row.entity_id] = row.schema
    found = []
    for entity_id in sorted(values):
        schema, held = model[schemas[entity_id]], values[entity_id]
        starts = sorted(held.get("startDate", []) + held.get("date", []))
        ends = sorted(held.get("endDate", []) + held.get("date", []))
        for source in held.get(schema.edge_source or "", []):
            for target in held.get(schema.edge_target or "", []):
                found.append(
                    Edge(
                        id=f"{entity_id}:{source}:{target}",
                        source=source,
                        target=target,
                        relation=schema.name,
                        start=starts[0] if starts else None,
                        end=ends[-1] if ends else None,
                    )
                )
    return found


def nodes_of(
    conn: sa.Connection, depths: dict[str, int], visible: sa.ColumnElement[bool] | None
) -> list[Node]:
    """The readable ones among ``depths``' entities, captioned from readable values."""
    query = sa.select(
        statements.c.entity_id, statements.c.schema, statements.c.prop, statements.c.value
    ).where(statements.c.entity_id.in_(list(depths)))
    if visible is not None:
        query = query.where(visible)
    schemas: dict[str, str] = {}
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(query):
        known = schemas.get(row.entity_id)
        schemas[row.entity_id] = (
            row.schema if known is None else model.common_schema(known, row.schema).name
        )
        values[row.entity_id][row.prop].append(row.value)
    nodes = []
    for entity_id, schema_name in sorted(schemas.items()):
        held = values[entity_id]
        caption = next(
            (sorted(held[prop])[0] for prop in model[schema_name].caption if held.get(prop)),
            entity_id,
        )
        nodes.append(
            Node(id=entity_id, schema_name=schema_name, caption=caption, depth=depths[entity_id])
        )
    return nodes


def _expand(
    conn: sa.Connection,
    root: str,
    depth: int,
    filters: Filters,
    visible: sa.ColumnElement[bool] | None,
) -> Chart:
    depths, edges, frontier, truncated = {root: 0}, {}, {root}, False
    for level in range(1, depth + 1):
        if not frontier:
            break
        reached: set[str] = set()
        for edge in links_of(conn, frontier, visible):
            if not filters.keeps(edge):
                continue
            for end in (edge.source, edge.target):
                if end not in depths and len(depths) >= MAX_NODES:
                    truncated = True
                    break
                if end not in depths:
                    depths[end] = level
                    reached.add(end)
            else:
                edges[edge.id] = edge
        frontier = reached
    nodes = nodes_of(conn, depths, visible)
    shown = {node.id for node in nodes}
    kept = [e for e in edges.values() if e.source in shown and e.target in shown]
    return Chart(
        root=root, nodes=nodes, edges=sorted(kept, key=lambda e: e.id), truncated=truncated
    )


def _with_ranks(chart: Chart) -> Chart:
    """Leiden communities and key-player ranks of the chart's entities
    (:mod:`filet.network.ranking`, each link counting once)."""
    graph = call_graph((edge.source, edge.target, 1.0) for edge in chart.edges)
    ranked = {player.name: player for player in rank(graph)} if graph.vcount() else {}
    for node in chart.nodes:
        player = ranked.get(node.id)
        if player is not None:
            node.community, node.key_player_rank = player.community, player.rank
    return chart


def neighbourhood(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    entity_id: str,
    depth: int = 1,
    filters: Filters | None = None,
) -> Chart:
    """``entity_id`` and what its readable links reach in ``depth`` hops, with
    communities and key players; 404 when refused or absent, alike on purpose."""
    access = admit(conn, account, Action.READ, Resource.entity(entity_id), purpose)
    chart = (
        _expand(conn, entity_id, min(depth, MAX_DEPTH), filters or Filters(), access.statements())
        if access
        else None
    )
    found = chart is not None and any(node.id == entity_id for node in chart.nodes)
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.graph.neighbourhood",
            objects=tuple(node.id for node in chart.nodes) if chart and found else (entity_id,),
            results=len(chart.nodes) if chart and found else 0,
        ),
    )
    if chart is None or not found:
        raise not_found()
    return _with_ranks(chart)


def ranked_chart(conn: sa.Connection, account: Account, purpose: str, ids: Iterable[str]) -> Chart:
    """The readable links among ``ids`` (a chart the reader has expanded step by step)
    with communities and key players computed on all of it at once."""
    access = admit(conn, account, Action.READ, Resource.all_entities(), purpose)
    wanted = sorted(set(ids))[:MAX_NODES]
    visible = access.statements()
    nodes = nodes_of(conn, {entity_id: 0 for entity_id in wanted}, visible) if access else []
    shown = {node.id for node in nodes}
    edges = {
        edge.id: edge
        for edge in (links_of(conn, shown, visible) if shown else [])
        if edge.source in shown and edge.target in shown
    }
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.graph.ranks",
            objects=tuple(sorted(shown)),
            results=len(nodes),
        ),
    )
    chart = Chart(root="", nodes=nodes, edges=sorted(edges.values(), key=lambda e: e.id))
    return _with_ranks(chart)


def shortest_path(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    source: str,
    target: str,
    filters: Filters | None = None,
) -> Chart:
    """The fewest readable links from ``source`` to ``target`` (at most
    ``MAX_PATH_HOPS``); an empty chart when none joins them."""
    access = admit(conn, account, Action.READ, Resource.entity(source), purpose)
    visible, keep = access.statements(), filters or Filters()
    parents: dict[str, Edge | None] = {source: None}
    frontier = {source} if access else set()
    for _ in range(MAX_PATH_HOPS):
        if target in parents or not frontier:
            break
        reached = set()
        for edge in sorted(links_of(conn, frontier, visible), key=lambda e: e.id):
            for here, there in ((edge.source, edge.target), (edge.target, edge.source)):
                if here in frontier and there not in parents and keep.keeps(edge):
                    parents[there] = edge
                    reached.add(there)
        frontier = reached
    path: list[Edge] = []
    step = target if target in parents else None
    while step is not None and (back := parents[step]) is not None:
        path.append(back)
        step = back.source if back.target == step else back.target
    depths = {source: 0} if path else {}
    for hop, link in enumerate(reversed(path), start=1):
        depths.setdefault(link.source, hop)
        depths.setdefault(link.target, hop)
    nodes = nodes_of(conn, depths, visible) if depths else []
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.graph.path",
            objects=tuple(n.id for n in nodes) or (source, target),
            results=len(nodes),
        ),
    )
    return Chart(root=source, nodes=nodes, edges=list(reversed(path)))


def graphml(chart: Chart) -> bytes:
    """The chart as GraphML (Gephi, yEd, i2 import): node caption and schema, link
    relation and dates."""
    root = ElementTree.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    keys = [
        ("caption", "node"),
        ("schema", "node"),
        ("community", "node"),
        ("relation", "edge"),
        ("start", "edge"),
        ("end", "edge"),
    ]
    for name, scope in keys:
        ElementTree.SubElement(
            root, "key", id=name, attrib={"for": scope, "attr.name": name, "attr.type": "string"}
        )
    graph = ElementTree.SubElement(root, "graph", id=chart.root, edgedefault="directed")

    def data(parent: ElementTree.Element, key: str, value: object) -> None:
        if value is not None:
            ElementTree.SubElement(parent, "data", key=key).text = str(value)

    for node in chart.nodes:
        element = ElementTree.SubElement(graph, "node", id=node.id)
        for key, value in (
            ("caption", node.caption),
            ("schema", node.schema_name),
            ("community", node.community),
        ):
            data(element, key, value)
    for edge in chart.edges:
        element = ElementTree.SubElement(
            graph, "edge", id=edge.id, source=edge.source, target=edge.target
        )
        for key, value in (("relation", edge.relation), ("start", edge.start), ("end", edge.end)):
            data(element, key, value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def export_graphml(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    entity_id: str,
    depth: int,
    filters: Filters,
) -> bytes:
    """The neighbourhood as GraphML, under the export right, recorded as a Disclosure
    with the digest of the bytes handed over."""
    access = admit(conn, account, Action.EXPORT, Resource.entity(entity_id), purpose)
    chart = (
        _expand(conn, entity_id, min(depth, MAX_DEPTH), filters, access.statements())
        if access
        else None
    )
    if chart is None or not any(node.id == entity_id for node in chart.nodes):
        raise not_found()
    body = graphml(_with_ranks(chart))
    track_event(
        conn,
        Disclosure(
            actor=account.actor(purpose),
            action="web.graph.graphml",
            objects=tuple(node.id for node in chart.nodes),
            recipient="navigateur / browser",
            records=len(chart.nodes) + len(chart.edges),
            sha256=hashlib.sha256(body).hexdigest(),
        ),
    )
    return body


register_messages(
    {
        "graph.title": ("Graphe de liens", "Link chart"),
        "graph.entity": ("Entité", "Entity"),
        "graph.depth": ("Profondeur", "Depth"),
        "graph.relations": (
            "Types de liens (séparés par des virgules)",
            "Link types (comma-separated)",
        ),
        "graph.since": ("Depuis", "Since"),
        "graph.until": ("Jusqu'au", "Until"),
        "graph.show": ("Afficher", "Show"),
        "graph.path": (
            "Plus court chemin entre les deux nœuds choisis",
            "Shortest path between the two selected nodes",
        ),
        "graph.from": ("Chemin depuis", "Path from"),
        "graph.to": ("jusqu'à", "to"),
        "graph.communities": ("Communautés", "Communities"),
        "graph.key_players": ("Acteurs clés", "Key players"),
        "graph.png": ("Exporter en PNG", "Export PNG"),
        "graph.graphml": ("Exporter en GraphML", "Export GraphML"),
        "graph.help": (
            "Cliquer un nœud déploie ses voisins ; Maj+clic, ou les deux listes, "
            "en choisissent deux pour le chemin.",
            "Click a node to expand its neighbours; shift-click, or the two lists, "
            "choose two for the path.",
        ),
        "graph.none": ("Aucun résultat", "No match"),
        "nav.graph": ("Graphe", "Graph"),
    }
)

# The refusals every API operation may answer, declared for the OpenAPI description.
API_REFUSALS: dict[int | str, dict[str, str]] = {
    401: {"description": "Authentification requise / authentication required"},
    403: {"description": "Action refusée au rôle / action refused to the role"},
    404: {"description": "Absent ou refusé, sans distinction / absent or refused, alike"},
}
router = APIRouter(tags=["graph"], responses=API_REFUSALS)
Depth = Annotated[int, Query(ge=0, le=MAX_DEPTH)]
Relations = Annotated[list[str] | None, Query()]


def _filters(relation: list[str] | None, since: date | None, until: date | None) -> Filters:
    names = {part.strip() for given in relation or [] for part in given.split(",")}
    return Filters(relations=frozenset(names - {""}), since=since, until=until)


@router.get(
    "/api/graph/{entity_id}",
    response_model=Chart,
    summary="Voisinage d'une entité / neighbourhood of an entity",
)
def api_neighbourhood(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    entity_id: str,
    depth: Depth = 1,
    relation: Relations = None,
    since: date | None = None,
    until: date | None = None,
) -> Chart:
    return neighbourhood(conn, account, purpose, entity_id, depth, _filters(relation, since, until))


class ChartIds(BaseModel):
    ids: list[str]


@router.post(
    "/api/graph/ranks",
    response_model=Chart,
    summary="Communautés et acteurs clés d'un graphe déployé / ranks of an expanded chart",
)
def api_ranks(conn: Conn, account: CurrentAccount, purpose: Purpose, body: ChartIds) -> Chart:
    return ranked_chart(conn, account, purpose, body.ids)


@router.get(
    "/api/graph/{source}/path/{target}",
    response_model=Chart,
    summary="Plus court chemin / shortest path",
)
def api_path(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    source: str,
    target: str,
    relation: Relations = None,
    since: date | None = None,
    until: date | None = None,
) -> Chart:
    return shortest_path(conn, account, purpose, source, target, _filters(relation, since, until))


@router.get(
    "/api/graph/{entity_id}/graphml",
    summary="Export GraphML / GraphML export",
    response_class=Response,
    responses={200: {"content": {"application/graphml+xml": {"schema": {"type": "string"}}}}},
)
def api_graphml(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    entity_id: str,
    depth: Depth = 1,
    relation: Relations = None,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    body = export_graphml(
        conn, account, purpose, entity_id, depth, _filters(relation, since, until)
    )
    return Response(
        body,
        media_type="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="filet-{entity_id[:64]}.graphml"'},
    )


@router.get("/graph", response_class=HTMLResponse, include_in_schema=False)
def graph_page(
    request: Request,
    account: CurrentAccount,
    entity: str = "",
    depth: Depth = 1,
    relation: str = "",
    since: date | None = None,
    until: date | None = None,
) -> HTMLResponse:
    """The page only, its form filled as asked; its script reads the chart from the API."""
    filters = {"relation": relation, "since": since or "", "until": until or ""}
    return render(request, "graph.html", account, {"entity": entity, "depth": depth, **filters})
