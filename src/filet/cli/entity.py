"""``filet entity``: find entities by name or identifier, show one with its provenance."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

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
    require,
    workspace,
)
from filet.network.mentions import SCHEMA as TEXT_SCHEMA
from filet.network.mentions import Mention, Mentioned, mentioned_by, mentions_of
from filet.search import search_entities
from filet.search.fields import SEARCH_KINDS
from filet.security.audit import Consultation, track_event
from filet.security.policy import Action, Resource, visible_statements_clause
from filet.security.reads import admit, show_entity
from filet.store.entities import StoredValue

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help=f"Chercher comme / search as: {', '.join(SEARCH_KINDS)} (défaut / default: deviné / guessed).",  # noqa: E501
        show_default=False,
    ),
]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=1000, help="Résultats / results.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    entity_app = typer.Typer(
        name="entity",
        help="Chercher et afficher des entités / search and show entities.",
        no_args_is_help=True,
    )
    entity_app.command("search")(search)
    entity_app.command("show")(show)
    app.add_typer(entity_app)


def search(
    query: Annotated[str, typer.Argument(help="Nom ou identifiant / name or identifier.")],
    kind: KindOption = None,
    limit: LimitOption = 20,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chercher par nom ou identifiant / search by name or identifier (IMO, MMSI, IBAN…)."""
    if kind is not None and kind not in SEARCH_KINDS:
        fail(f"--kind {kind!r} inconnu / unknown; choisir / choose: {', '.join(SEARCH_KINDS)}")
    with workspace(home) as opened:
        who, account = acting_account(opened, actor, purpose)
        with opened.db.begin() as conn:
            access = admit(conn, account, Action.READ, Resource.all_entities(), who.purpose)
            hits = (
                search_entities(conn, query, kind=kind, limit=limit, visible=access.statements())
                if access
                else []
            )
            consulted = Consultation(
                actor=who,
                action="entity.search",
                objects=tuple(dict.fromkeys(hit.entity_id for hit in hits)),
                results=len(hits),
                search_kind=kind or "",
            )
            track_event(conn, consulted)
    require(access)
    if as_json:
        print_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        console.print(f"Aucun résultat / no match for {query!r}.")
        return
    table = Table(title=f"{len(hits)} résultat(s) / match(es): {query}")
    for column in ("score", "id", "schema", "caption", "champ / field", "valeur / value"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}", hit.entity_id, hit.schema, hit.caption, hit.field, hit.value
        )
    console.print(table)


def show(
    entity_id: Annotated[str, typer.Argument(help="Identifiant de l'entité / entity id.")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Afficher une entité et la provenance de chaque valeur / show an entity, per-value provenance."""  # noqa: E501
    with workspace(home) as opened:
        who, account = acting_account(opened, actor, purpose)
        with opened.db.begin() as conn:
            entity, values = show_entity(conn, account, entity_id, who.purpose)
            texts: list[Mention] = []
            named: list[Mentioned] = []
            if entity is not None:  # admitted: read its texts with the same row filter
                visible = None
                if account is not None:
                    visible = visible_statements_clause(account, Action.READ, datetime.now(UTC))
                texts = mentions_of(conn, entity_id, visible)
                if entity.schema.name == TEXT_SCHEMA:
                    named = mentioned_by(conn, entity_id, visible)
            consulted = Consultation(
                actor=who,
                action="entity.show",
                objects=(entity_id,),
                results=0 if entity is None else 1,
            )
            track_event(conn, consulted)
    if entity is None:
        fail(f"entité introuvable / entity not found: {entity_id!r}")
    if as_json:
        print_json(
            {
                "id": entity.id,
                "schema": entity.schema.name,
                "caption": entity.caption,
                "values": [_value_dict(value) for value in values],
                "mentioned_in": [asdict(text) for text in texts],
                "mentions": [asdict(found) for found in named],
            }
        )
        return
    table = Table(title=f"{entity.schema.label} {entity.caption} ({entity.id})", show_lines=True)
    table.add_column("propriété\nproperty")
    table.add_column("valeur\nvalue")
    table.add_column("source (jeu, enregistrement,\ncollecte, service) / source", min_width=24)
    table.add_column("cotation\ngrading")
    table.add_column("diffusion\nhandling")
    for value in values:
        provenance = value.provenance
        collected = provenance.collected_at
        source = [
            provenance.dataset,
            provenance.source_record,
            f"{collected:%Y-%m-%d %H:%M} UTC" if collected else "",
            provenance.collecting_service,
        ]
        table.add_row(
            value.prop,
            value.value,
            "\n".join(part for part in source if part),
            provenance.grading,
            provenance.handling_code.value,
        )
    console.print(table)
    _print_mentions(texts, named)


def _print_mentions(texts: list[Mention], named: list[Mentioned]) -> None:
    """The identifiers a message names, and the messages that name an identifier."""
    if named:
        console.print("[bold]Mentionne / mentions[/bold]")
    for found in named:
        console.print(f"   {found.schema} {found.caption} ({found.entity_id})", highlight=False)
    if texts:
        console.print("[bold]Mentionné dans / mentioned in[/bold]")
    for text in texts:
        where = " · ".join(p for p in (text.record, text.case_ref) if p)
        console.print(f"   {text.title} ({text.text_id}; {where})", highlight=False)


def _value_dict(value: StoredValue) -> dict[str, Any]:
    provenance = value.provenance
    return {
        "prop": value.prop,
        "value": value.value,
        "original_value": value.original_value,
        "dataset": provenance.dataset,
        "source_record": provenance.source_record,
        "collected_at": provenance.collected_at.isoformat() if provenance.collected_at else None,
        "collecting_service": provenance.collecting_service,
        "grading": provenance.grading,
        "handling_code": provenance.handling_code.value,
    }
