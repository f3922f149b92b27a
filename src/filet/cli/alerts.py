"""``filet alerts`` and ``filet triage``: read and triage the alert queue."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.table import Table

from filet.alerts import Alert, TriageStatus
from filet.alerts.store import list_alerts, matching_ids, set_status
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import HomeOption, acting_account, console, fail, require, workspace
from filet.security.audit import Alteration, Consultation, track_event
from filet.security.policy import Action, Resource
from filet.security.reads import admit


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
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Lister les alertes / list alerts, highest score first (in a workspace with
    accounts, those whose every source ``--actor`` may read)."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            access = admit(conn, account, Action.READ, Resource.alerts(), who.purpose)
            found = (
                list_alerts(conn, detector, status, min_score, limit, access.alerts())
                if access
                else []
            )
            consulted = Consultation(
                actor=who,
                action="alerts.list",
                objects=tuple(alert.id for alert in found),
                results=len(found),
            )
            track_event(conn, consulted)
    require(access)
    if format is AlertFormat.JSONL:
        for alert in found:
            sys.stdout.buffer.write(orjson.dumps(alert.to_dict()) + b"\n")
        sys.stdout.flush()
        return
    console.print(alerts_table(found))


SHORT_ID = 10  # characters of an alert id shown in tables; `filet triage` takes a prefix


def alerts_table(found: list[Alert]) -> Table:
    """Alerts for a terminal: the reason gets the room, the rest stays on one line."""
    table = Table(title=f"Alertes / alerts ({len(found)})", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("détecteur / detector", no_wrap=True)
    table.add_column("sujet / subject", no_wrap=True)
    table.add_column("début / start (UTC)", no_wrap=True)
    table.add_column("statut", no_wrap=True)
    table.add_column("motif / reason", ratio=1)
    for alert in found:
        table.add_row(
            alert.id[:SHORT_ID],
            f"{alert.score:.2f}",
            alert.detector_id,
            ", ".join(f"{subject.kind} {subject.value}" for subject in alert.subjects),
            alert.start.strftime("%Y-%m-%d %H:%M"),
            alert.status.value,
            alert.reason_fr,
        )
    return table


def triage(
    alert_id: Annotated[
        str, typer.Argument(help="Alert id as listed by `filet alerts`, or a unique prefix of it.")
    ],
    status: Annotated[TriageStatus, typer.Argument(help="new, dismissed or escalated.")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Trier une alerte / triage an alert: dismiss it or escalate it to a case (in a
    workspace with accounts, one whose every source ``--actor`` may write to)."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            # The prefix is resolved among the alerts the actor may triage, so an alert
            # outside them reads as absent; the decision then names the one alert.
            access = admit(conn, account, Action.WRITE, Resource.alerts(), who.purpose)
            matches = matching_ids(conn, alert_id, access.alerts()) if access else []
            if len(matches) == 1:
                access = admit(conn, account, Action.WRITE, Resource.alert(matches[0]), who.purpose)
            if len(matches) == 1 and access:
                set_status(conn, matches[0], status)
                triaged = Alteration(
                    actor=who,
                    action="alert.triage",
                    objects=(matches[0],),
                    change=f"status={status.value}",
                )
                track_event(conn, triaged)
    require(access)
    if len(matches) != 1:
        fail(
            f"{len(matches)} alertes commencent par / alerts start with {alert_id!r}"
            if matches
            else f"aucune alerte {alert_id!r} / no alert {alert_id!r}"
        )
    console.print(f"{matches[0]}: {status.value}")


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)
    app.command("triage")(triage)
