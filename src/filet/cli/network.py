"""``filet network``: rank the numbers of the workspace's call records, simulate arrests."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import igraph as ig
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
from filet.engine import open_engine
from filet.network.disruption import MEASURES, Strategy, simulate
from filet.network.edges import edge_steps, graph_from_rows
from filet.network.ranking import rank as rank_graph

network_app = typer.Typer(help="Réseaux d'appels / call networks.", no_args_is_help=True)


def _graph(home: Path | None, actor: str | None, purpose: str | None) -> ig.Graph:
    """The workspace's calls as an edge list (SQL on DuckDB), then as a graph; in a
    workspace with accounts, the calls ``actor`` may read."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, account)
    with open_engine("duckdb", None) as engine:
        if "calls" not in readable.events.register(engine):
            fail(
                "aucun appel dans l'espace / no calls in the workspace (filet ingest --format cdr)"
            )
        rows: list[dict[str, Any]] = engine.run(edge_steps())
    return graph_from_rows(rows)


@network_app.command("rank")
def rank(
    top: Annotated[int, typer.Option(help="Lignes affichées / rows shown.")] = 20,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Classer les numéros (acteurs clés) / rank numbers by key-player score."""
    ranked = rank_graph(_graph(home, actor, purpose))[:top]
    if json_output:
        print_json([asdict(person) for person in ranked])
        return
    table = Table(
        "Rang",
        "Numéro",
        "Score",
        "Interm.",
        "Contacts",
        "Portée 2",
        "Appels",
        "Comm.",
        caption="Interm. = intermédiarité / betweenness; portée 2 / reach in 2 steps",
    )
    for p in ranked:
        table.add_row(
            str(p.rank),
            p.name,
            f"{p.key_player:.3f}",
            f"{p.betweenness:.3f}",
            str(p.degree),
            str(p.reach),
            f"{p.calls:.0f}",
            str(p.community),
        )
    console.print(table)


@network_app.command("disrupt")
def disrupt(
    removals: Annotated[int, typer.Option(help="Arrestations simulées / removals.")] = 10,
    measure: Annotated[str, typer.Option(help=f"{', '.join(MEASURES)}")] = "betweenness",
    strategy: Annotated[Strategy, typer.Option(help="sequential | block")] = Strategy.SEQUENTIAL,
    block_size: Annotated[int, typer.Option(help="Taille d'un bloc / block size.")] = 5,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Simuler des arrestations / simulate removals (Cavallaro et al. 2020)."""
    try:
        steps = simulate(_graph(home, actor, purpose), removals, measure, strategy, block_size)
    except ValueError as error:
        fail(str(error))
    if json_output:
        print_json([asdict(step) for step in steps])
        return
    table = Table(
        "Retirés / removed",
        "Dernier retiré / last removed",
        "Plus grande composante / largest component",
        "Reste / left",
    )
    for step in steps:
        last = step.names[-1] if step.names else "-"
        table.add_row(
            str(step.removed), last, str(step.largest_component), f"{step.fraction_left:.3f}"
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(network_app, name="network")
