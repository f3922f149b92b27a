"""``filet scan``: files in, alerts out, nothing kept."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import orjson
import typer

from filet import settings
from filet.alerts.runner import run_detectors
from filet.cli.common import console, fail
from filet.engine import open_engine
from filet.ingest import ingest_file
from filet.store import Workspace


def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Files to scan.", exists=True, dir_okay=False)
    ],
    format: Annotated[
        str, typer.Option("--format", help="Input format (see `filet ingest --help`).")
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
) -> None:
    """Analyser des fichiers d'un coup / ingest files into a throwaway workspace, run every
    applicable detector and write the alerts as JSON Lines."""
    with tempfile.TemporaryDirectory(prefix="filet-scan-") as folder:
        home = Path(folder)
        ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
        try:
            for path in paths:
                report = ingest_file(ws, path, format, mapping=mapping)
                console.print(f"{path}: {report.summary()}", highlight=False)
            with open_engine(engine, spark_master) as running:
                found = run_detectors(ws, running, detector or None)
        except (KeyError, ValueError) as error:
            fail(str(error))
        finally:
            ws.close()
    with out.open("wb") as handle:
        for alert in found:
            handle.write(orjson.dumps(alert.to_dict()) + b"\n")
    console.print(f"{len(found)} alertes écrites dans / alerts written to {out}")


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
