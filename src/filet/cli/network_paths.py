"""``filet network path``: from a number, an account or a person, the chains of calls,
meetings and payments that reach the best-ranked people of the network."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

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
from filet.network.multigraph import SOURCES
from filet.network.paths import Chain, Link, UnknownNumber
from filet.network.to_top import NoSource, TopPaths, parse_via, read_contacts, top_paths
from filet.security.policy import Action, Resource
from filet.security.reads import admit

ALL_SOURCES = ",".join(SOURCES)


def path(
    identifier: Annotated[
        str,
        typer.Argument(
            help="Numéro, compte, nom ou id d'entité / number, account, name or entity id."
        ),
    ],
    via: Annotated[
        str, typer.Option(help=f"Sources : {ALL_SOURCES} (celles présentes / those held).")
    ] = ALL_SOURCES,
    top: Annotated[int, typer.Option(help="Têtes visées / top people aimed at.")] = 3,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Remonter jusqu'aux têtes du réseau / path to the top: from a number, an account or a
    person, the chains of calls, meetings and payments that reach the best-ranked people,
    each link with its kinds, counts and first record (file:line)."""
    try:
        sources = parse_via(via)
    except ValueError as error:
        fail(str(error))
    found = _top_paths(identifier, sources, top, home, actor, purpose)
    if json_output:
        print_json([asdict(chain) for chain in found.chains])  # each starts at the start
        return
    start = _named(found.start_label, found.start)
    console.print(f"Départ / start: {start}; via {', '.join(found.via)}", soft_wrap=True)
    if not found.chains:
        console.print("Aucune tête joignable / no top person reachable from here.")
    for chain in found.chains:
        _print_chain(chain)


def _top_paths(
    identifier: str,
    sources: tuple[str, ...],
    top: int,
    home: Path | None,
    actor: str | None,
    purpose: str | None,
) -> TopPaths:
    """The chains over the events and entities the acting account may read."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, account)
        with open_engine("duckdb", None) as engine:
            tables = set(readable.events.register(engine))
            try:
                read, contacts = read_contacts(engine, tables, sources)
            except NoSource as error:
                fail(str(error))
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.READ, Resource.all_entities(), who.purpose)
            # Without the right to read entities, identifiers stay as the events write them.
            visible = access.statements() if access else sa.false()
            try:
                return top_paths(conn, visible, contacts, identifier, read, top)
            except UnknownNumber as error:
                fail(str(error))


def _print_chain(chain: Chain) -> None:
    target = _named(chain.labels[-1] if chain.labels else chain.target, chain.target)
    console.print(
        f"[bold]→ {target}[/bold] rang / rank {chain.target_rank} "
        f"(score {chain.target_score:.3f}), {chain.hops} saut(s) / hop(s), "
        f"maillon le plus faible / weakest link {chain.weakest_link_calls} contact(s)",
        soft_wrap=True,
    )
    labels = dict(zip(chain.numbers, chain.labels or chain.numbers, strict=True))
    for link in chain.links:
        line = f"   {labels[link.a]} — {labels[link.b]}: {_ties(link)}"
        console.print(line, highlight=False, soft_wrap=True)


def _ties(link: Link) -> str:
    parts = []
    for tie in link.ties:
        when = f"1er / first {tie.first}, " if tie.first else ""
        paid = f", {tie.amount:,.2f}" if tie.amount is not None else ""
        parts.append(f"{tie.kind} ×{tie.count}{paid} ({when}{tie.source_file}:{tie.source_line})")
    return "; ".join(parts)


def _named(label: str, party: str) -> str:
    """A person's name with the entity id, or the identifier alone."""
    return label if label == party else f"{label} ({party})"
