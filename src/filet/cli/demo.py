"""``filet demo``: the whole flow on a seeded world, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from filet.alerts import Alert
from filet.cli.alerts import alerts_table
from filet.cli.common import console
from filet.demo.pipeline import run_demo

# Alerts of one detector shown in the terminal; all are kept in the workspace.
SHOWN_PER_DETECTOR = 25


def demo(
    home: Annotated[
        Path, typer.Option("--home", help="Folder for the demo workspace and its input files.")
    ] = Path("filet-demo"),
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same world.")] = 7,
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark.")] = "duckdb",
) -> None:
    """Démonstration / demo: generate a world, ingest it, run the detectors, show results."""
    with console.status("Génération, ingestion et analyse / generating, ingesting, analysing…"):
        result = run_demo(home, seed, engine)
    for report in result.ingested:
        console.print(f"{report.path.name}: {report.summary()}", highlight=False)
    table = Table(title="Entités / entities")
    table.add_column("schéma / schema")
    table.add_column("nombre / count", justify="right")
    for schema, count in result.entities_by_schema.items():
        table.add_row(schema, str(count))
    console.print(table)
    shown = _strongest(result.alerts)
    console.print(alerts_table(shown))
    if len(shown) < len(result.alerts):
        console.print(
            f"{len(shown)} alertes montrées sur {len(result.alerts)}, les {SHOWN_PER_DETECTOR} "
            f"plus fortes de chaque détecteur / {len(shown)} of {len(result.alerts)} alerts "
            f"shown, each detector's {SHOWN_PER_DETECTOR} strongest: filet alerts --home {home}",
            highlight=False,
        )
    for expected in result.expectations:
        mark = "[green]✓ retrouvé / found[/]" if expected.found else "[red]✗ manqué / missed[/]"
        console.print(f"{expected.label} — {mark}")
    console.print(
        f"\nEspace de travail / workspace: {home}\n"
        f"Essayez / try:  filet entity search 'ESPERANZA' --home {home}\n"
        f"                filet network path demo-fournisseur --home {home}\n"
        f"                filet alerts --format jsonl --home {home}\n"
        f"                filet export --format ftm --home {home}"
    )
    if not all(expected.found for expected in result.expectations):
        raise typer.Exit(1)


def _strongest(found: list[Alert]) -> list[Alert]:
    """At most ``SHOWN_PER_DETECTOR`` alerts of each detector, the highest scores, in
    the order found: the courier rules alone raise hundreds on the flights."""
    by_detector: dict[str, list[Alert]] = {}
    for alert in found:
        by_detector.setdefault(alert.detector_id, []).append(alert)
    kept = {
        id(alert)
        for alerts in by_detector.values()
        for alert in sorted(alerts, key=lambda a: -a.score)[:SHOWN_PER_DETECTOR]
    }
    return [alert for alert in found if id(alert) in kept]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
