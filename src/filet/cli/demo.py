"""``filet demo``: the whole flow on a seeded world, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from filet.cli.alerts import alerts_table
from filet.cli.common import console
from filet.demo.pipeline import run_demo


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
    console.print(alerts_table(result.alerts))
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


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
