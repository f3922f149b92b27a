"""``filet finance``: trace the money of an account, find the owners behind an entity."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

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
    readable_workspace,
    require,
    workspace,
)
from filet.cli.finance_model import learn, score_command
from filet.engine import open_engine
from filet.finance.bods_export import to_statements
from filet.finance.common import money
from filet.finance.jurisdiction_exposure import (
    OwnershipExposure,
    load_lists,
    ownership_exposure,
)
from filet.finance.ownership import (
    DEFAULT_THRESHOLD_PERCENT,
    Graph,
    Report,
    beneficial_owners,
    held_accounts,
    load_graph,
)
from filet.finance.sankey import render_html
from filet.finance.tracing import METHODS, Bounds, account_keys, trace
from filet.finance.wallets import address_numbers, held_wallets
from filet.ingest import ingest_file
from filet.ingest.records import IngestError
from filet.model.provenance import Provenance
from filet.security.audit import Disclosure, track_event
from filet.security.policy import Action, Resource
from filet.security.reads import admit, may_write_dataset
from filet.store.entities import iter_entities

STATUS_LABELS = {"above": "au-delà / above", "possible": "possible", "below": "en deçà / below"}
finance_app = typer.Typer(
    help="Suivre l'argent / follow the money: traçage, bénéficiaires effectifs.",
    no_args_is_help=True,
)


@finance_app.command("trace")
def trace_command(
    account: Annotated[
        str,
        typer.Argument(
            help="Compte (banque/numéro), adresse crypto ou entité / account, address or entity."
        ),
    ],
    backward: Annotated[
        bool, typer.Option("--backward", help="Remonter aux sources / trace to the sources.")
    ] = False,
    depth: Annotated[int, typer.Option("--depth", min=1, max=12, help="Sauts / hops.")] = 5,
    method: Annotated[
        str, typer.Option("--method", help=f"Attribution: {' | '.join(METHODS)}.")
    ] = "proportional",
    max_paths: Annotated[int, typer.Option("--max-paths", min=1, help="Chemins / paths.")] = 10_000,
    html: Annotated[
        Path | None, typer.Option("--html", help="Diagramme de Sankey / Sankey picture (HTML).")
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suivre l'argent d'un compte / follow an account's money, hop by hop (in a workspace
    with accounts, through the transfers ``--actor`` may read, from an account key)."""
    if method not in METHODS:
        fail(f"--method {method!r} inconnue / unknown; choisir / choose: {', '.join(METHODS)}")
    with workspace(home) as ws, open_engine("duckdb", None) as engine:
        who, reader = acting_account(ws, actor, purpose)
        if "transactions" not in readable_workspace(ws, who, reader).events.register(engine):
            fail("aucun virement dans l'espace / no transactions in the workspace")
        with ws.db.begin() as conn:
            access = admit(conn, reader, Action.READ, Resource.all_entities(), who.purpose)
            require(access)
            numbers = held_accounts(conn, account, visible=access.statements())
            numbers += held_wallets(conn, account, visible=access.statements())
        numbers = numbers or address_numbers(account)
        seeds = account_keys(engine, numbers) if numbers else [account]
        if not seeds:
            fail(f"aucun compte connu pour / no known account for {account!r}")
        result = trace(engine, seeds, method, backward, Bounds(depth=depth, max_paths=max_paths))
    if not result.flows:
        fail(f"aucun virement {'vers' if backward else 'depuis'} / no transfer for {seeds!r}")
    if html is not None:
        html.write_text(render_html(result), encoding="utf-8")
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"Aboutissements / end points ({', '.join(result.seeds)})")
    table.add_column("compte / account")
    table.add_column("montant / amount", justify="right")
    for end, amount in result.end_totals().items():
        table.add_row(end, money(amount))
    console.print(table)
    console.print(f"Total tracé / traced: {money(result.total)} {' '.join(result.currencies)}")
    if result.truncated:
        console.print("[yellow]Tronqué / truncated: --max-paths atteint / reached[/]")


@finance_app.command("owners")
def owners_command(
    entity_id: Annotated[str, typer.Argument(help="Identifiant de l'entité / entity id.")],
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="Seuil en % (R.561-1 CMF, art. 3(6) AMLD) / threshold in %."
        ),
    ] = DEFAULT_THRESHOLD_PERCENT,
    jurisdictions: Annotated[
        Path | None,
        typer.Option(
            "--jurisdictions",
            help="Listes de juridictions (YAML) / jurisdiction lists (default: shipped, FATF).",
        ),
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bénéficiaires effectifs / beneficial owners, through chains of holdings, with the
    listed jurisdictions found on them."""
    with workspace(home) as ws:
        who, reader = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, reader, Action.READ, Resource.all_entities(), who.purpose)
            graph = load_graph(conn, entity_id, visible=access.statements()) if access else Graph()
        require(access)
        report = beneficial_owners(graph, entity_id, threshold)
    lists = load_lists(str(jurisdictions or ""))
    exposure = ownership_exposure(report, graph, list(lists.values()))
    if as_json:
        print_json(report_dict(report, exposure))
        return
    print_owners(report, exposure)


def print_owners(report: Report, exposure: list[OwnershipExposure]) -> None:
    """One entity's holders as a table, then what is not a share: control, declared
    unknown owners, circular holdings, listed jurisdictions on the chains, no data."""
    title = f"Détenteurs / owners of {report.subject} (seuil / threshold > {report.threshold} %)"
    table = Table(title=title)
    for column in ("détenteur / owner", "schéma", "part / share %", "statut / status"):
        table.add_column(column)
    for holding in report.holdings:
        share = holding.share
        shown = (
            f"{share.low:.2f}" if share.low == share.high else f"{share.low:.2f}–{share.high:.2f}"
        )
        status = STATUS_LABELS[holding.status]
        table.add_row(holding.party.name, holding.party.schema, shown, status)
    if report.holdings:
        console.print(table)
    for party, link in report.controllers:
        console.print(f"Contrôle sans parts / control without shares: {party.name} ({link.kind})")
    for entity, reason in report.declared_unknown:
        console.print(f"Bénéficiaire déclaré inconnu / declared unknown: {entity}: {reason}")
    for cycle in report.cycles:
        console.print(f"Détention circulaire / circular holding: {' → '.join(cycle)}")
    for found in exposure:
        console.print(
            f"Juridiction listée / listed jurisdiction: {found.party_name} ({found.country}: "
            f"{', '.join(found.lists)}) sur la chaîne / on the chain {' → '.join(found.chain)}"
        )
    if report.missing:
        console.print("Aucune donnée de détention / no ownership data on file.")


def report_dict(report: Report, exposure: list[OwnershipExposure]) -> dict[str, object]:
    return {
        "subject": report.subject,
        "threshold_percent": report.threshold,
        "beneficial_owners": [h.party.id for h in report.beneficial_owners],
        "holdings": [
            {
                "id": h.party.id,
                "name": h.party.name,
                "schema": h.party.schema,
                "share_low": round(h.share.low, 4),
                "share_high": round(h.share.high, 4),
                "status": h.status,
                "chains": [list(chain) for chain in h.chains],
            }
            for h in report.holdings
        ],
        "control_without_shares": [
            {"id": party.id, "name": party.name, "over": link.target, "relation": link.schema}
            for party, link in report.controllers
        ],
        "declared_unknown": [{"id": e, "reason": r} for e, r in report.declared_unknown],
        "cycles": [list(cycle) for cycle in report.cycles],
        "unresolved": list(report.unresolved),
        "unreadable_percentages": [{"id": i, "text": t} for i, t in report.unreadable],
        "missing": report.missing,
        "truncated": report.truncated,
        "listed_jurisdictions": [
            {
                "id": found.party_id,
                "name": found.party_name,
                "country": found.country,
                "lists": list(found.lists),
                "chain": list(found.chain),
            }
            for found in exposure
        ],
    }


@finance_app.command("import-bods")
def import_bods(
    path: Annotated[Path, typer.Argument(help="Fichier BODS v0.4 (JSON).", exists=True)],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Importer des déclarations BODS v0.4 / import BODS v0.4 ownership statements: the
    same as ``filet ingest FILE --format bods`` (a bad statement is quarantined)."""
    provenance = Provenance(dataset="bods", collecting_service="BODS v0.4").collected_now()
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            decision = may_write_dataset(conn, account, provenance.dataset, who.purpose)
        if not decision:
            fail(f"refusé / denied: {provenance.dataset}: {decision.reason}")
        try:
            report = ingest_file(ws, path, "bods", provenance=provenance, actor=who)
        except IngestError as error:
            fail(str(error))
    console.print(f"{path}: {report.summary()}", highlight=False)


@finance_app.command("export-bods")
def export_bods(
    out: Annotated[Path, typer.Argument(help="Fichier BODS v0.4 à écrire / file to write.")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Exporter personnes, entités et détentions en BODS v0.4 / export ownership as BODS;
    recorded in the audit log as a disclosure."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.EXPORT, Resource.all_entities(), who.purpose)
            statements = []
            if access:
                entities = [
                    entity
                    for schema in ("LegalEntity", "Ownership", "Control")
                    for entity in iter_entities(conn, schema, visible=access.statements())
                ]
                statements = to_statements(entities, datetime.now(UTC).date().isoformat())
                text = json.dumps(statements, ensure_ascii=False, indent=2)
                out.write_text(text, encoding="utf-8")
                disclosed = Disclosure(
                    actor=who,
                    action="finance.export-bods",
                    recipient=str(out),
                    records=len(statements),
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                )
                track_event(conn, disclosed)
    require(access)
    console.print(f"{len(statements)} déclarations écrites / statements written to {out}")


def register(app: typer.Typer) -> None:
    finance_app.command("learn")(learn)
    finance_app.command("score")(score_command)
    app.add_typer(finance_app, name="finance")
