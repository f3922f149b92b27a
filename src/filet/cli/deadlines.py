"""``filet deadlines``: the deadlines of a case's special investigative techniques and
custody, from each technique's article of the code de procédure pénale.

Each command acts as ``--actor`` in a workspace with accounts: recording and renewing
need the right to write to the case, listing its membership; all are audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import sqlalchemy as sa
import typer
from rich.table import Table

from filet.cases.deadlines import (
    LEGAL_PERIODS,
    Deadline,
    DeadlineError,
    case_deadlines_of,
    record_authorization,
    renew,
)
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    as_account,
    console,
    print_json,
)
from filet.security.identity import Account

CaseArgument = Annotated[str, typer.Argument(help="Affaire (compartiment) / case.")]
T = TypeVar("T")


def _as_account(
    home: Path | None,
    actor: str | None,
    purpose: str | None,
    act: Callable[[sa.Connection, Account, str], T],
) -> T:
    return as_account(
        home,
        actor,
        purpose,
        DeadlineError,
        "les échéances exigent des comptes / deadlines need accounts",
        lambda _ws, conn, by, why: act(conn, by, why),
    )


def add_command(
    case: CaseArgument,
    technique: Annotated[
        str, typer.Option("--technique", help="Technique: " + ", ".join(LEGAL_PERIODS))
    ],
    target: Annotated[str, typer.Option("--target", help="Ligne, véhicule, lieu, personne.")],
    authorized_by: Annotated[
        str, typer.Option("--by", help="Magistrat qui autorise / authorizing magistrate.")
    ],
    authorized_at: Annotated[
        datetime, typer.Option("--at", help="Début de l'autorisation (ISO, UTC) / start.")
    ],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Inscrire une autorisation / record an authorization and its deadline."""
    start = authorized_at if authorized_at.tzinfo else authorized_at.replace(tzinfo=UTC)
    deadline_id = _as_account(
        home,
        actor,
        purpose,
        lambda conn, by, why: record_authorization(
            conn, by, case, technique, target, authorized_by, start, why
        ),
    )
    console.print(f"Échéance inscrite / deadline recorded: {deadline_id} ({case})")


def renew_command(
    deadline_id: Annotated[str, typer.Argument(help="Échéance / deadline id.")],
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Inscrire un renouvellement / record a renewal (refused past the legal limit)."""
    renewed = _as_account(
        home, actor, purpose, lambda conn, by, why: renew(conn, by, deadline_id, why)
    )
    console.print(
        f"Renouvelée / renewed: {renewed.id}, "
        f"fin / ends {renewed.schedule.ends_at:%Y-%m-%d %H:%M} UTC"
    )


def list_command(
    case: CaseArgument,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lister les échéances, la plus proche d'abord / list deadlines, soonest first."""
    now = datetime.now(UTC)
    found = _as_account(
        home, actor, purpose, lambda conn, by, why: case_deadlines_of(conn, by, case, now, why)
    )
    if json_output:
        print_json([_as_dict(deadline) for deadline in found])
        return
    table = Table(title=f"Échéances / deadlines {case} ({len(found)})")
    for column in (
        "id",
        "technique",
        "article",
        "target",
        "renewals",
        "ends (UTC)",
        "latest",
        "status",
    ):
        table.add_column(column)
    for deadline in found:
        row = _as_dict(deadline)
        table.add_row(
            *(
                str(row[key] or "—")
                for key in (
                    "id",
                    "technique",
                    "article",
                    "target",
                    "renewals",
                    "ends_at",
                    "latest_end",
                    "status",
                )
            )
        )
    console.print(table)


def _as_dict(deadline: Deadline) -> dict[str, object]:
    planned = deadline.schedule
    status = (
        "échue / expired"
        if planned.expired
        else ("renouvelable / renewable" if planned.renewable else "dernière période / last period")
    )
    latest = planned.latest_end
    return {
        "id": deadline.id,
        "case": deadline.case,
        "technique": deadline.period.key,
        "article": deadline.period.article,
        "target": deadline.target,
        "authorized_by": deadline.authorized_by,
        "authorized_at": deadline.authorized_at.isoformat(),
        "renewals": deadline.renewals,
        "ends_at": planned.ends_at.isoformat(timespec="minutes"),
        "latest_end": latest.isoformat(timespec="minutes") if latest else None,
        "status": status,
    }


def register(app: typer.Typer) -> None:
    deadlines_app = typer.Typer(
        name="deadlines",
        help="Échéances des techniques spéciales et des gardes à vue / deadlines of special "
        "investigative techniques and custody.",
        no_args_is_help=True,
    )
    deadlines_app.command("add")(add_command)
    deadlines_app.command("renew")(renew_command)
    deadlines_app.command("list")(list_command)
    app.add_typer(deadlines_app)
