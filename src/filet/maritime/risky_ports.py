"""Calls at high-risk ports: port calls at ports cocaine is known to leave from.

Most cocaine reaching Europe crosses the Atlantic in containers loaded in a handful of
South American ports (Guayaquil, Santos, Cartagena, Turbo, Paramaribo, ...). A vessel
that called there is not suspect by itself, but it is where an analyst starts when it
then meets another at sea or goes dark. The list is a dated YAML file: each port gives
its UN/LOCODE, why it is listed (French and English) and the sources that say so. The
built-in list ships with Filet (``high_risk_ports.yaml``); a service points the
``high_risk_ports_file`` threshold at its own. Every alert names the list's version.

Calls are found exactly as ``maritime.port_call`` finds them (3 km in, 4 km out, a stop
or a silence in between), against the listed ports only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from filet.alerts import Alert, Detector, ThresholdUsed, register, threshold
from filet.engine import Dialect, Step
from filet.maritime.coast import Port, all_ports
from filet.maritime.port_calls import VERSION, PortCallThresholds, call_alert, call_steps

DETECTOR_ID = "maritime.high_risk_port_call"
# A lead for an analyst, weaker than a behaviour at sea.
RISK_SCORE = 0.5


@dataclass(frozen=True)
class HighRiskPortThresholds(PortCallThresholds):
    high_risk_ports_file: str = threshold(
        "",
        unit="path",
        source=(
            "Filet high_risk_ports.yaml (dated list; EMCDDA and Europol 2022, EU Drug "
            "Markets: Cocaine; UNODC Global Report on Cocaine 2023; Sénat rapport n° 588 "
            "(2023-2024))"
        ),
        help=(
            "Fichier YAML des ports à risque ; vide : la liste fournie avec Filet. / "
            "YAML file of high-risk ports; empty: the list shipped with Filet."
        ),
    )


@dataclass(frozen=True)
class ListedPort:
    port: Port
    why_fr: str
    why_en: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RiskList:
    version: str
    where: str
    ports: dict[str, ListedPort]


def load_list(path: str = "") -> RiskList:
    """Read and check a high-risk port list; ValueError naming the file and field."""
    if path:
        return _parse(Path(path).read_text(encoding="utf-8"), path)
    builtin = resources.files("filet.maritime") / "high_risk_ports.yaml"
    return _builtin(builtin.read_text(encoding="utf-8"))


@cache
def _builtin(text: str) -> RiskList:
    return _parse(text, "high_risk_ports.yaml")


def _parse(text: str, where: str) -> RiskList:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("ports"), list):
        raise ValueError(f"{where}: a mapping with 'version', 'sources' and 'ports' expected")
    version, cited = document.get("version"), document.get("sources") or {}
    if not version:
        raise ValueError(f"{where}: field 'version' (the date of the list) is missing")
    known = {p.locode: p for p in reversed(all_ports())}
    ports = {}
    for index, entry in enumerate(document["ports"], start=1):
        field = f"{where}: ports[{index}]"
        locode = str(entry.get("locode", "")).upper()
        if locode not in known and not {"lat", "lon", "name"} <= set(entry):
            raise ValueError(f"{field}.locode: {locode!r} is not in the searoute port list")
        sources = tuple(entry.get("sources") or ())
        unknown = [source for source in sources if source not in cited]
        if not sources or unknown:
            raise ValueError(f"{field}.sources: cite at least one of 'sources' ({unknown})")
        place = known.get(locode) or Port(
            locode, entry["name"], entry.get("country", ""), entry["lat"], entry["lon"]
        )
        ports[locode] = ListedPort(place, entry["why_fr"], entry["why_en"], sources)
    return RiskList(str(version), where, ports)


def steps(thresholds: HighRiskPortThresholds, dialect: Dialect) -> list[Step]:
    listed = load_list(thresholds.high_risk_ports_file)
    ports = [entry.port for entry in listed.ports.values()]
    return call_steps(thresholds, dialect, ports, "high_risk_port_call")


def to_alerts(rows: list[dict[str, Any]], thresholds: HighRiskPortThresholds) -> list[Alert]:
    listed = load_list(thresholds.high_risk_ports_file)
    alerts = []
    for row in rows:
        entry = listed.ports[row["locode"]]
        notes = (
            f" Port à risque ({listed.where}, version {listed.version}) : {entry.why_fr} "
            f"[{', '.join(entry.sources)}].",
            f" High-risk port ({listed.where}, version {listed.version}): {entry.why_en} "
            f"[{', '.join(entry.sources)}].",
        )
        alert = call_alert(row, thresholds, entry.port, DETECTOR_ID, RISK_SCORE, notes)
        version = ThresholdUsed("high_risk_ports_version", listed.version, "date", listed.where)
        alerts.append(replace(alert, thresholds=(*alert.thresholds, version)))
    return alerts


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="Escale dans un port à risque",
        title_en="Call at a high-risk port",
        inputs=("ais_positions",),
        thresholds=HighRiskPortThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
