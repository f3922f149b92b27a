"""Ingesting bank transfers: AMLworld CSV (repeated ``Account`` header, zero-padded bank
ids) and AMLSim ``transactions.csv`` (steps of one day) into ``transactions``."""

from __future__ import annotations

import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa

from filet.demo.finance import HEADER
from filet.finance.ownership import held_accounts
from filet.ingest import ingest_file
from filet.store import Workspace
from filet.store.entities import iter_entities
from filet.store.tables import quarantine

ROWS = [
    "2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,"
    "Reinvestment,0",
    "2022/09/01 00:20,03208,8000F4580,001,8000F5340,0.01,US Dollar,0.01,US Dollar,Cheque,0",
    "2022/09/01 00:02,0012,8000EBD30,03208,8000F4580,14675.57,Euro,14675.57,Euro,ACH,1",
    "2022/09/01 00:05,010,8000EBD30,001,8000F5340,beaucoup,US Dollar,12,US Dollar,Cash,0",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _transactions(ws: Workspace) -> list[dict[str, object]]:
    table = ds.dataset(ws.events.folder("transactions"), format="parquet").to_table()
    return sorted(table.to_pylist(), key=lambda row: (str(row["source_file"]), row["source_line"]))


def test_amlworld_transfers_keep_bank_ids_and_both_accounts(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Synthetic rows in the AMLworld layout (Altman et al. 2023, Kaggle *_Trans.csv)."""
    path = _write(tmp_path / "HI-Small_Trans.csv", ROWS)
    report = ingest_file(workspace, path, "amlworld")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (4, 3, 1)
    first, second, third = _transactions(workspace)
    assert first["ts"] == datetime(2022, 9, 1, 0, 20, tzinfo=UTC)
    assert (first["from_bank"], first["from_account"]) == ("010", "8000EBD30")
    assert (second["from_bank"], second["to_bank"], second["to_account"]) == (
        "03208",
        "001",
        "8000F5340",
    )
    assert (third["amount_paid"], third["payment_currency"], third["is_laundering"]) == (
        14675.57,
        "Euro",
        True,
    )
    assert (first["payment_format"], first["is_laundering"]) == ("Reinvestment", False)
    assert [row["source_line"] for row in (first, second, third)] == [2, 3, 4]
    with workspace.db.connect() as conn:
        [(line, field)] = conn.execute(sa.select(quarantine.c.line, quarantine.c.field)).all()
        accounts = list(iter_entities(conn, "BankAccount"))
    assert (line, field) == (5, "Amount Received")
    # 010/8000EBD30 pays itself: one entity; 0012/8000EBD30 is another bank's account;
    # 001/8000F5340 appears twice (once in the quarantined row, which adds nothing).
    numbers = sorted(entity.first("accountNumber") or "" for entity in accounts)
    assert numbers == ["8000EBD30", "8000EBD30", "8000F4580", "8000F5340"]


def test_the_same_account_in_two_files_is_one_entity(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ingest_file(sqlite_workspace, _write(tmp_path / "a.csv", ROWS[:1]), "amlworld")
    ingest_file(sqlite_workspace, _write(tmp_path / "b.csv", ROWS[2:3]), "amlworld")
    with sqlite_workspace.db.connect() as conn:
        ids = [entity.id for entity in iter_entities(conn, "BankAccount")]
    assert len(ids) == 3  # 010/8000EBD30 (both files), 0012/8000EBD30, 03208/8000F4580


def test_the_accounts_file_gives_each_account_its_holder(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ingest_file(sqlite_workspace, _write(tmp_path / "HI_Trans.csv", ROWS[:3]), "amlworld")
    accounts = tmp_path / "HI_accounts.csv"
    accounts.write_text(
        "Bank Name,Bank ID,Account Number,Entity ID,Entity Name\n"
        "First Bank #10,010,8000EBD30,800062F40,Corporation #33520\n"
        "Bank #12,0012,8000EBD30,800062F40,Corporation #33520\n",
        encoding="utf-8",
    )
    ingest_file(sqlite_workspace, accounts, "amlworld-accounts")
    with sqlite_workspace.db.connect() as conn:
        (holder,) = iter_entities(conn, "LegalEntity")
        assert holder.first("name") == "Corporation #33520"
        assert held_accounts(conn, holder.id) == ["8000EBD30"]
        # The accounts are those the transfers name: no new BankAccount was made.
        assert len(list(iter_entities(conn, "BankAccount"))) == 4


@pytest.mark.shared_data
def test_amlsim_steps_become_days(
    sqlite_workspace: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """IBM/AMLSim sample/20K_cycle200.tgz (Apache-2.0): first 500 transfers of 117,805."""
    with tarfile.open(shared_data / "finance/amlsim/20K_cycle200.tgz") as archive:
        archive.extract("20K_cycle200/transactions.csv", tmp_path, filter="data")
    lines = (tmp_path / "20K_cycle200/transactions.csv").read_text().splitlines()[:501]
    path = tmp_path / "transactions.csv"
    path.write_text("\n".join(lines) + "\n")
    report = ingest_file(sqlite_workspace, path, "amlsim")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (500, 500, 0)
    rows = _transactions(sqlite_workspace)
    expected = [line.split(",") for line in lines[1:]]
    assert [(r["from_account"], r["to_account"]) for r in rows] == [(e[0], e[1]) for e in expected]
    assert [r["amount_paid"] for r in rows] == [float(e[2]) for e in expected]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert [r["ts"] for r in rows] == [epoch + timedelta(days=int(e[3])) for e in expected]
    assert {r["from_bank"] for r in rows} == {None}
