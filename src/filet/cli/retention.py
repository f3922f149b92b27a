"""``filet retention``: the retention table, and erasing what has outlived it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import HomeOption, JsonOption, console, fail, print_json, workspace
from filet.security.audit import Actor
from filet.security.retention import (
    RetentionError,
    Rule,
    load_rules,
    purge,
    uncovered_datasets,
)

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        help="Table de conservation / retention table (YAML; default: setting retention_policy).",
        show_default=False,
    ),
]


def _rules(policy: Path | None) -> list[Rule]:
    try:
        return load_rules(policy)
    except RetentionError as error:
        fail(str(error))


def list_command(
    policy: PolicyOption = None, home: HomeOption = None, json_output: JsonOption = False
) -> None:
    """Afficher la table de conservation / show the retention table and the datasets no
    category covers (kept until classified)."""
    rules = _rules(policy)
    with workspace(home) as ws, ws.db.connect() as conn:
        uncovered = uncovered_datasets(conn, rules)
    if json_output:
        print_json({"rules": [vars(rule) for rule in rules], "uncovered": uncovered})
        return
    table = Table(title="Conservation / retention", show_lines=True)
    for column in ("catégorie / category", "finalité / purpose", "jeux / datasets"):
        table.add_column(column, overflow="fold")
    for column in ("durée / period (jours / days)", "base légale / legal basis"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        table.add_row(
            rule.category,
            rule.purpose,
            ", ".join(rule.datasets),
            str(rule.retention_days),
            rule.legal_basis,
        )
    console.print(table)
    if uncovered:
        console.print(f"Sans catégorie / uncovered (kept): {', '.join(uncovered)}")


def run_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Montrer sans effacer / show, erase nothing.")
    ] = False,
    policy: PolicyOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Effacer ce qui a dépassé sa durée / erase the statements past their retention
    period; each erasure is recorded in the audit log, without the erased values."""
    rules = _rules(policy)
    who = Actor.local(actor, purpose or "retention")
    with workspace(home) as ws, ws.db.begin() as conn:
        done = purge(conn, rules, who, dry_run, datetime.now(UTC))
    if json_output:
        print_json({"dry_run": dry_run, "purged": [item.to_dict() for item in done]})
        return
    verb = "à effacer / would erase" if dry_run else "effacé / erased"
    for item in done:
        console.print(
            f"{item.rule.category}: {item.statements} valeurs / values {verb} "
            f"({len(item.entity_ids)} entités / entities, avant / before {item.cutoff:%Y-%m-%d})"
        )
    if not done:
        console.print("Rien n'a expiré / nothing has expired.")


def register(app: typer.Typer) -> None:
    retention_app = typer.Typer(
        name="retention",
        help="Durées de conservation / retention periods and erasure.",
        no_args_is_help=True,
    )
    retention_app.command("list")(list_command)
    retention_app.command("run")(run_command)
    app.add_typer(retention_app)
