"""One learned score for cargo and flights: LightGBM over a feature spec, trained on the
inspected rows, with the reasons behind each score.

Consignments (:mod:`filet.targeting.cargo_model`) and passengers
(:mod:`filet.targeting.flight_model`) are scored the same way; only what is read
differs, and a :class:`FeatureSpec` says it: the declared codes (LightGBM native
categoricals), the numbers (every rule flag and the rule points among them), and
profiles of the parties on earlier days (:mod:`filet.targeting.profiles`), whose hit
rate is the share of their **inspected** rows that ended in a seizure. Training sees
only the rows with an outcome: an uninspected one is unknown, not clean. The rule
columns and the profiles' seizure rates are monotone: with the few seizures a service
sees, the constraint keeps the trees from learning that a rule hit or a worse record
lowers the risk. Training settings and reasons are those of
:mod:`filet.targeting.model` (deterministic, TreeSHAP contributions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import lightgbm as lgb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filet.targeting.evaluate import Comparison, compare_rankings, date_cuts, split
from filet.targeting.features import Vocabulary, numbers
from filet.targeting.model import ModelConfig, Reason, strongest, without_outcomes
from filet.targeting.profiles import Profile, feature_names, profile_features

# How a domain puts some rows ahead of the learned score (cargo's certain points).
Ahead = Callable[[pa.Table, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class FeatureSpec:
    """What a learned score reads, in matrix order: ``categorical`` columns, ``numeric``
    columns, then ``<profile>_seen`` and ``<profile>_rate`` for each of ``profiles``.

    ``rising`` are the numeric columns that may only raise the score (the rule flags and
    points), as every profile's rate does; ``labels`` name each categorical and numeric
    column to an analyst (French, English); ``label`` is the boolean outcome column."""

    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    rising: tuple[str, ...]
    profiles: tuple[Profile, ...]
    labels: Mapping[str, tuple[str, str]] = field(hash=False)
    label: str = "seized"

    def names(self) -> list[str]:
        return [*self.categorical, *self.numeric, *feature_names(self.profiles)]

    def monotone(self) -> list[int]:
        """+1 for the rising columns and the profiles' rates, 0 for the others."""
        rising = set(self.rising) | {f"{p.name}_rate" for p in self.profiles}
        return [1 if name in rising else 0 for name in self.names()]

    def matrix(
        self,
        rows: pa.Table,
        history: pa.Table,
        vocabulary: Vocabulary,
        prior: float,
        weight: float,
    ) -> np.ndarray:
        """Features of ``rows`` in :meth:`names` order; profiles from ``history`` and
        ``rows`` on earlier days only, rates shrunk by ``weight`` pseudo-rows."""
        both = pa.concat_tables([history, rows])
        profile = profile_features(both, prior, weight, self.profiles, self.label)
        profile = profile.slice(history.num_rows)
        columns = [vocabulary.encode(rows[name], name) for name in self.categorical]
        columns += [numbers(rows[name]) for name in self.numeric]
        columns += [numbers(profile[name]) for name in feature_names(self.profiles)]
        return np.column_stack(columns)

    def reason(
        self, rows: pa.Table, built: np.ndarray, row: int, column: int, contribution: float
    ) -> Reason:
        """One feature's push on one row's score, named for an analyst, with its value."""
        name = self.names()[column]
        number = float(built[row, column])
        value: str | float | None = None if np.isnan(number) else round(number, 4)
        if name in self.categorical:
            value = rows[name][row].as_py()
        stem, _, kind = name.rpartition("_")
        profiles = {p.name: (p.label_fr, p.label_en) for p in self.profiles}
        if stem in profiles:
            fr, en = profiles[stem]
            label_fr = f"taux de saisie passé, {fr}" if kind == "rate" else f"historique, {fr}"
            label_en = f"past seizure rate, {en}" if kind == "rate" else f"history, {en}"
        else:
            label_fr, label_en = self.labels[name]
        return Reason(name, label_fr, label_en, value, round(contribution, 4))


@dataclass(frozen=True)
class LearnedModel:
    spec: FeatureSpec
    booster: lgb.Booster
    vocabulary: Vocabulary
    history: pa.Table
    prior: float
    config: ModelConfig
    ahead: Ahead | None = None

    def matrix(self, rows: pa.Table) -> np.ndarray:
        """The features of ``rows`` with their outcomes removed: scoring never sees one."""
        unlabelled = without_outcomes(rows, self.spec.label)
        weight = self.config.profile_weight
        return self.spec.matrix(unlabelled, self.history, self.vocabulary, self.prior, weight)

    def score(self, rows: pa.Table) -> np.ndarray:
        """The learned probability of a seizure."""
        return np.asarray(self.booster.predict(self.matrix(rows)), np.float64)

    def priority(self, rows: pa.Table) -> np.ndarray:
        """The order of inspection: the learned score, after what the domain puts ahead."""
        return self._ahead(rows, self.score(rows))

    def explain(self, rows: pa.Table, top: int = 3) -> tuple[np.ndarray, list[list[Reason]]]:
        """Each row's :meth:`priority` and the ``top`` features pushing its score up the
        most (TreeSHAP), from one feature matrix (its profiles are the costly part)."""
        built = self.matrix(rows)
        scores = np.asarray(self.booster.predict(built), np.float64)
        contributions = np.asarray(self.booster.predict(built, pred_contrib=True))[:, :-1]
        reasons = [
            [self.spec.reason(rows, built, index, column, push) for column, push in pushes]
            for index, pushes in enumerate(strongest(contributions, top))
        ]
        return self._ahead(rows, scores), reasons

    def _ahead(self, rows: pa.Table, scores: np.ndarray) -> np.ndarray:
        return scores if self.ahead is None else self.ahead(rows, scores)


def train(
    spec: FeatureSpec,
    train_rows: pa.Table,
    valid_rows: pa.Table,
    config: ModelConfig,
    ahead: Ahead | None = None,
) -> LearnedModel:
    """Fit on the inspected rows of ``train_rows``, stopping early on those of
    ``valid_rows`` (the next period, outcomes hidden from its features); later rows are
    scored with both periods as their history."""
    label, weight = spec.label, config.profile_weight
    inspected = pc.is_valid(train_rows[label])
    prior = float(pc.mean(pc.cast(train_rows.filter(inspected)[label], pa.float64())).as_py())
    vocabulary = Vocabulary.learn(train_rows, spec.categorical)
    fit = spec.matrix(train_rows, train_rows.slice(0, 0), vocabulary, prior, weight)
    hidden = without_outcomes(valid_rows, label)
    stop = spec.matrix(hidden, train_rows, vocabulary, prior, weight)
    checked = pc.is_valid(valid_rows[label])
    data = lgb.Dataset(
        fit[_mask(inspected)],
        _labels(train_rows.filter(inspected), label),
        feature_name=spec.names(),
        categorical_feature=list(spec.categorical),
    )
    booster = lgb.train(
        {**config.params(), "monotone_constraints": spec.monotone()},
        data,
        config.max_rounds,
        valid_sets=[
            lgb.Dataset(
                stop[_mask(checked)], _labels(valid_rows.filter(checked), label), reference=data
            )
        ],
        callbacks=[lgb.early_stopping(config.early_stopping_rounds, verbose=False)],
    )
    history = pa.concat_tables([train_rows, valid_rows])
    return LearnedModel(spec, booster, vocabulary, history, prior, config, ahead)


Trainer = Callable[[pa.Table, pa.Table, ModelConfig], LearnedModel]


def compare(
    rows: pa.Table,
    truth: set[str],
    key: str,
    seeds: int,
    config: ModelConfig,
    fit: Trainer,
    values: Mapping[str, float] | None = None,
) -> Comparison:
    """Split by date (60 % train, 15 % early stopping, 25 % test), score the test period
    with its outcomes removed, and measure each ranking against the whole ``truth`` (the
    ``key`` of every smuggling row, inspected or not): what a ranking would have found,
    not what was. Seed *s* of ``seeds`` trains with ``config.seed + s`` and draws the
    random picks with it; ``values`` (value at stake per key) gives Revenue@n%."""
    train_rows, valid_rows, test_rows = split(rows, *date_cuts(rows))
    keys = test_rows[key].to_pylist()
    found = np.array([item in truth for item in keys], float)
    stake = None if values is None else np.array([values.get(item, 0.0) for item in keys])

    def priority(seed: int) -> np.ndarray:
        return fit(train_rows, valid_rows, replace(config, seed=seed)).priority(test_rows)

    chosen = [config.seed + offset for offset in range(seeds)]
    return compare_rankings(found, numbers(test_rows["points"]), priority, chosen, stake)


def _mask(valid: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(valid.to_numpy(zero_copy_only=False), bool)


def _labels(rows: pa.Table, label: str) -> np.ndarray:
    return np.asarray(rows[label].to_numpy(zero_copy_only=False), float)
