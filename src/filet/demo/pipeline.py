"""The demo: a seeded world ingested, analysed and checked against its known answers.

It goes through the same readers, store and detectors as real data, so what it shows
is what works. Each domain adds its files to the world and its checks here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from filet.alerts import Alert
from filet.alerts.runner import run_detectors
from filet.demo.world import PlantedGap, World, generate
from filet.engine import open_engine
from filet.ingest import ingest_file
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.store import Workspace
from filet.store.tables import entities

INTELLIGENCE = Provenance(
    dataset="demo-renseignement",
    collecting_service="OFAST",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H1,
)
AIS_FEED = Provenance(
    dataset="demo-ais",
    collecting_service="DNGDDI",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H0,
)


@dataclass
class DemoResult:
    world: World
    entities_by_schema: dict[str, int]
    alerts: list[Alert]

    def found(self, gap: PlantedGap) -> bool:
        return any(
            alert.detector_id == "maritime.ais_gap"
            and alert.subjects[0].value == gap.mmsi
            and alert.start == gap.start
            and alert.end == gap.end
            for alert in self.alerts
        )


def run_demo(home: Path, seed: int = 7, engine: str = "duckdb") -> DemoResult:
    world = generate(seed)
    files = world.write(home / "inputs")
    now = datetime.now(UTC)
    ws = Workspace.open(home)
    try:
        ingest_file(
            ws, files["entities"], "ftm", provenance=replace(INTELLIGENCE, collected_at=now)
        )
        ingest_file(
            ws, files["ais"], "marinecadastre", provenance=replace(AIS_FEED, collected_at=now)
        )
        with open_engine(engine) as running:
            found = run_detectors(ws, running)
        with ws.db.connect() as conn:
            query = sa.select(entities.c.schema, sa.func.count()).group_by(entities.c.schema)
            counts: dict[str, int] = {schema: total for schema, total in conn.execute(query)}
    finally:
        ws.close()
    return DemoResult(world, dict(Counter(counts).most_common()), found)
