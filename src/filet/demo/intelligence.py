"""The demo's core part: the intelligence file (people, companies, vessels, links) and
three days of AIS positions with planted silences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from filet.alerts import Alert
from filet.demo.parts import DemoInput, Expectation
from filet.demo.world import PlantedGap, World, generate
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

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


class IntelligencePart:
    name = "intelligence"

    def __init__(self) -> None:
        self.world: World | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        files = self.world.write(folder)
        now = datetime.now(UTC)
        return [
            DemoInput(files["entities"], "ftm", replace(INTELLIGENCE, collected_at=now)),
            DemoInput(files["ais"], "marinecadastre", replace(AIS_FEED, collected_at=now)),
        ]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world is not None, "write_inputs comes first"
        return [
            Expectation(
                f"Silence AIS planté / planted AIS gap: MMSI {gap.mmsi}, {gap.hours:.0f} h",
                any(_is_gap(alert, gap) for alert in alerts),
            )
            for gap in self.world.planted_gaps
        ]


def _is_gap(alert: Alert, gap: PlantedGap) -> bool:
    return (
        alert.detector_id == "maritime.ais_gap"
        and alert.subjects[0].value == gap.mmsi
        and (alert.start, alert.end) == (gap.start, gap.end)
    )
