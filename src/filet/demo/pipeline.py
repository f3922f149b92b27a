"""The demo: seeded worlds ingested, analysed and checked against their known answers.

It goes through the same readers, store and detectors as real data, so what it shows
is what works. Each domain adds its part to ``PARTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from filet.alerts import Alert
from filet.alerts.runner import run_detectors
from filet.demo.cargo import CargoPart
from filet.demo.crypto import CryptoPart
from filet.demo.finance import FinancePart
from filet.demo.flights_part import FlightsPart
from filet.demo.front_business import FrontBusinessPart
from filet.demo.integrity import IntegrityPart
from filet.demo.intelligence import IntelligencePart
from filet.demo.maritime import MaritimePart
from filet.demo.network import NetworkPart
from filet.demo.network_ties import NetworkTiesPart
from filet.demo.parcels import ParcelsPart
from filet.demo.parts import DemoPart, Expectation
from filet.demo.passengers import PassengersPart
from filet.demo.terminal import TerminalPart
from filet.demo.wealth import WealthPart
from filet.engine import open_engine
from filet.ingest import IngestReport, ingest_file
from filet.store import Workspace
from filet.store.tables import entities

PARTS: tuple[Callable[[], DemoPart], ...] = (
    IntelligencePart,
    FinancePart,
    FrontBusinessPart,
    WealthPart,
    CryptoPart,
    NetworkPart,
    NetworkTiesPart,
    MaritimePart,
    IntegrityPart,
    CargoPart,
    TerminalPart,
    PassengersPart,
    ParcelsPart,
    FlightsPart,
)


@dataclass
class DemoResult:
    ingested: list[IngestReport]
    entities_by_schema: dict[str, int]
    alerts: list[Alert]
    expectations: list[Expectation]


def run_demo(home: Path, seed: int = 7, engine: str = "duckdb") -> DemoResult:
    parts = [make() for make in PARTS]
    ws = Workspace.open(home)
    try:
        reports = [
            ingest_file(ws, item.path, item.format, provenance=item.provenance)
            for part in parts
            for item in part.write_inputs(home / "inputs" / part.name, seed)
        ]
        with open_engine(engine) as running:
            found = run_detectors(ws, running)
        with ws.db.connect() as conn:
            query = sa.select(entities.c.schema, sa.func.count()).group_by(entities.c.schema)
            counts = sorted(conn.execute(query), key=lambda row: (-row[1], row[0]))
    finally:
        ws.close()
    expectations = [expected for part in parts for expected in part.expectations(found)]
    return DemoResult(reports, {schema: total for schema, total in counts}, found, expectations)
