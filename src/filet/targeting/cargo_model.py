"""The learned cargo score: LightGBM over the cargo rules' verdicts and the consignments'
history, trained on past inspections.

Rules and model together: every rule flag and the rule points are features, beside
the declared fields (LightGBM native categoricals) and profiles of shippers,
consignees, booking parties, freight payers, vessels and HS6 x loading port on earlier
days (:mod:`filet.targeting.profiles`), whose hit rate is the share of their
**inspected** consignments that ended in a seizure. The model learns which rules weigh
in this service's traffic, and what no rule says: an exporter whose honest-looking
fruit is seized again and again (rip-on, ``docs/targeting.md`` indicators 2, 3 and 14).
It learns only from inspected consignments: an uninspected one is not clean, it is
unknown. Training settings and reasons are those of :mod:`filet.targeting.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import lightgbm as lgb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filet.engine import open_engine
from filet.store.events import EventStore
from filet.targeting.cargo_rules import RULES, CargoRuleThresholds, flag_steps
from filet.targeting.evaluate import Comparison, compare_rankings, date_cuts, split
from filet.targeting.features import Vocabulary, numbers
from filet.targeting.model import ModelConfig, Reason, strongest, without_outcomes
from filet.targeting.profiles import Profile, feature_names, profile_features

LABEL = "seized"
# A port's seizures are few: small leaves, few rows per leaf, early stopping soon.
CARGO_CONFIG = ModelConfig(
    max_rounds=400, early_stopping_rounds=50, min_child_samples=5, num_leaves=7
)
CATEGORICAL: tuple[str, ...] = (
    "port_loading",
    "port_discharge",
    "hs6",
    "container_type",
    "freight_payment",
)
NUMERIC: tuple[str, ...] = (
    *(rule.name for rule in RULES),
    "points",
    "gross_mass_kg",
    "transshipments",
    "consignee_before",
)
PROFILES: tuple[Profile, ...] = (
    Profile("shipper", ("shipper",), "exportateur", "shipper"),
    Profile("consignee", ("consignee",), "destinataire", "consignee"),
    Profile("booking", ("booking_party",), "réservataire", "booking party"),
    Profile("payer", ("freight_payer",), "payeur du fret", "freight payer"),
    Profile("vessel", ("vessel_imo",), "navire", "vessel"),
    Profile("hs6_loading", ("hs6", "port_loading"), "SH6 x port de chargement", "HS6 x port"),
)
LABELS: dict[str, tuple[str, str]] = {
    "port_loading": ("port de chargement", "port of loading"),
    "port_discharge": ("port de déchargement", "port of discharge"),
    "hs6": ("code SH6", "HS6 code"),
    "container_type": ("type de conteneur", "container type"),
    "freight_payment": ("paiement du fret", "freight payment"),
    "points": ("points des règles", "rule points"),
    "gross_mass_kg": ("masse brute (kg)", "gross mass (kg)"),
    "transshipments": ("transbordements", "transshipments"),
    "consignee_before": ("envois antérieurs du destinataire", "consignee's earlier consignments"),
    **{rule.name: (f"règle : {rule.label_fr}", f"rule: {rule.label_en}") for rule in RULES},
}


def flagged(events: EventStore, thresholds: CargoRuleThresholds | None = None) -> pa.Table:
    """Every consignment of the store's ``manifests`` with its rule flags and points (on
    DuckDB) and its outcome as ``seized``: true, false, or empty if not inspected."""
    if "manifests" not in events.tables_with_data():
        raise ValueError("aucune déclaration / no entry summary declaration ingested")
    with open_engine("duckdb") as engine:
        events.register(engine)
        rows = engine.run_table(flag_steps(thresholds or CargoRuleThresholds(), engine.dialect))
    return labelled(rows)


def labelled(rows: pa.Table) -> pa.Table:
    """The cargo rules' flagged rows in a stable order (time, consignment, line), with
    the outcome as ``seized``: true, false, or empty if not inspected."""
    table = rows.sort_by(
        [("ts", "ascending"), ("consignment_id", "ascending"), ("source_line", "ascending")]
    )
    outcome = pc.if_else(
        pc.equal(table["inspection"], "seizure"),
        True,
        pc.if_else(pc.equal(table["inspection"], "clean"), False, pa.scalar(None, pa.bool_())),
    )
    return table.append_column(LABEL, outcome)


@dataclass(frozen=True)
class CargoModel:
    booster: lgb.Booster
    vocabulary: Vocabulary
    history: pa.Table
    prior: float
    config: ModelConfig
    rules: CargoRuleThresholds

    def matrix(self, rows: pa.Table) -> np.ndarray:
        weight = self.config.profile_weight
        unlabelled = without_outcomes(rows, LABEL)
        return _matrix(unlabelled, self.history, self.vocabulary, self.prior, weight)

    def score(self, rows: pa.Table) -> np.ndarray:
        return np.asarray(self.booster.predict(self.matrix(rows)), np.float64)

    def priority(self, rows: pa.Table) -> np.ndarray:
        """Rules and model together: consignments with ``certain_points`` or more come
        first, the learned score orders them and all the others."""
        return self._ahead(rows, self.score(rows))

    def explain(self, rows: pa.Table, top: int = 3) -> tuple[np.ndarray, list[list[Reason]]]:
        """Each consignment's :meth:`priority` and the ``top`` features pushing its score
        up the most, from one feature matrix (its profiles are the costly part)."""
        built = self.matrix(rows)
        scores = np.asarray(self.booster.predict(built), np.float64)
        contributions = np.asarray(self.booster.predict(built, pred_contrib=True))[:, :-1]
        names = _names()
        reasons = [
            [_reason(rows, built, names, index, column, value) for column, value in pushes]
            for index, pushes in enumerate(strongest(contributions, top))
        ]
        return self._ahead(rows, scores), reasons

    def _ahead(self, rows: pa.Table, scores: np.ndarray) -> np.ndarray:
        certain = numbers(rows["points"]) >= self.rules.certain_points
        return scores + certain.astype(np.float64)


def train(
    train_rows: pa.Table,
    valid_rows: pa.Table,
    config: ModelConfig,
    rules: CargoRuleThresholds | None = None,
) -> CargoModel:
    """Fit on the inspected consignments of ``train_rows``, stopping early on those of
    ``valid_rows`` (the next period); later consignments are scored with both periods as
    their history."""
    inspected = pc.is_valid(train_rows[LABEL])
    prior = float(pc.mean(pc.cast(train_rows.filter(inspected)[LABEL], pa.float64())).as_py())
    vocabulary = Vocabulary.learn(train_rows, CATEGORICAL)
    weight = config.profile_weight
    fit = _matrix(train_rows, train_rows.slice(0, 0), vocabulary, prior, weight)
    stop = _matrix(without_outcomes(valid_rows, LABEL), train_rows, vocabulary, prior, weight)
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
    return CargoModel(booster, vocabulary, history, prior, config, rules or CargoRuleThresholds())


def _matrix(
    rows: pa.Table, history: pa.Table, vocabulary: Vocabulary, prior: float, weight: float
) -> np.ndarray:
    both = pa.concat_tables([history, rows])
    profile = profile_features(both, prior, weight, PROFILES, LABEL).slice(history.num_rows)
    columns = [vocabulary.encode(rows[name], name) for name in CATEGORICAL]
    columns += [numbers(rows[name]) for name in NUMERIC]
    columns += [numbers(profile[name]) for name in feature_names(PROFILES)]
    return np.column_stack(columns)


def _monotone() -> list[int]:
    """+1 for the rule flags, the rule points and the profiles' seizure rates: a rule
    hit or a worse record may only raise the score. With the few seizures a service
    sees, the constraint keeps the trees from learning that a rule lowers the risk."""
    rising = {rule.name for rule in RULES} | {"points"}
    rising |= {f"{p.name}_rate" for p in PROFILES}
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


def compare(rows: pa.Table, smuggled: set[str], seeds: int, config: ModelConfig) -> Comparison:
    """Split by date (60 % train, 15 % early stopping, 25 % test), score the test period
    with its outcomes removed, and measure each ranking against the whole truth,
    uninspected smuggling included: what a ranking would have found, not what was."""
    train_rows, valid_rows, test_rows = split(rows, *date_cuts(rows))
    truth = np.array([c in smuggled for c in test_rows["consignment_id"].to_pylist()], float)

    def priority(seed: int) -> np.ndarray:
        model = train(train_rows, valid_rows, replace(config, seed=seed))
        return model.priority(test_rows)

    return compare_rankings(truth, numbers(test_rows["points"]), priority, seeds)
