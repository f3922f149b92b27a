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
unknown. Features, training and reasons are the shared core of
:mod:`filet.targeting.learned`; what is cargo's own is the spec and the consignments
with ``certain_points`` put ahead of any score.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pyarrow as pa

from filet.engine import open_engine
from filet.store.events import EventStore
from filet.targeting import learned
from filet.targeting.cargo_rules import RULES, CargoRuleThresholds, flag_steps
from filet.targeting.evaluate import Comparison
from filet.targeting.features import numbers
from filet.targeting.learned import FeatureSpec, LearnedModel
from filet.targeting.model import ModelConfig
from filet.targeting.profiles import Profile
from filet.targeting.selection import Pool
from filet.targeting.trust import CARGO_PARTIES, outcomes

LABEL = "seized"
# A port's seizures are few: small leaves, few rows per leaf, early stopping soon.
CARGO_CONFIG = ModelConfig(
    max_rounds=400, early_stopping_rounds=50, min_child_samples=5, num_leaves=7
)
SPEC = FeatureSpec(
    categorical=("port_loading", "port_discharge", "hs6", "container_type", "freight_payment"),
    numeric=(
        *(rule.name for rule in RULES),
        "points",
        "gross_mass_kg",
        "transshipments",
        "consignee_before",
    ),
    rising=(*(rule.name for rule in RULES), "points"),
    profiles=(
        Profile("shipper", ("shipper",), "exportateur", "shipper"),
        Profile("consignee", ("consignee",), "destinataire", "consignee"),
        Profile("booking", ("booking_party",), "réservataire", "booking party"),
        Profile("payer", ("freight_payer",), "payeur du fret", "freight payer"),
        Profile("vessel", ("vessel_imo",), "navire", "vessel"),
        Profile("hs6_loading", ("hs6", "port_loading"), "SH6 x port de chargement", "HS6 x port"),
    ),
    labels={
        "port_loading": ("port de chargement", "port of loading"),
        "port_discharge": ("port de déchargement", "port of discharge"),
        "hs6": ("code SH6", "HS6 code"),
        "container_type": ("type de conteneur", "container type"),
        "freight_payment": ("paiement du fret", "freight payment"),
        "points": ("points des règles", "rule points"),
        "gross_mass_kg": ("masse brute (kg)", "gross mass (kg)"),
        "transshipments": ("transbordements", "transshipments"),
        "consignee_before": (
            "envois antérieurs du destinataire",
            "consignee's earlier consignments",
        ),
        **{rule.name: (f"règle : {rule.label_fr}", f"rule: {rule.label_en}") for rule in RULES},
    },
    label=LABEL,
)


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
    return table.append_column(LABEL, outcomes(table["inspection"]))


def train(
    train_rows: pa.Table,
    valid_rows: pa.Table,
    config: ModelConfig,
    rules: CargoRuleThresholds | None = None,
) -> LearnedModel:
    """The learned score on :data:`SPEC` (:func:`filet.targeting.learned.train`), whose
    priority puts consignments with ``certain_points`` or more first: rules and model
    together, the learned score ordering them and all the others."""
    certain = (rules or CargoRuleThresholds()).certain_points
    return learned.train(SPEC, train_rows, valid_rows, config, partial(_ahead, certain))


def _ahead(certain_points: float, rows: pa.Table, scores: np.ndarray) -> np.ndarray:
    certain = numbers(rows["points"]) >= certain_points
    return scores + certain.astype(np.float64)


def pool(rules: CargoRuleThresholds | None = None) -> Pool:
    """Consignments as a draw picks them (:mod:`filet.targeting.selection`)."""
    fit = partial(train, rules=rules or CargoRuleThresholds())
    return Pool("consignment_id", "container", CARGO_PARTIES, CARGO_CONFIG, fit, LABEL)


def compare(
    rows: pa.Table,
    smuggled: set[str],
    seeds: int,
    config: ModelConfig,
    values: Mapping[str, float] | None = None,
) -> Comparison:
    """Rules alone, rules and model, random picks on the last quarter of ``rows``
    (:func:`filet.targeting.learned.compare`), against every smuggled consignment."""
    return learned.compare(rows, smuggled, "consignment_id", seeds, config, train, values)
