"""Running detectors over a workspace's event tables and keeping what they find."""

from __future__ import annotations

from typing import Protocol

from filet.alerts.alert import Alert
from filet.alerts.registry import Detector, all_detectors, get_detector
from filet.alerts.store import save_alerts
from filet.alerts.thresholds import Thresholds
from filet.engine.base import Engine
from filet.security.audit import Actor, Combination, track_event
from filet.store.workspace import Workspace


class MissingInputError(ValueError):
    """A detector was asked for by name but an event table it reads is empty."""


class RunListener(Protocol):
    """Follows a run, e.g. to show progress; ``saved`` comes once all alerts are stored."""

    def started(self, detector: Detector) -> None: ...

    def saved(self, detector: Detector, found: int, new: int) -> None: ...


def run_detectors(
    ws: Workspace,
    engine: Engine,
    detector_ids: list[str] | None = None,
    overrides: dict[str, dict[str, str]] | None = None,
    listener: RunListener | None = None,
    actor: Actor | None = None,
) -> list[Alert]:
    """Run detectors on ``engine`` and save their alerts in one transaction.

    Without ``detector_ids``, every registered detector whose inputs all hold data
    runs. ``overrides`` maps a detector id to threshold values (as text, converted to
    each default's type). Alerts already stored keep their triage status. The run is
    recorded in the audit log as a combination by ``actor`` (default: the local user),
    in the transaction that saves the alerts.
    """
    overrides = overrides or {}
    present = set(ws.events.register(engine))
    detectors = _select(detector_ids, present)
    ws.events.register_empty(engine, {t for d in detectors for t in d.optional_inputs} - present)
    _check_overrides(overrides, detectors)
    found: dict[str, list[Alert]] = {}
    for detector in detectors:
        if listener is not None:
            listener.started(detector)
        thresholds = _thresholds(detector, overrides.get(detector.id, {}))
        found[detector.id] = detector.run(engine, thresholds)
    with ws.db.begin() as conn:
        new = {detector.id: save_alerts(conn, found[detector.id]) for detector in detectors}
        combined = Combination(
            actor=actor or Actor.local(),
            action="detect",
            objects=tuple(detector.id for detector in detectors),
            engine=engine.dialect.name,
            alerts_found=sum(len(alerts) for alerts in found.values()),
            alerts_new=sum(new.values()),
        )
        track_event(conn, combined)
    if listener is not None:
        for detector in detectors:
            listener.saved(detector, len(found[detector.id]), new[detector.id])
    return [alert for detector in detectors for alert in found[detector.id]]


def _select(detector_ids: list[str] | None, present: set[str]) -> list[Detector]:
    if detector_ids is None:
        return [d for d in all_detectors() if set(d.inputs) <= present]
    chosen = [get_detector(detector_id) for detector_id in dict.fromkeys(detector_ids)]
    for detector in chosen:
        missing = sorted(set(detector.inputs) - present)
        if missing:
            tables = ", ".join(missing)
            raise MissingInputError(
                f"le détecteur {detector.id} lit {tables}, vide dans ce workspace : ingérez "
                f"ces données d'abord / detector {detector.id} reads {tables}, which holds "
                "no data in this workspace: ingest it first"
            )
    return chosen


def _thresholds(detector: Detector, values: dict[str, str]) -> Thresholds:
    try:
        return detector.thresholds().replace(**values)
    except ValueError as error:
        raise ValueError(
            f"seuil invalide pour / invalid threshold for {detector.id}: {error}"
        ) from error


def _check_overrides(overrides: dict[str, dict[str, str]], detectors: list[Detector]) -> None:
    """A threshold set for a detector that does not run is most likely a typo."""
    running = {detector.id for detector in detectors}
    for detector_id in overrides:
        if detector_id not in running:
            raise ValueError(
                f"seuil donné pour {detector_id!r}, qui ne tourne pas / threshold set for "
                f"{detector_id!r}, which is not running (running: {', '.join(sorted(running))})"
            )
