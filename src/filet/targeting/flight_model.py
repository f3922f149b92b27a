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
Training settings and reasons are those of :mod:`filet.targeting.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import lightgbm as lgb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filet.engine import open_engine
from filet.store.events import EventStore
from filet.targeting.couriers import RULE_NAMES, RULES, CourierThresholds, flag_steps
from filet.targeting.evaluate import Comparison, compare_rankings, date_cuts, split
from filet.targeting.features import Vocabulary, numbers
from filet.targeting.model import ModelConfig, Reason, strongest, without_outcomes
from filet.targeting.profiles import Profile, feature_names, profile_features

LABEL = "seized"
_DAY_US = 86_400_000_000
# Seizures are few, as at a port: small trees, early stopping soon, as CARGO_CONFIG;
# a lighter shrinkage of profile rates (5 pseudo-passengers), since a phone or a front
# carries a dozen bookings, not hundreds of declarations.
FLIGHT_CONFIG = ModelConfig(
    max_rounds=400, early_stopping_rounds=50, min_child_samples=5, num_leaves=7,
    profile_weight=5.0,
)  # fmt: skip
CATEGORICAL: tuple[str, ...] = ("origin", "destination", "payment_method")
NUMERIC: tuple[str, ...] = (
    *RULES,
    "points",
    "payer_surnames",
    "no_shows",
    "checked_bags",
    "days_ahead",
    "stay_days",
)
PROFILES: tuple[Profile, ...] = (
    Profile("payer", ("payer_folded",), "payeur", "payer"),
    Profile("agency", ("travel_agent",), "agence de voyages", "travel agency"),
    Profile("phone", ("contact_phone",), "téléphone de contact", "contact phone"),
    Profile("email", ("contact_email",), "courriel de contact", "contact e-mail"),
    Profile("route", ("origin", "destination"), "liaison", "route"),
    Profile("traveller", ("document_key",), "voyageur", "traveller"),
)
LABELS: dict[str, tuple[str, str]] = {
    "origin": ("aéroport de départ", "departure airport"),
    "destination": ("aéroport d'arrivée", "arrival airport"),
    "payment_method": ("mode de paiement", "payment method"),
    "points": ("points des règles", "rule points"),
    "payer_surnames": ("noms payés par le payeur (7 jours)", "surnames the payer paid (7 days)"),
    "no_shows": ("absences passées à l'embarquement", "earlier no-shows"),
    "checked_bags": ("bagages enregistrés", "checked bags"),
    "days_ahead": ("jours entre réservation et départ", "days booked ahead"),
    "stay_days": ("durée du séjour (jours)", "length of stay (days)"),
    **{rule: (f"règle : {RULE_NAMES[rule][0]}", f"rule: {RULE_NAMES[rule][1]}") for rule in RULES},
}


def flagged(events: EventStore, thresholds: CourierThresholds | None = None) -> pa.Table:
    """Every boarded PNR passenger of the store with the courier rule flags and points
    (on DuckDB), ``ts`` (the departure) and the outcome as ``seized``: true, false, or
    empty if not inspected. No-shows feed the rules but are not ranked: nobody boarded."""
    if "passengers" not in events.tables_with_data():
        raise ValueError("aucun dossier passager / no passenger record ingested")
    with open_engine("duckdb") as engine:
        events.register(engine)
        rows = engine.run_table(flag_steps(thresholds or CourierThresholds(), engine.dialect))
    rows = rows.filter(pc.fill_null(pc.not_equal(rows["travel_status"], "no-show"), True))
    rows = rows.append_column("ts", rows["departure_ts"])
    table = rows.sort_by(
        [("ts", "ascending"), ("record_locator", "ascending"), ("source_line", "ascending")]
    )
    outcome = pc.if_else(
        pc.equal(table["inspection"], "seizure"),
        True,
        pc.if_else(pc.equal(table["inspection"], "clean"), False, pa.scalar(None, pa.bool_())),
    )
    return table.append_column(LABEL, outcome)


@dataclass(frozen=True)
class FlightModel:
    booster: lgb.Booster
    vocabulary: Vocabulary
    history: pa.Table
    prior: float
    config: ModelConfig

    def matrix(self, rows: pa.Table) -> np.ndarray:
        unlabelled = without_outcomes(rows, LABEL)
        return matrix(unlabelled, self.history, self.vocabulary, self.prior, self.config)

    def priority(self, rows: pa.Table) -> np.ndarray:
        """Rules and model together: the learned score, whose features include every rule
        flag and the points, constrained so that a rule hit only raises it."""
        return np.asarray(self.booster.predict(self.matrix(rows)), np.float64)

    def explain(self, rows: pa.Table, top: int = 3) -> tuple[np.ndarray, list[list[Reason]]]:
        """Each passenger's :meth:`priority` and the ``top`` features pushing it up the
        most (TreeSHAP), from one feature matrix."""
        built = self.matrix(rows)
        scores = np.asarray(self.booster.predict(built), np.float64)
        contributions = np.asarray(self.booster.predict(built, pred_contrib=True))[:, :-1]
        names = _names()
        reasons = [
            [_reason(rows, built, names, index, column, value) for column, value in pushes]
            for index, pushes in enumerate(strongest(contributions, top))
        ]
        return scores, reasons


def train(train_rows: pa.Table, valid_rows: pa.Table, config: ModelConfig) -> FlightModel:
    """Fit on the inspected passengers of ``train_rows``, stopping early on those of
    ``valid_rows`` (the next period, outcomes hidden from its features); later
    passengers are scored with both periods as their history."""
    inspected = pc.is_valid(train_rows[LABEL])
    prior = float(pc.mean(pc.cast(train_rows.filter(inspected)[LABEL], pa.float64())).as_py())
    vocabulary = Vocabulary.learn(train_rows, CATEGORICAL)
    fit = matrix(train_rows, train_rows.slice(0, 0), vocabulary, prior, config)
    stop = matrix(without_outcomes(valid_rows, LABEL), train_rows, vocabulary, prior, config)
    checked = pc.is_valid(valid_rows[LABEL])
    data = lgb.Dataset(
        fit[_mask(inspected)],
        _labels(train_rows.filter(inspected)),
        feature_name=_names(),
        categorical_feature=list(CATEGORICAL),
    )
    booster = lgb.train(
        {**config.params(), "monotone_constraints": _monotone()},
        data,
        config.max_rounds,
        valid_sets=[
            lgb.Dataset(stop[_mask(checked)], _labels(valid_rows.filter(checked)), reference=data)
        ],
        callbacks=[lgb.early_stopping(config.early_stopping_rounds, verbose=False)],
    )
    history = pa.concat_tables([train_rows, valid_rows])
    return FlightModel(booster, vocabulary, history, prior, config)


def matrix(
    rows: pa.Table, history: pa.Table, vocabulary: Vocabulary, prior: float, config: ModelConfig
) -> np.ndarray:
    """Features of ``rows`` in :func:`_names` order; profiles from ``history`` and
    ``rows`` on earlier days only."""
    both = pa.concat_tables([history, rows])
    weight = config.profile_weight
    profile = profile_features(both, prior, weight, PROFILES, LABEL).slice(history.num_rows)
    departure = numbers(rows["dep_us"])
    back = numbers(rows["ret_us"])
    derived = {
        "days_ahead": (departure - numbers(rows["book_us"])) / _DAY_US,
        "stay_days": (back - departure) / _DAY_US,
    }
    columns = [vocabulary.encode(rows[name], name) for name in CATEGORICAL]
    columns += [derived[name] if name in derived else numbers(rows[name]) for name in NUMERIC]
    columns += [numbers(profile[name]) for name in feature_names(PROFILES)]
    return np.column_stack(columns)


def _monotone() -> list[int]:
    """+1 for the rule flags, the points and the profiles' seizure rates: with a few
    hundred seizures a year, the constraint keeps the trees from learning that a rule
    lowers the risk."""
    rising = {*RULES, "points"} | {f"{p.name}_rate" for p in PROFILES}
    return [1 if name in rising else 0 for name in _names()]


def _names() -> list[str]:
    return [*CATEGORICAL, *NUMERIC, *feature_names(PROFILES)]


def _mask(valid: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(valid.to_numpy(zero_copy_only=False), bool)


def _labels(rows: pa.Table) -> np.ndarray:
    return np.asarray(rows[LABEL].to_numpy(zero_copy_only=False), float)


_PROFILE_LABELS = {p.name: (p.label_fr, p.label_en) for p in PROFILES}


def _reason(
    rows: pa.Table, built: np.ndarray, names: list[str], row: int, column: int, contribution: float
) -> Reason:
    name = names[column]
    number = float(built[row, column])
    value: str | float | None = None if np.isnan(number) else round(number, 4)
    if name in CATEGORICAL:
        value = rows[name][row].as_py()
    stem, _, kind = name.rpartition("_")
    if stem in _PROFILE_LABELS:
        fr, en = _PROFILE_LABELS[stem]
        label_fr = f"taux de saisie passé, {fr}" if kind == "rate" else f"historique, {fr}"
        label_en = f"past seizure rate, {en}" if kind == "rate" else f"history, {en}"
    else:
        label_fr, label_en = LABELS[name]
    return Reason(name, label_fr, label_en, value, round(contribution, 4))


def compare(rows: pa.Table, couriers: set[str], seeds: int, config: ModelConfig) -> Comparison:
    """The cargo protocol (:func:`filet.targeting.cargo_model.compare`) on passengers:
    split by date, score the last quarter with its outcomes removed, and measure each
    ranking against every courier of that quarter, inspected or not."""
    train_rows, valid_rows, test_rows = split(rows, *date_cuts(rows))
    locators = test_rows["record_locator"].to_pylist()
    truth = np.array([locator in couriers for locator in locators], float)

    def priority(seed: int) -> np.ndarray:
        return train(train_rows, valid_rows, replace(config, seed=seed)).priority(test_rows)

    return compare_rankings(truth, numbers(test_rows["points"]), priority, seeds)
