"""An ingest killed mid-file resumes after its last committed batch: nothing lost or doubled.

The ingest runs as a real ``filet`` process with small batches; once the checkpoint
shows a committed batch and an unfinished file, the process is killed with SIGKILL (no
clean-up can run). The re-run must leave exactly what an uninterrupted ingest leaves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa

from filet.ingest import ingest_file, pipeline
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.tables import ingest_files, quarantine, statements

ROWS = 1500
BATCH_ROWS = "10"
HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"  # noqa: E501


def generated_csv(path: Path) -> Path:
    """A MarineCadastre file with a broken latitude on every 37th row."""
    t0 = datetime(2023, 1, 11, tzinfo=UTC)
    lines = [HEADER]
    for index in range(ROWS):
        lat = "nord" if index % 37 == 5 else f"{40 + index / 1000:.5f}"
        ts = (t0 + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%S")
        lines.append(
            f"{227000000 + index % 50},{ts},{lat},5.1,1.5,90.0,,NAVIRE {index % 50},,,,,,,,,A"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_ingest(path: Path, home: Path, database_url: str) -> subprocess.Popen[str]:
    env = os.environ | {
        "FILET_HOME": str(home),
        "FILET_DATABASE_URL": database_url,
        "FILET_INGEST_BATCH_ROWS": BATCH_ROWS,
    }
    command = [sys.executable, "-m", "filet.cli", "ingest", str(path), "-f", "marinecadastre"]
    return subprocess.Popen(
        [*command, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def checkpoint(engine: sa.Engine) -> Any:
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(ingest_files)).mappings().first()
    except sa.exc.DBAPIError:
        return None  # not migrated yet


def kill_mid_file(process: subprocess.Popen[str], engine: sa.Engine) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        state = checkpoint(engine)
        if state is not None and state["batches_done"] >= 1 and state["finished_at"] is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return checkpoint(engine)
        time.sleep(0.01)
    pytest.fail(f"the ingest ended before it could be killed: {process.communicate()}")


def snapshot(ws: Workspace) -> dict[str, Counter[tuple[Any, ...]]]:
    """Statements, event rows and quarantine rows, as multisets (doubles would show)."""
    with ws.db.connect() as conn:
        stored = conn.execute(sa.select(statements).where(statements.c.prop != "id")).mappings()
        values = Counter(
            tuple(_plain(row[key]) for key in sorted(row.keys()) if key != "stored_at")
            for row in stored
        )
        held = conn.execute(
            sa.select(quarantine.c.id, quarantine.c.line, quarantine.c.field, quarantine.c.raw)
        )
        rejected = Counter(tuple(row) for row in held)
    events = ds.dataset(ws.events.folder("ais_positions"), format="parquet").to_table()
    return {
        "statements": values,
        "events": Counter(tuple(row.values()) for row in events.to_pylist()),
        "quarantine": rejected,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def test_killed_ingest_resumes_without_loss_or_double(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = generated_csv(tmp_path / "ais_killed.csv")
    home = tmp_path / "home"
    engine = sa.create_engine(database_url)
    killed = run_ingest(path, home, database_url)
    state = kill_mid_file(killed, engine)
    assert killed.returncode == -signal.SIGKILL
    assert 0 < state["records_done"] < ROWS and state["finished_at"] is None

    rerun = run_ingest(path, home, database_url)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    [report] = json.loads(out)
    assert report["resumed_after"] == state["records_done"]
    assert (report["rows_read"], report["rows_quarantined"]) == (ROWS, len(range(5, ROWS, 37)))
    engine.dispose()

    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", BATCH_ROWS)
    resumed = Workspace.open(home, database_url)
    reference = Workspace.open(tmp_path / "reference", f"sqlite:///{tmp_path / 'reference.db'}")
    try:
        ingest_file(reference, path, "marinecadastre")
        expected, found = snapshot(reference), snapshot(resumed)
    finally:
        resumed.close()
        reference.close()
    assert sum(expected["events"].values()) == ROWS - len(range(5, ROWS, 37))
    assert found["events"] == expected["events"]
    assert found["quarantine"] == expected["quarantine"]
    assert found["statements"] == expected["statements"]


def test_a_part_written_but_never_committed_is_not_counted_twice(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crash between a batch's part and its commit, then resume with smaller batches."""
    t0 = "2023-01-11T00:00:0"
    good = [f"22700000{i},{t0}{i},43.{i},5.{i},1.0,90.0,,N{i},,,,,,,,,A" for i in range(10)]
    bad = [line.replace(",43.", ",x43.") for line in good]
    rows = good[:5] + bad[5:8] + good[8:]  # resumed in 3s, batch 1 holds no position
    path = tmp_path / "crash.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    calls = []

    def crash_on_second_batch(conn: sa.Connection, items: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed between part and commit")
        return put_entities(conn, items)

    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", "5")
    monkeypatch.setattr(pipeline, "put_entities", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        ingest_file(sqlite_workspace, path, "marinecadastre")
    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", "3")
    report = ingest_file(sqlite_workspace, path, "marinecadastre")
    assert (report.resumed_after, report.rows_stored, report.rows_quarantined) == (5, 7, 3)
    lines = [
        row["source_line"]
        for row in ds.dataset(sqlite_workspace.events.folder("ais_positions"), format="parquet")
        .to_table()
        .to_pylist()
    ]
    assert sorted(lines) == [2, 3, 4, 5, 6, 10, 11]
