"""``filet compartments``: create a case or operation, grant and revoke membership, put
a dataset in it, list them. Each command acts as the ``--actor`` account, and the
policy decides; every decision and change is recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.table import Table

from filet.cli.accounts import ClearanceOption, acting_account, clearance
from filet.cli.audit import ActorOption
from filet.cli.common import HomeOption, JsonOption, console, fail, print_json, workspace
from filet.security.compartments import (
    CompartmentError,
    CompartmentKind,
    assign_dataset,
    create_compartment,
    datasets,
    grant,
    list_compartments,
    members,
    revoke,
)
from filet.security.identity import Account

NameArgument = Annotated[str, typer.Argument(help="Compartiment (n° de dossier) / compartment.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Motif / reason (audited).")]
UntilOption = Annotated[
    str, typer.Option("--until", help="Échéance / expiry, YYYY-MM-DD (end of that day, UTC).")
]


def until_date(value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail(f"--until {value!r}: date attendue / expected YYYY-MM-DD")
    return datetime.combine(day, time.max, UTC)


def _as_actor(
    home: Path | None, actor: str | None, change: Callable[[sa.Connection, Account], object]
) -> None:
    """Make ``change`` as the ``--actor`` account. A refusal ends the command only once
    the transaction is committed: the policy's decision, recorded in the audit log, must
    survive it (every refusal is raised before anything is written)."""
    with workspace(home) as ws:
        with ws.db.begin() as conn:
            try:
                change(conn, acting_account(conn, actor))
                return
            except CompartmentError as error:
                refusal = str(error)
        fail(refusal)


def create(
    name: NameArgument,
    title: Annotated[str, typer.Option("--title", help="Intitulé / title.")],
    until: UntilOption,
    kind: Annotated[
        CompartmentKind, typer.Option("--kind", help="Affaire ou opération / case or operation.")
    ] = CompartmentKind.CASE,
    level: ClearanceOption = "non-protege",
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Créer un compartiment / create a compartment; its creator is its first member."""
    level_required, expiry = clearance(level), until_date(until)
    _as_actor(
        home,
        actor,
        lambda conn, by: create_compartment(conn, by, name, kind, title, level_required, expiry),
    )
    console.print(f"Compartiment créé / compartment created: {name}")


def grant_command(
    name: NameArgument,
    account: Annotated[str, typer.Argument(help="Compte / account.")],
    reason: ReasonOption,
    until: UntilOption,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Donner accès / grant membership, with a reason and an expiry."""
    expiry = until_date(until)
    _as_actor(home, actor, lambda conn, by: grant(conn, by, name, account, reason, expiry))
    console.print(f"Accès accordé / granted: {account} → {name} (until {until})")


def revoke_command(
    name: NameArgument,
    account: Annotated[str, typer.Argument(help="Compte / account.")],
    reason: ReasonOption,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Retirer l'accès / revoke membership."""
    _as_actor(home, actor, lambda conn, by: revoke(conn, by, name, account, reason))
    console.print(f"Accès retiré / revoked: {account} ✗ {name}")


def assign(
    name: NameArgument,
    dataset: Annotated[str, typer.Argument(help="Jeu de données / dataset.")],
    reason: ReasonOption,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Placer un jeu de données dans le compartiment / put a dataset in the compartment:
    from then on only its members see its values."""
    _as_actor(home, actor, lambda conn, by: assign_dataset(conn, by, name, dataset, reason))
    console.print(f"Jeu compartimenté / dataset assigned: {dataset} → {name}")


def list_command(home: HomeOption = None, json_output: JsonOption = False) -> None:
    """Lister les compartiments, leurs membres et jeux / list compartments, members, datasets."""
    now = datetime.now(UTC)
    with workspace(home) as ws, ws.db.connect() as conn:
        rows: list[dict[str, Any]] = [
            {
                "name": c.name,
                "kind": c.kind.value,
                "title": c.title,
                "service": c.service.value,
                "clearance": c.clearance.name.lower().replace("_", "-"),
                "members": [
                    {"account": m.account, "until": m.expires_at.date().isoformat()}
                    for m in members(conn, c.name)
                    if m.active(now)
                ],
                "datasets": datasets(conn, c.name),
            }
            for c in list_compartments(conn)
        ]
    if json_output:
        print_json(rows)
        return
    table = Table(title=f"Compartiments / compartments ({len(rows)})")
    for column in ("name", "kind", "title", "service", "clearance", "members", "datasets"):
        table.add_column(column)
    for row in rows:
        held = ", ".join(f"{m['account']} (→{m['until']})" for m in row["members"])
        cells = [row[key] for key in ("name", "kind", "title", "service", "clearance")]
        table.add_row(*cells, held, ", ".join(row["datasets"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    compartments_app = typer.Typer(
        name="compartments",
        help="Compartiments (affaires, opérations) / compartments (cases, operations).",
        no_args_is_help=True,
    )
    compartments_app.command("create")(create)
    compartments_app.command("grant")(grant_command)
    compartments_app.command("revoke")(revoke_command)
    compartments_app.command("assign")(assign)
    compartments_app.command("list")(list_command)
    app.add_typer(compartments_app)
