"""A vessel's risk profile: who it is, who it has been, and what the detectors saw.

An analyst asked about a ship (an IMO or an MMSI) needs the hull and every transmitter it
used. The IMO number stays with the hull (SOLAS XI-1/3) while the MMSI changes with the
flag, so the profile gathers the MMSIs that reported the IMO in AIS static data (messages
5 and 24, ``ais_static``), and for each its flag (the MID, ITU-R M.585) and the runs of
names, call signs and IMO numbers it reported. Alerts are keyed by MMSI or IMO (gfwr #205
asks for vessel identity on events; the ``pipe-gaps`` README warns that one MMSI can mix
vessels): the profile lists those of any of the vessel's identifiers, grouped by what the
detector looks for, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import sqlalchemy as sa

from filet.alerts import Alert
from filet.alerts.store import list_alerts
from filet.model.identifiers import imo as imo_ids
from filet.model.identifiers import mmsi as mmsi_ids
from filet.search import search_entities
from filet.store.events import EventStore

# (key, French and English title, detectors), in the order a profile shows them.
ALERT_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("gaps", "Silences AIS / AIS gaps", ("maritime.ais_gap", "maritime.ais_disabling")),
    ("encounters", "Rencontres en mer / encounters", ("maritime.encounter",)),
    (
        "risky_port_calls",
        "Escales dans un port à risque / high-risk port calls",
        ("maritime.high_risk_port_call",),
    ),
    (
        "identity_changes",
        "Changements d'identité / identity changes",
        ("maritime.identity_change",),
    ),
    ("spoofing", "MMSI douteux / spoofed or shared MMSI", ("maritime.spoofing",)),
)
_STATIC_COLUMNS = ["mmsi", "ts", "imo", "name", "call_sign"]


@dataclass(frozen=True)
class Run:
    """One value reported in consecutive static reports of one MMSI."""

    value: str
    first_seen: datetime
    last_seen: datetime
    reports: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "reports": self.reports,
        }


@dataclass(frozen=True)
class Transmitter:
    """One MMSI of the vessel, its flag and what it said the vessel was, in time order."""

    mmsi: str
    flag: str | None
    first_seen: datetime
    last_seen: datetime
    names: tuple[Run, ...]
    call_signs: tuple[Run, ...]
    imos: tuple[Run, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mmsi": self.mmsi,
            "flag": self.flag,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "names": [run.to_dict() for run in self.names],
            "call_signs": [run.to_dict() for run in self.call_signs],
            "imos": [run.to_dict() for run in self.imos],
        }


@dataclass(frozen=True)
class VesselProfile:
    query: str
    imos: tuple[str, ...]
    mmsis: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]  # (entity id, caption) of Vessel entities
    transmitters: tuple[Transmitter, ...]
    alerts: dict[str, list[Alert]] = field(default_factory=dict)  # by ALERT_GROUPS key

    @property
    def found(self) -> bool:
        return bool(self.entities or self.transmitters or any(self.alerts.values()))

    def objects(self) -> tuple[str, ...]:
        """What the profile shows, for the audit log: entity ids, then alert ids."""
        alert_ids = [alert.id for group in self.alerts.values() for alert in group]
        return tuple(dict.fromkeys([entity for entity, _ in self.entities] + alert_ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "imos": list(self.imos),
            "mmsis": list(self.mmsis),
            "entities": [{"id": entity, "caption": caption} for entity, caption in self.entities],
            "transmitters": [transmitter.to_dict() for transmitter in self.transmitters],
            "alerts": {
                key: [alert.to_dict() for alert in self.alerts.get(key, [])]
                for key, _, _ in ALERT_GROUPS
            },
        }


def parse_vessel_id(text: str) -> tuple[str, str]:
    """``("imo", seven digits)`` or ``("mmsi", nine digits)``; ValueError otherwise."""
    if imo_ids.looks_like(text):
        return "imo", imo_ids.normalize(text)
    try:
        return "mmsi", mmsi_ids.normalize(text)
    except ValueError:
        raise ValueError(
            f"{text!r}: ni IMO (7 chiffres, clé juste) ni MMSI (9 chiffres) / "
            "neither an IMO (7 digits, right check digit) nor an MMSI (9 digits)"
        ) from None


def vessel_profile(
    conn: sa.Connection,
    events: EventStore,
    query: str,
    since: datetime | None = None,
    per_group: int = 20,
    entities_visible: sa.ColumnElement[bool] | None = None,
    alerts_visible: sa.ColumnElement[bool] | None = None,
) -> VesselProfile:
    """The profile of the vessel ``query`` names (IMO or MMSI; ValueError if neither).

    ``events`` are the event tables the reader may read; ``*_visible`` the access
    policy's row filters. Alerts end at or after ``since`` when given, at most
    ``per_group`` per group, newest first.
    """
    kind, number = parse_vessel_id(query)
    reports = _static_reports(events, kind, number)
    imos = sorted(
        {row["imo"] for row in reports if row["imo"]} | ({number} if kind == "imo" else set())
    )
    mmsis = sorted({row["mmsi"] for row in reports} | ({number} if kind == "mmsi" else set()))
    transmitters = tuple(
        _transmitter(mmsi, list(rows))
        for mmsi, rows in groupby(sorted(reports, key=_by_mmsi_and_time), key=lambda r: r["mmsi"])
    )
    return VesselProfile(
        query=query,
        imos=tuple(imos),
        mmsis=tuple(mmsis),
        entities=_vessel_entities(conn, imos, mmsis, entities_visible),
        transmitters=transmitters,
        alerts=_alerts(conn, set(imos), set(mmsis), since, per_group, alerts_visible),
    )


def _static_reports(events: EventStore, kind: str, number: str) -> list[dict[str, Any]]:
    """Static reports of the MMSIs tied to the vessel: its own MMSI or those that
    reported its IMO, and then every IMO those MMSIs reported, one step further."""
    parts = events.parts("ais_static")
    if not parts:
        return []
    table = ds.dataset(parts, format="parquet")
    column = "imo" if kind == "imo" else "mmsi"
    first = table.to_table(columns=_STATIC_COLUMNS, filter=ds.field(column) == number)
    mmsis = set(first.column("mmsi").to_pylist()) | ({number} if kind == "mmsi" else set())
    imos = {value for value in first.column("imo").to_pylist() if value}
    imos |= {number} if kind == "imo" else set()
    wanted = _among("mmsi", mmsis) | _among("imo", imos)
    linked = table.to_table(columns=_STATIC_COLUMNS, filter=wanted)
    mmsis |= set(linked.column("mmsi").to_pylist())
    rows: list[dict[str, Any]] = table.to_table(
        columns=_STATIC_COLUMNS, filter=_among("mmsi", mmsis)
    ).to_pylist()
    return rows


def _among(column: str, values: set[str]) -> ds.Expression:
    return ds.field(column).isin(pa.array(sorted(values), type=pa.string()))


def _by_mmsi_and_time(row: dict[str, Any]) -> tuple[str, datetime]:
    return row["mmsi"], row["ts"]


def _transmitter(mmsi: str, rows: list[dict[str, Any]]) -> Transmitter:
    """``rows`` are one MMSI's reports in time order."""
    return Transmitter(
        mmsi=mmsi,
        flag=_flag(mmsi),
        first_seen=rows[0]["ts"],
        last_seen=rows[-1]["ts"],
        names=_runs(rows, "name"),
        call_signs=_runs(rows, "call_sign"),
        imos=_runs(rows, "imo"),
    )


def _runs(rows: list[dict[str, Any]], column: str) -> tuple[Run, ...]:
    """Consecutive reports of one value, compared as ``maritime.identity_change`` does
    (trimmed, upper case); reports without a value are skipped."""
    values = [(str(row[column]).strip().upper(), row["ts"]) for row in rows if row[column]]
    runs = []
    for value, group in groupby([item for item in values if item[0]], key=lambda item: item[0]):
        times = [ts for _, ts in group]
        runs.append(Run(value, times[0], times[-1], len(times)))
    return tuple(runs)


def _flag(mmsi: str) -> str | None:
    try:
        country = mmsi_ids.flag_country(mmsi)
    except ValueError:
        return None
    return country.upper() if country else None


def _vessel_entities(
    conn: sa.Connection,
    imos: list[str],
    mmsis: list[str],
    visible: sa.ColumnElement[bool] | None,
) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for kind, numbers in (("imo", imos), ("mmsi", mmsis)):
        for number in numbers:
            for hit in search_entities(conn, number, kind=kind, limit=50, visible=visible):
                if hit.schema == "Vessel":
                    found.setdefault(hit.entity_id, hit.caption)
    return tuple(sorted(found.items()))


def _alerts(
    conn: sa.Connection,
    imos: set[str],
    mmsis: set[str],
    since: datetime | None,
    per_group: int,
    visible: sa.ColumnElement[bool] | None,
) -> dict[str, list[Alert]]:
    grouped: dict[str, list[Alert]] = {}
    for key, _, detectors in ALERT_GROUPS:
        about = [
            alert
            for detector in detectors
            for alert in list_alerts(conn, detector, visible=visible)
            if _names_vessel(alert, imos, mmsis) and (since is None or alert.end >= since)
        ]
        grouped[key] = sorted(about, key=lambda alert: (alert.end, alert.id), reverse=True)[
            :per_group
        ]
    return grouped


def _names_vessel(alert: Alert, imos: set[str], mmsis: set[str]) -> bool:
    return any(
        (subject.kind == "imo" and subject.value in imos)
        or (subject.kind == "mmsi" and subject.value in mmsis)
        for subject in alert.subjects
    )
