"""``filet export``: entities out in standard formats."""

from __future__ import annotations

import hashlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import HomeOption, errors, workspace
from filet.export.ftm import DEFAULT_EXPORT_HANDLING, entity_dicts, statement_dicts, write_jsonl
from filet.model.provenance import HandlingCode
from filet.security.audit import Actor, Disclosure, track_event


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
    recipient: Annotated[
        str | None,
        typer.Option(
            "--recipient",
            help="Destinataire / who receives the export (service, partner), recorded in the "
            "audit log (default: the output file).",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Exporter les entités / export entities (FollowTheMoney JSON Lines); the export is
    recorded in the audit log as a disclosure, with the digest of what was written."""
    digest = hashlib.sha256()
    with workspace(home) as ws, ws.db.begin() as conn:
        records = (
            entity_dicts(conn, schema, handling_max)
            if format is ExportFormat.FTM
            else statement_dicts(conn, schema, handling_max)
        )
        if out is None:
            count = write_jsonl(records, sys.stdout.buffer, digest.update)
            sys.stdout.flush()
        else:
            with out.open("wb") as handle:
                count = write_jsonl(records, handle, digest.update)
        disclosed = Disclosure(
            actor=Actor.local(actor, purpose),
            action=f"export.{format.value}",
            recipient=recipient or (str(out) if out else "stdout"),
            records=count,
            sha256=digest.hexdigest(),
            handling_max=handling_max.value,
        )
        track_event(conn, disclosed)
    errors.print(f"{count} enregistrements exportés / records exported")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
