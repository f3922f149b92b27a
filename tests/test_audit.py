"""The audit log: written with the action, verified, and every tampering named.

Each tamper case edits the database directly, as an administrator could, and
``verify`` must name the first entry that was changed, removed or reordered.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from filet.security.audit import (
    Actor,
    Alteration,
    AuditEvent,
    Collection,
    Combination,
    Consultation,
    Disclosure,
    Erasure,
    track_event,
)
from filet.security.audit.checkpoints import KEY_FILE, audit_folder, store_folder
from filet.security.audit.merkle import leaf_hash
from filet.security.audit.service import (
    UnverifiedLogError,
    checkpoint_workspace,
    verify_workspace,
)
from filet.store import Workspace
from filet.store.tables import audit_entries

ANALYST = Actor("j.dupont", "dossier 2024/117")


def _events(start: int, count: int) -> list[AuditEvent]:
    """A mix of every kind, with distinct object ids."""
    kinds: list[Callable[[int], AuditEvent]] = [
        lambda i: Consultation(actor=ANALYST, action="entity.show", objects=(f"e{i}",), results=1),
        lambda i: Disclosure(
            actor=ANALYST,
            action="export",
            recipient="OFAST",
            records=i,
            sha256="0" * 64,
            objects=(f"file{i}",),
        ),
        lambda i: Alteration(actor=ANALYST, action="alert.triage", objects=(f"a{i}",), change="x"),
        lambda i: Combination(
            actor=ANALYST,
            action="detect",
            objects=("d",),
            engine="duckdb",
            alerts_found=i,
            alerts_new=0,
        ),
        lambda i: Erasure(
            actor=ANALYST, action="retention", data_category="c", legal_basis="b", erased=i
        ),
        lambda i: Collection(
            actor=ANALYST,
            action="ingest",
            objects=(f"f{i}",),
            file_name="f.csv",
            batch=0,
            lines=i,
            rows_stored=i,
            rows_quarantined=0,
            entities_stored=i,
        ),
    ]
    return [kinds[i % len(kinds)](i) for i in range(start, start + count)]


def _log(ws: Workspace, start: int, count: int) -> None:
    with ws.db.begin() as conn:
        for event in _events(start, count):
            track_event(conn, event)


@pytest.fixture
def logged(workspace: Workspace) -> Workspace:
    """Ten entries under a signed checkpoint, then two more after it."""
    _log(workspace, 0, 10)
    assert checkpoint_workspace(workspace) is not None
    _log(workspace, 10, 2)
    return workspace


def _row(conn: sa.Connection, idx: int) -> dict[str, object]:
    row = conn.execute(sa.select(audit_entries).where(audit_entries.c.idx == idx)).one()
    return dict(row._mapping)


def _rewrite(conn: sa.Connection, idx: int, values: dict[str, object], rehash: bool) -> None:
    """Set a row's fields; with ``rehash`` also recompute its leaf hash, as a careful
    administrator would."""
    if rehash:
        values = {**values, "leaf_hash": leaf_hash(str(values["entry"]).encode()).hex()}
    conn.execute(audit_entries.update().where(audit_entries.c.idx == idx).values(**values))


def _edit(conn: sa.Connection, rehash: bool) -> None:
    entry = json.loads(str(_row(conn, 4)["entry"]))
    entry["objects"] = ["someone-else"]
    _rewrite(conn, 4, {"entry": json.dumps(entry, sort_keys=True)}, rehash)


def _swap(conn: sa.Connection, rehash: bool) -> None:
    first, second = _row(conn, 2), _row(conn, 5)
    for target, source in ((2, second), (5, first)):
        values = {k: v for k, v in source.items() if k != "idx"}
        if rehash:
            entry = json.loads(str(values["entry"]))
            entry["index"] = target
            values["entry"] = json.dumps(entry, sort_keys=True, separators=(",", ":"))
        _rewrite(conn, target, values, rehash)


TAMPERING: dict[str, tuple[Callable[[sa.Connection], object], int, str]] = {
    "edit a row": (lambda conn: _edit(conn, rehash=False), 4, "changed"),
    "garble a row": (
        lambda conn: _rewrite(conn, 4, {"entry": "{not json"}, rehash=False),
        4,
        "changed",
    ),
    "edit a row and its hash": (lambda conn: _edit(conn, rehash=True), 4, "changed"),
    "delete a row": (
        lambda conn: conn.execute(audit_entries.delete().where(audit_entries.c.idx == 3)),
        3,
        "removed",
    ),
    "swap two rows": (lambda conn: _swap(conn, rehash=False), 2, "reordered"),
    "swap two rows and renumber them": (lambda conn: _swap(conn, rehash=True), 2, "changed"),
    "truncate the signed tail": (
        lambda conn: conn.execute(audit_entries.delete().where(audit_entries.c.idx >= 7)),
        7,
        "removed",
    ),
}


def test_an_untouched_log_verifies(logged: Workspace) -> None:
    result = verify_workspace(logged)
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.checkpointed) == (12, 1, 10)


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_is_detected_and_the_first_bad_entry_named(logged: Workspace, case: str) -> None:
    tamper, first_bad, kind = TAMPERING[case]
    with logged.db.begin() as conn:
        tamper(conn)
    result = verify_workspace(logged)
    assert not result.ok
    assert result.first is not None
    assert (result.first.index, result.first.kind) == (first_bad, kind), result.problems
    assert f"{first_bad}" in result.first.detail


def test_a_tampered_log_is_not_signed(logged: Workspace) -> None:
    with logged.db.begin() as conn:
        _edit(conn, rehash=False)
    with pytest.raises(UnverifiedLogError, match="4"):
        checkpoint_workspace(logged)


def test_checkpoints_grow_consistently(logged: Workspace) -> None:
    assert checkpoint_workspace(logged) is not None
    assert checkpoint_workspace(logged) is None  # nothing new to sign
    _log(logged, 12, 5)
    assert checkpoint_workspace(logged) is not None
    result = verify_workspace(logged)
    assert result.ok, result.problems
    assert (result.checkpoints, result.checkpointed) == (3, 17)


def test_the_checkpoint_store_is_write_once_and_the_key_private(logged: Workspace) -> None:
    folder = store_folder(logged.home)
    files = sorted(path.name for path in folder.iterdir())
    assert files == ["000000000010.checkpoint", "000000000010.leaves", "key.pub"]
    assert all(not (path.stat().st_mode & stat.S_IWUSR) for path in folder.iterdir())
    key = audit_folder(logged.home) / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_forged_checkpoint_is_rejected(logged: Workspace) -> None:
    path = store_folder(logged.home) / "000000000010.checkpoint"
    path.chmod(0o644)
    text = path.read_text(encoding="utf-8").replace("\n10\n", "\n9\n", 1)
    path.write_text(text, encoding="utf-8")
    result = verify_workspace(logged)
    assert result.first is not None and result.first.kind == "checkpoint"
    assert "signature" in result.first.detail


def test_a_replaced_signing_key_is_refused(logged: Workspace) -> None:
    (audit_folder(logged.home) / KEY_FILE).unlink()
    _log(logged, 12, 1)
    with pytest.raises(ValueError, match="key changed"):
        checkpoint_workspace(logged)


def test_the_entry_is_written_in_the_action_s_transaction(workspace: Workspace) -> None:
    with pytest.raises(RuntimeError), workspace.db.begin() as conn:
        track_event(conn, _events(0, 1)[0])
        raise RuntimeError("the action failed")
    with workspace.db.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(audit_entries)) == 0


def test_entries_hold_who_when_what_why_and_never_more(workspace: Workspace) -> None:
    _log(workspace, 0, 2)
    with workspace.db.connect() as conn:
        disclosure = json.loads(str(_row(conn, 1)["entry"]))
    assert disclosure["category"] == "disclosure"
    assert disclosure["actor"] == "j.dupont"
    assert disclosure["justification"] == "dossier 2024/117"
    assert disclosure["recipient"] == "OFAST"
    assert disclosure["at"].endswith("+00:00")
    assert disclosure["index"] == 1


def test_local_actor_falls_back_to_settings_then_the_os_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FILET_AUDIT_ACTOR", "poste-12")
    monkeypatch.setenv("FILET_AUDIT_PURPOSE", "veille")
    assert Actor.local() == Actor("poste-12", "veille")
    assert Actor.local("m.martin", "dossier 7") == Actor("m.martin", "dossier 7")
    monkeypatch.delenv("FILET_AUDIT_ACTOR")
    assert Actor.local().name != ""


def test_verification_of_an_empty_log(tmp_path: Path, workspace: Workspace) -> None:
    result = verify_workspace(workspace)
    assert result.ok and result.entries == 0 and result.checkpoints == 0
