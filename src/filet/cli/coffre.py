"""``filet coffre``: the dossier coffre of a case (loi n° 2025-532, déc. 2025-885 DC).

The case's magistrate seals items and names who else may read each one; everyone else
is answered as if the item did not exist. Every item shown carries its non-evidentiary
notice. Each command acts as ``--actor`` in a workspace with accounts, and every
decision, read and change is recorded in the audit log, without the sealed content.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import sqlalchemy as sa
import typer
from rich.table import Table

from filet.cases.coffre import (
    NOTICE,
    CoffreError,
    CoffreKey,
    SealedItem,
    Technique,
    grant_holder,
    holders,
    list_visible,
    not_found,
    read_item,
    revoke_holder,
    seal,
    workspace_key,
)
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    as_account,
    console,
    fail,
    print_json,
)
from filet.cli.compartments import ReasonOption, UntilOption, until_date
from filet.security.identity import Account

ItemArgument = Annotated[str, typer.Argument(help="Pièce / item id.")]
AccountArgument = Annotated[str, typer.Argument(help="Compte détenteur / holder account.")]
BANNER = "[bold]DOSSIER COFFRE — NON PROBANT / NOT EVIDENCE[/]"

T = TypeVar("T")


def _in_coffre(
    home: Path | None,
    actor: str | None,
    purpose: str | None,
    act: Callable[[sa.Connection, CoffreKey, Account, str], T],
) -> T:
    """Run ``act`` as the acting account with the workspace's coffre key."""
    return as_account(
        home,
        actor,
        purpose,
        CoffreError,
        "le dossier coffre exige des comptes / the dossier coffre needs accounts",
        lambda ws, conn, by, why: act(conn, workspace_key(conn, ws.home), by, why),
    )


def _content(source: Path) -> str:
    if str(source) == "-":
        return sys.stdin.read()
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{source}: illisible / unreadable ({error})")


def seal_command(
    case: Annotated[str, typer.Argument(help="Affaire (compartiment) / case.")],
    technique: Annotated[Technique, typer.Option("--technique", help="Technique spéciale.")],
    title: Annotated[str, typer.Option("--title", help="Intitulé, chiffré / title, encrypted.")],
    content_file: Annotated[
        Path,
        typer.Option(
            "--content-file",
            help="Fichier du contenu, '-' pour stdin / content file, '-' for stdin (never an "
            "argument, which shell history would keep).",
        ),
    ],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Sceller une pièce / seal an item in the case's dossier coffre (magistrate only)."""
    content = _content(content_file)
    item = _in_coffre(
        home,
        actor,
        purpose,
        lambda conn, key, by, why: seal(conn, key, by, case, technique, title, content, why),
    )
    console.print(f"Pièce scellée / item sealed: {item.id} ({case})")
    console.print(NOTICE, markup=False, highlight=False)


def list_command(
    case: Annotated[
        str | None, typer.Option("--case", help="Une affaire seulement / one case only.")
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister les pièces lisibles / list the sealed items you may read."""
    items = _in_coffre(
        home,
        actor,
        purpose,
        lambda conn, key, by, why: list_visible(conn, key, by, case, why),
    )
    if json_output:
        print_json([item.to_dict() for item in items])
        return
    console.print(BANNER)
    console.print(NOTICE, markup=False, highlight=False)
    if not items:
        console.print("Aucune pièce / no item")
        return
    table = Table(title=f"Dossier coffre ({len(items)})")
    table.add_column("id", overflow="fold")
    for column in ("case", "technique", "title", "sealed by", "sealed at", "probante"):
        table.add_column(column)
    for item in items:
        table.add_row(
            item.id,
            item.case,
            item.technique.value,
            item.title,
            item.sealed_by,
            f"{item.sealed_at:%Y-%m-%d %H:%M}",
            "non / not evidence",
        )
    console.print(table)


def show_command(
    item_id: ItemArgument,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lire une pièce / read one sealed item."""
    item = _in_coffre(
        home,
        actor,
        purpose,
        lambda conn, key, by, why: read_item(conn, key, by, item_id, why),
    )
    if item is None:
        fail(not_found(item_id))
    if json_output:
        print_json(item.to_dict())
        return
    _print_item(item)


def _print_item(item: SealedItem) -> None:
    console.print(BANNER)
    console.print(NOTICE, markup=False, highlight=False)
    for label, value in (
        ("pièce / item", item.id),
        ("affaire / case", item.case),
        ("technique", item.technique.value),
        ("intitulé / title", item.title),
        ("scellée par / sealed by", f"{item.sealed_by}, {item.sealed_at:%Y-%m-%d %H:%M} UTC"),
        ("probante / evidence", "non / no"),
    ):
        console.print(f"{label}: {value}", markup=False, highlight=False)
    console.print("")
    console.print(item.content, markup=False, highlight=False)


def holders_command(
    item_id: ItemArgument,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister les détenteurs d'une pièce / list an item's holders (magistrate only)."""
    named = _in_coffre(
        home,
        actor,
        purpose,
        lambda conn, _key, by, why: holders(conn, by, item_id, why),
    )
    if named is None:
        fail(not_found(item_id))
    rows = [
        {
            "account": holder.account,
            "granted_by": holder.granted_by,
            "reason": holder.reason,
            "until": holder.expires_at.date().isoformat(),
            "revoked": holder.revoked_at is not None,
        }
        for holder in named
    ]
    if json_output:
        print_json(rows)
        return
    table = Table(title=f"Détenteurs / holders of {item_id} ({len(rows)})")
    for column in ("account", "granted_by", "reason", "until", "revoked"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[key]) for key in row))
    console.print(table)


def grant_command(
    item_id: ItemArgument,
    account: AccountArgument,
    reason: ReasonOption,
    until: UntilOption,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Désigner un détenteur / name a holder of an item, with a reason and an expiry."""
    expiry = until_date(until)
    _in_coffre(
        home,
        actor,
        None,
        lambda conn, _key, by, _why: grant_holder(conn, by, item_id, account, reason, expiry),
    )
    console.print(f"Détenteur désigné / holder named: {account} → {item_id} (until {until})")


def revoke_command(
    item_id: ItemArgument,
    account: AccountArgument,
    reason: ReasonOption,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Retirer un détenteur / revoke a holder at once."""
    _in_coffre(
        home,
        actor,
        None,
        lambda conn, _key, by, _why: revoke_holder(conn, by, item_id, account, reason),
    )
    console.print(f"Détenteur retiré / holder revoked: {account} ✗ {item_id}")


def register(app: typer.Typer) -> None:
    coffre_app = typer.Typer(
        name="coffre",
        help="Dossier coffre: pièces scellées d'une affaire, non probantes / sealed case items, "
        "not evidence.",
        no_args_is_help=True,
    )
    coffre_app.command("seal")(seal_command)
    coffre_app.command("list")(list_command)
    coffre_app.command("show")(show_command)
    coffre_app.command("holders")(holders_command)
    coffre_app.command("grant")(grant_command)
    coffre_app.command("revoke")(revoke_command)
    app.add_typer(coffre_app)
