"""The path to the top over calls, meetings and payments, and the meetings formats.

The hand-built world: a street seller's line calls a lieutenant's, and no call leads
further; a surveillance report saw the lieutenant (identified by his line) meet a
banker, named as written; the banker's account paid the organiser's, whose own line
calls his circle. The only route from the seller to the organiser is a call, then a
meeting, then a payment, each through the holder of a line or an account.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.ingest import ingest_file
from filet.ingest.records import RecordError
from filet.network.graph import largest_component_size
from filet.network.meetings import edgelist_fields, meeting_fields
from filet.network.multigraph import (
    Contact,
    Party,
    Ref,
    meeting_contacts,
    party_graph,
)
from filet.store import Workspace

SELLER, LIEUTENANT, BOSS_LINE = "06 11 11 11 11", "06 22 22 22 22", "06 99 99 99 99"
CIRCLE = ("06 30 00 00 01", "06 30 00 00 02", "06 30 00 00 03", "06 30 00 00 04")
CELL = ("06 40 00 00 01", "06 40 00 00 02")
BANKER, BOSS = "Bruno Banquier", "Paolo Parrain"


def _e164(national: str) -> str:
    return "+33" + national.replace(" ", "")[1:]


def _write_world(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    calls = [(SELLER, LIEUTENANT)] * 3 + [(LIEUTENANT, member) for member in CELL] * 2
    calls += [(BOSS_LINE, member) for member in CIRCLE] * 3 + [(CIRCLE[0], CIRCLE[1])]
    cdr = folder / "fadettes.csv"
    rows = ["caller,callee,start,duration_s,type,cell_start,cell_end,case_ref,seizure_ref"]
    rows += [f"{a},{b},2024-03-0{1 + i % 5}T10:{i:02d}:00,60,voice,,,PV-1," for i, (a, b) in
             enumerate(calls)]  # fmt: skip
    cdr.write_text("\n".join(rows) + "\n", encoding="utf-8")
    meetings = folder / "surveillance.csv"
    meetings.write_text(
        "start,participants,place,source,case_ref,seizure_ref,count\n"
        f"2024-03-05T15:00:00,{LIEUTENANT}; {BANKER},Café du Port,surveillance,PV-1,,\n"
        f"2024-03-06T15:00:00,{CELL[0]}|{CELL[1]},Parking,surveillance,PV-1,,\n",
        encoding="utf-8",
    )
    payments = folder / "virements.csv"
    header = ("Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
              "Amount Paid,Payment Currency,Payment Format,Is Laundering")  # fmt: skip
    payments.write_text(
        header + "\n"
        "2024/03/07 09:00,010,ACCB01,020,ACCP01,9500.00,Euro,9500.00,Euro,Wire,0\n"
        "2024/03/14 09:00,010,ACCB01,020,ACCP01,9000.00,Euro,9000.00,Euro,Wire,0\n",
        encoding="utf-8",
    )
    entities = folder / "renseignement.ftm.json"
    records = [
        _ftm("person-boss", "Person", name=BOSS),
        _ftm("person-banker", "Person", name=BANKER),
        _ftm("line-boss", "Phone", number=_e164(BOSS_LINE), holder="person-boss"),
        _ftm("account-boss", "BankAccount", accountNumber="ACCP01"),
        _ftm("account-banker", "BankAccount", accountNumber="ACCB01"),
        _ftm("holds-boss", "Ownership", owner="person-boss", asset="account-boss"),
        _ftm("holds-banker", "Ownership", owner="person-banker", asset="account-banker"),
    ]
    entities.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return {"cdr": cdr, "meetings": meetings, "amlworld": payments, "ftm": entities}


def _ftm(entity_id: str, schema: str, **properties: str) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: [v] for k, v in properties.items()},
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("world")
    home = str(folder / "home")
    for form, path in _write_world(folder / "in").items():
        result = CliRunner().invoke(app, ["ingest", str(path), "--format", form, "--home", home])
        assert result.exit_code == 0, result.output
    return home


def _path(home: str, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["network", "path", *args, "--json", "--home", home])
    assert result.exit_code == 0, result.output
    chains: list[dict[str, Any]] = json.loads(result.stdout)
    return chains


def test_only_route_to_the_boss_is_a_call_a_meeting_and_a_payment(world: str) -> None:
    chains = _path(world, SELLER, "--top", "3")
    [to_boss] = [chain for chain in chains if chain["target"] == "person-boss"]
    assert to_boss["target_rank"] == 1  # the boss leads the combined ranking
    assert to_boss["numbers"] == [_e164(SELLER), _e164(LIEUTENANT), "person-banker", "person-boss"]
    assert to_boss["labels"] == [_e164(SELLER), _e164(LIEUTENANT), BANKER, BOSS]
    kinds = [[tie["kind"] for tie in link["ties"]] for link in to_boss["links"]]
    assert kinds == [["appel"], ["rencontre"], ["paiement"]]
    call, meeting, payment = (link["ties"][0] for link in to_boss["links"])
    assert (call["count"], call["source_file"], call["source_line"]) == (3, "fadettes.csv", 2)
    assert (meeting["count"], meeting["source_file"], meeting["source_line"]) == (
        1, "surveillance.csv", 2)  # fmt: skip
    assert meeting["first"] == "2024-03-05T14:00:00+00:00"  # Paris time in the report
    assert (payment["count"], payment["amount"], payment["source_line"]) == (2, 18500.0, 2)
    assert payment["source_file"] == "virements.csv"
    assert to_boss["weakest_link_calls"] == 1


@pytest.mark.parametrize("via", ["calls", "calls,meetings", "calls,payments"])
def test_without_meetings_or_payments_the_boss_is_out_of_reach(world: str, via: str) -> None:
    chains = _path(world, SELLER, "--via", via, "--top", "10")
    assert chains and all(BOSS not in chain["labels"] for chain in chains)


def test_start_from_an_account_or_a_person(world: str) -> None:
    """The banker's account number and his entity id start at the same party; the
    boss's line is the boss himself (its holder)."""
    by_account = _path(world, "ACCB01")
    by_entity = _path(world, "person-banker")
    assert by_account == by_entity and by_account[0]["numbers"][0] == "person-banker"
    to_line = _path(world, "line-boss")
    assert all(chain["numbers"][0] == "person-boss" for chain in to_line)


def test_text_output_names_each_kind_with_its_record(world: str) -> None:
    result = CliRunner().invoke(app, ["network", "path", SELLER, "--home", world])
    assert result.exit_code == 0, result.output
    assert "rencontre ×1 (1er / first 2024-03-05T14:00:00+00:00, surveillance.csv:2)" in (
        result.output)  # fmt: skip
    assert "paiement ×2, 18,500.00" in result.output
    bad = CliRunner().invoke(app, ["network", "path", SELLER, "--via", "sms", "--home", world])
    assert bad.exit_code != 0 and "sms" in bad.output and "payments" in bad.output


def test_meeting_rows_give_every_pair_once_per_meeting() -> None:
    rows = [
        {"participants": "a; b; c", "start_ts": None, "meetings": 2, "source_file": "m.csv",
         "source_line": 4},
    ]  # fmt: skip
    contacts = meeting_contacts(rows)
    assert [(c.a.value, c.b.value, c.count) for c in contacts] == [
        ("a", "b", 2), ("a", "c", 2), ("b", "c", 2)]  # fmt: skip
    parties = {Ref("name", n): Party(n.upper(), n) for n in "abc"}
    undated_later = Contact("rencontre", Ref("name", "a"), Ref("name", "b"), 1, None, "m.csv", 1)
    graph = party_graph([*contacts, undated_later], parties)
    edge = graph.es[graph.get_eid("A", "B")]
    [tie] = edge["ties"]
    assert (tie.count, edge["calls"], edge["source_line"]) == (3, 3, 1)  # undated: line order


def test_meeting_fields_check_and_normalise_participants() -> None:
    fields = meeting_fields({"participants": " 06 12 34 56 78 ;Jean  Dupont;Jean Dupont"})
    assert fields["meeting_participants"] == "+33612345678; Jean Dupont"
    assert fields["meeting_count"] == "1"
    pair = meeting_fields({"participant_a": "x", "participant_b": "y", "count": "4"})
    assert (pair["meeting_participants"], pair["meeting_count"]) == ("x; y", "4")
    with pytest.raises(RecordError, match="deux participants"):
        meeting_fields({"participants": "seul"})
    with pytest.raises(RecordError, match="a b count"):
        edgelist_fields("1 2")


def test_meetings_csv_quarantines_a_lone_participant(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "pv.csv"
    path.write_text("start,participants\n2024-03-05T15:00:00,A;B\n2024-03-06T15:00:00,A\n",
                    encoding="utf-8")  # fmt: skip
    report = ingest_file(sqlite_workspace, path, "meetings")
    assert (report.rows_stored, report.rows_quarantined) == (1, 1)


def test_montagna_meetings_ingest_as_published(
    sqlite_workspace: Workspace, shared_data: Path
) -> None:
    """Cavallaro et al. 2020: the meetings network has 101 people, 256 pairs, and its
    largest component 92 people (docs/networks.md)."""
    path = shared_data / "networks" / "montagna" / "Montagna_meetings_edgelist.csv"
    report = ingest_file(sqlite_workspace, path, "meetings-edgelist")
    assert (report.rows_quarantined, report.event_rows) == (0, 289)  # some pairs twice
    parts = sqlite_workspace.events.parts("meetings")
    rows = pa.concat_tables([pq.read_table(part) for part in parts])
    parties = {}
    contacts = meeting_contacts(rows.to_pylist())
    for contact in contacts:
        for ref in (contact.a, contact.b):
            parties[ref] = Party(ref.value, ref.value)
    graph = party_graph(contacts, parties)
    assert (graph.vcount(), graph.ecount(), largest_component_size(graph)) == (101, 256, 92)


def test_demo_supplier_reaches_the_leader_through_a_meeting_and_a_payment(tmp_path: Path) -> None:
    """The demo's network inputs: from the supplier's head (his entity id), the chain to
    the leader is the surveillance meeting, then the bank transfers."""
    from filet.demo.network import NetworkPart
    from filet.demo.network_ties import FINANCIER_ID, LEADER_ID, SUPPLIER_ID, NetworkTiesPart

    home = tmp_path / "home"
    ws = Workspace.open(home)
    try:
        parts = (NetworkPart(), NetworkTiesPart())
        inputs = [item for part in parts for item in part.write_inputs(tmp_path / part.name, 7)]
        assert NetworkTiesPart().expectations([]) == []
        for item in inputs:
            report = ingest_file(ws, item.path, item.format, provenance=item.provenance)
            assert report.rows_quarantined == 0, item.path
    finally:
        ws.close()
    chains = _path(str(home), SUPPLIER_ID, "--top", "5")
    [to_leader] = [chain for chain in chains if chain["target"] == LEADER_ID]
    assert to_leader["target_rank"] <= 3
    assert to_leader["numbers"] == [SUPPLIER_ID, FINANCIER_ID, LEADER_ID]
    kinds = [[tie["kind"] for tie in link["ties"]] for link in to_leader["links"]]
    assert kinds == [["rencontre"], ["paiement"]]
    assert [link["source_file"] for link in to_leader["links"]] == [
        "surveillance.csv", "requisition-bancaire.csv"]  # fmt: skip


@pytest.mark.spark
def test_calls_meetings_and_payments_read_alike_on_duckdb_and_spark(
    world: str, spark_session: Any
) -> None:
    """The path's SQL half gives the same contacts, first records included, on both."""
    from filet.engine.duckdb_engine import DuckDBEngine
    from filet.engine.spark_engine import SparkEngine
    from filet.network.multigraph import SOURCES
    from filet.network.to_top import read_contacts

    read = {}
    for engine in (DuckDBEngine(), SparkEngine(session=spark_session)):
        with engine:
            tables = set(Workspace.open(Path(world)).events.register(engine))
            sources, contacts = read_contacts(engine, tables, tuple(SOURCES))
            read[engine.dialect.name] = (sources, sorted(contacts, key=repr))
    assert read["duckdb"][0] == ("calls", "meetings", "payments")
    assert read["duckdb"] == read["spark"]
    kinds = {contact.kind for contact in read["spark"][1]}
    assert kinds == {"appel", "rencontre", "paiement"}
