"""``filet targeting profile PARTY``: one party's trust profile and its consignments
(filet.targeting.trust), the record the learned selection shows with each score."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
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
    readable_workspace,
    workspace,
)
from filet.security.audit import Consultation, track_event
from filet.store.events import EventStore
from filet.targeting.trust import (
    CARGO_PARTIES,
    TRAVEL_PARTIES,
    Party,
    Trust,
    history,
    outcomes,
    seizure_rate,
)

# The shrinkage of the learned score's profiles (filet.targeting.model.ModelConfig).
PROFILE_WEIGHT = 20.0
SHOWN = ("ts", "consignment_id", "port_loading", "hs6", "consignee_phone", "inspection")


def profile(
    party: Annotated[str, typer.Argument(help="Nom ou IMO, tel que déclaré / name or IMO.")],
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Derniers envois montrés / latest shown.")
    ] = 20,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Profil de confiance / a shipper's, consignee's, booking party's, carrier's (vessel
    IMO) or travel agency's record: consignments, inspections, seizures, smoothed hit
    rate, first seen, changes of phone, origin or goods, and its latest consignments."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        events = readable_workspace(ws, who, account).events
        found, latest = _cargo(events, party, limit)
        found += _travel(events, party)
        with ws.db.begin() as conn:
            shown = tuple(str(row["consignment_id"]) for row in latest)
            track_event(
                conn,
                Consultation(
                    actor=who, action="targeting.profile", objects=shown, results=len(found)
                ),
            )
    if not found:
        fail(f"{party} : jamais vu / never seen in manifests or passenger records")
    if as_json:
        print_json({"party": party, "profiles": [asdict(t) for t in found], "latest": latest})
        return
    console.print(_profiles(party, found))
    if latest:
        console.print(_latest(latest))


def _cargo(events: EventStore, party: str, limit: int) -> tuple[list[Trust], list[dict]]:
    if "manifests" not in events.tables_with_data():
        return [], []
    from filet.targeting.cargo_model import LABEL, flagged

    rows = flagged(events)
    found = history(rows, party, CARGO_PARTIES, LABEL, seizure_rate(rows, LABEL), PROFILE_WEIGHT)
    mine = _named(rows, party, CARGO_PARTIES)
    latest = mine.select(list(SHOWN)).slice(max(mine.num_rows - limit, 0)).to_pylist()
    return found, latest[::-1] if limit else []


def _travel(events: EventStore, party: str) -> list[Trust]:
    if "passengers" not in events.tables_with_data():
        return []
    rows = ds.dataset(events.parts("passengers"), format="parquet").to_table()
    # The agency acts when it books; a record without a booking time counts at departure.
    rows = rows.append_column("ts", pc.coalesce(rows["booking_ts"], rows["departure_ts"]))
    rows = rows.append_column("seized", outcomes(rows["inspection"]))
    prior = seizure_rate(rows, "seized")
    return history(rows, party, TRAVEL_PARTIES, "seized", prior, PROFILE_WEIGHT)


def _named(rows: pa.Table, party: str, parties: tuple[Party, ...]) -> pa.Table:
    """The rows naming ``party`` in any role, in time order."""
    mask = None
    for role in parties:
        hit = pc.fill_null(pc.equal(pc.cast(rows[role.column], pa.string()), party), False)
        mask = hit if mask is None else pc.or_(mask, hit)
    return rows.filter(mask)


def _profiles(party: str, found: list[Trust]) -> Table:
    table = Table(title=f"Profil de confiance / trust profile: {party}")
    for column in (
        "rôle / role", "envois / consignments", "contrôlés / inspected", "saisies / seizures",
        "taux lissé / smoothed rate", "depuis / since", "jours / days", "changements / changes",
    ):  # fmt: skip
        table.add_column(column)
    for trust in found:
        changes = ", ".join(f"{name} +{count}" for name, count in trust.changes.items())
        since = f"{trust.first_seen:%Y-%m-%d}" if trust.first_seen else "-"
        table.add_row(
            trust.role, str(trust.consignments), str(trust.inspected), str(trust.seized),
            f"{trust.hit_rate:.1%}", since, str(trust.age_days), changes or "-",
        )  # fmt: skip
    return table


def _latest(latest: list[dict[str, Any]]) -> Table:
    table = Table(title="Derniers envois / latest consignments")
    for column in SHOWN:
        table.add_column(column)
    for row in latest:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in SHOWN))
    return table
