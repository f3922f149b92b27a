"""Run the benchmarks: ``python benchmarks/run.py [NAME...] [--size N]``.

Every ``benchmarks/bench_*.py`` module exposes ``run(size) -> list[Comparison]`` and a
``DEFAULT_SIZE``. Each one measures Filet and a named baseline in the same process on
the same data; this script prints them side by side and keeps a JSON record in
``benchmarks/results/`` (git-ignored) with the machine they ran on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import Comparison  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def discover(names: list[str] | None = None) -> dict[str, ModuleType]:
    """The benchmark modules, by short name (``search`` for ``bench_search.py``; an
    underscore reads as a hyphen: ``finance-model`` for ``bench_finance_model.py``)."""
    found = {
        _short(path.stem): path.stem for path in sorted((ROOT / "benchmarks").glob("bench_*.py"))
    }
    wanted = [_short(name) for name in names or list(found)]
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise SystemExit(
            f"benchmark inconnu / unknown benchmark: {', '.join(unknown)}; "
            f"known: {', '.join(found)}"
        )
    return {name: importlib.import_module(f"benchmarks.{found[name]}") for name in wanted}


def _short(name: str) -> str:
    return name.removeprefix("bench_").replace("_", "-")


def table(name: str, comparisons: list[Comparison]) -> Table:
    view = Table(title=f"benchmark {name}")
    for column in ("metric", "Filet", "baseline", "baseline value", "ratio"):
        view.add_column(column, justify="left" if column in ("metric", "baseline") else "right")
    for item in comparisons:
        view.add_row(
            item.metric,
            f"{item.filet:,.3f} {item.unit}",
            item.baseline_name,
            f"{item.baseline:,.3f} {item.unit}",
            f"{item.ratio:,.2f}x" if item.filet and item.baseline else "n/a",
        )
    return view


def record(name: str, size: int, seconds: float, comparisons: list[Comparison]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}-{name}-{size}.json"
    body = {
        "benchmark": name,
        "size": size,
        "seconds": round(seconds, 1),
        "finished_at": started.isoformat(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "comparisons": [asdict(item) | {"ratio": _ratio(item)} for item in comparisons],
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _ratio(item: Comparison) -> float | None:
    return item.ratio if item.filet and item.baseline else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--size", type=int, help="entities or rows (default: each one's own)")
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # a log file has no width; keep rows on one line
    for name, module in discover(args.names).items():
        size = args.size or module.DEFAULT_SIZE
        started = time.perf_counter()
        comparisons = module.run(size)
        seconds = time.perf_counter() - started
        console.print(table(f"{name} (size {size:,}, {seconds:,.0f} s)", comparisons))
        console.print(f"résultats / results: {record(name, size, seconds, comparisons)}")


if __name__ == "__main__":
    main()
