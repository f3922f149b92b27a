"""``filet alerts`` and ``filet triage``: read and triage the alert queue."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.table import Table

from filet.alerts import Alert, TriageStatus
from filet.alerts.store import list_alerts, set_status
from filet.cli.common import HomeOption, console, fail, workspace


class AlertFormat(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"


def alerts(
    detector: Annotated[
        str | None, typer.Option("--detector", help="Only this detector's alerts.")
    ] = None,
    status: Annotated[
        TriageStatus | None, typer.Option("--status", help="Only alerts with this status.")
    ] = None,
    min_score: Annotated[float, typer.Option("--min-score", min=0.0, max=1.0)] = 0.0,
    limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
    format: Annotated[
        AlertFormat,
        typer.Option("--format", help="table for people, jsonl for scripts (one alert a line)."),
    ] = AlertFormat.TABLE,
    home: HomeOption = None,
) -> None:
    """Lister les alertes / list alerts, highest score first."""
    with workspace(home) as ws, ws.db.connect() as conn:
        found = list_alerts(conn, detector, status, min_score, limit)
    if format is AlertFormat.JSONL:
        for alert in found:
            sys.stdout.buffer.write(orjson.dumps(alert.to_dict()) + b"\n")
        sys.stdout.flush()
        return
    console.print(alerts_table(found))


def alerts_table(found: list[Alert]) -> Table:
    table = Table(title=f"Alertes / alerts ({len(found)})")
    for column in (
        "id",
        "détecteur / detector",
        "score",
        "sujets / subjects",
        "début / start",
        "statut",
        "motif",
    ):
        table.add_column(column, overflow="fold")
    for alert in found:
        table.add_row(
            alert.id,
            alert.detector_id,
            f"{alert.score:.2f}",
            ", ".join(f"{subject.kind} {subject.value}" for subject in alert.subjects),
            alert.start.strftime("%Y-%m-%d %H:%M"),
            alert.status.value,
            alert.reason_fr,
        )
    return table


def triage(
    alert_id: Annotated[str, typer.Argument(help="Alert id, as listed by `filet alerts`.")],
    status: Annotated[TriageStatus, typer.Argument(help="new, dismissed or escalated.")],
    home: HomeOption = None,
) -> None:
    """Trier une alerte / triage an alert: dismiss it or escalate it to a case."""
    with workspace(home) as ws, ws.db.begin() as conn:
        if not set_status(conn, alert_id, status):
            fail(f"aucune alerte {alert_id!r} / no alert {alert_id!r}")
    console.print(f"{alert_id}: {status.value}")


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)
    app.command("triage")(triage)
