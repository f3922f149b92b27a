"""``filet detect`` and ``filet detectors``: run the detectors, list what they measure."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.status import Status
from rich.table import Table

from filet import settings
from filet.alerts import Detector, all_detectors
from filet.alerts.runner import run_detectors
from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    EngineOption,
    HomeOption,
    JsonOption,
    SparkMasterOption,
    acting_account,
    console,
    errors,
    fail,
    print_json,
    readable_workspace,
    workspace,
)
from filet.engine import open_engine
from filet.targeting.inspection_selection import noted


class _Progress:
    """Shows which detector runs, then remembers what each one found."""

    def __init__(self, status: Status) -> None:
        self.status = status
        self.counts: list[dict[str, Any]] = []

    def started(self, detector: Detector) -> None:
        self.status.update(f"Détection / detecting: {detector.id}…")

    def saved(self, detector: Detector, found: int, new: int) -> None:
        self.counts.append({"detector": detector.id, "found": found, "new": new})


def detect(
    detectors: Annotated[
        list[str] | None,
        typer.Argument(
            help="Détecteurs à lancer / detectors to run (default: every one whose inputs "
            "hold data; see `filet detectors`).",
            show_default=False,
        ),
    ] = None,
    engine: EngineOption = None,
    spark_master: SparkMasterOption = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Changer un seuil / change a threshold: detector.threshold=value (repeatable).",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Lancer les détecteurs / run detectors over the workspace's event tables and store
    their alerts (an alert found again keeps its triage status). In a workspace with
    accounts they read only the rows ``--actor`` may read."""
    chosen = engine or settings.get("engine")
    thresholds = _parse_overrides(overrides or [])
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, account)
        with errors.status("Démarrage du moteur / starting the engine…") as status:
            progress = _Progress(status)
            try:
                with open_engine(chosen, spark_master) as running, noted() as notes:
                    run_detectors(readable, running, detectors or None, thresholds, progress, who)
            except (KeyError, ValueError, ImportError) as error:
                fail(error.args[0] if isinstance(error, KeyError) else str(error))
    for note in notes:
        errors.print(note, highlight=False)
    if json_output:
        print_json({"engine": chosen, "detectors": progress.counts})
        return
    console.print(_summary(chosen, progress.counts))


def _parse_overrides(values: list[str]) -> dict[str, dict[str, str]]:
    """``maritime.ais_gap.min_gap_hours=8`` → {"maritime.ais_gap": {"min_gap_hours": "8"}}."""
    parsed: dict[str, dict[str, str]] = {}
    for value in values:
        key, equals, setting = value.partition("=")
        detector_id, dot, name = key.rpartition(".")
        if not (equals and dot and detector_id and name and setting):
            fail(f"--set {value!r} : attendu / expected detector.threshold=value")
        parsed.setdefault(detector_id, {})[name] = setting
    return parsed


def _summary(engine: str, counts: list[dict[str, Any]]) -> Table:
    table = Table(title=f"Détection terminée / detection done (moteur / engine: {engine})")
    table.add_column("détecteur / detector")
    for column in ("alertes / alerts", "nouvelles / new", "déjà connues / known"):
        table.add_column(column, justify="right")
    for count in counts:
        found, new = count["found"], count["new"]
        table.add_row(count["detector"], str(found), str(new), str(found - new))
    if not counts:
        table.caption = "Aucun détecteur n'avait ses données / no detector had its input data."
    return table


def detectors(json_output: JsonOption = False) -> None:
    """Lister les détecteurs / list every detector, its inputs and its thresholds."""
    described = [_describe(detector) for detector in all_detectors()]
    if json_output:
        print_json(described)
        return
    table = Table(title=f"Détecteurs / detectors ({len(described)})")
    for column in ("détecteur / detector", "entrées / inputs", "seuil / threshold"):
        table.add_column(column, overflow="fold")
    for column in ("défaut / default", "unité / unit", "source"):
        table.add_column(column, overflow="fold")
    for detector in described:
        title = f"{detector['id']} v{detector['version']}\n{detector['title_fr']}"
        inputs = ", ".join(detector["inputs"])
        for spec in detector["thresholds"]:
            table.add_row(
                title, inputs, spec["name"], str(spec["default"]), spec["unit"], spec["source"]
            )
            title = inputs = ""  # said once per detector
    console.print(table)


def _describe(detector: Detector) -> dict[str, Any]:
    return {
        "id": detector.id,
        "version": detector.version,
        "domain": detector.domain,
        "title_fr": detector.title_fr,
        "title_en": detector.title_en,
        "inputs": list(detector.inputs),
        "thresholds": [
            {"name": name, "default": default, "unit": unit, "source": source, "help": help}
            for name, default, unit, source, help in detector.thresholds.documented()
        ],
    }


def register(app: typer.Typer) -> None:
    app.command("detect")(detect)
    app.command("detectors")(detectors)
