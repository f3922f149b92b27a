"""``filet export``: entities out in standard formats."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    RecipientOption,
    acting_account,
    errors,
    require,
    workspace,
)
from filet.export.ftm import DEFAULT_EXPORT_HANDLING, entity_dicts, statement_dicts, write_jsonl
from filet.model.provenance import HandlingCode
from filet.security.audit import Disclosure, track_event
from filet.security.policy import Action, Resource
from filet.security.reads import admit


class ExportFormat(StrEnum):
    FTM = "ftm"
    STATEMENTS = "statements"


def export(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="ftm: FollowTheMoney entities (JSON Lines); statements: one line per value "
            "with its provenance and 4x4 grading.",
        ),
    ] = ExportFormat.FTM,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Only this schema and its descendants.")
    ] = None,
    handling_max: Annotated[
        HandlingCode,
        typer.Option(
            "--handling-max",
            help="Highest handling code exported. H2/H3 values need the provider's consent.",
        ),
    ] = DEFAULT_EXPORT_HANDLING,
    recipient: RecipientOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Exporter les entités / export entities (FollowTheMoney JSON Lines); the export is
    recorded in the audit log as a disclosure, with the digest of what was written. In a
    workspace with accounts, only what ``--actor`` may export leaves, within
    ``--handling-max``."""
    digest = hashlib.sha256()
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.EXPORT, Resource.all_entities(), who.purpose)
            count = 0
            if access:
                visible = access.statements()
                count = _write(conn, format, schema, handling_max, visible, out, digest.update)
                disclosed = Disclosure(
                    actor=who,
                    action=f"export.{format.value}",
                    recipient=recipient or (str(out) if out else "stdout"),
                    records=count,
                    sha256=digest.hexdigest(),
                    handling_max=handling_max.value,
                )
                track_event(conn, disclosed)
    require(access)
    errors.print(f"{count} enregistrements exportés / records exported")


def _write(
    conn: sa.Connection,
    format: ExportFormat,
    schema: str | None,
    handling_max: HandlingCode,
    visible: sa.ColumnElement[bool] | None,
    out: Path | None,
    on_line: Callable[[bytes], None],
) -> int:
    """Write the records ``visible`` lets through, within ``handling_max``; their count."""
    records = (
        entity_dicts(conn, schema, handling_max, visible)
        if format is ExportFormat.FTM
        else statement_dicts(conn, schema, handling_max, visible)
    )
    if out is None:
        count = write_jsonl(records, sys.stdout.buffer, on_line)
        sys.stdout.flush()
        return count
    with out.open("wb") as handle:
        return write_jsonl(records, handle, on_line)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
