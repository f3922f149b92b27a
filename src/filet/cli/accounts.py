"""``filet accounts``: create, disable and list accounts; issue service tokens.

The command line runs on the server, as someone who already holds the workspace; it
acts as the account named by ``--actor`` (default: setting ``audit_actor``, else the
operating-system user) and the policy decides what that account may do. The very first
account of a workspace is an administrator, created without an actor.
"""

from __future__ import annotations

import sys
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.table import Table

from filet.cli.audit import ActorOption
from filet.cli.common import HomeOption, JsonOption, console, fail, print_json, workspace
from filet.security.accounts import (
    AccountError,
    bootstrap,
    create_account,
    create_token,
    disable_account,
    get_account,
    list_accounts,
)
from filet.security.audit import Actor
from filet.security.identity import Account, AccountKind, Clearance, Role, Service
from filet.security.passwords import WeakPasswordError, totp_uri
from filet.security.policy import Action

CLEARANCES = {level.name.lower().replace("_", "-"): level for level in Clearance}
ClearanceOption = Annotated[
    str,
    typer.Option(
        "--clearance",
        help=f"Habilitation / clearance: {', '.join(CLEARANCES)} (IGI 1300).",
    ),
]


def clearance(value: str) -> Clearance:
    if value not in CLEARANCES:
        fail(f"--clearance {value!r} inconnue / unknown; choisir / choose: {', '.join(CLEARANCES)}")
    return CLEARANCES[value]


def acting_account(conn: sa.Connection, actor: str | None) -> Account:
    """The account the command acts as; an unknown name is refused, never guessed."""
    name = Actor.local(actor).name
    account = get_account(conn, name)
    if account is None:
        fail(f"compte inconnu / no account named {name!r} (--actor)")
    return account


def create(
    name: Annotated[str, typer.Argument(help="Identifiant / login name.")],
    role: Annotated[Role, typer.Option("--role", help="Rôle / role.")],
    service: Annotated[Service, typer.Option("--service", help="Service.")],
    level: ClearanceOption = "non-protege",
    display_name: Annotated[str, typer.Option("--display-name", help="Nom / full name.")] = "",
    service_account: Annotated[
        bool, typer.Option("--service-account", help="Compte de service (jetons) / token-only.")
    ] = False,
    totp: Annotated[
        bool, typer.Option("--totp", help="Exiger un code TOTP / require TOTP.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lire le mot de passe sur stdin / from stdin.")
    ] = False,
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Créer un compte / create an account (the first one must be an administrator)."""
    kind = AccountKind.SERVICE if service_account else AccountKind.PERSON
    account = Account(name, role, service, clearance(level), kind, display_name, totp=totp)
    password = None if service_account else _password(password_stdin)
    with workspace(home) as ws, ws.db.begin() as conn:
        secret = None
        try:
            if not list_accounts(conn):
                _bootstrap(conn, account, password)
            else:
                secret = create_account(conn, acting_account(conn, actor), account, password)
        except (AccountError, WeakPasswordError) as error:
            fail(str(error))
    console.print(f"Compte créé / account created: {name} ({role.value}, {service.value})")
    if secret is not None:
        console.print(f"TOTP (à scanner une fois / scan once): {totp_uri(secret, name)}")


def _bootstrap(conn: sa.Connection, account: Account, password: str | None) -> None:
    if account.role is not Role.ADMINISTRATOR or password is None or account.totp:
        fail("premier compte: administrateur avec mot de passe / first account: an administrator")
    bootstrap(conn, account.name, password, account.service, Actor.local().name)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Mot de passe / password", hide_input=True, confirmation_prompt=True))


def disable(
    name: Annotated[str, typer.Argument(help="Compte / account.")],
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Désactiver un compte / disable an account: no login, token or access any more."""
    with workspace(home) as ws, ws.db.begin() as conn:
        try:
            disable_account(conn, acting_account(conn, actor), name)
        except AccountError as error:
            fail(str(error))
    console.print(f"Compte désactivé / account disabled: {name}")


def token(
    name: Annotated[str, typer.Argument(help="Compte de service / service account.")],
    scopes: Annotated[
        list[Action], typer.Option("--scope", help="Action permise / allowed action (repeat).")
    ],
    actor: ActorOption = None,
    home: HomeOption = None,
) -> None:
    """Émettre un jeton d'API / issue an API token (shown once, stored hashed)."""
    with workspace(home) as ws, ws.db.begin() as conn:
        try:
            issued = create_token(conn, acting_account(conn, actor), name, frozenset(scopes))
        except AccountError as error:
            fail(str(error))
    sys.stdout.write(issued + "\n")


def list_command(home: HomeOption = None, json_output: JsonOption = False) -> None:
    """Lister les comptes / list accounts."""
    with workspace(home) as ws, ws.db.connect() as conn:
        found = list_accounts(conn)
    rows = [
        {
            "name": a.name,
            "display_name": a.display_name,
            "kind": a.kind.value,
            "role": a.role.value,
            "service": a.service.value,
            "clearance": a.clearance.name.lower().replace("_", "-"),
            "totp": a.totp,
            "disabled": a.disabled,
        }
        for a in found
    ]
    if json_output:
        print_json(rows)
        return
    table = Table(title=f"Comptes / accounts ({len(rows)})")
    for column in rows[0] if rows else ("name",):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


def register(app: typer.Typer) -> None:
    accounts_app = typer.Typer(
        name="accounts", help="Comptes et jetons / accounts and tokens.", no_args_is_help=True
    )
    accounts_app.command("create")(create)
    accounts_app.command("disable")(disable)
    accounts_app.command("token")(token)
    accounts_app.command("list")(list_command)
    app.add_typer(accounts_app)
