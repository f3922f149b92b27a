"""Trust profiles: each party's record before the day it is scored.

A trader's compliance record is what WTO TFA Art. 7.4 asks risk management to weigh,
and a past hit rate per party is the strongest signal DATE found (Table 5, Kim et al.,
KDD 2020). The UK P&I Club adds the other half: a new customer without references, or
a **change in an existing trader's pattern** (new phone, new origin, new goods), is
what a stolen identity or a turned exporter looks like. A profile therefore gives, per
party (shipper, consignee, booking party, carrier, travel agency):

- when it was first seen and how many days ago;
- how many consignments (or bookings) it had, how many were inspected, how many seized,
  and the seizure rate of the inspected ones shrunk towards the service's rate with
  ``weight`` pseudo-inspections (Micci-Barreca 2001), so two clean inspections do not
  read as a spotless record;
- how many new values each watched field took after the first (a consignee's phones,
  its countries of loading, its HS6 codes).

Every figure counts **earlier days only**, as the profile features of
:mod:`filet.targeting.profiles`: a consignment's profile sees neither its own outcome
nor those of the same day. An uninspected consignment adds to the volume, not to the
hit counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Watched:
    """A field whose new values are changes in a party's pattern (``sql`` over a row)."""

    name: str
    sql: str
    label_fr: str
    label_en: str
    columns: tuple[str, ...]  # the columns ``sql`` reads


@dataclass(frozen=True)
class Party:
    """A role a party plays in the rows: its column and the fields watched for changes."""

    name: str
    column: str
    label_fr: str
    label_en: str
    watched: tuple[Watched, ...]


def _column(name: str, column: str, label_fr: str, label_en: str) -> Watched:
    return Watched(name, column, label_fr, label_en, (column,))


_PHONE = _column("phones", "consignee_phone", "téléphone", "phone")
_ORIGIN = Watched(
    "origins", "substr(port_loading, 1, 2)", "pays de chargement", "origin", ("port_loading",)
)
_HS6 = _column("hs6", "hs6", "SH6", "HS6")
_SHIPPERS = _column("shippers", "shipper", "exportateur", "shipper")
_CONSIGNEES = _column("consignees", "consignee", "destinataire", "consignee")
_PORTS = _column("ports", "port_loading", "port de chargement", "loading port")

# Entry summary declarations (``manifests``). The ENS names no vessel operator: the
# carrier is the vessel, by IMO number.
CARGO_PARTIES: tuple[Party, ...] = (
    Party("shipper", "shipper", "exportateur", "shipper", (_CONSIGNEES, _HS6)),
    Party("consignee", "consignee", "destinataire", "consignee", (_PHONE, _ORIGIN, _HS6)),
    Party("booking_party", "booking_party", "réservataire", "booking party", (_SHIPPERS,)),
    Party("carrier", "vessel_imo", "transporteur (navire IMO)", "carrier (vessel IMO)", (_PORTS,)),
)
# Passenger records (``passengers``): the travel agency of Directive 2016/681 Annex I.
TRAVEL_PARTIES: tuple[Party, ...] = (
    Party(
        "travel_agent",
        "travel_agent",
        "agence de voyage",
        "travel agency",
        (
            _column("payers", "payer_name", "payeur", "payer"),
            _column("contacts", "contact_phone", "téléphone de contact", "contact phone"),
            Watched(
                "routes",
                "origin || '-' || destination",
                "trajet",
                "route",
                ("origin", "destination"),
            ),
        ),
    ),
)
# Passengers as the learned selection shows them: the agency, the payer and the booking
# phone (an organiser's, or a front's, behind several couriers: docs/targeting.md §5).
_TRAVELLERS = _column("travellers", "document_key", "voyageurs", "travellers")
PASSENGER_PARTIES: tuple[Party, ...] = (
    TRAVEL_PARTIES[0],
    Party("payer", "payer_name", "payeur", "payer", (_TRAVELLERS, TRAVEL_PARTIES[0].watched[1])),
    Party(
        "phone",
        "contact_phone",
        "téléphone de contact",
        "contact phone",
        (_TRAVELLERS, TRAVEL_PARTIES[0].watched[0]),
    ),
)


@dataclass(frozen=True)
class Trust:
    """One party's record, in one role, before a given day."""

    role: str
    name: str
    consignments: int
    inspected: int
    seized: int
    hit_rate: float  # smoothed seizure rate of the inspected ones
    first_seen: datetime | None
    age_days: int | None
    changes: dict[str, int] = field(default_factory=dict)  # watched field -> new values

    def said(self) -> str:
        """French and English together, for a CSV cell."""
        if self.consignments == 0:
            return "jamais vu / never seen"
        changes = ", ".join(f"{name} +{count}" for name, count in self.changes.items())
        return (
            f"{self.consignments} envois / consignments, {self.inspected} contrôlés / "
            f"inspected, {self.seized} saisies / seizures, taux lissé / smoothed hit rate "
            f"{self.hit_rate:.1%}, depuis / since {self.first_seen:%Y-%m-%d} "
            f"({self.age_days} j / days), changements / changes: {changes or '-'}"
        )

    def said_in(
        self, party: Party, french: bool, rows: tuple[str, str] = ("envois", "consignments")
    ) -> str:
        """One language, the role named, for an alert's reasons; ``rows`` names what the
        party is counted in (French, English)."""
        role = party.label_fr if french else party.label_en
        if self.consignments == 0:
            return (
                f"{role} {self.name} : jamais vu" if french else f"{role} {self.name}: never seen"
            )
        labels = {w.name: (w.label_fr if french else w.label_en) for w in party.watched}
        changes = ", ".join(f"{labels[n]} +{c}" for n, c in self.changes.items()) or "-"
        if french:
            return (
                f"{role} {self.name} : {self.consignments} {rows[0]}, {self.inspected} contrôlés, "
                f"{self.seized} saisies (taux lissé {self.hit_rate:.1%}), vu depuis "
                f"{self.age_days} j ({self.first_seen:%Y-%m-%d}), changements : {changes}"
            )
        return (
            f"{role} {self.name}: {self.consignments} {rows[1]}, {self.inspected} "
            f"inspected, {self.seized} seized (smoothed hit rate {self.hit_rate:.1%}), seen "
            f"for {self.age_days} days (since {self.first_seen:%Y-%m-%d}), changes: {changes}"
        )


def outcomes(inspection: pa.ChunkedArray) -> pa.ChunkedArray:
    """``inspection`` (``seizure``, ``clean``, ``none`` or empty) as the boolean outcome:
    true, false, or empty where no inspection was made."""
    seized = pc.equal(inspection, "seizure")
    known = pc.or_(seized, pc.equal(inspection, "clean"))
    return pc.if_else(known, seized, pa.scalar(None, pa.bool_()))


def seizure_rate(rows: pa.Table, label: str) -> float:
    """The share of inspected rows seized: the prior the hit rates shrink towards."""
    outcomes = [value for value in rows[label].to_pylist() if value is not None]
    return sum(outcomes) / len(outcomes) if outcomes else 0.0


def per_row(
    rows: pa.Table,
    parties: tuple[Party, ...],
    label: str | None,
    prior: float,
    weight: float,
) -> pa.Table:
    """Per row, in input order, each party's figures on earlier days: ``<role>_seen``,
    ``_inspected``, ``_seized``, ``_rate``, ``_first`` (a timestamp), ``_age_days`` and
    one ``<role>_<watched>`` column per watched field (distinct values seen). ``label``
    is the boolean outcome column, empty while not inspected; ``None`` when the rows
    carry no outcomes (bookings)."""
    connection = duckdb.connect()
    try:
        connection.register("d", _needed(rows, parties, label))
        return connection.sql(_per_row_query(parties, prior, weight)).to_arrow_table()
    finally:
        connection.close()


def records(
    figures: pa.Table, rows: pa.Table, parties: tuple[Party, ...]
) -> list[dict[str, Trust]]:
    """:func:`per_row`'s figures as :class:`Trust` records, role by role, for the rows
    that name a party in that role."""
    found: list[dict[str, Trust]] = []
    for index, figure in enumerate(figures.to_pylist()):
        named: dict[str, Trust] = {}
        for party in parties:
            name = rows[party.column][index].as_py()
            if name:
                named[party.name] = _trust(party, str(name), figure, f"{party.name}_")
        found.append(named)
    return found


def history(
    rows: pa.Table,
    name: str,
    parties: tuple[Party, ...],
    label: str | None,
    prior: float,
    weight: float,
) -> list[Trust]:
    """``name``'s record in every role it plays in ``rows``, over all of them (the
    profile a consignment filed the next day would see)."""
    connection = duckdb.connect()
    try:
        connection.register("d", _needed(rows, parties, label))
        found = []
        for party in parties:
            query = _history_query(party, prior, weight)
            cursor = connection.execute(query, [name])
            names = [column[0] for column in cursor.description or ()]
            figure = dict(zip(names, cursor.fetchone() or (), strict=True))
            if figure["seen"]:
                found.append(_trust(party, name, figure, ""))
        return found
    finally:
        connection.close()


def _needed(rows: pa.Table, parties: tuple[Party, ...], label: str | None) -> pa.Table:
    """The columns the queries read, the outcome renamed ``outcome`` (all empty when
    the rows have none)."""
    watched = {column for p in parties for w in p.watched for column in w.columns}
    table = rows.select(sorted({"ts", *(p.column for p in parties), *watched}))
    outcome = rows[label] if label else pa.nulls(rows.num_rows, pa.bool_())
    return table.append_column("outcome", outcome)


def _trust(party: Party, name: str, figure: dict[str, Any], prefix: str) -> Trust:
    seen = int(figure[f"{prefix}seen"] or 0)
    changes = {w.name: max(int(figure[f"{prefix}{w.name}"] or 0) - 1, 0) for w in party.watched}
    age = figure[f"{prefix}age_days"]
    return Trust(
        role=party.name,
        name=name,
        consignments=seen,
        inspected=int(figure[f"{prefix}inspected"] or 0),
        seized=int(figure[f"{prefix}seized"] or 0),
        hit_rate=float(figure[f"{prefix}rate"]),
        first_seen=figure[f"{prefix}first"] if seen else None,
        age_days=int(age) if seen and age is not None else None,
        changes=changes if seen else {},
    )


def _per_row_query(parties: tuple[Party, ...], prior: float, weight: float) -> str:
    ctes = ["rows AS (SELECT *, CAST(ts AS DATE) AS day, row_number() OVER () AS rid FROM d)"]
    joins, selects = [], []
    for party in parties:
        p = f"p_{party.name}"
        named = f"{party.column} IS NOT NULL AND CAST({party.column} AS VARCHAR) <> ''"
        ctes.append(
            f"{p} AS (SELECT k, day, "
            "coalesce(sum(count(*)) OVER w, 0) AS seen, "
            "coalesce(sum(count(outcome)) OVER w, 0) AS inspected, "
            "coalesce(sum(count(*) FILTER (WHERE outcome)) OVER w, 0) AS seized, "
            "min(min(ts)) OVER w AS first "
            f"FROM (SELECT {party.column} AS k, day, ts, outcome FROM rows WHERE {named}) "
            "GROUP BY k, day WINDOW w AS (PARTITION BY k ORDER BY day "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))"
        )
        joins.append(f"LEFT JOIN {p} ON {p}.k = rows.{party.column} AND {p}.day = rows.day")
        selects += [
            f"{p}.seen AS {party.name}_seen",
            f"{p}.inspected AS {party.name}_inspected",
            f"{p}.seized AS {party.name}_seized",
            f"({p}.seized + {weight} * {prior}) / ({p}.inspected + {weight}) AS {party.name}_rate",
            f"{p}.first AS {party.name}_first",
            f"date_diff('day', CAST({p}.first AS DATE), rows.day) AS {party.name}_age_days",
        ]
        for watched in party.watched:
            f, c = f"f_{party.name}_{watched.name}", f"c_{party.name}_{watched.name}"
            ctes.append(
                f"{f} AS (SELECT k, min(day) AS first_day FROM (SELECT {party.column} AS k, "
                f"{watched.sql} AS v, day FROM rows WHERE {named}) WHERE v IS NOT NULL "
                "AND CAST(v AS VARCHAR) <> '' GROUP BY k, v)"
            )
            ctes.append(
                f"{c} AS (SELECT p.k, p.day, count({f}.k) AS n FROM {p} p LEFT JOIN {f} "
                f"ON {f}.k = p.k AND {f}.first_day < p.day GROUP BY p.k, p.day)"
            )
            joins.append(f"LEFT JOIN {c} ON {c}.k = rows.{party.column} AND {c}.day = rows.day")
            selects.append(f"{c}.n AS {party.name}_{watched.name}")
    return (
        f"WITH {', '.join(ctes)} SELECT {', '.join(selects)} FROM rows "
        f"{' '.join(joins)} ORDER BY rows.rid"
    )


def _history_query(party: Party, prior: float, weight: float) -> str:
    distinct = ", ".join(
        f"count(DISTINCT CASE WHEN CAST({w.sql} AS VARCHAR) <> '' THEN {w.sql} END) AS {w.name}"
        for w in party.watched
    )
    return (
        "SELECT count(*) AS seen, count(outcome) AS inspected, "
        "count(*) FILTER (WHERE outcome) AS seized, "
        f"(count(*) FILTER (WHERE outcome) + {weight} * {prior}) / "
        f"(count(outcome) + {weight}) AS rate, min(ts) AS first, "
        "date_diff('day', CAST(min(ts) AS DATE), CAST(max(ts) AS DATE)) + 1 AS age_days"
        f"{', ' + distinct if distinct else ''} "
        f"FROM d WHERE CAST({party.column} AS VARCHAR) = ?"
    )
