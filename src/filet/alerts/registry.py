"""The detector registry: the CLI, the API and the UI find detectors here.

A detector declares its inputs (event tables), its thresholds (a frozen dataclass of
cited defaults) and two pure functions: ``steps`` builds the SQL pipeline for a
dialect, ``to_alerts`` turns the pipeline's rows into alerts. Built-in detectors and
third-party ones (entry point group ``filet.detectors``) register the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

import pyarrow as pa

from filet.alerts.alert import Alert
from filet.alerts.thresholds import Thresholds
from filet.engine.base import Engine, Step
from filet.engine.dialects import Dialect

BUILTIN_MODULES: tuple[str, ...] = (
    "filet.maritime.gaps",
    "filet.maritime.loitering",
    "filet.maritime.encounters",
    "filet.maritime.spoofing",
    "filet.maritime.identity",
    "filet.maritime.port_calls",
    "filet.maritime.risky_ports",
    "filet.maritime.disabling",
    "filet.maritime.dark_targets",
    "filet.maritime.on_land",
    "filet.finance.fans",
    "filet.finance.cycles",
    "filet.finance.structuring",
    "filet.finance.pass_through",
    "filet.finance.scatter_gather",
    "filet.finance.front_business",
    "filet.finance.unexplained_wealth",
    "filet.finance.jurisdiction_exposure",
    "filet.network.key_players",
    "filet.network.brokers",
    "filet.network.burners",
    "filet.network.succession",
    "filet.integrity.unjustified",
    "filet.integrity.volume",
    "filet.targeting.cargo_rules",
    "filet.targeting.inspection_selection",
    "filet.targeting.release_anomalies",
    "filet.targeting.seal_mismatch",
    "filet.targeting.watchlist_hits",
    "filet.targeting.couriers",
    "filet.targeting.parcel_rules",
    "filet.targeting.passenger_selection",
)
ENTRY_POINT_GROUP = "filet.detectors"


@dataclass(frozen=True)
class Detector:
    id: str
    version: str
    domain: str
    title_fr: str
    title_en: str
    inputs: tuple[str, ...]
    thresholds: type[Thresholds]
    steps: Callable[[Any, Dialect], list[Step]]
    to_alerts: Callable[[list[dict[str, Any]], Any], list[Alert]]
    # Tables read when they hold data, registered empty otherwise.
    optional_inputs: tuple[str, ...] = ()
    # For a detector that goes on in Arrow (a model trained on every row): ``run`` hands
    # it the rows as a table, sparing the round trip through dictionaries.
    table_to_alerts: Callable[[pa.Table, Any], list[Alert]] | None = None

    def run(self, engine: Engine, thresholds: Thresholds | None = None) -> list[Alert]:
        """Run on ``engine``, whose event tables must already be registered."""
        applied = thresholds if thresholds is not None else self.thresholds()
        steps = self.steps(applied, engine.dialect)
        if self.table_to_alerts is not None:
            return self.table_to_alerts(engine.run_table(steps), applied)
        return self.to_alerts(engine.run(steps), applied)


_REGISTRY: dict[str, Detector] = {}
_loaded = False


def register(detector: Detector) -> Detector:
    existing = _REGISTRY.get(detector.id)
    if existing is not None and existing is not detector:
        raise ValueError(f"two detectors claim the id {detector.id!r}")
    _REGISTRY[detector.id] = detector
    return detector


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module in BUILTIN_MODULES:
        import_module(module)
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        register(entry_point.load())
    _loaded = True


def all_detectors() -> list[Detector]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda detector: detector.id)


def get_detector(detector_id: str) -> Detector:
    _load()
    try:
        return _REGISTRY[detector_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown detector {detector_id!r}; known: {known}") from None
