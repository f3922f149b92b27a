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
from filet.cli.finance import print_owners, report_dict
from filet.engine import open_engine
from filet.finance.jurisdiction_exposure import (
    JurisdictionThresholds,
    OwnershipExposure,
    applied,
    ownership_exposure,
)
from filet.finance.ownership import (
    DEFAULT_THRESHOLD_PERCENT,
    Report,
    beneficial_owners,
    load_graph,
    owned_subjects,
)
from filet.ingest import ingest_file
from filet.security.audit import Actor, Disclosure, track_event
from filet.store import Workspace
from filet.targeting.inspection_selection import DETECTOR_ID as SELECTION
from filet.targeting.learned_selection import noted
from filet.targeting.passenger_selection import DETECTOR_ID as PASSENGER_SELECTION

# The learned selections --budget sets, and the event table each one selects from.
SELECTIONS = {SELECTION: "manifests", PASSENGER_SELECTION: "passengers"}


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
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Alerts as JSON Lines, one alert a line (default: counted)."),
    ] = None,
    owners: Annotated[
        Path | None,
        typer.Option(
            "--owners",
            help="Beneficial owners of every entity held in the files (BODS, FtM), as JSON "
            "Lines (default: printed as tables).",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", help="Beneficial ownership threshold in % (R.561-1 CMF)."),
    ] = DEFAULT_THRESHOLD_PERCENT,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping for tabular formats.")
    ] = None,
    detector: Annotated[
        list[str] | None, typer.Option("--detector", help="Only these detectors (repeatable).")
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget",
            help="Inspections the learned selection spends on the consignments (--format ens) "
            "or passengers (--format pnr) awaiting a decision: a count (25) or a share (5%); "
            "default: budget_share of targeting.inspection_selection or "
            "targeting.passenger_selection.",
        ),
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
            with open_engine(engine, spark_master) as running, noted() as notes:
                chosen = _selections(ws.events.tables_with_data(), detector)
                found = run_detectors(ws, running, detector or None, _budget(budget, chosen))
            lists = applied(JurisdictionThresholds())
            with ws.db.begin() as conn:
                reports = []
                for subject in owned_subjects(conn):
                    graph = load_graph(conn, subject)
                    held = beneficial_owners(graph, subject, threshold)
                    reports.append((held, ownership_exposure(held, graph, lists)))
        except (KeyError, ValueError) as error:
            fail(str(error))
        finally:
            ws.close()
    for note in notes:
        console.print(note, highlight=False)
    _report_owners(reports, owners)
    lines = [orjson.dumps(alert.to_dict()) + b"\n" for alert in found]
    digest = hashlib.sha256(b"".join(lines))
    if out is not None:
        out.write_bytes(b"".join(lines))
    if audit_home is not None:
        disclosed = Disclosure(
            actor=who,
            action="scan",
            objects=tuple(digests),
            recipient=str(out or "console"),
            records=len(found),
            sha256=digest.hexdigest(),
        )
        with workspace(audit_home) as kept, kept.db.begin() as conn:
            track_event(conn, disclosed)
    if out is None:
        console.print(f"{len(found)} alertes / alerts (--out FILE pour les écrire / to write them)")
    else:
        console.print(f"{len(found)} alertes écrites dans / alerts written to {out}")


def _report_owners(
    reports: list[tuple[Report, list[OwnershipExposure]]], path: Path | None
) -> None:
    """Beneficial owners with their effective percentages, as tables or JSON Lines."""
    if path is None:
        for report, exposure in reports:
            print_owners(report, exposure)
        return
    with path.open("wb") as handle:
        for report, exposure in reports:
            handle.write(orjson.dumps(report_dict(report, exposure)) + b"\n")
    console.print(
        f"{len(reports)} entités détenues / held entities: bénéficiaires écrits dans / "
        f"owners written to {path}"
    )


def _selections(present: set[str] | list[str], detectors: list[str] | None) -> list[str]:
    """The learned selections that run on these files (and detectors, if named)."""
    return [
        selection
        for selection, table in SELECTIONS.items()
        if table in present and (not detectors or selection in detectors)
    ]


def _budget(value: str | None, selections: list[str]) -> dict[str, dict[str, str]]:
    """``--budget 25`` or ``--budget 5%`` as the running selections' threshold overrides."""
    if value is None:
        return {}
    if not selections:
        fail(
            f"--budget : aucune sélection apprise ne tourne sur ces fichiers / no learned "
            f"selection runs on these files (--format ens or pnr; {', '.join(SELECTIONS)})"
        )
    text = value.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
            return {key: {"budget_share": str(share), "budget_count": "0"} for key in selections}
        if int(text) > 0:
            return {key: {"budget_count": text} for key in selections}
    except ValueError:
        pass
    fail(f"--budget {value!r} : attendu / expected a count (25) or a share (5%)")


def _per_file(formats: list[str], files: int) -> list[str]:
    if len(formats) == 1:
        return formats * files
    if len(formats) != files:
        fail(f"--format: {len(formats)} formats pour / for {files} fichiers / files (1 or {files})")
    return formats


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
