"""``filet maritime``: a vessel's risk profile, from its IMO or MMSI."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    acting_account,
    console,
    fail,
    print_json,
    require,
    workspace,
)
from filet.maritime.profile import ALERT_GROUPS, Run, VesselProfile, vessel_profile
from filet.security.audit import Consultation, track_event
from filet.security.policy import Action, Resource
from filet.security.reads import admit, readable_events


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    maritime_app = typer.Typer(
        name="maritime",
        help="Navires et AIS / vessels and AIS.",
        no_args_is_help=True,
    )
    maritime_app.command("profile")(profile)
    app.add_typer(maritime_app)


def profile(
    vessel: Annotated[str, typer.Argument(help="IMO (7 chiffres / digits) ou / or MMSI (9).")],
    since: Annotated[
        datetime | None,
        typer.Option("--since", help="Alertes finissant après / alerts ending after (UTC)."),
    ] = None,
    per_group: Annotated[
        int, typer.Option("--per-group", min=1, help="Alertes par groupe / alerts per group.")
    ] = 20,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Profil de risque d'un navire / a vessel's risk profile: identities, flags, alerts."""
    moment = since if since is None or since.tzinfo else since.replace(tzinfo=UTC)
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            alerts_access = admit(conn, account, Action.READ, Resource.alerts(), who.purpose)
            entities_access = admit(
                conn, account, Action.READ, Resource.all_entities(), who.purpose
            )
            events_access, events = readable_events(conn, account, ws.events, who.purpose)
            try:
                found = vessel_profile(
                    conn,
                    events,
                    vessel,
                    moment,
                    per_group,
                    entities_access.statements(),
                    alerts_access.alerts(),
                )
            except ValueError as error:
                fail(str(error))
            if not alerts_access:
                found = replace(found, alerts={})
            consulted = Consultation(
                actor=who,
                action="maritime.profile",
                objects=found.objects(),
                results=len(found.objects()),
            )
            track_event(conn, consulted)
    require(events_access)
    require(entities_access)
    if as_json:
        print_json(found.to_dict())
        return
    if not found.found:
        console.print(f"Aucun résultat / no match for {vessel!r}.")
        return
    _print(found)


def _print(found: VesselProfile) -> None:
    console.print(
        f"[bold]Navire / vessel {found.query}[/]: IMO {', '.join(found.imos) or '—'}; "
        f"MMSI {', '.join(found.mmsis) or '—'}"
    )
    for entity, caption in found.entities:
        console.print(f"  entité / entity {entity} ({caption})")
    history = Table(title="Identités AIS / AIS identities", show_lines=True)
    for column in (
        "MMSI",
        "pavillon\nflag",
        "vu / seen",
        "noms / names",
        "indicatifs\ncall signs",
        "IMO",
    ):
        history.add_column(column)
    for transmitter in found.transmitters:
        history.add_row(
            transmitter.mmsi,
            transmitter.flag or "?",
            f"{transmitter.first_seen:%Y-%m-%d %H:%M}\n{transmitter.last_seen:%Y-%m-%d %H:%M}",
            _runs(transmitter.names),
            _runs(transmitter.call_signs),
            _runs(transmitter.imos),
        )
    console.print(history)
    for key, title, _ in ALERT_GROUPS:
        group = found.alerts.get(key, [])
        console.print(f"[bold]{title}[/]: {len(group)}")
        for alert in group:
            console.print(f"  {alert.end:%Y-%m-%d %H:%M} {alert.score:.2f} {alert.reason_fr}")


def _runs(runs: tuple[Run, ...]) -> str:
    return "\n".join(f"{run.value} ({run.first_seen:%m-%d %H:%M}, ×{run.reports})" for run in runs)
