"""What a domain brings to the demo: input files it writes, and answers it expects.

Each domain adds one part (listed in ``filet.demo.pipeline.PARTS``): it writes its
seeded input files in the formats Filet ingests, then says, from the alerts the
detectors raised, whether each answer it planted was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from filet.alerts import Alert
from filet.model import Provenance


@dataclass(frozen=True)
class DemoInput:
    """One file to ingest, in a format ``filet ingest`` knows, with its provenance."""

    path: Path
    format: str
    provenance: Provenance


@dataclass(frozen=True)
class Expectation:
    """One planted answer (described in French then English) and whether it was found."""

    label: str
    found: bool


class DemoPart(Protocol):
    name: str

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]: ...

    def expectations(self, alerts: list[Alert]) -> list[Expectation]: ...
