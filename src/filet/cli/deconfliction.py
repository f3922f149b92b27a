"""``filet deconfliction`` and ``filet hit``: matches between cases, told to both owners
without the content; yes/no questions on keyed hashes of identifiers."""

from __future__ import annotations

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
    workspace,
)
from filet.model import identifiers
from filet.security import deconfliction, hitnohit
from filet.security.hitnohit import HitError
from filet.security.identity import Account
from filet.store import Workspace

KeyOption = Annotated[
    Path,
    typer.Option(
        "--key-file",
        help="Clé partagée entre services (32 octets au moins) / key shared by the services.",
    ),
]
KindArgument = Annotated[
    str, typer.Argument(help=f"Type d'identifiant / kind: {', '.join(identifiers.KINDS)}.")
]

deconfliction_app = typer.Typer(
    name="deconfliction",
    help="Déconfliction entre affaires / deconfliction between cases.",
    no_args_is_help=True,
)
hit_app = typer.Typer(
    name="hit",
    help="Hit/no-hit sur empreintes HMAC / hit/no-hit on keyed hashes.",
    no_args_is_help=True,
)


def _account(ws: Workspace, actor: str | None, purpose: str | None) -> Account:
    _, account = acting_account(ws, actor, purpose)
    if account is None:
        fail("espace sans comptes / workspace without accounts: nothing to deconflict")
    return account


@deconfliction_app.command("run")
def run_command(
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chercher les correspondances entre compartiments et prévenir les deux côtés / find
    matches between compartments (identifiers, entities, entity resolution) and notify
    both owners of the new ones."""
    from filet.network.resolution import cross_compartment_pairs

    with workspace(home) as ws:
        account = _account(ws, actor, purpose)
        with ws.db.begin() as conn:
            done = deconfliction.run(
                conn, account.actor(purpose or ""), resolved=cross_compartment_pairs(conn)
            )
    if as_json:
        print_json({"matches": done.matches, "notices_new": done.notices_new})
        return
    console.print(
        f"{done.matches} correspondance(s) / match(es), "
        f"{done.notices_new} nouvel(s) avis / new notice(s)."
    )


@deconfliction_app.command("notices")
def notices_command(
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Avis de mes compartiments / notices of the compartments I am a member of."""
    with workspace(home) as ws:
        account = _account(ws, actor, purpose)
        with ws.db.begin() as conn:
            found = deconfliction.notices_for(conn, account, purpose or "")
    if as_json:
        print_json([notice.to_dict() for notice in found])
        return
    if not found:
        console.print("Aucun avis / no notice.")
        return
    table = Table(title=f"Avis de déconfliction / deconfliction notices ({len(found)})")
    for column in ("compartiment", "mon entité / my entity", "par / by", "appeler / call"):
        table.add_column(column)
    for notice in found:
        call = f"{notice.other_contact} ({notice.other_service})"
        table.add_row(notice.compartment, notice.own_entity, notice.match_kind, call)
    console.print(table)


@hit_app.command("hash")
def hash_command(kind: KindArgument, value: str, key_file: KeyOption) -> None:
    """Empreinte HMAC-SHA256 d'un identifiant normalisé / keyed hash of an identifier."""
    if kind not in identifiers.KINDS:
        fail(f"type inconnu / unknown kind {kind!r}: {', '.join(identifiers.KINDS)}")
    try:
        console.print(hitnohit.keyed_hash(hitnohit.read_key(key_file), kind, value))
    except HitError as error:
        fail(str(error))


@hit_app.command("index")
def index_command(key_file: KeyOption, actor: ActorOption = None, home: HomeOption = None) -> None:
    """Reconstruire l'index des empreintes / rebuild the index of keyed hashes."""
    try:
        key = hitnohit.read_key(key_file)
    except HitError as error:
        fail(str(error))
    with workspace(home) as ws:
        _account(ws, actor, None)
        with ws.db.begin() as conn:
            size = hitnohit.build_index(conn, key)
    console.print(f"Index: {size} empreinte(s) / keyed hash(es).")


@hit_app.command("ask")
def ask_command(
    digest: Annotated[str, typer.Argument(help="Empreinte / keyed hash (`filet hit hash`).")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cet identifiant est-il connu ? / is this identifier known? Yes or no, and whom to
    call; the question is audited by its hash."""
    with workspace(home) as ws:
        account = _account(ws, actor, purpose)
        with ws.db.begin() as conn:
            try:
                answer = hitnohit.ask(conn, account, digest, purpose or "")
                refusal = ""
            except HitError as error:
                refusal = str(error)
        if refusal:
            fail(refusal)
    if as_json:
        print_json(answer.to_dict())
        return
    if not answer.hit:
        console.print("Inconnu / no hit.")
        return
    for contact in answer.contacts:
        console.print(f"Connu / hit: appeler / call {contact.contact} ({contact.service})")


def register(app: typer.Typer) -> None:
    app.add_typer(deconfliction_app)
    app.add_typer(hit_app)
