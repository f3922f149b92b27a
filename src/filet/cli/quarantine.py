"""``filet quarantine``: list, show, fix, replay or drop the records ingestion rejected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from filet.cli.common import HomeOption, JsonOption, console, fail, print_json, workspace
from filet.ingest import IngestError
from filet.ingest.quarantine import Quarantined, Status, drop, get, list_quarantined
from filet.ingest.replay import fix_quarantined, replay

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
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister / list quarantined records (open ones by default)."""
    if status != "all" and status not in Status.__members__.values():
        fail(f"--status {status!r}: open, replayed, dropped, all")
    wanted = None if status == "all" else Status(status)
    with workspace(home) as ws, ws.db.connect() as conn:
        found = list_quarantined(conn, file=file, status=wanted, limit=limit)
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
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Afficher / show one quarantined record: where, why, raw text and fields."""
    with workspace(home) as ws, ws.db.connect() as conn:
        found = _or_fail(lambda: get(conn, record_id))
    _print_record(found, json_output)


@quarantine_app.command("fix")
def fix_command(
    record_id: Annotated[str, typer.Argument(help="Identifiant / id.")],
    changes: Annotated[
        list[str], typer.Argument(help="champ=valeur / field=value; raw=TEXT re-reads the line.")
    ],
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
        fixed = _or_fail(lambda: fix_quarantined(ws, record_id, parsed))
    _print_record(fixed, json_output)


@quarantine_app.command("replay")
def replay_command(
    record_ids: Annotated[list[str] | None, typer.Argument(help="Identifiants / ids.")] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Tous les ouverts / all open.")] = False,
    file: FileOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rejouer / replay: re-validate, store the valid ones (exit 1 if some stay)."""
    if not record_ids and not all_open:
        fail("donnez des identifiants ou --all / give ids or --all")
    with workspace(home) as ws:
        outcomes = _or_fail(lambda: replay(ws, record_ids or None, file=file))
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
    home: HomeOption = None,
) -> None:
    """Écarter / discard records for good, saying why (they stay listed as dropped)."""
    with workspace(home) as ws, ws.db.begin() as conn:
        dropped = _or_fail(lambda: drop(conn, record_ids, reason))
    console.print(f"{len(dropped)} écarté(s) / dropped")


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
