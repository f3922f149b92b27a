"""Every benchmark runs at a tiny size and returns comparisons with positive values."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from filet.store import Workspace
from web_support import logged_in_client, seed_world

ROOT = Path(__file__).resolve().parent.parent


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "benchmark_runner", ROOT / "benchmarks" / "run.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()
NAMES = sorted(RUNNER.discover())


@pytest.mark.parametrize("name", NAMES)
def test_benchmark_returns_positive_comparisons(name: str) -> None:
    comparisons = RUNNER.discover([name])[name].run(300)
    assert comparisons
    for item in comparisons:
        assert item.baseline_name
        if item.unit == "share":  # a baseline may find none of the answers
            assert 0 < item.filet <= 1 and 0 <= item.baseline <= 1, item
        else:
            assert item.filet > 0 and item.baseline > 0, item


def test_runner_prints_and_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(RUNNER, "RESULTS", tmp_path)
    RUNNER.main(["search", "--size", "200"])
    assert "name exact: p95" in capsys.readouterr().out
    (record,) = tmp_path.glob("*-search-200.json")
    body = json.loads(record.read_text(encoding="utf-8"))
    assert body["size"] == 200
    assert {item["metric"] for item in body["comparisons"]} >= {"identifier: p95"}


def test_runner_refuses_an_unknown_benchmark() -> None:
    with pytest.raises(SystemExit, match="unknown benchmark"):
        RUNNER.discover(["nope"])


def test_web_baseline_serves_the_page_the_workbench_rendered(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """The web benchmark's baseline does the same rendering work: given the template
    and context a page was rendered with, it sends the very same HTML."""
    from benchmarks.web_baseline import Answer, bare_app

    world = seed_world(sqlite_workspace, tmp_path)
    client = logged_in_client(world, "ana-a")
    path = f"/alerts/{world.alerts_a[0]}"
    page = client.get(path)
    bare = TestClient(bare_app([Answer(path, page.template.name, dict(page.context))]))
    assert bare.get(path).text == page.text
    assert "Welch et al. 2022, Sci. Adv." in page.text
