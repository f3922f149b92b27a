"""``filet finance wealth`` and ``filet finance seized``: a person's patrimony against
what they declared, and the registry of seized assets."""

from __future__ import annotations

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
    workspace,
)
from filet.cli.finance import finance_app
from filet.engine import open_engine
from filet.finance.common import money
from filet.finance.seized import SeizedAsset, registry, totals
from filet.finance.unexplained_wealth import (
    UnexplainedWealthThresholds,
    YearStatement,
    statement,
)


def wealth_command(
    owner_id: Annotated[
        str, typer.Argument(help="Référence de la personne / the person's reference (owner_id).")
    ],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Richesse inexpliquée / unexplained wealth: each year's declared income against
    what the person bought and spent, with the detector's thresholds."""
    thresholds = UnexplainedWealthThresholds()
    with workspace(home) as ws, open_engine("duckdb", None) as engine:
        who, reader = acting_account(ws, actor, purpose)
        events = readable_workspace(ws, who, reader).events
        present = events.register(engine)
        if not {"declared_income", "assets"} <= set(present):
            fail("ni revenus ni patrimoine dans l'espace / no income and assets in the workspace")
        events.register_empty(engine, {"transactions"} - set(present))
        years = statement(engine, owner_id)
        seized = registry(engine, owner_id=owner_id) if "seizures" in present else []
    if not years:
        fail(f"aucun revenu déclaré pour / no declared income for {owner_id!r}")
    if as_json:
        print_json(
            {
                "owner_id": owner_id,
                "thresholds": {"min_gap": thresholds.min_gap, "min_ratio": thresholds.min_ratio},
                "years": [_year_dict(year, thresholds) for year in years],
                "seized": [_asset_dict(asset) for asset in seized],
            }
        )
        return
    for year in years:
        _print_year(year, thresholds)
    if seized:
        _print_registry(seized)


def _year_dict(year: YearStatement, thresholds: UnexplainedWealthThresholds) -> dict[str, object]:
    return {
        "year": year.year,
        "currency": year.currency,
        "income": year.income,
        "acquisitions": [
            {"what": what, "amount": amount, "source": source}
            for what, amount, source in year.acquisitions
        ],
        "spending": [{"payee": payee, "amount": round(total, 2)} for payee, total in year.spending],
        "used": round(year.used, 2),
        "gap": round(year.gap, 2),
        "flagged": year.flagged(thresholds),
    }


def _print_year(year: YearStatement, thresholds: UnexplainedWealthThresholds) -> None:
    table = Table(title=f"{year.year} — {year.currency or 'devise / currency ?'}")
    table.add_column("poste / item")
    table.add_column("montant / amount", justify="right")
    table.add_column("source")
    table.add_row("Revenu déclaré / declared income", money(year.income), "")
    for what, amount, source in year.acquisitions:
        table.add_row(f"Acquisition: {what}", money(amount), source)
    spent = sum(total for _, total in year.spending)
    table.add_row(f"Dépenses / spending ({len(year.spending)} bénéficiaires)", money(spent), "")
    table.add_row("[bold]Écart / gap[/]", f"[bold]{money(year.gap)}[/]", "")
    console.print(table)
    verdict = "au-delà des seuils / above thresholds" if year.flagged(thresholds) else "en deçà"
    console.print(
        f"Seuils / thresholds: écart ≥ {money(thresholds.min_gap)}, ratio ≥ "
        f"{thresholds.min_ratio:g} — {verdict}"
    )


def seized_command(
    case: Annotated[str | None, typer.Option("--case", help="Affaire / case reference.")] = None,
    owner_id: Annotated[
        str | None, typer.Option("--owner", help="Propriétaire / owner reference.")
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Avoirs gelés, saisis, confisqués, affectés / frozen, seized, confiscated and
    allocated assets, each with its decisions."""
    with workspace(home) as ws, open_engine("duckdb", None) as engine:
        who, reader = acting_account(ws, actor, purpose)
        if "seizures" not in readable_workspace(ws, who, reader).events.register(engine):
            fail("aucune saisie dans l'espace / no seizures in the workspace")
        assets = registry(engine, case, owner_id)
    if as_json:
        print_json(
            {
                "assets": [_asset_dict(asset) for asset in assets],
                "totals": [
                    {"status": status, "currency": currency, "value": round(value, 2)}
                    for (status, currency), value in sorted(totals(assets).items())
                ],
            }
        )
        return
    _print_registry(assets)


def _asset_dict(asset: SeizedAsset) -> dict[str, object]:
    return {
        "asset_id": asset.asset_id,
        "kind": asset.kind,
        "description": asset.description,
        "owner_id": asset.owner_id,
        "owner_name": asset.owner_name,
        "value": asset.value,
        "currency": asset.currency,
        "status": asset.status,
        "cases": list(asset.cases),
        "decisions": [
            {
                "status": d.status,
                "decided_on": d.decided_on.date().isoformat(),
                "authority": d.authority,
                "legal_basis": d.legal_basis,
                "case_reference": d.case_reference,
                "source": d.source,
            }
            for d in asset.decisions
        ],
    }


def _print_registry(assets: list[SeizedAsset]) -> None:
    table = Table(title="Avoirs saisis / seized assets")
    for column in ("bien / asset", "propriétaire / owner", "valeur / value", "état / status",
                   "décisions / decisions"):  # fmt: skip
        table.add_column(column)
    for asset in assets:
        history = " → ".join(
            f"{d.status} {d.decided_on.date().isoformat()} ({d.legal_basis or d.authority or ''})"
            for d in asset.decisions
        )
        value = f"{money(asset.value)} {asset.currency or ''}" if asset.value is not None else ""
        owner = asset.owner_name or asset.owner_id or ""
        table.add_row(
            f"{asset.description or asset.asset_id} [{asset.kind}]", owner, value, asset.status,
            history,
        )  # fmt: skip
    console.print(table)
    for (status, currency), total in sorted(totals(assets).items()):
        console.print(f"{status}: {money(total)} {currency}")


def register(app: typer.Typer) -> None:
    """Both commands go under ``filet finance``."""
    finance_app.command("wealth")(wealth_command)
    finance_app.command("seized")(seized_command)
