"""``filet targeting``: learned risk scores for customs declarations, evaluated by date."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.progress import track
from rich.table import Table

from filet import settings
from filet.cli import inspections, trust
from filet.cli.common import JsonOption, console, fail, print_json
from filet.ingest import ingest_file
from filet.store import Workspace
from filet.store.events import EventStore
from filet.targeting.evaluate import COCAINE_EUR_PER_KG, SHARES, AtShare, Comparison, load, mean_of
from filet.targeting.evaluate import evaluate as run_evaluation
from filet.targeting.model import ModelConfig

targeting_app = typer.Typer(help="Ciblage douanier / customs targeting.", no_args_is_help=True)

# Published KCS test precision @5% / @10% (shared data README; arXiv 2208.02484, mean of
# 5 runs) and the goal of the targeting issue.
BASELINES: dict[str, tuple[float, float]] = {
    "LightGBM (publié / published)": (0.762, 0.641),
    "XGBoost (publié / published)": (0.675, 0.579),
    "Aléatoire / random": (0.216, 0.216),
    "Objectif / goal": (0.85, 0.72),
}


def evaluate(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Folder holding df_syn_{train,valid,test}_eng.csv."),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Seeds averaged.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Évaluer le score sur KCS / train on 2020 (+2021 Q1 for early stopping and history),
    inspect the top n% of 2021 Q2: precision, recall and revenue (the declared duty of the
    frauds caught, a stand-in for DATE's raised tax) beside the published baselines."""
    folder = data or settings.shared_data() / "customs" / "kcs-synthetic"
    with tempfile.TemporaryDirectory(prefix="filet-targeting-") as scratch:
        home = Path(scratch)
        ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
        try:
            for split in ("train", "valid", "test"):
                path = folder / f"df_syn_{split}_eng.csv"
                if not path.is_file():
                    fail(f"{path}: fichier introuvable / file not found")
                ingest_file(ws, path, "kcs")
            rows = load(ws.events.folder("declarations"))
        finally:
            ws.close()
    results = run_evaluation(rows, seeds, ModelConfig())
    if as_json:
        print_json(
            {"seeds": seeds, "results": [asdict(r) for r in results], "baselines": BASELINES}
        )
        return
    title = f"KCS test 2021 T2 / Q2, moyenne de / mean of {seeds} graines / seeds"
    table = _shares_table(title, "Modèle / model", ("P", "R"))
    table.add_row("Filet LightGBM + profils", *_cells(results, ("P", "R")))
    for name, (p5, p10) in BASELINES.items():
        published = {0.05: p5, 0.10: p10}
        cells = [f"{published[s]:.3f}" if s in published else "" for s in SHARES]
        table.add_row(name, *(cell for c in cells for cell in (c, "")))
    console.print(table)
    revenue = _shares_table(
        "Rev@n% : part des droits déclarés sur les fraudes (valeur x taux) / share of the duty "
        "declared on the frauds (Item Price x Tax Rate), à défaut de la taxe redressée de DATE "
        "/ KCS has no raised tax",
        "Modèle / model",
        ("Rev",),
    )
    revenue.add_row("Filet LightGBM + profils", *_cells(results, ("Rev",)))
    console.print(revenue)


def _shares_table(title: str, first: str, metrics: tuple[str, ...]) -> Table:
    """``metrics`` (P, R, Rev) at each share inspected, one row per ranking."""
    table = Table(title=title)
    table.add_column(first)
    for share in SHARES:
        for metric in metrics:
            table.add_column(f"{metric}@{share:.0%}", justify="right")
    return table


def _cells(row: list[AtShare], metrics: tuple[str, ...]) -> list[str]:
    values = {
        "P": lambda at: at.precision,
        "R": lambda at: at.recall,
        "Rev": lambda at: at.revenue,
    }
    cells = []
    for at in row:
        for metric in metrics:
            value = values[metric](at)
            cells.append("-" if value is None else f"{value:.3f}")
    return cells


RANKINGS = {
    "rules_and_model": "Règles + modèle / rules + model",
    "rules": "Règles seules / rules alone",
    "random": "Aléatoire / random",
}


def cargo(
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Worlds (seeds) averaged.")] = 5,
    days: Annotated[int, typer.Option("--days", min=60, help="Days of declarations.")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Règles et score appris sur un port généré / the cargo rules alone, the rules and the
    learned score together, and random picks, on seeded port worlds whose whole truth is
    known: train on the first 60 % of days (15 % more for early stopping), inspect the
    top n% of the last quarter; revenue is the cocaine found at the wholesale price."""
    from filet.demo.cargo import generate
    from filet.targeting.cargo_model import CARGO_CONFIG, compare, flagged

    results = []
    worlds = track(range(seeds), description="Mondes / worlds", console=console, disable=as_json)
    for seed in worlds:
        world = generate(seed, days=days)
        rows = _ingested(world.write, "ens", flagged)
        config = replace(CARGO_CONFIG, seed=seed)
        results.append(compare(rows, world.smuggled, 1, config, _valued(world.kilos)))
    title = f"Port généré / seeded port, {days} jours / days, {seeds} graines / seeds"
    _print_rankings(results, {"seeds": seeds, "days": days}, title, as_json)


def flights(
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Worlds (seeds) averaged.")] = 5,
    days: Annotated[int, typer.Option("--days", min=60, help="Days of flights.")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Règles et score appris sur des vols générés / the courier rules alone, the rules and
    the learned score together, and random picks, on seeded flight worlds whose couriers
    are all known: train on the first 60 % of days (15 % more for early stopping),
    inspect the top n% of the passengers of the last quarter; revenue is the cocaine the
    couriers found carry, at the wholesale price."""
    from filet.demo.flights import generate
    from filet.targeting.flight_model import FLIGHT_CONFIG, compare, flagged

    results = []
    worlds = track(range(seeds), description="Mondes / worlds", console=console, disable=as_json)
    for seed in worlds:
        world = generate(seed, days=days)
        rows = _ingested(world.write, "pnr", flagged)
        config = replace(FLIGHT_CONFIG, seed=seed)
        results.append(compare(rows, world.couriers, 1, config, _valued(world.kilos)))
    title = f"Vols générés / seeded flights, {days} jours / days, {seeds} graines / seeds"
    _print_rankings(results, {"seeds": seeds, "days": days}, title, as_json)


def _valued(kilos: dict[str, float]) -> dict[str, float]:
    """Each smuggling item's value at stake, in euros (kilograms at the wholesale price)."""
    return {item: kg * COCAINE_EUR_PER_KG for item, kg in kilos.items()}


def _ingested(
    write: Callable[[Path], Path], fmt: str, flag: Callable[[EventStore], pa.Table]
) -> pa.Table:
    """A generated world's file ingested into a throwaway workspace, flagged by its rules."""
    with tempfile.TemporaryDirectory(prefix="filet-world-") as scratch:
        home = Path(scratch)
        ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
        try:
            ingest_file(ws, write(home / f"{fmt}.csv"), fmt)
            return flag(ws.events)
        finally:
            ws.close()


def _print_rankings(
    results: list[Comparison], meta: dict[str, int], title: str, as_json: bool
) -> None:
    """The three rankings averaged over worlds, as JSON or as a table, with the value at
    stake in the test quarters (kilograms at the wholesale price)."""
    rankings = {name: mean_of([getattr(r, name) for r in results]) for name in RANKINGS}
    stake = sum(r.test_value or 0.0 for r in results) / len(results)
    if as_json:
        chosen = {name: [asdict(at) for at in row] for name, row in rankings.items()}
        value = {"price_eur_per_kg": COCAINE_EUR_PER_KG, "test_value_eur": stake}
        print_json({**meta, **value, "rankings": chosen})
        return
    for metrics, heading in (
        (("P", "R"), title),
        (
            ("Rev",),
            f"Rev@n% : part de la valeur en jeu trouvée / share of the value at stake found "
            f"({stake / 1e6:,.1f} M€ par trimestre de test / a test quarter, "
            f"{COCAINE_EUR_PER_KG:,.0f} €/kg, prix de gros / wholesale, OFAST 2023)",
        ),
    ):
        table = _shares_table(heading, "Classement / ranking", metrics)
        for name, row in rankings.items():
            table.add_row(RANKINGS[name], *_cells(row, metrics))
        console.print(table)


def register(app: typer.Typer) -> None:
    targeting_app.command("evaluate")(evaluate)
    targeting_app.command("cargo")(cargo)
    targeting_app.command("flights")(flights)
    targeting_app.command("commit")(inspections.commit)
    targeting_app.command("select")(inspections.select)
    targeting_app.command("drift")(inspections.drift_command)
    targeting_app.command("profile")(trust.profile)
    app.add_typer(targeting_app, name="targeting")
