"""The call network exported for Gephi, spreadsheets and FtM, and the path to the top.

The planted hierarchy of the demo (filet.demo.network) gives the known answers: the
leader calls only his lieutenants, so a street member's chain to him runs through his
own lieutenant; the supplier cell hangs on the broker alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from followthemoney import model
from typer.testing import CliRunner

from filet.cli import app
from filet.demo.network import Hierarchy, generate, write_cdr
from filet.model.identifiers import phone
from filet.network.exports import GraphFormat, annotated_graph, ftm_calls, write_graph
from filet.network.paths import UnknownNumber, paths_to_top
from filet.network.ranking import rank

SEED = 7
T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def hierarchy() -> Hierarchy:
    return generate(SEED)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, hierarchy: Hierarchy) -> str:
    """A workspace holding the demo's fadettes."""
    folder = tmp_path_factory.mktemp("network")
    path = folder / "fadettes.csv"
    write_cdr(hierarchy, path, SEED)
    home = str(folder / "home")
    result = CliRunner().invoke(app, ["ingest", str(path), "--format", "cdr", "--home", home])
    assert result.exit_code == 0, result.output
    return home


def _export(home: str, form: str, out: Path) -> None:
    result = CliRunner().invoke(
        app, ["network", "export", "--format", form, "--out", str(out), "--home", home]
    )
    assert result.exit_code == 0, result.output


def _calls_between_two(hierarchy: Hierarchy) -> list[tuple[str, str]]:
    """The planted calls, in E.164, less a member calling his own line (no edge)."""
    calls = [(phone.normalize(a), phone.normalize(b)) for a, b in hierarchy.calls]
    return [(a, b) for a, b in calls if a != b]


def _pairs(hierarchy: Hierarchy) -> set[frozenset[str]]:
    return {frozenset(pair) for pair in _calls_between_two(hierarchy)}


def test_gexf_opens_with_every_number_pair_and_ranking(
    home: str, hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """networkx reads the GEXF back: one node per number, one edge per pair that talked,
    the leader ranked in the top three and the call counts adding up."""
    out = tmp_path / "network.gexf"
    _export(home, "gexf", out)
    graph = nx.read_gexf(out)
    labels = {node: data["label"] for node, data in graph.nodes(data=True)}
    numbers = {phone.normalize(n) for pair in hierarchy.calls for n in pair}
    assert set(labels.values()) == numbers
    assert {frozenset((labels[a], labels[b])) for a, b in graph.edges} == _pairs(hierarchy)
    weights = sum(data["weight"] for _, _, data in graph.edges(data=True))
    assert weights == len(_calls_between_two(hierarchy))
    leader_number = phone.normalize(hierarchy.leader)
    leader = next(d for d in graph.nodes.values() if d["label"] == leader_number)
    assert leader["rank"] <= 3 and isinstance(leader["community"], int)
    assert all(data["source_file"] == "fadettes.csv" for _, _, data in graph.edges(data=True))


def test_graphml_opens_with_the_same_graph(home: str, hierarchy: Hierarchy, tmp_path: Path) -> None:
    out = tmp_path / "network.graphml"
    _export(home, "graphml", out)
    graph = nx.read_graphml(out)
    names = nx.get_node_attributes(graph, "name")
    assert {frozenset((names[a], names[b])) for a, b in graph.edges} == _pairs(hierarchy)
    calls = sum(data["calls"] for _, _, data in graph.edges(data=True))
    assert calls == len(_calls_between_two(hierarchy))
    assert {"rank", "key_player", "betweenness", "community"} <= set(graph.nodes["n0"])


def test_csv_edge_list_cites_the_first_call_of_each_pair(
    home: str, hierarchy: Hierarchy, tmp_path: Path
) -> None:
    """Line numbers point at the CSV: line 2 is the first call, so the pair of the first
    call cites line 2; busiest pairs come first."""
    out = tmp_path / "edges.csv"
    _export(home, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(_pairs(hierarchy))
    counts = [int(row["calls"]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    first_pair = frozenset(map(phone.normalize, hierarchy.calls[0]))
    [first] = [row for row in rows if frozenset((row["source"], row["target"])) == first_pair]
    assert first["source_line"] == "2"


def test_ftm_export_is_one_valid_call_entity_per_call(
    home: str, hierarchy: Hierarchy, tmp_path: Path
) -> None:
    out = tmp_path / "calls.ftm.json"
    _export(home, "ftm", out)
    entities = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    assert len(entities) == len(hierarchy.calls)
    assert len({entity.id for entity in entities}) == len(entities)
    first = entities[0]
    assert first.schema.name == "Call"
    assert first.get("callerNumber") == [phone.normalize(hierarchy.calls[0][0])]
    assert first.get("recordId") == ["fadettes.csv:2"]


def test_ftm_ids_are_stable() -> None:
    row = {"caller": "+33611111111", "callee": "+33622222222", "start_ts": T0,
           "duration_s": 12.0, "source_file": "f.csv", "source_line": 5}  # fmt: skip
    assert list(ftm_calls([row])) == list(ftm_calls([row]))


def _edge(a: str, b: str, calls: int, line: int) -> dict[str, Any]:
    first, last = T0 + timedelta(hours=line), T0 + timedelta(days=1)
    return {"caller": a, "callee": b, "calls": calls, "first_ts": first, "last_ts": last,
            "source_file": "f.csv", "source_line": line}  # fmt: skip


def test_equally_short_chains_keep_the_strongest_weakest_link() -> None:
    """Two chains of two hops from s to the hub h: via a (1 call on one link) or via b
    (3 and 4 calls). The chain through b is kept, each link citing its first call."""
    rows = [_edge("s", "a", 5, 2), _edge("a", "h", 1, 3), _edge("s", "b", 3, 4),
            _edge("b", "h", 4, 5)] + [_edge("h", f"x{i}", 2, 10 + i) for i in range(6)]  # fmt: skip
    graph = annotated_graph(rows)
    chains = paths_to_top(graph, rank(graph), "s", top=1)
    [chain] = chains
    assert (chain.target, chain.numbers, chain.weakest_link_calls) == ("h", ("s", "b", "h"), 3)
    assert [(link.source_line, link.calls) for link in chain.links] == [(4, 3), (5, 4)]


def test_street_member_reaches_the_leader_through_his_lieutenant(hierarchy: Hierarchy) -> None:
    """The leader speaks only to lieutenants: the chain is member, lieutenant, leader."""
    rows = _rows(hierarchy)
    graph = annotated_graph(rows)
    leader = phone.normalize(hierarchy.leader)
    lieutenant = phone.normalize(hierarchy.lieutenants[0])
    burners = {phone.normalize(n) for n in hierarchy.burner}
    members = sorted(set(graph.vs[graph.neighbors(lieutenant)]["name"]) - {leader} - burners)
    ranked = rank(graph)
    chains = paths_to_top(graph, ranked, members[0], top=3)
    assert [chain.target_rank for chain in chains] == sorted(c.target_rank for c in chains)
    [to_leader] = [chain for chain in chains if chain.target == leader]
    assert to_leader.numbers == (members[0], lieutenant, leader)
    assert all(link.calls >= 1 and link.source_line >= 2 for link in to_leader.links)


def test_supplier_cell_reaches_the_top_only_through_the_broker(hierarchy: Hierarchy) -> None:
    graph = annotated_graph(_rows(hierarchy))
    broker, leader = phone.normalize(hierarchy.broker), phone.normalize(hierarchy.leader)
    without_broker = graph.copy()
    without_broker.delete_vertices(broker)
    supplier_cell = next(
        part for part in without_broker.connected_components()
        if leader not in without_broker.vs[part]["name"]
    )  # fmt: skip
    member = sorted(without_broker.vs[supplier_cell]["name"])[0]
    chains = paths_to_top(graph, rank(graph), member, top=3)
    assert chains and all(broker in chain.numbers for chain in chains if chain.target != broker)


def test_unknown_number_is_named(hierarchy: Hierarchy) -> None:
    graph = annotated_graph(_rows(hierarchy))
    with pytest.raises(UnknownNumber, match=r"\+33600000000"):
        paths_to_top(graph, rank(graph), "+33600000000")


def test_cli_path_takes_the_number_as_written(home: str, hierarchy: Hierarchy) -> None:
    """The national format of the fadette is accepted; JSON lists the chains."""
    runner = CliRunner()
    result = runner.invoke(
        app, ["network", "path", hierarchy.lieutenants[1], "--json", "--home", home]
    )
    assert result.exit_code == 0, result.output
    chains = json.loads(result.stdout)
    assert phone.normalize(hierarchy.leader) in {chain["target"] for chain in chains}
    assert all(chain["numbers"][0] == phone.normalize(hierarchy.lieutenants[1]) for chain in chains)
    missing = runner.invoke(app, ["network", "path", "06 00 00 00 00", "--home", home])
    assert missing.exit_code != 0 and "+33600000000" in missing.output


def test_write_graph_dispatches_on_format(hierarchy: Hierarchy) -> None:
    graph = annotated_graph(_rows(hierarchy))
    assert write_graph(graph, GraphFormat.GEXF).startswith("<?xml")
    assert "<graphml" in write_graph(graph, GraphFormat.GRAPHML)
    assert write_graph(graph, GraphFormat.CSV).startswith("source,target,calls")


def _rows(hierarchy: Hierarchy) -> list[dict[str, Any]]:
    """The edge list the SQL step would give, built from the planted calls."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for line, (a, b) in enumerate(hierarchy.calls, start=2):
        key = (phone.normalize(a), phone.normalize(b))
        if key[0] == key[1]:
            continue
        start = T0 + timedelta(minutes=37 * (line - 2))
        if key in rows:
            rows[key]["calls"] += 1
            rows[key]["last_ts"] = start
        else:
            rows[key] = _edge(*key, 1, line) | {"first_ts": start, "last_ts": start}
    return list(rows.values())


def test_export_is_audited_as_a_disclosure_of_that_file(home: str, tmp_path: Path) -> None:
    """The log names the recipient, the number of calls and the digest of the exact file."""
    out = tmp_path / "for-ofast.csv"
    command = ["network", "export", "--format", "csv", "--out", str(out)]
    result = CliRunner().invoke(app, [*command, "--recipient", "OFAST", "--home", home])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(app, ["audit", "list", "--json", "--limit", "1000", "--home", home])
    assert listed.exit_code == 0, listed.output
    disclosures = [e for e in json.loads(listed.stdout) if e["category"] == "disclosure"]
    latest = max(disclosures, key=lambda entry: entry["index"])
    assert latest["action"] == "network.export.csv"
    assert latest["recipient"] == "OFAST"
    assert latest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert latest["records"] == len(out.read_text(encoding="utf-8").splitlines()) - 1  # header
