"""The learned courier score on a seeded flight world: inspection outcomes on PNR, no
leak from a passenger's own outcome, reasons, and the rules and the model together
against the rules alone and random picks, scored against every courier (uninspected
ones included)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.demo import passengers
from filet.demo.flights import FlightWorld, generate
from filet.ingest import ingest_file
from filet.ingest.quarantine import list_quarantined
from filet.store import Workspace
from filet.targeting.evaluate import date_cuts, split
from filet.targeting.features import Vocabulary
from filet.targeting.flight_model import FLIGHT_CONFIG, LABEL, SPEC, compare, flagged, train


def _rows(workspace: Workspace, world: FlightWorld, tmp_path: Path) -> pa.Table:
    ingest_file(workspace, world.write(tmp_path / "pnr.csv"), "pnr")
    return flagged(workspace.events)


@pytest.fixture(scope="module")
def short_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[FlightWorld, pa.Table]:
    """Ninety days of flights (seed 4), ingested and flagged once for several tests."""
    folder = tmp_path_factory.mktemp("flights")
    world = generate(4, days=90)
    workspace = Workspace.open(folder / "home", f"sqlite:///{folder / 'filet.db'}")
    try:
        return world, _rows(workspace, world, folder)
    finally:
        workspace.close()


def test_outcomes_and_contacts_are_ingested_and_a_bad_outcome_is_quarantined(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    world = generate(2, days=3)
    world.rows[0]["inspection"] = "found"
    report = ingest_file(sqlite_workspace, world.write(tmp_path / "pnr.csv"), "pnr")
    assert (report.rows_quarantined, report.rows_stored) == (1, len(world.rows) - 1)
    with sqlite_workspace.db.connect() as conn:
        [held] = list_quarantined(conn)
    assert (held.line, held.field) == (2, "inspection")
    rows = flagged(sqlite_workspace.events)
    by_locator = {r["record_locator"]: r for r in world.rows[1:]}
    for row in rows.to_pylist():
        planted = by_locator[row["record_locator"]]
        assert row["inspection"] == planted["inspection"]
        assert row["contact_phone"] == planted["contact_phone"]
        assert row[LABEL] is {"seizure": True, "clean": False, "none": None}[row["inspection"]]
    boarded = [r for r in world.rows[1:] if r["travel_status"] != "no-show"]
    assert rows.num_rows == len(boarded)


def test_a_pnr_file_without_the_new_columns_still_ingests(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """The PNR layout of before (no contact, no outcome) is valid: both stay empty."""
    world = passengers.generate(seed=3, per_flight=5, listed=5)
    path = tmp_path / "pnr.csv"
    passengers.write_pnr(world, path)
    report = ingest_file(sqlite_workspace, path, "pnr")
    assert (report.rows_quarantined, report.rows_stored) == (0, len(world.pnr))
    rows = flagged(sqlite_workspace.events)
    assert rows.num_rows == len(world.pnr) - 1  # the no-show is not ranked
    assert rows["inspection"].null_count == rows.num_rows
    assert rows["contact_phone"].null_count == rows.num_rows


def test_a_passengers_own_outcome_does_not_change_its_features(
    short_world: tuple[FlightWorld, pa.Table],
) -> None:
    """Training features see outcomes of earlier days only: flipping every outcome of
    one day leaves that day's rows (and earlier ones) as they were, and changes some
    later row, so the history is used."""
    _, rows = short_world
    inspected = rows.filter(pc.is_valid(rows[LABEL]))
    day = inspected["ts"][inspected.num_rows // 2].as_py().date()
    days = [ts.date() for ts in rows["ts"].to_pylist()]
    flipped = pc.if_else(pa.array([d == day for d in days]), pc.invert(rows[LABEL]), rows[LABEL])
    other = rows.set_column(rows.schema.get_field_index(LABEL), LABEL, flipped)
    vocabulary = Vocabulary.learn(rows, SPEC.categorical)
    weight = FLIGHT_CONFIG.profile_weight
    before = SPEC.matrix(rows, rows.slice(0, 0), vocabulary, 0.2, weight)
    after = SPEC.matrix(other, other.slice(0, 0), vocabulary, 0.2, weight)
    upto = np.array([d <= day for d in days])
    assert np.array_equal(before[upto], after[upto], equal_nan=True)
    assert not np.array_equal(before[~upto], after[~upto], equal_nan=True)


def test_scoring_never_sees_the_outcomes_and_reasons_name_features(
    short_world: tuple[FlightWorld, pa.Table],
) -> None:
    _, rows = short_world
    train_rows, valid_rows, test_rows = split(rows, *date_cuts(rows))
    model = train(train_rows, valid_rows, FLIGHT_CONFIG)
    hidden = test_rows.set_column(
        test_rows.schema.get_field_index(LABEL),
        LABEL,
        pc.invert(pc.fill_null(test_rows[LABEL], False)),
    )
    assert np.array_equal(model.priority(test_rows), model.priority(hidden))
    scores, reasons = model.explain(test_rows)
    assert np.array_equal(scores, model.priority(test_rows))
    top = int(np.argmax(scores))
    assert reasons[top] and all(reason.contribution > 0 for reason in reasons[top])
    known = set(SPEC.labels) | {"payer", "agency", "phone", "email", "route", "traveller"}
    for reason in reasons[top]:
        assert reason.feature in known or reason.feature.rpartition("_")[0] in known
        assert reason.label_fr and reason.label_en


def test_rules_and_model_beat_rules_alone_and_random(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    """A year of flights (seed 5, not one the world was tuned on): on the last quarter,
    outcomes removed, the rules and the model together have a higher precision than the
    rules alone and than random picks at 1, 2, 5 and 10 % inspected."""
    world = generate(5)
    result = compare(_rows(sqlite_workspace, world, tmp_path), world.couriers, 1, FLIGHT_CONFIG)
    assert result.test_smuggled > 50
    courier_rows = [r for r in world.rows if r["record_locator"] in world.couriers]
    uninspected = sum(r["inspection"] == "none" for r in courier_rows)
    assert uninspected > len(world.couriers) / 2
    for both, rules, lottery in zip(
        result.rules_and_model, result.rules, result.random, strict=True
    ):
        assert both.precision > rules.precision, both.share
        assert both.precision > lottery.precision, both.share


def test_flights_command_prints_the_three_rankings_as_json() -> None:
    result = CliRunner().invoke(
        app, ["targeting", "flights", "--seeds", "1", "--days", "60", "--json"]
    )
    assert result.exit_code == 0, result.output
    rankings = orjson.loads(result.stdout)["rankings"]
    assert set(rankings) == {"rules_and_model", "rules", "random"}
    assert [at["share"] for at in rankings["rules"]] == [0.01, 0.02, 0.05, 0.10]
