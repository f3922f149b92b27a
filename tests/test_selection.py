"""The day's inspections: drawn with a committed seed, dealt to officers by lottery,
recorded in the audit log, and recomputable by anyone holding the seed."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from typer.testing import CliRunner

from filet.cli import app
from filet.demo.cargo import CargoWorld, generate
from filet.store import Workspace
from filet.store.tables import audit_entries
from filet.targeting.budget import Pick, commitment
from filet.targeting.drift import PSI_SHIFTED, PSI_WATCH, population_stability, two_proportion_z
from filet.targeting.selection import assign

runner = CliRunner()


def test_assignment_is_balanced_and_decided_by_the_seed_only() -> None:
    picks = [Pick(f"ENS{n:03d}", "physical", "score") for n in range(11)]
    dealt = assign(picks, ["martin", "dupont", "leroy"], "graine-1")
    assert sorted(Counter(dealt.values()).values()) == [3, 4, 4]
    # The order officers are named in and the order of the picks change nothing.
    assert assign(list(reversed(picks)), ["leroy", "dupont", "martin"], "graine-1") == dealt
    assert assign(picks, ["martin", "dupont", "leroy"], "graine-2") != dealt


def _world(home: Path) -> CargoWorld:
    """Two hundred days of a port; the last three await a decision."""
    world = generate(4, days=200)
    for row in world.rows:
        if world.day_of(row) >= 197:
            row["inspection"] = ""
    path = world.write(home.parent / "ens.csv")
    result = runner.invoke(app, ["ingest", str(path), "--format", "ens", "--home", str(home)])
    assert result.exit_code == 0, result.output
    return world


def _select(home: Path, seed: str, out: Path) -> list[dict[str, str]]:
    result = runner.invoke(
        app,
        ["targeting", "select", "--seed", seed, "--out", str(out), "--home", str(home),
         "--budget", "physical=6", "--budget", "documentary=10",
         "--officer", "physical=dupont", "--officer", "physical=martin",
         "--officer", "documentary=leroy"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(out.open(encoding="utf-8")))


def test_commit_then_select_draws_recorded_recomputable_inspections(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    world = _world(home)
    today = {r["consignment_id"] for r in world.rows if world.day_of(r) >= 197}
    smuggled_today = today & world.smuggled
    refused = runner.invoke(
        app,
        ["targeting", "select", "--seed", "not-committed", "--out", str(tmp_path / "x.csv"),
         "--home", str(home), "--budget", "physical=6", "--officer", "physical=dupont"],
    )  # fmt: skip
    assert refused.exit_code == 1 and "seed not committed" in refused.output
    committed = runner.invoke(app, ["targeting", "commit", "--home", str(home)])
    assert committed.exit_code == 0, committed.output
    seed = re.search(r"keep it secret: ([0-9a-f]{32})", committed.output)
    assert seed is not None
    picks = _select(home, seed.group(1), tmp_path / "picks.csv")

    assert Counter(p["lane"] for p in picks) == {"physical": 6, "documentary": 10}
    assert {p["officer"] for p in picks if p["lane"] == "physical"} == {"dupont", "martin"}
    assert Counter(p["why"] for p in picks) == {"score": 14, "random": 2}  # 10 % of each lane
    caught = {p["consignment_id"] for p in picks} & smuggled_today
    assert len(caught) * 2 > len(smuggled_today)  # 16 of 125 inspected catch most of them
    assert all(p["reasons"] for p in picks if p["why"] == "score")
    # Each pick shows its shipper's record before its day: consignments, inspected, seized.
    pick = picks[0]
    day = next(world.day_of(r) for r in world.rows if r["consignment_id"] == pick["consignment_id"])
    earlier = [r for r in world.rows if world.day_of(r) < day and r["shipper"] == pick["shipper"]]
    inspected = [r for r in earlier if r["inspection"] in ("clean", "seizure")]
    seized = [r for r in earlier if r["inspection"] == "seizure"]
    assert pick["shipper_record"].startswith(
        f"{len(earlier)} envois / consignments, {len(inspected)} contrôlés / inspected, "
        f"{len(seized)} saisies / seizures"
    )
    # The same seed on the same data gives the same draw, officers included.
    assert _select(home, seed.group(1), tmp_path / "again.csv") == picks

    ws = Workspace.open(home)
    try:
        with ws.db.connect() as conn:
            entries = conn.execute(
                sa.select(audit_entries.c.action, audit_entries.c.entry)
                .where(audit_entries.c.action.like("targeting.%"))
                .order_by(audit_entries.c.idx)
            ).all()
    finally:
        ws.close()
    actions = [action for action, _ in entries]
    assert actions == ["targeting.commit", "targeting.select", "targeting.select"]
    drawn = json.loads(entries[1][1])
    assert drawn["objects"][:2] == [commitment(seed.group(1)), seed.group(1)]
    assert drawn["records"] == 16


def test_population_stability_and_hit_rate_test() -> None:
    rng = np.random.default_rng(1)
    reference = rng.beta(1, 30, 2000)
    assert population_stability(reference, rng.beta(1, 30, 2000)) < PSI_WATCH
    assert population_stability(reference, rng.beta(3, 30, 2000)) > PSI_SHIFTED
    assert two_proportion_z(10, 500, 10, 500) == 0.0
    z = two_proportion_z(10, 500, 30, 500)
    assert z is not None and z > 1.96
    assert two_proportion_z(0, 0, 3, 10) is None


def test_drift_command_sees_the_traffic_move(tmp_path: Path) -> None:
    """In the last four weeks the port's traffic changes (every consignment now comes from Turbo
    in a reefer through Panama): the score distribution is shifted; before, it is not."""
    world = generate(6, days=206)
    steady = tmp_path / "steady"
    path = world.write(tmp_path / "steady.csv")
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "ens", "--home", str(steady)])
    assert ingested.exit_code == 0, ingested.output
    for row in world.rows:
        if world.day_of(row) >= 178:
            row.update(port_loading="COTRB", container_type="45R1", ports_transshipment="PAMIT")
    moved = tmp_path / "moved"
    path = world.write(tmp_path / "moved.csv")
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "ens", "--home", str(moved)])
    assert ingested.exit_code == 0, ingested.output
    found = {}
    for name, home in (("steady", steady), ("moved", moved)):
        result = runner.invoke(app, ["targeting", "drift", "--home", str(home), "--json"])
        assert result.exit_code == 0, result.output
        found[name] = json.loads(result.output)
    assert found["steady"]["psi_level"] == "stable"
    assert found["moved"]["psi_level"] == "shifted"
    assert found["moved"]["psi_points"] > PSI_SHIFTED
    assert found["steady"]["psi_points"] < PSI_WATCH and found["steady"]["psi_score"] < PSI_WATCH


def test_select_says_when_nothing_awaits_a_decision(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    path = generate(4, days=60, per_day=10).write(tmp_path / "ens.csv")
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "ens", "--home", str(home)])
    assert ingested.exit_code == 0, ingested.output
    committed = runner.invoke(app, ["targeting", "commit", "--home", str(home)])
    seed = re.search(r"keep it secret: ([0-9a-f]{32})", committed.output)
    assert seed is not None
    result = runner.invoke(
        app,
        ["targeting", "select", "--seed", seed.group(1), "--out", str(tmp_path / "p.csv"),
         "--home", str(home), "--budget", "physical=2", "--officer", "physical=dupont"],
    )  # fmt: skip
    assert result.exit_code == 1 and "no consignment awaits a decision" in result.output
    assert not (tmp_path / "p.csv").exists()
