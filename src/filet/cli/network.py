"""``filet network``: rank the numbers of the workspace's call records, simulate arrests."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import igraph as ig
import typer
from rich.table import Table

from filet.cli import network_paths
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    RecipientOption,
    acting_account,
    console,
    fail,
    print_json,
    readable_workspace,
    workspace,
)
from filet.engine import DUCKDB, Step, open_engine
from filet.network.brokerage import ROLE_LABELS_FR, Role, brokerage_roles
from filet.network.crosscase import cross_case_links
from filet.network.disruption import MEASURES, Strategy, simulate
from filet.network.edges import edge_steps, graph_from_rows
from filet.network.exports import GraphFormat, annotated_graph, ftm_calls, write_graph
from filet.network.ranking import rank as rank_graph
from filet.network.succession import Phase, Rise, SuccessionThresholds, phases, rises
from filet.network.succession import steps as phase_steps
from filet.security.audit import Disclosure, track_event

network_app = typer.Typer(help="Réseaux d'appels / call networks.", no_args_is_help=True)


def _graph(home: Path | None, actor: str | None, purpose: str | None) -> ig.Graph:
    return graph_from_rows(_edges(home, actor, purpose))


def _edges(home: Path | None, actor: str | None, purpose: str | None) -> list[dict[str, Any]]:
    """The workspace's calls as an edge list (SQL on DuckDB); in a workspace with
    accounts, the calls ``actor`` may read."""
    return _query(home, actor, purpose, edge_steps())


def _query(
    home: Path | None, actor: str | None, purpose: str | None, steps: list[Step]
) -> list[dict[str, Any]]:
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, account)
    with open_engine("duckdb", None) as engine:
        if "calls" not in readable.events.register(engine):
            fail(
                "aucun appel dans l'espace / no calls in the workspace (filet ingest --format cdr)"
            )
        rows: list[dict[str, Any]] = engine.run(steps)
    return rows


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


ROLE_COLUMNS = {
    Role.COORDINATOR: "Coord.",
    Role.ITINERANT: "Itin.",
    Role.GATEKEEPER: "Port./repr.",
    Role.LIAISON: "Liaison",
}


@network_app.command("roles")
def roles(
    top: Annotated[int, typer.Option(help="Lignes affichées / rows shown.")] = 20,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rôles de courtage / brokerage roles (Gould & Fernandez): who relays between the
    communities, most relays between groups first."""
    rows = _edges(home, actor, purpose)
    group = {person.name: person.community for person in rank_graph(graph_from_rows(rows))}
    found = brokerage_roles(((row["caller"], row["callee"]) for row in rows), group)
    shown = sorted(found.values(), key=lambda b: (-b.between_groups, -b.total, b.name))[:top]
    if json_output:
        print_json(
            [
                {
                    "name": b.name,
                    "community": group[b.name],
                    **{r.value: b.counts.get(r, 0) for r in Role},
                }
                for b in shown
            ]
        )
        return
    table = Table(
        "Numéro",
        "Comm.",
        *(ROLE_COLUMNS[role] for role in Role),
        caption=(
            "Relais a - v - c où a et c ne s'appellent pas / relays where a and c never call. "
            + "; ".join(f"{ROLE_COLUMNS[r]} = {ROLE_LABELS_FR[r]} / {r}" for r in Role)
        ),
    )
    for b in shown:
        counts = [str(b.counts.get(role, 0)) for role in Role]
        table.add_row(b.name, str(group[b.name]), *counts)
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


class ExportFormat(StrEnum):
    GEXF = "gexf"  # Gephi
    GRAPHML = "graphml"  # Gephi, yEd, Cytoscape
    CSV = "csv"  # edge list
    FTM = "ftm"  # FollowTheMoney Call entities, one a line


@network_app.command("export")
def export(
    form: Annotated[ExportFormat, typer.Option("--format", help="gexf, graphml, csv, ftm.")],
    out: Annotated[Path | None, typer.Option(help="Fichier / file (stdout by default).")] = None,
    recipient: RecipientOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Exporter le réseau (Gephi, tableur, FtM) / export the call network: numbers with
    their rank and community, pairs with their calls and first fadette line. Recorded in
    the audit log as a disclosure, with the digest of what was written."""
    if form is ExportFormat.FTM:
        calls = _query(home, actor, purpose, [Step(CALLS_IN_ORDER, "calls_in_order")])
        lines = [json.dumps(entity, ensure_ascii=False) + "\n" for entity in ftm_calls(calls)]
        text, records = "".join(lines), len(lines)
    else:
        graph = annotated_graph(_edges(home, actor, purpose))
        text, records = write_graph(graph, GraphFormat(form.value)), graph.ecount()
    with workspace(home) as ws:
        who, _ = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            disclosed = Disclosure(
                actor=who,
                action=f"network.export.{form.value}",
                recipient=recipient or (str(out) if out else "stdout"),
                records=records,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
            track_event(conn, disclosed)
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"[green]{out}[/green] ({form.value}, {records})")


CALLS_IN_ORDER = """
    SELECT caller, callee, start_ts, duration_s, source_file, source_line
    FROM calls ORDER BY start_ts, source_file, source_line
"""


network_app.command("path")(network_paths.path)


@network_app.command("phases")
def phases_command(
    days: Annotated[
        float, typer.Option(help="Durée d'une phase en jours / phase length in days.")
    ] = SuccessionThresholds().phase_days,
    top: Annotated[int, typer.Option(help="Numéros montrés par phase / numbers shown.")] = 5,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Phases dans le temps / temporal phases: the calls cut into periods, each ranked on
    its own, and who took over at the top (the succession after an arrest or a seizure)."""
    thresholds = SuccessionThresholds(phase_days=days)
    ranked = phases(_query(home, actor, purpose, phase_steps(thresholds, DUCKDB)), thresholds)
    taken = rises(ranked, thresholds.top_rank)
    if json_output:
        print_json(
            {
                "phases": [_phase_json(phase, top) for phase in ranked],
                "successions": [_rise_json(rise) for rise in taken],
            }
        )
        return
    table = Table("Phase", "Début / start", "Numéros / numbers", f"Top {top}")
    for phase in ranked:
        names = ", ".join(f"{person.rank}. {person.name}" for person in phase.ranked[:top])
        start, numbers = f"{phase.start:%Y-%m-%d}", str(len(phase.ranked))
        table.add_row(str(phase.index + 1), start, numbers, names)
    console.print(table)
    for rise in taken:
        before = rise.previous_rank or "absent"
        console.print(
            f"[bold]Relève / succession[/bold] phase {rise.phase.index + 1}: {rise.number} "
            f"{rise.rank}e (phase {rise.previous.index + 1}: {before}), "
            f"à la place de / instead of {rise.displaced}"
        )


def _phase_json(phase: Phase, top: int) -> dict[str, Any]:
    return {
        "phase": phase.index + 1,
        "start": phase.start.isoformat(),
        "end": phase.end.isoformat(),
        "numbers": len(phase.ranked),
        "top": [asdict(person) for person in phase.ranked[:top]],
    }


def _rise_json(rise: Rise) -> dict[str, Any]:
    return {
        "phase": rise.phase.index + 1,
        "number": rise.number,
        "rank": rise.rank,
        "previous_phase": rise.previous.index + 1,
        "previous_rank": rise.previous_rank,
        "displaced": rise.displaced,
    }


@network_app.command("cross-case")
def cross_case(
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Liens entre affaires / cross-case links: numbers, accounts, plates of your cases
    that other cases hold, with their source line where you may see them, and whom to
    call (a deconfliction notice) where you may not."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            links = cross_case_links(conn, who, account)
    if json_output:
        print_json([asdict(link) for link in links])
        return
    if not links:
        console.print("Aucun lien entre affaires / no identifier shared with another case.")
    for link in links:
        console.print(f"[bold]{link.kind} {link.value}[/bold]")
        for seen in link.seen:
            console.print(
                f"   {seen.case}: {seen.source_record} ({seen.dataset}, {seen.entity_id})"
            )
        if link.closed_cases:
            whom = ", ".join(f"{person} ({service})" for service, person in link.contacts)
            console.print(
                f"   + {link.closed_cases} affaire(s) fermée(s) / closed case(s): "
                f"avis de déconfliction / deconfliction notice, contact {whom or '-'}"
            )


def register(app: typer.Typer) -> None:
    app.add_typer(network_app, name="network")
