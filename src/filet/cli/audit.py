"""``filet audit``: list, checkpoint and verify the tamper-evident audit log; and the
``--actor``/``--purpose`` options every audited command takes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

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
from filet.security.audit.checkpoints import CheckpointError, store_folder
from filet.security.audit.log import StoredEntry, read_entries
from filet.security.audit.service import (
    UnverifiedLogError,
    checkpoint_workspace,
    verify_workspace,
)
from filet.security.policy import Action, Resource
from filet.security.reads import admit

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="FILET_ACTOR",
        help="Qui agit / who acts, recorded in the audit log (default: setting audit_actor, "
        "else the OS user); once the workspace has accounts, an enabled account's name.",
        show_default=False,
    ),
]
PurposeOption = Annotated[
    str | None,
    typer.Option(
        "--purpose",
        help="Dossier ou finalité / case or purpose justifying the action, recorded in the "
        "audit log (default: setting audit_purpose).",
        show_default=False,
    ),
]


def list_command(
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            help="collection, consultation, disclosure, alteration, combination, erasure.",
        ),
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Entrées / entries.")] = 50,
    reader: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="FILET_ACTOR",
            help="Qui consulte le journal / who reads the log: once the workspace has "
            "accounts, an inspector's account (default: setting audit_actor, else the OS user).",
            show_default=False,
        ),
    ] = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister le journal / list audit entries, newest first."""
    with workspace(home) as ws:
        who, account = acting_account(ws, reader, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.READ_AUDIT, Resource.audit_log(), who.purpose)
            found = (
                list(read_entries(conn, category, actor, limit, newest_first=True))
                if access
                else []
            )
    require(access)
    if json_output:
        print_json([{"index": e.idx, "leaf_hash": e.leaf_hash, **e.values()} for e in found])
        return
    console.print(_table(found))


def _table(found: list[StoredEntry]) -> Table:
    table = Table(title=f"Journal d'audit / audit log ({len(found)})")
    for column in ("#", "date (UTC)", "catégorie / category", "action", "qui / who"):
        table.add_column(column, no_wrap=True)
    table.add_column("justification")
    table.add_column("objets / objects", overflow="fold")
    for entry in found:
        values = entry.values()
        objects = values.get("objects") or []
        shown = ", ".join(str(o) for o in objects[:5]) + (" …" if len(objects) > 5 else "")
        table.add_row(
            str(entry.idx),
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            entry.category,
            entry.action,
            entry.actor,
            str(values.get("justification") or "—"),
            shown,
        )
    return table


def checkpoint_command(home: HomeOption = None, json_output: JsonOption = False) -> None:
    """Signer un checkpoint / sign the current tree head into the checkpoint store
    (schedule it, e.g. every 10 minutes with cron)."""
    with workspace(home) as ws:
        try:
            signed = checkpoint_workspace(ws)
        except (UnverifiedLogError, CheckpointError) as error:
            fail(f"journal non vérifié, rien signé / log does not verify, nothing signed: {error}")
        folder = store_folder(ws.home)
    result: dict[str, Any] = {"store": str(folder), "signed": signed is not None}
    if signed is not None:
        result |= {"size": signed.size, "root": signed.root.hex(), "time": signed.time}
    if json_output:
        print_json(result)
    elif signed is None:
        console.print(f"Rien de nouveau / nothing new since the latest checkpoint ({folder}).")
    else:
        console.print(f"Checkpoint {signed.size} signé / signed: {signed.root.hex()} → {folder}")


def verify_command(home: HomeOption = None, json_output: JsonOption = False) -> None:
    """Vérifier le journal / verify the audit log against its signed checkpoints; exits 1
    and names the first entry changed, removed or reordered."""
    with workspace(home) as ws:
        result = verify_workspace(ws)
    if json_output:
        print_json(result.to_dict())
    elif result.first is None:
        console.print(
            f"Journal intègre / audit log verified: {result.entries} entrées / entries, "
            f"{result.checkpoints} checkpoint(s) couvrant / covering {result.checkpointed}."
        )
    if result.first is not None:
        fail(result.first.detail)


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(
        name="audit",
        help="Journal d'audit infalsifiable / tamper-evident audit log.",
        no_args_is_help=True,
    )
    audit_app.command("list")(list_command)
    audit_app.command("checkpoint")(checkpoint_command)
    audit_app.command("verify")(verify_command)
    app.add_typer(audit_app)
