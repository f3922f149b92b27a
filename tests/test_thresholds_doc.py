"""docs/thresholds.md is exactly what the detector registry generates."""

from __future__ import annotations

from pathlib import Path

from filet.alerts import all_detectors
from filet.alerts.docs import REGENERATE, render

DOC = Path(__file__).parents[1] / "docs" / "thresholds.md"


def test_thresholds_doc_matches_the_registry() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        f"docs/thresholds.md is out of date; regenerate it with: {REGENERATE}"
    )


def test_every_threshold_is_in_the_doc_with_its_source() -> None:
    text = render()
    for detector in all_detectors():
        assert f"## `{detector.id}`" in text
        for name, default, unit, source, _ in detector.thresholds.documented():
            assert f"| `{name}` | {default} | {unit} |" in text
            assert source in text
