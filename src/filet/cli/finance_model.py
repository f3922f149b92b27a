"""``filet finance learn`` and ``filet finance score``: the learned transfer model."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from filet import settings
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
from filet.finance.model import FINANCE_CONFIG, Scores, TransferModel, feature_rows
from filet.finance.model_evaluation import Evaluation, evaluate
from filet.finance.model_scoring import DETECTOR_ID, digest, score
from filet.security.audit import Combination, Disclosure, track_event

# Minority-class F1 (%) on AMLworld HI-Small, Egressy et al. (AAAI 2024) Table 2 (GBT
# rows from Altman et al. 2023): other data, shown for scale, not compared.
PUBLISHED = {"LightGBM+GFs": 62.86, "XGBoost+GFs": 63.23, "Multi-PNA+EU": 68.16}
NO_TRANSFERS = "aucun virement dans l'espace / no transactions in the workspace"


def learn(
    seed: Annotated[int, typer.Option("--seed", help="Graine de LightGBM / LightGBM seed.")] = 0,
    save: Annotated[
        Path | None, typer.Option("--save", help="Enregistrer le modèle / save the model (JSON).")
    ] = None,
    engine: EngineOption = None,
    spark_master: SparkMasterOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apprendre et évaluer / train LightGBM on the first 60 % of the days of the labelled
    transfers (``is_laundering``), choose its threshold on the next 20 %, and give its
    minority-class F1 on the last 20 % beside the rules alone."""
    with workspace(home) as ws:
        who, reader = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, reader)
        try:
            with open_engine(engine or settings.get("engine"), spark_master) as running:
                if "transactions" not in readable.events.register(running):
                    fail(NO_TRANSFERS)
                model, evaluation = evaluate(running, replace(FINANCE_CONFIG, seed=seed))
        except (ValueError, ImportError) as error:
            fail(str(error))
    if save is not None:
        model.save(save)
    if as_json:
        print_json({"seed": seed, "saved": str(save) if save else None, **asdict(evaluation)})
        return
    console.print(_table(evaluation))
    train, valid, test = evaluation.days
    console.print(
        f"Jours / days: {train} + {valid} + {test}; seuil / threshold {evaluation.threshold:.4f} "
        f"(validation F1 {evaluation.valid.f1:.4f}), {evaluation.rounds} arbres / trees"
    )
    published = ", ".join(f"{name} {f1}" for name, f1 in PUBLISHED.items())
    console.print(f"Publié sur / published on AMLworld HI-Small (F1 %): {published}")
    if save is not None:
        console.print(f"Modèle enregistré / model saved: {save}")


def _table(evaluation: Evaluation) -> Table:
    table = Table(title="Jours de test / test days: classe minoritaire / minority class")
    for column in ("", "F1", "précision / precision", "rappel / recall", "signalés / flagged"):
        table.add_column(column, justify="left" if not column else "right")
    rows: list[tuple[str, Scores]] = [
        ("Modèle / model (LightGBM)", evaluation.model),
        ("Règles / rules (any detector)", evaluation.rules),
        (f"Meilleure règle / best rule ({evaluation.best_rule})", evaluation.best_rule_scores),
    ]
    for name, found in rows:
        shown = (f"{found.f1:.4f}", f"{found.precision:.4f}", f"{found.recall:.4f}")
        table.add_row(name, *shown, f"{found.right}/{found.flagged}")
    table.caption = f"{evaluation.model.positives} virements de blanchiment / laundering transfers"
    return table


def score_command(
    model_path: Annotated[
        Path, typer.Argument(help="Modèle (filet finance learn --save).", exists=True)
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Alertes en JSON Lines / alerts as JSON Lines (default: stdout)."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Variables expliquées / features.")] = 3,
    everything: Annotated[
        bool, typer.Option("--all", help="Tous les virements / every transfer, not only alerts.")
    ] = False,
    engine: EngineOption = None,
    spark_master: SparkMasterOption = None,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Noter les virements / score the workspace's transfers with a saved model: those at
    or above its threshold, as alerts with their top TreeSHAP features."""
    try:
        model = TransferModel.load(model_path)
    except (ValueError, KeyError) as error:
        fail(str(error))
    sha256 = digest(model_path)
    chosen = engine or settings.get("engine")
    with workspace(home) as ws:
        who, reader = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, reader)
        with open_engine(chosen, spark_master) as running:
            if "transactions" not in readable.events.register(running):
                fail(NO_TRANSFERS)
            found = score(model, feature_rows(running, model.settings), sha256, top, everything)
        lines = b"".join(orjson.dumps(item.to_dict()) + b"\n" for item in found)
        with ws.db.begin() as conn:
            track_event(
                conn,
                Combination(
                    actor=who, action="finance.score", objects=(DETECTOR_ID, sha256),
                    engine=chosen, alerts_found=len(found), alerts_new=0,
                ),
            )  # fmt: skip
            if out is not None:
                out.write_bytes(lines)
                disclosed = Disclosure(
                    actor=who, action="finance.score", objects=(sha256,), recipient=str(out),
                    records=len(found), sha256=hashlib.sha256(lines).hexdigest(),
                )  # fmt: skip
                track_event(conn, disclosed)
    if out is None:
        typer.echo(lines.decode("utf-8"), nl=False)
    flagged = sum(item.above for item in found)
    errors.print(f"{flagged} alertes / alerts (seuil / threshold {model.threshold:.4f})")
