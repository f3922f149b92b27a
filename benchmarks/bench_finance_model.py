"""The learned transfer model against the rules alone: minority-class F1 on test days.

A seeded AMLworld-like world (:mod:`filet.demo.amlworld`) of about ``size`` transfers
over 20 days is written as an AMLworld ``*_Trans.csv`` and ingested with
``--format amlworld``; then, as ``filet finance learn`` does, LightGBM is trained on the
first 60 % of the days, its threshold chosen on the next 20 %, and the last 20 % scored
(:func:`filet.finance.model_evaluation.evaluate`).

Baselines, on the same test transfers: **the rules**, a transfer flagged when any
typology detector gives it as evidence (defaults, whole period), and **the best single
detector**, chosen on the validation days. With ``FILET_BENCH_AMLWORLD`` naming a real
AMLworld file (``HI-Small_Trans.csv``, Kaggle, not shipped), the same runs on it too;
without it, that part is skipped and says why.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Comparison

from filet.demo.amlworld import generate
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.model_evaluation import Evaluation, evaluate
from filet.ingest import ingest_file
from filet.store import Workspace

DEFAULT_SIZE = 250_000
DAYS = 20
# Transfers an account makes or gets a day in the generated world (measured: 49,000
# transfers for 2,000 accounts over 20 days).
TRANSFERS_PER_ACCOUNT_DAY = 1.23
AMLWORLD_VARIABLE = "FILET_BENCH_AMLWORLD"


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    accounts = max(400, round(size / (DAYS * TRANSFERS_PER_ACCOUNT_DAY)))
    with tempfile.TemporaryDirectory(prefix="filet-bench-finance-model-") as folder:
        world = generate(seed=7, accounts=accounts, days=DAYS, attempts=max(30, accounts // 25))
        path = world.write(Path(folder) / "HI-Generated_Trans.csv")
        found = _comparisons("generated", _evaluate(Path(folder) / "generated", path))
    real = os.environ.get(AMLWORLD_VARIABLE, "")
    if not real:
        _log(f"AMLworld skipped: set {AMLWORLD_VARIABLE} to a HI-Small_Trans.csv to run on it\n")
    elif not Path(real).is_file():
        _log(f"AMLworld skipped: {real} ({AMLWORLD_VARIABLE}) is not a file\n")
    else:
        with tempfile.TemporaryDirectory(prefix="filet-bench-amlworld-") as folder:
            found += _comparisons(Path(real).name, _evaluate(Path(folder), Path(real)))
    return found


def _evaluate(home: Path, path: Path) -> Evaluation:
    ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
    try:
        report = ingest_file(ws, path, "amlworld")
        _log(f"{path.name}: {report.summary()}\n")
        with DuckDBEngine() as engine:
            ws.events.register(engine)
            _, evaluation = evaluate(engine)
    finally:
        ws.close()
    _log(
        f"{path.name}: {evaluation.transfers} transfers (train, valid, test), laundering "
        f"{evaluation.laundering}, threshold {evaluation.threshold}, {evaluation.rounds} trees\n"
    )
    return evaluation


def _comparisons(data: str, found: Evaluation) -> list[Comparison]:
    rules = "rules: evidence of any typology detector"
    best = f"best single detector on validation ({found.best_rule})"
    return [
        Comparison(f"{data}: minority F1, test days", "share", found.model.f1, rules,
                   found.rules.f1, higher_is_better=True),
        Comparison(f"{data}: precision, test days", "share", found.model.precision, rules,
                   found.rules.precision, higher_is_better=True),
        Comparison(f"{data}: recall, test days", "share", found.model.recall, rules,
                   found.rules.recall, higher_is_better=True),
        Comparison(f"{data}: minority F1, test days", "share", found.model.f1, best,
                   found.best_rule_scores.f1, higher_is_better=True),
    ]  # fmt: skip


def _log(text: str) -> None:
    sys.stderr.write(text)
