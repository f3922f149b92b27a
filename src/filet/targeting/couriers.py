"""Courier indicators: a weighted, cited rule set over passenger name records.

French Guiana flights carry 15-20 % of the cocaine entering mainland France, about
4 t a year, with 20-30 couriers ("mules") trying each flight (Sénat, rapport r19-707);
at Roissy, PNR targeting produced 80 % of cocaine seizures (Assemblée nationale, 2011).
The indicators are those the field uses (who paid the ticket and how, no bags,
no-shows after a warning: Orly customs, quoted by r19-707) computed from the PNR fields
of Directive (EU) 2016/681 Annex I. Each rule a record hits adds its weight; a record
whose points reach ``min_points`` is an alert listing every rule hit and its weight.
The weights are an analyst's starting point, to be tuned on a service's own seizures.

Only ``kind = 'pnr'`` rows are scored (API and FAL lists have no booking data); a
payer is "shared" when they pay for passengers of ``min_payer_surnames`` different
surnames departing within ``payer_window_days``; a no-show counts when the same person
(same document, or same surname, name keys and date of birth) did not board an
**earlier** departure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step

DETECTOR_ID = "targeting.courier_indicators"
VERSION = "1"
_ANALYST = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
_SENATE = "Sénat, rapport r19-707 (indicateurs de terrain, douane d'Orly)"
_ANNEX = "Directive (EU) 2016/681, Annex I"
_DAY_US = 86_400_000_000
_CODES = re.compile(r"^[A-Z0-9]{3,5}(,[A-Z0-9]{3,5})*$")


def _weight(default: int, source: str, fr: str, en: str) -> Any:
    return threshold(default, unit="points", source=source, help=f"{fr} / {en}")


@dataclass(frozen=True)
class CourierThresholds(Thresholds):
    min_points: int = threshold(
        6,
        unit="points",
        source=(
            f"{_ANALYST}: two strong indicators and a weak one on a risky route; an "
            "ordinary traveller on Cayenne-Orly scores 2 (the route)"
        ),
        help="Points minimaux d'une alerte. / Fewest points for an alert.",
    )
    max_booking_days: int = threshold(
        2,
        unit="days",
        source=f"{_ANNEX} items 2 and 10 (booking date, last-minute); {_ANALYST}: 0-2 days",
        help=(
            "Réservation au plus tant de jours avant le départ. / Booked at most this "
            "many days before departure."
        ),
    )
    max_stay_days: int = threshold(
        3,
        unit="days",
        source=f"{_ANNEX} item 13 (one-way tickets); {_ANALYST}: a stay of 3 days or less",
        help="Séjour très court, au plus. / Longest stay counted as very short.",
    )
    min_payer_surnames: int = threshold(
        3,
        unit="surnames",
        source=(
            f"{_ANNEX} item 6 (payment); {_SENATE}: who paid for the ticket; {_ANALYST}: "
            "three surnames, since a couple often has two"
        ),
        help=(
            "Noms de famille distincts payés par un même payeur. / Distinct surnames "
            "whose tickets one payer pays."
        ),
    )
    payer_window_days: int = threshold(
        7,
        unit="days",
        source=f"{_ANALYST}: couriers of one organiser fly within the week",
        help=(
            "Fenêtre des départs comptés pour un payeur. / Window of departures counted "
            "for one payer."
        ),
    )
    risky_origins: str = threshold(
        "CAY,FDF,PTP",
        unit="IATA codes",
        source=(
            "Sénat r19-707: Cayenne flights carry 15-20 % of the cocaine entering "
            "mainland France; after 100 % checks couriers shifted to the Antilles"
        ),
        help="Aéroports de départ à risque. / Departure airports at risk.",
    )
    risky_destinations: str = threshold(
        "ORY,CDG",
        unit="IATA codes",
        source="Sénat r19-707: Orly and Roissy, the mainland arrivals of these flights",
        help="Aéroports d'arrivée surveillés. / Arrival airports watched.",
    )
    weight_cash: int = _weight(
        2, f"{_SENATE}; {_ANNEX} item 6; {_ANALYST}: weight 2",
        "Billet payé en espèces", "ticket paid in cash",
    )  # fmt: skip
    weight_third_party: int = _weight(
        2, f"{_SENATE}: who paid for the ticket; {_ANALYST}: weight 2",
        "Billet payé par un tiers", "ticket paid by someone else",
    )  # fmt: skip
    weight_shared_payer: int = _weight(
        2, f"{_ANNEX} items 6 and 17; {_ANALYST}: weight 2",
        "Payeur de plusieurs passagers sans lien", "payer of several unrelated passengers",
    )  # fmt: skip
    weight_last_minute: int = _weight(
        2, f"{_ANNEX} item 10 (last-minute); {_ANALYST}: weight 2",
        "Réservation de dernière minute", "last-minute booking",
    )  # fmt: skip
    weight_short_trip: int = _weight(
        1, f"{_ANNEX} item 13 (one-way); {_ANALYST}: weight 1, common among locals",
        "Aller simple ou séjour très court", "one-way or very short stay",
    )  # fmt: skip
    weight_no_bag: int = _weight(
        1, f"{_SENATE}: no bags; {_ANNEX} item 16; {_ANALYST}: weight 1",
        "Aucun bagage enregistré", "no checked bag",
    )  # fmt: skip
    weight_no_show: int = _weight(
        2, f"{_SENATE}: 28 of 283 no-shows after an SMS warning; {_ANALYST}: weight 2",
        "Absence à l'embarquement par le passé", "earlier no-show",
    )  # fmt: skip
    weight_route: int = _weight(
        2, f"Sénat r19-707 (routes, see risky_origins); {_ANALYST}: weight 2",
        "Itinéraire à risque", "risky route",
    )  # fmt: skip

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("risky_origins", "risky_destinations"):
            if not _CODES.match(getattr(self, name)):
                raise ValueError(f"{name} must be comma-separated codes such as CAY,FDF")
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, int) and value < 0:
                raise ValueError(f"{spec.name} must be >= 0, not {value}")

    def weights(self) -> dict[str, int]:
        """Each rule with its weight, in the order alerts list them."""
        return {rule: getattr(self, f"weight_{rule}") for rule in RULES}


RULES = ("route", "cash", "third_party", "shared_payer", "last_minute", "short_trip",
         "no_bag", "no_show")  # fmt: skip
RULE_NAMES = {
    spec.name.removeprefix("weight_"): spec.metadata["help"].split(" / ")
    for spec in fields(CourierThresholds)
    if spec.name.startswith("weight_")
}


def steps(thresholds: CourierThresholds, dialect: Dialect) -> list[Step]:
    """The rules' verdict on every PNR row, then the rows with enough points."""
    return [*flag_steps(thresholds, dialect), Step(_flagged(thresholds), "courier_flagged")]


def flag_steps(thresholds: CourierThresholds, dialect: Dialect) -> list[Step]:
    """PNR rows with microsecond times, each payer's surnames, earlier no-shows, the
    rules as 0/1 columns and the points of every row: the learned flight score
    (:mod:`filet.targeting.flight_model`) takes them all as features."""
    micros = dialect.epoch_microseconds
    pnr = f"""
        SELECT *, {micros("departure_ts")} AS dep_us, {micros("booking_ts")} AS book_us,
            {micros("return_ts")} AS ret_us
        FROM passengers WHERE kind = 'pnr'
    """
    return [
        Step(pnr, "courier_pnr"),
        Step(_payers(thresholds), "courier_payers"),
        Step(_no_shows(), "courier_no_shows"),
        Step(_rules(thresholds), "courier_rules"),
        Step(_points(thresholds), "courier_points"),
    ]


def _payers(thresholds: CourierThresholds) -> str:
    window = thresholds.payer_window_days * _DAY_US
    return f"""
        SELECT a.source_file, a.source_line, COUNT(DISTINCT b.surname_folded) AS surnames
        FROM courier_pnr a JOIN courier_pnr b ON a.payer_folded = b.payer_folded
            AND ABS(a.dep_us - b.dep_us) <= {window}
        GROUP BY a.source_file, a.source_line
    """


def _no_shows() -> str:
    earlier = "b.departure_ts < a.departure_ts AND b.travel_status = 'no-show'"
    pick = "a.source_file, a.source_line, b.source_file AS b_file, b.source_line AS b_line"
    return f"""
        SELECT source_file, source_line, COUNT(*) AS no_shows FROM (
            SELECT {pick} FROM courier_pnr a
            JOIN passengers b ON a.document_key = b.document_key AND {earlier}
            UNION
            SELECT {pick} FROM courier_pnr a
            JOIN passengers b ON a.surname_folded = b.surname_folded
                AND a.name_keys = b.name_keys AND a.birth_date = b.birth_date AND {earlier}
        ) AS matched
        GROUP BY source_file, source_line
    """


def _rules(thresholds: CourierThresholds) -> str:
    origins = ", ".join(f"'{c}'" for c in thresholds.risky_origins.split(","))
    destinations = ", ".join(f"'{c}'" for c in thresholds.risky_destinations.split(","))
    booking = thresholds.max_booking_days * _DAY_US
    stay = thresholds.max_stay_days * _DAY_US
    rules = {
        "route": f"p.origin IN ({origins}) AND p.destination IN ({destinations})",
        "cash": "p.payment_method = 'cash'",
        "third_party": (
            "p.payer_folded IS NOT NULL AND p.surname_folded IS NOT NULL "
            "AND strpos(p.payer_folded, p.surname_folded) = 0"
        ),
        "shared_payer": f"COALESCE(s.surnames, 0) >= {thresholds.min_payer_surnames}",
        "last_minute": f"p.book_us IS NOT NULL AND p.dep_us - p.book_us <= {booking}",
        "short_trip": (f"p.one_way OR (p.ret_us IS NOT NULL AND p.ret_us - p.dep_us <= {stay})"),
        "no_bag": "p.checked_bags = 0",
        "no_show": "COALESCE(n.no_shows, 0) >= 1",
    }
    flags = ", ".join(f"CASE WHEN {rules[rule]} THEN 1 ELSE 0 END AS {rule}" for rule in RULES)
    return f"""
        SELECT p.*, COALESCE(s.surnames, 0) AS payer_surnames,
            COALESCE(n.no_shows, 0) AS no_shows, {flags}
        FROM courier_pnr p
        LEFT JOIN courier_payers s
            ON s.source_file = p.source_file AND s.source_line = p.source_line
        LEFT JOIN courier_no_shows n
            ON n.source_file = p.source_file AND n.source_line = p.source_line
    """


def _points(thresholds: CourierThresholds) -> str:
    points = " + ".join(f"{rule} * {weight}" for rule, weight in thresholds.weights().items())
    return f"SELECT *, {points} AS points FROM courier_rules"


def _flagged(thresholds: CourierThresholds) -> str:
    return f"""
        SELECT * FROM courier_points WHERE points >= {thresholds.min_points}
        ORDER BY departure_ts, voyage, source_file, source_line
    """


def to_alerts(rows: list[dict[str, Any]], thresholds: CourierThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def passenger_name(row: dict[str, Any]) -> str:
    """Surname then given names, as the PNR gives them."""
    return " ".join(part for part in (row["surname"], row["given_names"]) if part)


def passenger_subjects(row: dict[str, Any]) -> tuple[Subject, ...]:
    """The passenger by name, and the booking by its record locator when there is one."""
    subjects = [Subject("passenger", passenger_name(row))]
    if row["record_locator"]:
        subjects.append(Subject("record_locator", row["record_locator"]))
    return tuple(subjects)


def _alert(row: dict[str, Any], thresholds: CourierThresholds) -> Alert:
    weights = thresholds.weights()
    hit = [rule for rule in RULES if row[rule]]
    points, most = int(row["points"]), sum(weights.values())
    who = passenger_name(row)
    trip = f"{row['voyage']} {row['origin'] or '?'}→{row['destination'] or '?'}"
    when = f"{row['departure_ts']:%Y-%m-%d}"
    fr = "; ".join(f"{_detail(row, rule, 0)} (+{weights[rule]})" for rule in hit)
    en = "; ".join(f"{_detail(row, rule, 1)} (+{weights[rule]})" for rule in hit)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=passenger_subjects(row),
        start=row["departure_ts"],
        end=row["departure_ts"],
        score=round(min(1.0, points / most), 3) if most else 1.0,
        reason_fr=(
            f"{who}, vol {trip} du {when} : {points} points (seuil {thresholds.min_points}) — {fr}."
        ),
        reason_en=(
            f"{who}, flight {trip} on {when}: {points} points (threshold "
            f"{thresholds.min_points}) — {en}."
        ),
        evidence=(Evidence("passengers", _row_key(row)),),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _row_key(row: dict[str, Any]) -> dict[str, Any]:
    return {"source_file": row["source_file"], "source_line": row["source_line"]}


def said_hits(row: dict[str, Any], thresholds: CourierThresholds, french: bool) -> str:
    """Every rule ``row`` hits, with the value that made it hit and its weight."""
    weights = thresholds.weights()
    language = 0 if french else 1
    return "; ".join(
        f"{_detail(row, rule, language)} (+{weights[rule]})" for rule in RULES if row[rule]
    )


def _detail(row: dict[str, Any], rule: str, language: int) -> str:
    """The rule's name, with the value that made it hit where one helps."""
    name = RULE_NAMES[rule][language]
    if rule == "third_party" or rule == "shared_payer":
        extra = f"{row['payer_name']}"
        if rule == "shared_payer":
            extra += f", {row['payer_surnames']} " + ("noms" if language == 0 else "surnames")
        return f"{name} ({extra})"
    if rule == "no_show":
        return f"{name} (×{row['no_shows']})"
    if rule == "route":
        return f"{name} ({row['origin']}→{row['destination']})"
    return name


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Indicateurs de passeur (PNR)",
        title_en="Courier indicators (PNR)",
        inputs=("passengers",),
        thresholds=CourierThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
