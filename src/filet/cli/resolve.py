"""``filet resolve``: which records are one person, company, phone or vehicle (Splink),
merged above a threshold, queued for an analyst in between, never across compartments."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.table import Table

from filet import settings
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    EngineOption,
    HomeOption,
    JsonOption,
    SparkMasterOption,
    acting_account,
    console,
    errors,
    fail,
    print_json,
    require,
    workspace,
)
from filet.engine import open_engine
from filet.network import resolution
from filet.network.resolution import Decision, Link, LinkStatus, ResolutionError
from filet.security.audit import Actor
from filet.security.identity import Account
from filet.security.policy import Action, Resource
from filet.security.reads import admit
from filet.store import Workspace
from filet.store.tables import statements

resolve_app = typer.Typer(
    name="resolve",
    help="Résolution d'entités / entity resolution (Splink).",
    no_args_is_help=True,
)
_DEFAULTS = resolution.ResolutionThresholds()
LinkArgument = Annotated[str, typer.Argument(help="Identifiant du lien (ou son début) / link id.")]
LimitOption = Annotated[int, typer.Option(help="Liens affichés / links shown.")]


def _readable(ws: Workspace, account: Account | None, purpose: str) -> sa.Select[Any] | None:
    """The entity ids the reader may see, as a subquery (None: everything, unsecured);
    the decision is committed to the audit log before a refusal ends the command."""
    with ws.db.begin() as conn:
        access = admit(conn, account, Action.READ, Resource.all_entities(), purpose)
    require(access)
    clause = access.statements()
    return None if clause is None else sa.select(statements.c.entity_id).where(clause)


@resolve_app.command("run")
def run_command(
    accept: Annotated[
        float, typer.Option(help="Fusion sans revue à partir de / merge without review from.")
    ] = _DEFAULTS.accept_probability,
    review: Annotated[
        float, typer.Option(help="Revue par un analyste à partir de / analyst review from.")
    ] = _DEFAULTS.review_probability,
    engine: EngineOption = None,
    spark_master: SparkMasterOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Comparer les fiches de tout l'espace et enregistrer les liens / compare the records
    of the whole workspace and record the links; shows those you may read."""
    if not 0 < review <= accept <= 1:
        fail(f"il faut 0 < --review <= --accept <= 1 / need 0 < review <= accept <= 1: "
             f"{review}, {accept}")  # fmt: skip
    thresholds = replace(_DEFAULTS, accept_probability=accept, review_probability=review)
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = _readable(ws, account, who.purpose)
        with ws.db.begin() as conn:
            records = resolution.records_from_store(conn)
        held = {record.entity_id: record.compartments for record in records}
        with console.status("Résolution / resolving…") as status:
            try:
                with open_engine(engine or settings.get("engine"), spark_master) as running:
                    api = resolution.splink_api(running, ws.home / "spark-checkpoints")
                    found = resolution.resolve(
                        records, thresholds, api, progress=lambda text: status.update(text)
                    )
            except (ValueError, ImportError) as error:
                fail(str(error))
        with ws.db.begin() as conn:
            resolution.store_links(conn, found, held, who, thresholds)
            shown = resolution.list_links(conn, readable=readable)
    counts = {status.value: sum(link.status is status for link in shown) for status in LinkStatus}
    if as_json:
        print_json({"records": len(records), "links": counts})
        return
    console.print(
        f"{len(records):,} fiche(s) / record(s); liens lisibles / readable links: "
        f"{counts['accepted']} fusionné(s) / merged, {counts['review']} en revue / to review, "
        f"{counts['cross']} entre compartiments / across compartments (déconfliction)."
    )


@resolve_app.command("links")
def links_command(
    status: Annotated[LinkStatus | None, typer.Option(help="accepted, review ou/or cross.")] = None,
    limit: LimitOption = 50,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Les liens « même entité » lisibles, les plus probables d'abord / readable
    "same as" links, most probable first."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = _readable(ws, account, who.purpose)
        with ws.db.begin() as conn:
            found = resolution.list_links(conn, status, readable=readable, limit=limit)
    _show(found, as_json, "Liens / links")


@resolve_app.command("review")
def review_command(
    limit: LimitOption = 50,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Les paires qui attendent une décision / pairs waiting for a decision."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = _readable(ws, account, who.purpose)
        with ws.db.begin() as conn:
            found = resolution.review_queue(conn, readable, limit=limit)
    _show(found, as_json, "À décider / to decide")


@resolve_app.command("decide")
def decide_command(
    link_id: LinkArgument,
    decision: Annotated[Decision, typer.Argument(help="same, not_same ou/or undecided.")],
    reason: Annotated[str, typer.Option(help="Motif / reason (audited).")] = "",
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Décider d'une paire (audité, réversible) / decide on a pair (audited, undoable)."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        link = _change(ws, who, account, link_id, lambda conn, found: resolution.decide(
            conn, found.id, decision, who, reason))  # fmt: skip
    _show([link], as_json, "Décidé / decided")


@resolve_app.command("undo")
def undo_command(
    link_id: LinkArgument,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Annuler la dernière décision d'une paire / take back a pair's last decision."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        link = _change(ws, who, account, link_id, lambda conn, found: resolution.undo(
            conn, found.id, who))  # fmt: skip
    _show([link], as_json, "Annulé / undone")


def _change(
    ws: Workspace,
    who: Actor,
    account: Account | None,
    link_id: str,
    change: Any,
) -> Link:
    """Apply ``change`` to a link the actor may alter (both of its entities writable);
    an unreadable link is reported as unknown, so its existence is not disclosed."""
    refusal = ""
    visible = _readable(ws, account, who.purpose)
    with ws.db.begin() as conn:
        link = resolution.get_link(conn, link_id)
        if link is not None and visible is not None:
            readable = {link.entity_a, link.entity_b} <= set(
                conn.scalars(visible.where(statements.c.entity_id.in_(
                    [link.entity_a, link.entity_b]))))  # fmt: skip
            link = link if readable else None
        if link is None:
            refusal = f"lien inconnu ou ambigu / unknown or ambiguous link: {link_id}"
        else:
            for entity in (link.entity_a, link.entity_b):
                access = admit(conn, account, Action.WRITE, Resource.entity(entity), who.purpose)
                if not access:
                    refusal = f"refusé / denied: {access.decision.reason}"
                    break
    if refusal:
        fail(refusal)
    try:
        with ws.db.begin() as conn:
            changed: Link = change(conn, link)
    except ResolutionError as error:
        fail(str(error))
    return changed


def _show(found: list[Link], as_json: bool, title: str) -> None:
    if as_json:
        print_json([link.to_dict() for link in found])
        return
    if not found:
        errors.print("Aucun lien / no link.")
        return
    table = Table(title=f"{title} ({len(found)})")
    for column in ("lien / link", "famille", "A", "B", "p", "statut", "décision", "fusionné"):
        table.add_column(column)
    for link in found:
        table.add_row(
            link.id[:12], link.family, link.entity_a, link.entity_b, f"{link.probability:.4f}",
            link.status.value, "" if link.decision is None else link.decision.value,
            "oui / yes" if link.merged else "non / no",
        )  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(resolve_app)
