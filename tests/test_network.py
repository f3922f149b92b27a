"""Call records in, key players and brokers out, on a generated hidden hierarchy.

The demo's generator plants a leader who calls only his two lieutenants and a broker
between two cells (filet.demo.network); the answers are known by construction.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import igraph as ig
import pyarrow.parquet as pq
import pytest

from engines import BothEngines
from filet.demo.network import generate, write_cdr
from filet.ingest import ingest_file
from filet.model.identifiers import phone
from filet.network import ranking
from filet.network.brokers import BrokerThresholds
from filet.network.disruption import Strategy, simulate
from filet.network.graph import call_graph
from filet.network.ranking import rank
from filet.store import Workspace

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)
HEADER = "caller,callee,start,duration_s,type,cell_start,cell_end,case_ref,seizure_ref\n"


def _calls(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "caller": phone.normalize(a),
            "callee": phone.normalize(b),
            "start_ts": T0 + timedelta(minutes=number),
            "duration_s": 60.0,
            "call_type": "voice",
            "cell_start": None,
            "cell_end": None,
            "case_ref": "DEMO-1",
            "seizure_ref": None,
            "source_file": "fadettes.csv",
            "source_line": number + 2,
        }
        for number, (a, b) in enumerate(pairs)
    ]


def test_cdr_numbers_become_e164_and_bad_rows_are_quarantined(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """National, international and unparsable numbers; a local time read as Paris time."""
    path = tmp_path / "fadettes.csv"
    path.write_text(
        HEADER
        + "06 12 34 56 78,0033 6 98 76 54 32,2024-03-01T10:00:00,65,voice,208-01-1234,,PV-17,SC-3\n"
        + "0612345678,3620,2024-03-01T11:00:00+00:00,,sms,,,PV-17,SC-3\n"
        + "0612345678,0698765432,pas une date,12,voice,,,,\n",
        encoding="utf-8",
    )
    report = ingest_file(sqlite_workspace, path, "cdr")
    assert (report.rows_stored, report.rows_quarantined) == (2, 1)
    [part] = (sqlite_workspace.events.root / "calls").glob("*.parquet")
    rows = sorted(pq.read_table(part).to_pylist(), key=lambda row: row["source_line"])
    assert [(r["caller"], r["callee"]) for r in rows] == [
        ("+33612345678", "+33698765432"),
        ("+33612345678", "3620"),
    ]
    assert rows[0]["start_ts"] == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert (rows[0]["case_ref"], rows[0]["seizure_ref"], rows[0]["cell_start"]) == (
        "PV-17",
        "SC-3",
        "208-01-1234",
    )


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_hidden_leader_in_top_three(seed: int) -> None:
    """Two contacts only, yet everyone within two calls: top three, lieutenants around him."""
    hierarchy = generate(seed)
    graph = call_graph((phone.normalize(a), phone.normalize(b), 1.0) for a, b in hierarchy.calls)
    top = [person.name for person in rank(graph)[:3]]
    expected = {phone.normalize(n) for n in (hierarchy.leader, *hierarchy.lieutenants)}
    assert set(top) == expected


def test_disruption_sequential_and_block() -> None:
    """Two stars joined by a bridge: removing the bridge's ends halves the network."""
    edges = [("a", f"a{i}", 1.0) for i in range(5)] + [("b", f"b{i}", 1.0) for i in range(5)]
    graph = call_graph([*edges, ("a", "b", 1.0)])
    steps = simulate(graph, 2, "betweenness", Strategy.SEQUENTIAL)
    assert [step.names for step in steps] == [(), ("a",), ("a", "b")]
    assert [step.largest_component for step in steps] == [12, 6, 1]
    [_, block] = simulate(graph, 2, "degree", Strategy.BLOCK, block_size=2)
    assert (block.names, block.fraction_left) == (("a", "b"), 1 / 12)


@pytest.mark.spark
def test_key_players_and_broker_alerts_on_both_engines(both_engines: BothEngines) -> None:
    """SQL aggregates the edge list identically on both engines; igraph ranks in Python."""
    hierarchy = generate(7)
    rows = _calls(hierarchy.calls)
    key_players = both_engines("network.key_player", {"calls": rows})
    leader = phone.normalize(hierarchy.leader)
    assert leader in {alert.subjects[0].value for alert in key_players}
    assert all(alert.evidence and alert.evidence[0].table == "calls" for alert in key_players)
    brokers = both_engines("network.broker", {"calls": rows})
    assert phone.normalize(hierarchy.broker) in {alert.subjects[0].value for alert in brokers}
    strict = both_engines(
        "network.broker", {"calls": rows}, thresholds=BrokerThresholds(min_betweenness=0.99)
    )
    assert strict == []


def test_demo_file_round_trips_through_cdr(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    """Every generated call is stored, none quarantined."""
    hierarchy = generate(3)
    path = tmp_path / "fadettes.csv"
    write_cdr(hierarchy, path, 3)
    report = ingest_file(sqlite_workspace, path, "cdr")
    assert (report.rows_stored, report.rows_quarantined) == (len(hierarchy.calls), 0)


def test_cli_rank_and_disrupt(tmp_path: Path) -> None:
    """``filet network rank`` puts the planted leader in the top three of the workspace."""
    from typer.testing import CliRunner

    from filet.cli import app

    hierarchy = generate(5)
    path = tmp_path / "fadettes.csv"
    write_cdr(hierarchy, path, 5)
    home = str(tmp_path / "home")
    runner = CliRunner()
    assert (
        runner.invoke(app, ["ingest", str(path), "--format", "cdr", "--home", home]).exit_code == 0
    )
    ranked = runner.invoke(app, ["network", "rank", "--top", "3", "--json", "--home", home])
    assert phone.normalize(hierarchy.leader) in {row["name"] for row in json.loads(ranked.stdout)}
    disrupted = runner.invoke(
        app, ["network", "disrupt", "--removals", "2", "--json", "--home", home]
    )
    steps = json.loads(disrupted.stdout)
    assert [step["removed"] for step in steps] == [0, 1, 2]
    assert steps[-1]["fraction_left"] < 1


def _weighted(vertices: int) -> ig.Graph:
    graph = ig.Graph.Barabasi(vertices, 3)
    graph.vs["name"] = [f"v{v:04d}" for v in range(vertices)]
    graph.es["weight"] = [1.0 + (edge % 5) for edge in range(graph.ecount())]
    return graph


def test_large_graph_betweenness_is_sampled_the_same_way_each_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the threshold, seeded sources scaled by n / k: the hubs stay on top."""
    graph = _weighted(400)
    n = graph.vcount()
    exact = ranking.betweenness(graph)
    assert exact == [b / ((n - 1) * (n - 2) / 2) for b in graph.betweenness(directed=False)]
    monkeypatch.setattr(ranking, "LARGE_GRAPH_VERTICES", 100)
    estimate = ranking.betweenness(graph, sources=200)
    assert estimate == ranking.betweenness(graph, sources=200)
    assert estimate != exact
    top = sorted(range(n), key=lambda v: -exact[v])[:5]
    assert set(top) <= set(sorted(range(n), key=lambda v: -estimate[v])[:10])
    assert sum(estimate) == pytest.approx(sum(exact), rel=0.2)
    assert ranking.betweenness(graph, sources=n) == exact
    assert ranking.sampled_sources(n, 200) == ranking.sampled_sources(n, 200)


def test_large_graph_communities_are_igraph_leiden_and_seeded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """igraph's C Leiden above the threshold: the same partition each run, as good."""
    graph = _weighted(400)
    small = ranking.communities(graph)
    monkeypatch.setattr(ranking, "LARGE_GRAPH_VERTICES", 100)
    large = ranking.communities(graph)
    assert large == ranking.communities(graph)
    quality = graph.modularity(large, weights="weight")
    assert quality >= graph.modularity(small, weights="weight") - 0.02
    random.seed(3)  # igraph is handed back Python's own generator
    first = graph.community_leiden(objective_function="modularity").membership
    random.seed(3)
    assert graph.community_leiden(objective_function="modularity").membership == first
