"""The link chart and the timeline on a small seeded graph whose answers are known.

Two triangles of people joined by one link (p3 to p4), tied to Alice, who owns a
vessel; the p1–p2 link is dated 2020 only. A case-B file holds a link from Alice to
the case-B vessel: an analyst of case A must see nothing of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from filet.ingest.pipeline import ingest_file
from filet.model.provenance import Provenance
from filet.security.accounts import get_account
from filet.security.audit import Actor
from filet.security.audit.log import read_entries
from filet.store import Workspace
from filet.web.graph import Filters, graphml, neighbourhood, shortest_path
from filet.web.refusals import Refused
from web_support import World, api_client, logged_in_client, seed_world


def _line(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


GRAPH_A = [
    *(_line(f"p{n}", "Person", name=[f"Personne {n}"]) for n in range(1, 7)),
    _line("a-alice", "Person", birthDate=["1980-05-02"]),
    _line(
        "l-12",
        "Associate",
        person=["p1"],
        associate=["p2"],
        startDate=["2020-01-01"],
        endDate=["2020-12-31"],
    ),
    _line("l-13", "Associate", person=["p1"], associate=["p3"]),
    _line("l-23", "Associate", person=["p2"], associate=["p3"]),
    _line("l-34", "UnknownLink", subject=["p3"], object=["p4"]),
    _line("l-45", "Associate", person=["p4"], associate=["p5"]),
    _line("l-46", "Associate", person=["p4"], associate=["p6"]),
    _line("l-56", "Associate", person=["p5"], associate=["p6"]),
    _line("l-a1", "Family", person=["a-alice"], relative=["p1"], startDate=["2015-06-01"]),
]
GRAPH_B = [_line("b-own", "Ownership", owner=["a-alice"], asset=["b-bravo"])]


def seed_graph(world: World, folder: Path) -> None:
    for dataset, lines in (("ds-a", GRAPH_A), ("ds-b", GRAPH_B)):
        path = folder / f"graph-{dataset}.ftm.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_file(
            world.workspace, path, "ftm", provenance=Provenance(dataset), actor=Actor("test")
        )


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    seeded = seed_world(workspace, tmp_path)
    seed_graph(seeded, tmp_path)
    yield seeded


def _ids(chart: object) -> set[str]:
    return {node.id for node in chart.nodes}  # type: ignore[attr-defined]


def test_neighbourhood_depth_one_and_two(world: World) -> None:
    with world.workspace.db.begin() as conn:
        analyst = get_account(conn, "ana-a")
        assert analyst is not None
        one = neighbourhood(conn, analyst, "enquête", "a-alice", depth=1)
        two = neighbourhood(conn, analyst, "enquête", "a-alice", depth=2)
    assert _ids(one) == {"a-alice", "a-vessel", "p1"}
    assert {(e.source, e.target, e.relation) for e in one.edges} == {
        ("a-alice", "a-vessel", "Ownership"),
        ("a-alice", "p1", "Family"),
    }
    family = next(e for e in one.edges if e.relation == "Family")
    assert family.start == "2015-06-01"
    assert _ids(two) == {"a-alice", "a-vessel", "p1", "p2", "p3"}
    assert {n.id: n.depth for n in two.nodes}["p3"] == 2
    assert {n.id: n.caption for n in two.nodes}["p2"] == "Personne 2"


def test_filters_by_relation_and_time(world: World) -> None:
    with world.workspace.db.begin() as conn:
        analyst = get_account(conn, "ana-a")
        assert analyst is not None
        family_only = neighbourhood(
            conn, analyst, "", "a-alice", 3, Filters(relations=frozenset({"Family"}))
        )
        recent = neighbourhood(conn, analyst, "", "p1", 1, Filters(since=date(2022, 1, 1)))
    assert _ids(family_only) == {"a-alice", "p1"}
    assert _ids(recent) == {"p1", "p3", "a-alice"}  # the 2020 link to p2 is left out


def test_shortest_path_communities_and_key_players(world: World) -> None:
    with world.workspace.db.begin() as conn:
        analyst = get_account(conn, "ana-a")
        assert analyst is not None
        path = shortest_path(conn, analyst, "", "p1", "p6")
        none = shortest_path(conn, analyst, "", "p1", "b-bravo")
        chart = neighbourhood(conn, analyst, "", "p4", depth=3)
    assert [(e.source, e.target) for e in path.edges] == [("p1", "p3"), ("p3", "p4"), ("p4", "p6")]
    assert _ids(path) == {"p1", "p3", "p4", "p6"}
    assert none.edges == [] and none.nodes == []
    community = {n.id: n.community for n in chart.nodes}
    assert community["p5"] == community["p6"] == community["p4"]
    assert community["p2"] == community["p3"] != community["p5"]
    ranks = {n.id: n.key_player_rank for n in chart.nodes}
    assert sorted(ranks.values()) == list(range(1, len(chart.nodes) + 1))
    assert min(ranks, key=lambda name: ranks[name] or 0) in {"p3", "p4"}  # the bridge


def test_other_compartment_sees_nothing_of_the_hidden_link(world: World) -> None:
    with world.workspace.db.begin() as conn:
        analyst, chief_b = get_account(conn, "ana-a"), get_account(conn, "chef-b")
        assert analyst is not None and chief_b is not None
        chart = neighbourhood(conn, analyst, "", "a-alice", depth=3)
        bravo = neighbourhood(conn, chief_b, "", "b-bravo", depth=2)
        with pytest.raises(Refused) as refused:
            neighbourhood(conn, analyst, "", "b-bravo", depth=1)
    assert "b-bravo" not in _ids(chart)
    assert all("b-own" not in edge.id for edge in chart.edges)
    assert refused.value.status_code == 404
    assert _ids(bravo) == {"b-bravo"} and bravo.edges == []  # Alice is not readable in B


def test_api_graph_and_refusal_look_alike(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    answer = client.get("/api/graph/a-alice", params={"depth": 2, "relation": "Family,Associate"})
    assert answer.status_code == 200
    assert {n["id"] for n in answer.json()["nodes"]} == {"a-alice", "p1", "p2", "p3"}
    hidden = client.get("/api/graph/b-bravo")
    absent = client.get("/api/graph/no-such-id")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    assert "Bravo" not in hidden.text
    path = client.get("/api/graph/p1/path/p6").json()
    assert len(path["edges"]) == 3
    page = client.get("/graph", params={"entity": "a-alice"})
    assert page.status_code == 200 and 'data-entity="a-alice"' in page.text
    assert "Graphe de liens" in page.text and "<script>" not in page.text
    assert "Link chart" in client.get("/graph", params={"lang": "en"}).text
    kept = client.get(
        "/graph", params={"entity": "p1", "relation": "Family", "since": "2022-01-01"}
    )
    assert 'value="Family"' in kept.text and 'value="2022-01-01"' in kept.text
    schema = client.get("/openapi.json").json()
    assert "Chart" in schema["components"]["schemas"]
    with world.workspace.db.connect() as conn:
        actions = [entry.action for entry in read_entries(conn)]
    assert "web.graph.neighbourhood" in actions and "web.graph.path" in actions


def test_graphml_export_needs_the_export_right_and_is_a_disclosure(world: World) -> None:
    analyst = logged_in_client(world, "ana-a")
    assert analyst.get("/api/graph/a-alice/graphml").status_code == 404  # no export right
    chief = logged_in_client(world, "chef-a")
    answer = chief.get("/api/graph/a-alice/graphml", params={"depth": 1})
    assert answer.status_code == 200
    tree = ElementTree.fromstring(answer.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in tree.findall(".//g:node", ns)} == {"a-alice", "a-vessel", "p1"}
    assert len(tree.findall(".//g:edge", ns)) == 2
    with world.workspace.db.connect() as conn:
        disclosures = [
            json.loads(e.entry) for e in read_entries(conn) if e.action == "web.graph.graphml"
        ]
    assert len(disclosures) == 1 and disclosures[0]["records"] == 5


def test_graphml_of_an_empty_chart_is_valid() -> None:
    from filet.web.graph import Chart

    tree = ElementTree.fromstring(graphml(Chart(root="x", nodes=[], edges=[])))
    assert tree.tag.endswith("graphml")


def test_timeline_orders_values_links_and_alerts(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    items = client.get("/api/timeline/a-alice").json()["items"]
    kinds = [(item["start"][:10], item["kind"]) for item in items]
    assert kinds[0] == ("1980-05-02", "value")
    assert ("2015-06-01", "link") in kinds
    alerts = [item for item in items if item["kind"] == "alert"]
    assert len(alerts) == 2  # the AIS gap and the structuring alert naming Alice
    assert [item["start"] for item in items] == sorted(item["start"] for item in items)
    assert all("Bravo" not in item["label"] for item in items)
    assert client.get("/api/timeline/b-bravo").status_code == 404
    page = client.get("/timeline", params={"entity": "a-alice"})
    assert page.status_code == 200 and f'data-items="{len(items)}"' in page.text
    assert api_client(world, world.token_b).get("/api/timeline/a-alice").status_code == 404


def test_ranks_of_an_expanded_chart_split_the_two_triangles(world: World) -> None:
    client = logged_in_client(world, "ana-a")
    ids = [f"p{n}" for n in range(1, 7)] + ["b-bravo"]
    answer = client.post("/api/graph/ranks", json={"ids": ids})
    assert answer.status_code == 200
    chart = answer.json()
    community = {node["id"]: node["community"] for node in chart["nodes"]}
    assert set(community) == {f"p{n}" for n in range(1, 7)}  # b-bravo is not readable
    assert community["p1"] == community["p2"] == community["p3"]
    assert community["p4"] == community["p5"] == community["p6"] != community["p1"]
    ranks = {node["id"]: node["key_player_rank"] for node in chart["nodes"]}
    assert {ranks["p3"], ranks["p4"]} == {1, 2}  # the two ends of the bridge
    assert len(chart["edges"]) == 7
