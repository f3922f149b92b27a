"""``filet ingest``: files in, every record stored with its provenance or quarantined."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
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
from filet.ingest import FORMATS, IngestError, IngestReport, ingest_file
from filet.ingest.formats import Setup, resolve
from filet.ingest.pipeline import Progress as OnProgress
from filet.ingest.readers import given_fields
from filet.security.reads import may_write_dataset

FORMAT_HELP = "Format: " + ", ".join(f"{fmt.name} ({fmt.help})" for fmt in FORMATS.values())


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Fichiers / files to ingest.")],
    format: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)],
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", "-m", help="Mapping YAML (fichier ou nom intégré / built-in)."),
    ] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Jeu / dataset name.")] = None,
    service: Annotated[
        str | None, typer.Option("--service", help="Service collecteur / collecting service.")
    ] = None,
    grading: Annotated[
        str | None, typer.Option("--grading", help="Cotation 4x4 / 4x4 grading, e.g. B2.")
    ] = None,
    handling: Annotated[
        str | None, typer.Option("--handling", help="Code de traitement / handling code H0-H3.")
    ] = None,
    collected_at: Annotated[
        datetime | None,
        typer.Option("--collected-at", help="Date de collecte / collection date (ISO)."),
    ] = None,
    case_ref: Annotated[
        str | None,
        typer.Option("--case-ref", help="Procédure / case, where a record gives none."),
    ] = None,
    seizure_ref: Annotated[
        str | None,
        typer.Option("--seizure-ref", help="Scellé / seizure, where a record gives none."),
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Ingérer des fichiers / ingest files: store each record with its provenance, or
    quarantine it with the reason. A file already ingested (same content) is skipped; an
    interrupted ingest resumes after its last committed batch. In a workspace with
    accounts, ``--actor`` must be allowed to write to the dataset. ``--case-ref`` and
    ``--seizure-ref`` fill the case and seizure of the records that have none (exports
    and procès-verbaux do not say which scellé they are)."""
    missing = [path for path in paths if not path.is_file()]
    if missing:
        fail(f"{missing[0]}: fichier introuvable / file not found")
    refs = {"case_ref": case_ref, "seizure_ref": seizure_ref}
    try:
        setup = resolve(format, mapping)
        provenance = setup.provenance(dataset, service, grading, handling, collected_at)
        _check_refs(setup, refs)
    except IngestError as error:
        fail(str(error))
    reports: list[IngestReport] = []
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            decision = may_write_dataset(conn, account, provenance.dataset, who.purpose)
        if not decision:
            fail(f"refusé / denied: {provenance.dataset}: {decision.reason}")
        for path in paths:
            try:
                with _progress(path, enabled=not json_output) as on_progress, given_fields(**refs):
                    report = ingest_file(ws, path, format, mapping, provenance, on_progress, who)
            except IngestError as error:
                _show(reports, json_output)
                fail(str(error))
            reports.append(report)
    _show(reports, json_output)


def _check_refs(setup: Setup, refs: dict[str, str | None]) -> None:
    """Refuse a reference the format would not store rather than drop it silently."""
    read = setup.mapping.columns() if setup.mapping else {}
    for column, value in refs.items():
        if value and column not in read:
            option = "--" + column.replace("_", "-")
            raise IngestError(
                f"{option}: le format {setup.format.name} ne garde pas / does not keep {column}"
            )


def _show(reports: list[IngestReport], json_output: bool) -> None:
    if json_output:
        print_json([report.to_dict() for report in reports])
    elif reports:
        console.print(_table(reports))


@contextmanager
def _progress(path: Path, enabled: bool) -> Iterator[OnProgress | None]:
    """A progress bar in lines while a terminal watches; nothing when piped."""
    if not (enabled and console.is_terminal):
        yield None
        return
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, console=console) as bar:
        task = bar.add_task(path.name, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _table(reports: list[IngestReport]) -> Table:
    table = Table("fichier / file", "lus / read", "stockés / stored", "quarantaine / quarantined")
    for report in reports:
        if report.already_ingested:
            table.add_row(str(report.path), "déjà ingéré / already ingested", "", "")
            continue
        table.add_row(
            str(report.path),
            str(report.rows_read),
            str(report.rows_stored),
            str(report.rows_quarantined),
        )
    return table


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
