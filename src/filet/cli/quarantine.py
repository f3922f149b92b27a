"""``filet quarantine``: list, show, fix, replay or drop the records ingestion rejected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import sqlalchemy as sa
import typer
from rich.table import Table

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    acting_account,
    console,
    fail,
    print_json,
    require,
    workspace,
)
from filet.ingest import IngestError
from filet.ingest.quarantine import Quarantined, Status, drop, get
from filet.ingest.replay import fix_quarantined, replay
from filet.security.policy import Action, Resource
from filet.security.reads import Access, admit, visible_quarantine_ids
from filet.store import Workspace

T = TypeVar("T")

quarantine_app = typer.Typer(
    help="Quarantaine / quarantine: records rejected at ingest, with their reason.",
    no_args_is_help=True,
)

FileOption = Annotated[
    str | None, typer.Option("--file", help="Fichier (chemin ou empreinte) / file path or sha256.")
]


@quarantine_app.command("list")
def list_command(
    file: FileOption = None,
    status: Annotated[
        str, typer.Option("--status", help="open, replayed, dropped ou / or all.")
    ] = Status.OPEN.value,
    limit: Annotated[int | None, typer.Option("--limit", help="Au plus / at most N.")] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister / list quarantined records (open ones by default; in a workspace with
    accounts, those of the datasets ``--actor`` may read)."""
    if status != "all" and status not in Status.__members__.values():
        fail(f"--status {status!r}: open, replayed, dropped, all")
    wanted = None if status == "all" else status
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.READ, Resource.quarantine(), who.purpose)
            ids = visible_quarantine_ids(conn, access, file=file, status=wanted, limit=limit)
            found = [get(conn, record_id) for record_id in ids]
    require(access)
    if json_output:
        print_json([record.to_dict() for record in found])
        return
    table = Table("id", "fichier:ligne / file:line", "champ / field", "raison / reason", "état")
    for record in found:
        where = f"{record.file_path.rsplit('/', 1)[-1]}:{record.line}"
        table.add_row(record.id[:12], where, record.field, record.reason, record.status.value)
    console.print(table)
    console.print(f"{len(found)} enregistrement(s) / record(s)")


@quarantine_app.command("show")
def show_command(
    record_id: Annotated[str, typer.Argument(help="Identifiant (ou début) / id or prefix.")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Afficher / show one quarantined record: where, why, raw text and fields."""
    with workspace(home) as ws:
        [full_id] = _resolved(ws, Action.READ, [record_id], actor, purpose)
        with ws.db.begin() as conn:
            found = get(conn, full_id)
    _print_record(found, json_output)


@quarantine_app.command("fix")
def fix_command(
    record_id: Annotated[str, typer.Argument(help="Identifiant / id.")],
    changes: Annotated[
        list[str], typer.Argument(help="champ=valeur / field=value; raw=TEXT re-reads the line.")
    ],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Corriger / correct fields of a quarantined record, before replaying it."""
    parsed: dict[str, str] = {}
    for change in changes:
        field, sep, value = change.partition("=")
        if not sep or not field:
            fail(f"{change!r}: attendu / expected field=value")
        parsed[field] = value
    with workspace(home) as ws:
        [full_id] = _resolved(ws, Action.WRITE, [record_id], actor, purpose)
        fixed = _or_fail(lambda: fix_quarantined(ws, full_id, parsed))
    _print_record(fixed, json_output)


@quarantine_app.command("replay")
def replay_command(
    record_ids: Annotated[list[str] | None, typer.Argument(help="Identifiants / ids.")] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Tous les ouverts / all open.")] = False,
    file: FileOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rejouer / replay: re-validate, store the valid ones (exit 1 if some stay)."""
    if not record_ids and not all_open:
        fail("donnez des identifiants ou --all / give ids or --all")
    with workspace(home) as ws:
        chosen = _resolved(ws, Action.WRITE, record_ids or [], actor, purpose, file)
        outcomes = _or_fail(lambda: replay(ws, chosen)) if chosen else []
    if json_output:
        print_json([outcome.to_dict() for outcome in outcomes])
    for outcome in outcomes if not json_output else []:
        state = "stocké / stored" if outcome.stored else f"{outcome.field}: {outcome.reason}"
        console.print(f"{outcome.id[:12]} {state}", highlight=False)
    if not all(outcome.stored for outcome in outcomes):
        raise typer.Exit(1)


@quarantine_app.command("drop")
def drop_command(
    record_ids: Annotated[list[str], typer.Argument(help="Identifiants / ids.")],
    reason: Annotated[str, typer.Option("--reason", help="Pourquoi / why (kept).")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Écarter / discard records for good, saying why (they stay listed as dropped)."""
    with workspace(home) as ws:
        chosen = _resolved(ws, Action.WRITE, record_ids, actor, purpose)
        with ws.db.begin() as conn:
            dropped = _or_fail(lambda: drop(conn, chosen, reason))
    console.print(f"{len(dropped)} écarté(s) / dropped")


def _resolved(
    ws: Workspace,
    action: Action,
    record_ids: list[str],
    actor: str | None,
    purpose: str | None,
    file: str | None = None,
) -> list[str]:
    """The full ids of the records named (by id or prefix), else of every open one (of
    ``file``), among those ``actor`` may take ``action`` on: a record outside them reads
    as unknown. The decision is committed before any refusal ends the command."""
    who, account = acting_account(ws, actor, purpose)
    chosen: list[str] = []
    problem = ""
    with ws.db.begin() as conn:
        access = admit(conn, account, action, Resource.quarantine(), who.purpose)
        try:
            if record_ids:
                chosen = [_one(conn, access, record_id) for record_id in record_ids]
            else:
                chosen = visible_quarantine_ids(conn, access, file=file, status=Status.OPEN.value)
        except IngestError as error:
            problem = str(error)
    require(access)
    if problem:
        fail(problem)
    return chosen


def _one(conn: sa.Connection, access: Access, record_id: str) -> str:
    found = visible_quarantine_ids(conn, access, prefix=record_id, limit=2)
    if len(found) != 1 or not record_id:
        which = "ambigu / ambiguous" if found else "inconnu / unknown"
        raise IngestError(f"quarantaine / quarantine {record_id!r}: identifiant {which} id")
    return found[0]


def _or_fail(action: Callable[[], T]) -> T:
    try:
        return action()
    except IngestError as error:
        fail(str(error))


def _print_record(record: Quarantined, json_output: bool) -> None:
    if json_output:
        print_json(record.to_dict())
        return
    console.print(f"[bold]{record.id}[/] ({record.status.value})")
    console.print(f"fichier / file: {record.file_path}:{record.line}", highlight=False)
    console.print(f"champ / field: {record.field}", highlight=False)
    console.print(f"raison / reason: {record.reason}", highlight=False)
    console.print("brut / raw:", highlight=False)
    console.print(record.raw, markup=False, highlight=False)
    if record.record is not None:
        print_json(record.record)
    if record.note:
        console.print(f"notes:\n{record.note}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(quarantine_app, name="quarantine")
