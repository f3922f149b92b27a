"""The learned courier score: LightGBM over the courier rules' verdicts and the history
of the payers, agencies and booking contacts behind each passenger name record.

Rules and model together: every courier rule flag (:mod:`filet.targeting.couriers`) and
the rule points are features, beside the booking's own numbers (days booked ahead,
length of stay, bags) and profiles on earlier days (:mod:`filet.targeting.profiles`)
of the payer, the travel agency, the booking phone and e-mail, the route and the
traveller, whose hit rate is the share of their **inspected** passengers found carrying.
An organiser sends many couriers through the same agency, phone or front payer
(``docs/targeting.md`` §5: hit rate per agency, payer shared by several passengers), and
a careful one books them like holidaymakers: no rule sees that, a seizure record does.
It learns only from inspected passengers: an uninspected one is unknown, not clean.
Features, training and reasons are the shared core of :mod:`filet.targeting.learned`;
what is the flights' own is the spec and the passengers' rows: boarded only, with the
days booked ahead and the length of stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from filet.engine import open_engine
from filet.store.events import EventStore
from filet.targeting import learned
from filet.targeting.couriers import RULE_NAMES, RULES, CourierThresholds, flag_steps
from filet.targeting.evaluate import Comparison
from filet.targeting.features import numbers
from filet.targeting.learned import FeatureSpec, LearnedModel
from filet.targeting.model import ModelConfig
from filet.targeting.profiles import Profile
from filet.targeting.selection import Pool
from filet.targeting.trust import PASSENGER_PARTIES, outcomes

LABEL = "seized"
_DAY_US = 86_400_000_000
# Seizures are few, as at a port: small trees, early stopping soon, as CARGO_CONFIG;
# a lighter shrinkage of profile rates (5 pseudo-passengers), since a phone or a front
# carries a dozen bookings, not hundreds of declarations.
FLIGHT_CONFIG = ModelConfig(
    max_rounds=400, early_stopping_rounds=50, min_child_samples=5, num_leaves=7,
    profile_weight=5.0,
)  # fmt: skip
SPEC = FeatureSpec(
    categorical=("origin", "destination", "payment_method"),
    numeric=(
        *RULES,
        "points",
        "payer_surnames",
        "no_shows",
        "checked_bags",
        "days_ahead",
        "stay_days",
    ),
    rising=(*RULES, "points"),
    profiles=(
        Profile("payer", ("payer_folded",), "payeur", "payer"),
        Profile("agency", ("travel_agent",), "agence de voyages", "travel agency"),
        Profile("phone", ("contact_phone",), "téléphone de contact", "contact phone"),
        Profile("email", ("contact_email",), "courriel de contact", "contact e-mail"),
        Profile("route", ("origin", "destination"), "liaison", "route"),
        Profile("traveller", ("document_key",), "voyageur", "traveller"),
    ),
    labels={
        "origin": ("aéroport de départ", "departure airport"),
        "destination": ("aéroport d'arrivée", "arrival airport"),
        "payment_method": ("mode de paiement", "payment method"),
        "points": ("points des règles", "rule points"),
        "payer_surnames": (
            "noms payés par le payeur (7 jours)",
            "surnames the payer paid (7 days)",
        ),
        "no_shows": ("absences passées à l'embarquement", "earlier no-shows"),
        "checked_bags": ("bagages enregistrés", "checked bags"),
        "days_ahead": ("jours entre réservation et départ", "days booked ahead"),
        "stay_days": ("durée du séjour (jours)", "length of stay (days)"),
        **{r: (f"règle : {RULE_NAMES[r][0]}", f"rule: {RULE_NAMES[r][1]}") for r in RULES},
    },
    label=LABEL,
)


def flagged(events: EventStore, thresholds: CourierThresholds | None = None) -> pa.Table:
    """Every boarded PNR passenger of the store with the courier rule flags and points
    (on DuckDB), as :func:`labelled` gives them."""
    if "passengers" not in events.tables_with_data():
        raise ValueError("aucun dossier passager / no passenger record ingested")
    with open_engine("duckdb") as engine:
        events.register(engine)
        rows = engine.run_table(flag_steps(thresholds or CourierThresholds(), engine.dialect))
    return labelled(rows)


def labelled(rows: pa.Table) -> pa.Table:
    """The courier rules' rows of the passengers who boarded (no-shows feed the rules
    but are not ranked: nobody boarded), in a stable order, with ``ts`` (the departure),
    the outcome as ``seized`` (true, false, or empty if not inspected), the days booked
    ahead, the length of stay, a ``passenger_id`` (the record locator, with the source
    line where a locator is shared or missing) and a ``passenger`` line for a reader."""
    rows = rows.filter(pc.fill_null(pc.not_equal(rows["travel_status"], "no-show"), True))
    rows = rows.append_column("ts", rows["departure_ts"])
    table = rows.sort_by(
        [("ts", "ascending"), ("record_locator", "ascending"), ("source_line", "ascending")]
    )
    departure = numbers(table["dep_us"])
    derived = {
        LABEL: outcomes(table["inspection"]),
        "days_ahead": pa.array((departure - numbers(table["book_us"])) / _DAY_US),
        "stay_days": pa.array((numbers(table["ret_us"]) - departure) / _DAY_US),
        "passenger_id": pa.array(_ids(table), pa.string()),
        "passenger": pa.array(_readable(table), pa.string()),
    }
    for name, column in derived.items():
        table = table.append_column(name, column)
    return table


def _ids(rows: pa.Table) -> list[str]:
    locators = rows["record_locator"].to_pylist()
    shared = Counter(locators)
    return [
        locator if locator and shared[locator] == 1 else f"{locator or '-'}#{line}"
        for locator, line in zip(locators, rows["source_line"].to_pylist(), strict=True)
    ]


def _readable(rows: pa.Table) -> list[str]:
    """« SURNAME Given, TX0571 CAY-ORY 2025-03-01 »: whom to stop, on which flight."""
    found = []
    for row in rows.select(
        ["surname", "given_names", "voyage", "origin", "destination", "departure_ts"]
    ).to_pylist():
        who = " ".join(part for part in (row["surname"], row["given_names"]) if part)
        trip = f"{row['voyage'] or '?'} {row['origin'] or '?'}-{row['destination'] or '?'}"
        found.append(f"{who}, {trip} {row['departure_ts']:%Y-%m-%d}")
    return found


def train(train_rows: pa.Table, valid_rows: pa.Table, config: ModelConfig) -> LearnedModel:
    """The learned score on :data:`SPEC` (:func:`filet.targeting.learned.train`): the
    rule flags and points are among its features, constrained so that a rule hit only
    raises it."""
    return learned.train(SPEC, train_rows, valid_rows, config)


# Passengers as a draw picks them (filet.targeting.selection).
POOL = Pool("passenger_id", "passenger", PASSENGER_PARTIES, FLIGHT_CONFIG, train, LABEL)


def compare(
    rows: pa.Table,
    couriers: set[str],
    seeds: int,
    config: ModelConfig,
    values: Mapping[str, float] | None = None,
) -> Comparison:
    """The cargo protocol (:func:`filet.targeting.learned.compare`) on passengers:
    split by date, score the last quarter with its outcomes removed, and measure each
    ranking against every courier of that quarter (record locators), inspected or not."""
    return learned.compare(rows, couriers, "record_locator", seeds, config, train, values)
