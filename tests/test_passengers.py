"""Passengers and crews: watchlist screening with other spellings, courier indicators.

Hand-made rows check each rule on DuckDB and Spark (they must agree); the seeded world
(filet.demo.passengers) checks, through ingestion and the command line, that planted
couriers and watchlisted travellers are found and a namesake born another year is not.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from engines import BothEngines
from filet.cli import app
from filet.demo.passengers import generate, write_pnr, write_watchlist
from filet.store.events import EVENT_TABLES
from filet.targeting.couriers import CourierThresholds
from filet.targeting.screening import (
    PARTICLES,
    SCREENING_COLUMNS,
    name_keys,
    name_score,
    skeleton,
    tokens,
)
from filet.targeting.watchlist_hits import WatchlistThresholds

WATCHLIST = "targeting.watchlist_hits"
COURIERS = "targeting.courier_indicators"
DEPARTURE = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
runner = CliRunner()


def _born(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


def _passenger(line: int, surname: str, given: str, born: str | None = None, **values: Any):
    row: dict[str, Any] = dict.fromkeys(EVENT_TABLES["passengers"].names)
    row.update(kind="pnr", voyage="TX0571", departure_ts=DEPARTURE, origin="CAY",
               destination="ORY", surname=surname, given_names=given, birth_date=_born(born),
               payment_method="card", payer_name=f"{surname} {given}", one_way=False,
               return_ts=DEPARTURE + timedelta(days=21), checked_bags=1,
               booking_ts=DEPARTURE - timedelta(days=40), travel_status="confirmed",
               record_locator=f"LOC{line:03d}", source_file="pnr.csv",
               source_line=line)  # fmt: skip
    row.update(values)
    return _keyed(row)


def _entry(line: int, surname: str, given: str, born: str | None = None, document: str = ""):
    row: dict[str, Any] = dict.fromkeys(EVENT_TABLES["watchlist"].names)
    row.update(entry_id=f"W{line}", surname=surname, given_names=given, birth_date=_born(born),
               document_number=document or None, list_name="FPR", reason="stupéfiants",
               source_file="liste.csv", source_line=line)  # fmt: skip
    return _keyed(row)


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    """The row with the keys the screening reader adds at ingest."""
    keyed = SCREENING_COLUMNS.fields(row)
    return {name: keyed[name] for name in row}


def _hits(alerts: list[Any]) -> dict[str, str]:
    return {a.subjects[0].value: a.subjects[1].value for a in alerts}


@pytest.mark.spark
def test_other_spellings_match_and_another_birth_date_does_not(
    both_engines: BothEngines,
) -> None:
    """Transliteration, romanization, accents, swapped names, a typo and a spaced
    document number are hits; a namesake born another year and a stranger are not."""
    passengers = [
        _passenger(2, "MOHAMMED", "ALI", "1990-05-04"),
        _passenger(3, "CHEVTCHENKO", "TARAS", "1971-02-03"),
        _passenger(4, "HELENE", "DUPRE", "1980-07-08"),  # swapped and unaccented
        _passenger(5, "BENALLI", "KARIM", "1985-01-02"),  # typo
        _passenger(6, "GIRARDOT", "BENOIT", "1988-09-09"),  # namesake, other year
        _passenger(7, "MARTIN", "PAUL", "1975-03-03"),
        _passenger(8, "NGUYEN", "VAN MINH", None, document_number="12 AB 34567"),
        _passenger(9, "SHEVCHENKO", "TARAS", None),  # no date of birth: name alone
    ]
    watchlist = [
        _entry(2, "Muhammad", "Ali", "1990-05-04"),
        _entry(3, "Шевченко", "Тарас", "1971-02-03"),
        _entry(4, "Dupré", "Hélène", "1980-07-08"),
        _entry(5, "Benali", "Karim", "1985-01-02"),
        _entry(6, "Girardot", "Benoît", "1977-09-09"),
        _entry(7, "Nguyen", "Minh", "1960-01-01", document="12AB34567"),
    ]
    alerts = both_engines(WATCHLIST, {"passengers": passengers, "watchlist": watchlist})
    assert _hits(alerts) == {
        "MOHAMMED ALI": "W2",
        "CHEVTCHENKO TARAS": "W3",
        "HELENE DUPRE": "W4",
        "BENALLI KARIM": "W5",
        "NGUYEN VAN MINH": "W7",
        "SHEVCHENKO TARAS": "W3",
    }
    by_name = {a.subjects[0].value: a for a in alerts}
    nguyen = by_name["NGUYEN VAN MINH"]
    assert "same document 12 AB 34567" in nguyen.reason_en
    assert "date of birth unknown (? / 1960-01-01)" in nguyen.reason_en
    assert "threshold min_name_score_with_document = 60" in nguyen.reason_en
    assert "même document 12 AB 34567" in nguyen.reason_fr
    assert "threshold min_name_score_alone = 94" in by_name["SHEVCHENKO TARAS"].reason_en
    ali = by_name["MOHAMMED ALI"]
    assert "“Muhammad Ali” of list FPR (stupéfiants)" in ali.reason_en
    assert "date of birth same (1990-05-04 / 1990-05-04)" in ali.reason_en
    assert [e.table for e in ali.evidence] == ["passengers", "watchlist"]
    assert {t.name for t in ali.thresholds} >= {"min_name_score", "max_surname_edits"}


@pytest.mark.spark
def test_a_stricter_name_threshold_drops_the_romanization(both_engines: BothEngines) -> None:
    tables = {
        "passengers": [_passenger(2, "MOHAMMED", "ALI", "1990-05-04")],
        "watchlist": [_entry(2, "Muhammad", "Ali", "1990-05-04")],
    }
    assert both_engines(WATCHLIST, tables, WatchlistThresholds(min_name_score=95.0)) == []


def test_name_score_separates_romanizations_from_other_names() -> None:
    threshold = WatchlistThresholds().min_name_score
    assert name_score("Mohammed", "Ali", "Muhammad", "Ali") >= threshold
    assert name_score("Chevtchenko", "Taras", "Shevchenko", "Taras") >= threshold
    assert name_score("Mahmoud", "Ali", "Mohammed", "Ali") < threshold
    assert name_score("Martin", "Paul", "Dupont", "Paul") < 60


def _courier(line: int, surname: str, **values: Any) -> dict[str, Any]:
    """A passenger with every courier indicator but the shared payer and no-show."""
    courier = dict(payment_method="cash", payer_name="SARL KOUROU VOYAGES", one_way=True,
                   return_ts=None, checked_bags=0,
                   booking_ts=DEPARTURE - timedelta(days=1))  # fmt: skip
    return _passenger(line, surname, "KEVIN", "2001-01-01", **{**courier, **values})


@pytest.mark.spark
def test_courier_points_list_every_rule_hit(both_engines: BothEngines) -> None:
    """Three couriers share a payer; one missed an earlier flight; an ordinary
    traveller and an ordinary traveller paying cash score under the threshold."""
    earlier = DEPARTURE - timedelta(days=10)
    rows = [
        _courier(2, "ALEXANDRE"),
        _courier(3, "NOEL", document_number="99CD12345"),
        _courier(4, "SAINT-LOUIS"),
        _passenger(
            5,
            "NOEL",
            "KEVIN",
            "2001-01-01",
            document_number="99CD12345",
            departure_ts=earlier,
            voyage="TX0569",
            travel_status="no-show",
        ),
        _passenger(6, "MARTIN", "PAUL", "1975-03-03"),
        _passenger(7, "PETIT", "ANNE", "1982-03-03", payment_method="cash"),
        _courier(
            8,
            "RICHARD",
            origin="CDG",
            destination="NCE",
            payer_name="RICHARD KEVIN",
            checked_bags=2,
        ),
    ]
    alerts = both_engines(COURIERS, {"passengers": rows})
    points = {a.subjects[0].value: a.reason_en for a in alerts}
    assert set(points) == {"ALEXANDRE KEVIN", "NOEL KEVIN", "SAINT-LOUIS KEVIN"}
    noel = points["NOEL KEVIN"]
    assert "14 points (threshold 6)" in noel
    assert "earlier no-show (×1) (+2)" in noel
    assert "payer of several unrelated passengers (SARL KOUROU VOYAGES, 3 surnames) (+2)" in noel
    assert "12 points" in points["ALEXANDRE KEVIN"]
    for rule in ("risky route (CAY→ORY) (+2)", "ticket paid in cash (+2)",
                 "last-minute booking (+2)", "one-way or very short stay (+1)",
                 "no checked bag (+1)", "ticket paid by someone else"):  # fmt: skip
        assert rule in points["ALEXANDRE KEVIN"]
    assert "Billet payé en espèces (+2)" in alerts[0].reason_fr
    [noel_alert] = [a for a in alerts if a.subjects[0].value == "NOEL KEVIN"]
    assert noel_alert.score == 1.0
    assert [s.kind for s in noel_alert.subjects] == ["passenger", "record_locator"]


@pytest.mark.spark
def test_courier_thresholds_change_what_counts(both_engines: BothEngines) -> None:
    """Booked 5 days ahead is not last-minute by default; it is with 7 days, and
    moving the risky route elsewhere removes its points."""
    rows = [_courier(2, "ALEXANDRE", booking_ts=DEPARTURE - timedelta(days=5),
                     payer_name="ALEXANDRE KEVIN")]  # fmt: skip
    [alert] = both_engines(COURIERS, {"passengers": rows})
    assert "6 points" in alert.reason_en and "last-minute" not in alert.reason_en
    late = CourierThresholds(max_booking_days=7)
    [alert] = both_engines(COURIERS, {"passengers": rows}, late)
    assert "8 points" in alert.reason_en
    elsewhere = CourierThresholds(risky_origins="BOG")
    assert both_engines(COURIERS, {"passengers": rows}, elsewhere) == []
    with pytest.raises(ValueError, match="risky_origins"):
        CourierThresholds(risky_origins="CAY'; DROP TABLE x")


@given(
    surname=st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçàŠšЖж", min_size=1, max_size=12),
    given_name=st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçà", min_size=1, max_size=12),
)
def test_blocking_keys_survive_case_accents_and_a_swap(surname: str, given_name: str) -> None:
    # A part that folds to a particle ("dà" is "da") has no token of its own.
    assume(tokens(surname) and tokens(given_name))
    keys = name_keys(surname, given_name)
    assert keys == name_keys(surname.upper(), given_name.upper())
    assert keys == name_keys(given_name, surname)  # one token each: the pair is sorted
    assert keys.isascii() and keys.count("|") == 1 and " " not in keys


def test_romanizations_share_a_skeleton() -> None:
    assert skeleton("mohammed") == skeleton("muhammad") == skeleton("mohamed") == "mhmd"
    assert skeleton("chevtchenko") == skeleton("shevchenko") == "svsnk"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10))
def test_doubling_a_letter_keeps_the_key(token: str) -> None:
    """Doubled letters (Mohamed/Mohammed, Benali/Benalli) do not change the key."""
    doubled = token[0] + token
    assume(token not in PARTICLES and doubled not in PARTICLES)
    assert name_keys(doubled, "jean") == name_keys(token, "jean")


def test_bad_records_go_to_the_quarantine(tmp_path: Path) -> None:
    world = generate(seed=3, per_flight=5, listed=5)
    world.pnr[0]["payment_method"] = "bitcoin"
    world.pnr[1]["birth_date"] = "31/02/1990"
    world.pnr[2]["surname"] = ""
    pnr = tmp_path / "pnr.csv"
    write_pnr(world, pnr)
    home = ["--home", str(tmp_path / "ws")]
    assert runner.invoke(app, ["ingest", str(pnr), "--format", "pnr", *home]).exit_code == 0
    listed = runner.invoke(app, ["quarantine", "list", "--json", *home])
    assert listed.exit_code == 0, listed.output
    reasons = {item["field"]: item["reason"] for item in json.loads(listed.stdout)}
    assert set(reasons) == {"payment_method", "birth_date", "surname"}
    assert "bitcoin" in reasons["payment_method"]


def test_scan_flags_the_couriers_of_a_pnr_file(tmp_path: Path) -> None:
    world = generate(seed=7)
    pnr, out = tmp_path / "pnr.csv", tmp_path / "alerts.jsonl"
    write_pnr(world, pnr)
    result = runner.invoke(app, ["scan", str(pnr), "--format", "pnr", "--out", str(out)])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    found = {a["subjects"][0]["value"] for a in alerts if a["detector_id"] == COURIERS}
    assert world.couriers <= found
    assert all(a["detector_id"] == COURIERS for a in alerts)  # no watchlist in this scan


def test_one_scan_screens_a_pnr_file_against_a_watchlist(tmp_path: Path) -> None:
    """One format per file: the watchlist and the flight's PNR in one shot."""
    world = generate(seed=7)
    pnr, listed, out = tmp_path / "pnr.csv", tmp_path / "liste.csv", tmp_path / "a.jsonl"
    write_pnr(world, pnr)
    write_watchlist(world, listed)
    both = [str(listed), str(pnr), "--format", "watchlist", "--format", "pnr"]
    result = runner.invoke(app, ["scan", *both, "--out", str(out)])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    hits = {a["subjects"][0]["value"] for a in alerts if a["detector_id"] == WATCHLIST}
    assert hits == set(world.watchlisted)
    assert world.couriers <= {
        a["subjects"][0]["value"] for a in alerts if a["detector_id"] == COURIERS
    }
    wrong = runner.invoke(app, ["scan", *both, "--format", "pnr", "--out", str(out)])
    assert wrong.exit_code == 1 and "3 formats" in wrong.output


def test_ingest_and_detect_screen_the_watchlist(tmp_path: Path) -> None:
    """The watchlist lives in the workspace; each PNR file is screened against it."""
    world = generate(seed=7)
    pnr, listed = tmp_path / "pnr.csv", tmp_path / "liste.csv"
    write_pnr(world, pnr)
    write_watchlist(world, listed)
    home = ["--home", str(tmp_path / "ws")]
    for path, fmt in ((listed, "watchlist"), (pnr, "pnr")):
        ingested = runner.invoke(app, ["ingest", str(path), "--format", fmt, *home])
        assert ingested.exit_code == 0, ingested.output
    assert runner.invoke(app, ["detect", WATCHLIST, *home]).exit_code == 0
    shown = runner.invoke(app, ["alerts", "--format", "jsonl", *home])
    alerts = [json.loads(line) for line in shown.stdout.splitlines()]
    hits = {a["subjects"][0]["value"]: a["subjects"][1]["value"] for a in alerts}
    assert hits == world.watchlisted
    assert world.namesake not in hits
    for alert in alerts:
        assert alert["reasons"]["fr"] and alert["reasons"]["en"]
        assert {e["table"] for e in alert["evidence"]} == {"passengers", "watchlist"}


def test_a_ship_crew_list_is_screened_too(tmp_path: Path) -> None:
    """FAL form 5: a crew member listed in Cyrillic script is a hit, with the voyage."""
    crew, listed = tmp_path / "fal5.csv", tmp_path / "liste.csv"
    crew.write_text(
        "kind,voyage,departure_ts,origin,destination,surname,given_names,role,nationality,"
        "birth_date,document_number\n"
        "crew,IMO9074729/0425,2026-03-10T06:00:00Z,GFDDC,FRLEH,SHEVCHENKO,TARAS,bosun,UKR,"
        "1971-02-03,\n"
        "crew,IMO9074729/0425,2026-03-10T06:00:00Z,GFDDC,FRLEH,MARTIN,PAUL,master,FRA,"
        "1965-04-04,\n",
        encoding="utf-8",
    )
    listed.write_text(
        "entry_id,surname,given_names,birth_date,document_number,nationality,list_name,reason\n"
        "W1,Шевченко,Тарас,1971-02-03,,UKR,FPR,stupéfiants\n",
        encoding="utf-8",
    )
    home = ["--home", str(tmp_path / "ws")]
    for path, fmt in ((listed, "watchlist"), (crew, "fal")):
        assert runner.invoke(app, ["ingest", str(path), "--format", fmt, *home]).exit_code == 0
    assert runner.invoke(app, ["detect", *home]).exit_code == 0
    shown = runner.invoke(app, ["alerts", "--format", "jsonl", *home])
    [alert] = [json.loads(line) for line in shown.stdout.splitlines()]
    assert alert["detector_id"] == WATCHLIST
    assert "SHEVCHENKO TARAS (crew IMO9074729/0425 GFDDC→FRLEH" in alert["reasons"]["en"]
