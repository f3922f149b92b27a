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
from filet.targeting.evaluate import SHARES, Comparison, load, mean_of
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
    inspect the top n% of 2021 Q2: precision and recall beside the published baselines."""
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
    table = Table(title=f"KCS test 2021 T2 / Q2, moyenne de / mean of {seeds} graines / seeds")
    table.add_column("Modèle / model")
    for r in results:
        table.add_column(f"P@{r.share:.0%}", justify="right")
        table.add_column(f"R@{r.share:.0%}", justify="right")
    table.add_row(
        "Filet LightGBM + profils", *(f"{v:.3f}" for r in results for v in (r.precision, r.recall))
    )
    for name, (p5, p10) in BASELINES.items():
        table.add_row(name, "", "", "", "", f"{p5:.3f}", "", f"{p10:.3f}", "")
    console.print(table)


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
    top n% of the last quarter."""
    from filet.demo.cargo import generate
    from filet.targeting.cargo_model import CARGO_CONFIG, compare, flagged

    results = []
    worlds = track(range(seeds), description="Mondes / worlds", console=console, disable=as_json)
    for seed in worlds:
        world = generate(seed, days=days)
        rows = _ingested(world.write, "ens", flagged)
        results.append(compare(rows, world.smuggled, 1, replace(CARGO_CONFIG, seed=seed)))
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
    inspect the top n% of the passengers of the last quarter."""
    from filet.demo.flights import generate
    from filet.targeting.flight_model import FLIGHT_CONFIG, compare, flagged

    results = []
    worlds = track(range(seeds), description="Mondes / worlds", console=console, disable=as_json)
    for seed in worlds:
        world = generate(seed, days=days)
        rows = _ingested(world.write, "pnr", flagged)
        results.append(compare(rows, world.couriers, 1, replace(FLIGHT_CONFIG, seed=seed)))
    title = f"Vols générés / seeded flights, {days} jours / days, {seeds} graines / seeds"
    _print_rankings(results, {"seeds": seeds, "days": days}, title, as_json)


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
    """The three rankings averaged over worlds, as JSON or as a table."""
    rankings = {name: mean_of([getattr(r, name) for r in results]) for name in RANKINGS}
    if as_json:
        chosen = {name: [asdict(at) for at in row] for name, row in rankings.items()}
        print_json({**meta, "rankings": chosen})
        return
    table = Table(title=title)
    table.add_column("Classement / ranking")
    for share in SHARES:
        table.add_column(f"P@{share:.0%}", justify="right")
        table.add_column(f"R@{share:.0%}", justify="right")
    for name, row in rankings.items():
        table.add_row(
            RANKINGS[name], *(f"{v:.3f}" for at in row for v in (at.precision, at.recall))
        )
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
