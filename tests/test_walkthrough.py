"""The README's walkthrough, run line by line as a reader would in a shell: two services,
two cases, a refused read, deconfliction notices, and ``filet audit verify`` failing once
a row of the log is edited directly in the database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
FAILS = re.compile(r"#\s*(refusé|échoue)")


def _walkthrough() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- walkthrough -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_walkthrough_does_what_it_says(tmp_path: Path) -> None:
    lines = _walkthrough()
    assert lines[0] == "export FILET_HOME=enquetes"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FILET_")}
    env |= {
        "FILET_HOME": str(tmp_path / "enquetes"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "COLUMNS": "200",
    }
    said: list[tuple[str, str]] = []
    for line in lines[1:]:
        ran = subprocess.run(
            ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        expected_failure = bool(FAILS.search(line))
        assert (ran.returncode != 0) is expected_failure, (line, ran.stdout, ran.stderr)
        said.append((line.split("#")[0].strip(), " ".join((ran.stdout + ran.stderr).split())))

    def output(command: str) -> list[str]:
        return [text for line, text in said if line == command]

    [shown] = output("filet entity show d-karim --actor ana.douane")
    assert "Karim Benali" in shown and "douane-117.ftm.jsonl:1" in shown
    [refused] = output("filet entity show o-chimiste --actor ana.douane")
    assert "introuvable / entity not found" in refused and "Chimiste" not in refused
    [searched] = output('filet entity search "Le Chimiste" --actor ana.douane')
    assert "Aucun résultat" in searched
    [told] = output("filet deconfliction notices --actor ana.douane")
    assert "chef.ofast (ofast)" in told and "d-karim" in told
    assert "Chimiste" not in told and "2026-204" not in told
    [other_side] = output("filet deconfliction notices --actor chef.ofast")
    assert "chef.douane (douane)" in other_side
    intact, edited = output("filet audit verify")
    assert "Journal intègre / audit log verified" in intact
    assert "entrée 19 modifiée / entry 19 changed" in edited
