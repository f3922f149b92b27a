"""What every command shares: the workspace option, the console, errors and --json."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import sqlalchemy as sa
import typer
from rich.console import Console

from filet.engine import ENGINE_NAMES
from filet.security.audit import Actor
from filet.security.identity import Account
from filet.security.reads import Access, ActorRefused, readable_events, secured_actor
from filet.store import Workspace

console = Console()
errors = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="FILET_HOME",
        help="Workspace folder (default: ./filet-workspace).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help=f"{' or '.join(ENGINE_NAMES)} (default: setting engine)."),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option("--spark-master", help="Spark master URL (default: setting spark_master)."),
]
RecipientOption = Annotated[
    str | None,
    typer.Option(
        "--recipient",
        help="Destinataire / who receives the export (service, partner), recorded in the "
        "audit log (default: the output file).",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a clear error on stderr and leave with a non-zero exit code."""
    errors.print(f"[bold red]erreur / error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def workspace(home: Path | None) -> Iterator[Workspace]:
    opened = Workspace.open(home)
    try:
        yield opened
    finally:
        opened.close()


def acting_account(
    ws: Workspace, actor: str | None, purpose: str | None
) -> tuple[Actor, Account | None]:
    """Who acts (``--actor``, ``FILET_ACTOR``, else the setting or the OS user) and, in a
    secured workspace, the account that is; an unknown or disabled account ends the
    command, once its refusal is committed to the audit log."""
    who = Actor.local(actor, purpose)
    with ws.db.begin() as conn:
        try:
            return who, secured_actor(conn, who.name, who.purpose)
        except ActorRefused as error:
            refusal = str(error)
    fail(f"refusé / denied: {refusal}")


T = TypeVar("T")


def as_account(
    home: Path | None,
    actor: str | None,
    purpose: str | None,
    refused: type[Exception],
    needs: str,
    act: Callable[[Workspace, sa.Connection, Account, str], T],
) -> T:
    """Run ``act`` as the acting account in one transaction, in a workspace that must
    have accounts (``needs`` says why otherwise); a ``refused`` error ends the command
    once the transaction, and so the audit of the refusal, is committed."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        if account is None:
            fail(needs)
        refusal = ""
        with ws.db.begin() as conn:
            try:
                return act(ws, conn, account, who.purpose)
            except refused as error:
                refusal = str(error)
    fail(refusal)


def require(access: Access) -> None:
    """End the command when the policy refused; called once the decision is committed."""
    if not access:
        fail(f"refusé / denied: {access.decision.reason}")


def readable_workspace(ws: Workspace, who: Actor, account: Account | None) -> Workspace:
    """``ws`` whose event tables hold only the rows ``account`` may read: what detectors
    and graph commands run on."""
    with ws.db.begin() as conn:
        access, events = readable_events(conn, account, ws.events, who.purpose)
    require(access)
    return replace(ws, events=events)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")
