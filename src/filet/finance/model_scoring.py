"""Transfers scored by a saved transfer model, as alerts that explain themselves.

A model file is not a detector: its thresholds are not cited defaults but what
training chose, and it must be trained on labelled transfers first. So the scores are
not in the detector registry; ``filet finance score`` writes them as JSON Lines, one
alert a line in the shape every detector's alerts take (subjects, reasons in French
and English naming the amount, the transfer as evidence by source file and line, the
decision threshold used), plus the model's digest and the TreeSHAP contributions of
the features that pushed the score up the most.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from filet.alerts import Alert, Evidence, Subject, ThresholdUsed
from filet.finance.common import TABLE, money
from filet.finance.model import TransferModel
from filet.targeting.model import Reason

DETECTOR_ID = "finance.model"
VERSION = "1"
_CHOSEN = (
    "F1 maximal sur les jours de validation (filet finance learn) / best F1 on the validation days"
)


@dataclass(frozen=True)
class Scored:
    alert: Alert
    reasons: list[Reason]
    model_sha256: str
    threshold: float
    above: bool

    def to_dict(self) -> dict[str, Any]:
        """The alert, and beside it the model's digest, threshold and top features."""
        return self.alert.to_dict() | {
            "model": {
                "sha256": self.model_sha256,
                "threshold": self.threshold,
                "above_threshold": self.above,
                "top_features": [asdict(reason) for reason in self.reasons],
            }
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def score(
    model: TransferModel, rows: pa.Table, model_sha256: str, top: int = 3, everything: bool = False
) -> list[Scored]:
    """The transfers of ``rows`` (:func:`filet.finance.model.feature_rows`) scoring at or
    above the model's threshold, or all of them with ``everything``, highest first."""
    scores, reasons = model.explain(rows, top)
    used = (
        ThresholdUsed("decision_threshold", round(model.threshold, 6), "score", _CHOSEN),
        *model.settings.used(),
    )
    kept = [i for i in range(rows.num_rows) if everything or scores[i] >= model.threshold]
    found = [
        Scored(
            _alert(rows, i, float(scores[i]), reasons[i], model.threshold, used, model_sha256),
            reasons[i],
            model_sha256,
            model.threshold,
            bool(scores[i] >= model.threshold),
        )
        for i in kept
    ]
    return sorted(found, key=lambda item: (-item.alert.score, item.alert.id))


def _alert(
    rows: pa.Table,
    i: int,
    value: float,
    reasons: list[Reason],
    threshold: float,
    used: tuple[ThresholdUsed, ...],
    model_sha256: str,
) -> Alert:
    row = {name: rows[name][i].as_py() for name in ("src", "dst", "amount", "currency", "ts")}
    key = {
        "source_file": rows["source_file"][i].as_py(),
        "source_line": rows["source_line"][i].as_py(),
    }
    side = "au-dessus du" if value >= threshold else "sous le"
    side_en = "above" if value >= threshold else "below"
    why_fr = " ; ".join(f"{r.label_fr} = {_shown(r.value, True)}" for r in reasons)
    why_en = "; ".join(f"{r.label_en} = {_shown(r.value, False)}" for r in reasons)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("account", row["src"]), Subject("account", row["dst"])),
        start=row["ts"],
        end=row["ts"],
        score=round(min(max(value, 0.0), 1.0), 4),
        reason_fr=(
            f"Virement de {money(row['amount'])} {row['currency']} de {row['src']} à "
            f"{row['dst']} : score appris {value:.3f}, {side} seuil {threshold:.3f} ; "
            f"surtout : {why_fr or 'aucune variable ne pousse le score'}."
        ),
        reason_en=(
            f"Transfer of {money(row['amount'], False)} {row['currency']} from {row['src']} "
            f"to {row['dst']}: learned score {value:.3f}, {side_en} the threshold "
            f"{threshold:.3f}; mostly: {why_en or 'no feature pushes the score up'}."
        ),
        evidence=(Evidence(TABLE, key),),
        thresholds=used,
        thresholds_hash=model_sha256[:16],
    )


def _shown(value: str | float | None, french: bool) -> str:
    """A feature's value as a reason shows it: "?" when missing, a decimal comma in French."""
    if value is None:
        return "?"
    if not isinstance(value, float):
        return str(value)
    text = f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return text.replace(".", ",") if french else text
