"""``filet scan``: files in, alerts out, nothing kept."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Annotated

import orjson
import typer

from filet import settings
from filet.alerts.runner import run_detectors
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import acting_account, console, fail, workspace
from filet.engine import open_engine
from filet.ingest import ingest_file
from filet.security.audit import Actor, Disclosure, track_event
from filet.store import Workspace


def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Files to scan.", exists=True, dir_okay=False)
    ],
    formats: Annotated[
        list[str],
        typer.Option(
            "--format",
            help="Input format (see `filet ingest --help`): once for every file, or once per "
            "file in order (a watchlist and a PNR file: --format watchlist --format pnr).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Alerts as JSON Lines, one alert a line.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping for tabular formats.")
    ] = None,
    detector: Annotated[
        list[str] | None, typer.Option("--detector", help="Only these detectors (repeatable).")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark.")] = settings.get(
        "engine"
    ),
    spark_master: Annotated[str | None, typer.Option("--spark-master")] = None,
    audit_home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="FILET_HOME",
            help="Workspace whose audit log records this scan's output as a disclosure "
            "(default: none, nothing is kept).",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Analyser des fichiers d'un coup / ingest files into a throwaway workspace, run every
    applicable detector and write the alerts as JSON Lines. With ``--home``, the disclosure
    is recorded there as ``--actor``, an enabled account once that workspace has any."""
    who = Actor.local(actor, purpose)
    if audit_home is not None:
        with workspace(audit_home) as kept:
            who, _ = acting_account(kept, actor, purpose)
    with tempfile.TemporaryDirectory(prefix="filet-scan-") as folder:
        home = Path(folder)
        ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
        try:
            digests = []
            for path, format in zip(paths, _per_file(formats, len(paths)), strict=True):
                report = ingest_file(ws, path, format, mapping=mapping)
                digests.append(report.sha256)
                console.print(f"{path}: {report.summary()}", highlight=False)
            with open_engine(engine, spark_master) as running:
                found = run_detectors(ws, running, detector or None)
        except (KeyError, ValueError) as error:
            fail(str(error))
        finally:
            ws.close()
    digest = hashlib.sha256()
    with out.open("wb") as handle:
        for alert in found:
            line = orjson.dumps(alert.to_dict()) + b"\n"
            handle.write(line)
            digest.update(line)
    if audit_home is not None:
        disclosed = Disclosure(
            actor=who,
            action="scan",
            objects=tuple(digests),
            recipient=str(out),
            records=len(found),
            sha256=digest.hexdigest(),
        )
        with workspace(audit_home) as kept, kept.db.begin() as conn:
            track_event(conn, disclosed)
    console.print(f"{len(found)} alertes écrites dans / alerts written to {out}")


def _per_file(formats: list[str], files: int) -> list[str]:
    if len(formats) == 1:
        return formats * files
    if len(formats) != files:
        fail(f"--format: {len(formats)} formats pour / for {files} fichiers / files (1 or {files})")
    return formats


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
