"""``docs/thresholds.md``, generated from the detector registry so it cannot drift.

Regenerate it with ``python -m filet.alerts.docs > docs/thresholds.md``; a test fails
when the file and the registry disagree.
"""

from __future__ import annotations

import sys

from filet.alerts.registry import Detector, all_detectors
from filet.alerts.thresholds import Thresholds
from filet.network.resolution import ResolutionThresholds

REGENERATE = "python -m filet.alerts.docs > docs/thresholds.md"


def render() -> str:
    """The whole Markdown page: one table of thresholds per registered detector."""
    lines = [
        "# Seuils des détecteurs / detector thresholds",
        "",
        f"<!-- Generated from the detector registry by `{REGENERATE}`; do not edit. -->",
        "",
        "Chaque seuil est une valeur par défaut configurable qui cite sa source ; changez-la",
        "le temps d'une détection avec `filet detect --set DETECTEUR.SEUIL=VALEUR`. Chaque",
        "alerte garde les valeurs qui l'ont produite et leur empreinte.",
        "",
        "Every threshold is a configurable default citing its source; change one for a run",
        "with `filet detect --set DETECTOR.THRESHOLD=VALUE`. Each alert keeps the values",
        "it was found with and their hash.",
    ]
    for detector in all_detectors():
        lines += ["", *_section(detector)]
    lines += ["", *_resolution_section()]
    return "\n".join(lines) + "\n"


def _section(detector: Detector) -> list[str]:
    inputs = ", ".join(f"`{table}`" for table in detector.inputs)
    return [
        f"## `{detector.id}`: {detector.title_fr} / {detector.title_en}",
        "",
        f"Version {detector.version}; entrées / inputs: {inputs}.",
        "",
        *_table(detector.thresholds),
    ]


def _resolution_section() -> list[str]:
    """Entity resolution is not a detector (it makes links, not alerts), but its
    thresholds decide what is merged without review, so they belong on the same page."""
    return [
        "## `network.resolution`: Résolution d'entités / entity resolution",
        "",
        "`filet resolve run --accept P --review P`; entrées / inputs: entities of the store.",
        "",
        *_table(ResolutionThresholds),
    ]


def _table(thresholds: type[Thresholds]) -> list[str]:
    lines = [
        "| seuil / threshold | défaut / default | unité / unit | signification / meaning "
        "| source |",
        "|---|---|---|---|---|",
    ]
    for name, default, unit, source, meaning in thresholds.documented():
        cells = [f"`{name}`", str(default), unit, meaning, source]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(render())
