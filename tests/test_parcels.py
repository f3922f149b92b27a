"""Postal and express parcels: S10 numbers, the parcels format and its quarantine, the
cited parcel rules, and the rules on a seeded parcel world with known answers.

Hand-made parcels check each grouped rule and what it cites; the seeded world
(filet.demo.parcels) checks, against the whole truth (uninspected smuggling included),
the recall and precision of the rules on a seed that played no part in tuning them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, get_detector
from filet.alerts.runner import run_detectors
from filet.cli import app
from filet.demo.parcels import ParcelsPart, flagged, generate
from filet.engine.duckdb_engine import DuckDBEngine
from filet.ingest import ingest_file
from filet.ingest.records import RecordError
from filet.model.identifiers import s10
from filet.store import Workspace
from filet.targeting.parcel_rules import ParcelRuleThresholds
from filet.targeting.parcels import PARCEL_COLUMNS, address_key, name_key, phone_key, words

RULES = "targeting.parcel_rules"
MONDAY = datetime(2024, 9, 2, 9, tzinfo=UTC)
runner = CliRunner()
SERIAL = st.text(alphabet="0123456789", min_size=8, max_size=8)
LETTERS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
READ_COLUMNS = (
    "item_id", "channel", "origin_country", "destination_country", "currency", "hs6",
    "addressee_phone", "addressee_address", "addressee_postcode", "addressee_name",
    "sender_name", "content_description",
)  # fmt: skip


def test_s10_check_digit_of_the_published_example() -> None:
    """UPU S10's example AA 473 124 829 GB: weights 8 6 4 2 3 5 9 7 give 200, 11 - 2 = 9."""
    assert s10.check_digit("47312482") == 9
    assert s10.normalize("aa 473 124 829 gb") == "AA473124829GB"
    assert s10.check_digit("12345678") == 5  # 204 mod 11 = 6: 11 - 6 = 5
    with pytest.raises(ValueError, match="check digit 8, expected 9"):
        s10.normalize("AA473124828GB")


@given(LETTERS, SERIAL, LETTERS, st.sampled_from(["", " ", "-"]))
def test_a_made_s10_number_reads_back_and_no_other_digit_passes(
    service: str, serial: str, country: str, separator: str
) -> None:
    number = s10.make(service, serial, country)
    parts = (number[:2], number[2:5], number[5:8], number[8:11], number[11:])
    assert s10.normalize(separator.join(parts).lower()) == number
    for digit in "0123456789":
        if digit != number[10]:
            assert not s10.looks_like(number[:10] + digit + number[11:])


@given(st.fixed_dictionaries({}, optional={c: st.text(max_size=24) for c in READ_COLUMNS}))
def test_the_reader_adds_its_keys_or_names_the_column_at_fault(fields: dict[str, str]) -> None:
    """Whatever the text, a record gets its keys or a RecordError naming one of its
    columns: nothing else escapes to stop the file."""
    try:
        added = PARCEL_COLUMNS.fields(fields)
    except RecordError as problem:
        assert problem.field in fields
    else:
        assert set(PARCEL_COLUMNS.added) <= set(added)
        if added["item_key"] and s10.has_shape(added["item_key"]):
            assert s10.looks_like(added["item_key"])


def test_bad_lines_go_to_the_quarantine_with_file_line_and_field(tmp_path: Path) -> None:
    world = generate(seed=3, days=6, per_day=20)
    post = next(row for row in world.rows if row["channel"] == "post")
    number = post["item_id"]
    world.rows[1] = {**post, "item_id": number[:10] + str((int(number[10]) + 1) % 10) + number[11:]}
    world.rows[2]["origin_country"] = "XX"
    world.rows[3]["gross_weight_kg"] = "-1.5"
    world.rows[4]["currency"] = "EUROS"
    world.rows[5]["category"] = "contraband"
    path = world.write(tmp_path / "colis.csv")
    home = ["--home", str(tmp_path / "ws")]
    done = runner.invoke(app, ["ingest", str(path), "--format", "parcels", *home])
    assert done.exit_code == 0, done.output
    counts = f"│ {len(world.rows)} │ {len(world.rows) - 5} │ 5 │"  # read, stored, quarantined
    assert counts in " ".join(done.output.split())
    listed = runner.invoke(app, ["quarantine", "list", "--json", *home])
    held = json.loads(listed.stdout)
    assert {(item["line"], item["field"]) for item in held} == {
        (3, "item_id"), (4, "origin_country"), (5, "gross_weight_kg"), (6, "currency"),
        (7, "category"),
    }  # fmt: skip
    assert all(item["file"] == str(path.resolve()) for item in held)
    assert "check digit" in next(i["reason"] for i in held if i["field"] == "item_id")


def _parcel(n: int, at: datetime, **changes: Any) -> dict[str, Any]:
    """A row of the ``parcels`` table as the reader writes it, keys derived."""
    row: dict[str, Any] = {
        "item_id": s10.make("CP", f"{n:08d}", "CN"), "channel": "post", "carrier": "China Post",
        "posted_ts": at, "origin_country": "CN", "origin_office": None,
        "sender_name": f"SHOP {n} LTD", "sender_address": "1 MAIN ROAD",
        "addressee_name": f"Jean Martin{n}", "addressee_address": f"{n} rue Pasteur",
        "addressee_postcode": "75011", "addressee_city": "PARIS", "destination_country": "FR",
        "addressee_phone": f"06 12 {n % 100:02d} 56 78", "content_description": "T-SHIRT COTON",
        "hs6": "610910", "declared_value": 20.0, "currency": "EUR", "gross_weight_kg": 0.3,
        "item_count": 1, "category": "sale", "inspection": None,
        "source_file": "colis.csv", "source_line": n + 1,
    }  # fmt: skip
    row.update(changes)
    row["phone_e164"] = phone_key(row["addressee_phone"], "FR")
    row["address_key"] = address_key(row["addressee_address"], row["addressee_postcode"], "FR")
    row["addressee_folded"] = name_key(row["addressee_name"])
    row["sender_key"] = f"{name_key(row['sender_name'])}|{row['origin_country']}"
    row["description_words"] = words(row["content_description"])
    return row


def _run(tmp_path: Path, rows: list[dict[str, Any]], **changes: Any) -> list[Alert]:
    store = write_event_tables(tmp_path, {"parcels": rows})
    thresholds = ParcelRuleThresholds().replace(**changes)
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector(RULES).run(engine, thresholds)


def _drop(start: int = 0) -> list[dict[str, Any]]:
    """Four names at one flat, one new phone, gifts from Colombia, a day or two apart."""
    names = ("Paul Robert", "Luc Petit", "Ana Silva", "Marc Roux")
    return [
        _parcel(
            start + k,
            MONDAY + timedelta(days=2 * k),
            origin_country="CO",
            currency="USD",
            sender_name=f"Maria {k}",
            addressee_name=names[k],
            addressee_address="12 rue des Lilas",
            addressee_phone="07 81 22 33 44",
            content_description="GIFT",
            hs6=None,
            category="gift",
            declared_value=10.0,
            gross_weight_kg=1.5,
        )
        for k in range(4)
    ]


def test_a_drop_address_is_proposed_with_its_rules_and_every_parcel_cited(
    tmp_path: Path,
) -> None:
    alerts = _run(tmp_path, _drop())
    assert len(alerts) == 4
    last = max(alerts, key=lambda alert: alert.start)
    for said in ("Adresse de dépôt (4 noms)", "Origine à risque (CO)", "+33781223344, 4 noms"):
        assert said in last.reason_fr
    assert "Drop address (4 names)" in last.reason_en
    cited = [(e.key["source_file"], e.key["source_line"]) for e in last.evidence]
    assert cited[0] == ("colis.csv", 4) and sorted(cited[1:]) == [
        ("colis.csv", n) for n in (1, 2, 3)
    ]
    assert {t.name for t in last.thresholds} >= {"min_address_names", "weight_drop_address"}
    assert 0 < last.score < 1


def test_a_relay_point_receiving_for_dozens_of_names_is_not_a_drop_address(
    tmp_path: Path,
) -> None:
    rows = [
        _parcel(n, MONDAY + timedelta(hours=n), addressee_address="Relais 01, 3 place de la Gare",
                origin_country="CO", currency="USD", content_description="GIFT", category="gift")
        for n in range(20)
    ]  # fmt: skip
    assert _run(tmp_path, rows) == []  # origin and vague description only: 3 points


def test_split_parcels_just_under_150_euros(tmp_path: Path) -> None:
    """One order in three parcels, each to another name at one address with one phone."""
    names = ("Léa Morel", "Emma Roux", "Inès Blanc")
    rows = [
        _parcel(n, MONDAY + timedelta(days=n), sender_name="HEALTH STORE LTD",
                addressee_address="5 rue Pasteur", addressee_name=names[n],
                addressee_phone="06 11 22 33 44", declared_value=139.0 + n,
                content_description="PHONE CHARGER", hs6="293999")
        for n in range(3)
    ]  # fmt: skip
    found = _run(tmp_path, rows)
    assert len(found) == 3
    said = found[0].reason_fr
    assert "Envoi fractionné sous le seuil (3 colis ≤ 150 EUR) (+3)" in said
    assert "SH6 contraire à la description (293999, accessoires de téléphone : 39,42,85)" in said
    assert "Adresse de dépôt (3 noms)" in said
    assert _run(tmp_path / "b", rows[:2]) == []  # two names, two parcels: the HS code only
    lower = _run(tmp_path / "c", rows, de_minimis_eur=130)  # EUR 104-130: none of them
    assert lower and all("fractionné" not in alert.reason_fr for alert in lower)


def test_a_seizure_counts_for_later_parcels_only(tmp_path: Path) -> None:
    seized = _parcel(1, MONDAY, addressee_address="8 rue de Verdun", inspection="seizure")
    before = _parcel(2, MONDAY - timedelta(days=3), addressee_address="8 rue de Verdun")
    after = _parcel(3, MONDAY + timedelta(days=20), addressee_address="8 rue de Verdun",
                    origin_country="BR", currency="EUR")  # fmt: skip
    found = _run(tmp_path, [seized, before, after])
    assert [a.subjects[0].value for a in found] == [after["item_id"]]
    assert "Adresse ou téléphone d'une saisie (×1)" in found[0].reason_fr
    assert found[0].evidence[1].key == {"source_file": "colis.csv", "source_line": 2}


def test_weight_and_value_against_the_description(tmp_path: Path) -> None:
    heavy = _parcel(1, MONDAY, content_description="DOCUMENTS", hs6="490199",
                    category="document", gross_weight_kg=2.4, origin_country="GF")  # fmt: skip
    cheap = _parcel(2, MONDAY, content_description="COFFEE", hs6="392690", category="gift",
                    gross_weight_kg=3.0, declared_value=2.0, origin_country="PE")  # fmt: skip
    alerts = _run(tmp_path, [heavy, cheap], min_points=1)  # every rule hit shown
    found = {alert.subjects[0].value: alert.reason_en for alert in alerts}
    assert "Too heavy for its content (2.4 kg, 1 × documents ≤ 1 kg)" in found[heavy["item_id"]]
    assert "Value too low for the weight (2.00 EUR, 3 kg < 3 EUR/kg)" in found[cheap["item_id"]]
    assert "HS6 belies the description (392690, coffee tea spices: 09)" in found[cheap["item_id"]]


@pytest.mark.spark
def test_same_parcel_alerts_on_both_engines(both_engines: BothEngines) -> None:
    rows = _drop() + [
        _parcel(10 + n, MONDAY + timedelta(days=n), sender_name="HEALTH STORE LTD",
                addressee_address="5 rue Pasteur", declared_value=130.0 + n,
                content_description="PHONE CHARGER", hs6="293999",
                inspection="seizure" if n == 0 else None)
        for n in range(3)
    ]  # fmt: skip
    found = both_engines(RULES, {"parcels": rows})
    assert len(found) == 7  # the drop's four, the split's three (one seized)
    assert sum("d'une saisie (×1)" in alert.reason_fr for alert in found) == 2
    assert all(len(alert.evidence) > 1 for alert in found)


def test_rules_find_the_planted_smuggling_on_an_unseen_seed(tmp_path: Path) -> None:
    """Seed 5 played no part in tuning (seeds 1, 2 and 7 did). Measured on it, against
    the whole truth: 202 of 8,982 parcels proposed, recall 0.86 (124 of 144 smuggled),
    precision 0.61, where the smuggled are 1.6 % of the parcels."""
    world = generate(seed=5)
    ws = Workspace.open(tmp_path / "ws")
    try:
        ingest_file(ws, world.write(tmp_path / "colis.csv"), "parcels")
        with DuckDBEngine() as engine:
            proposed = flagged(run_detectors(ws, engine, [RULES]))
    finally:
        ws.close()
    caught = proposed & world.smuggled
    recall, precision = len(caught) / len(world.smuggled), len(caught) / len(proposed)
    assert recall >= 0.80, recall
    assert precision >= 0.55, precision
    for scheme in ("drop", "reshipper", "split"):
        planted = {item for item, s in world.schemes.items() if s == scheme}
        assert len(planted & proposed) * 2 >= len(planted), scheme
    assert len(proposed) < 0.04 * len(world.rows)  # within what a service inspects


def test_scan_writes_the_proposed_parcels_as_alerts(tmp_path: Path) -> None:
    part = ParcelsPart()
    (item,) = part.write_inputs(tmp_path, 7)
    out = tmp_path / "alerts.jsonl"
    done = runner.invoke(app, ["scan", str(item.path), "--format", "parcels", "--out", str(out)])
    assert done.exit_code == 0, done.output
    alerts = [Alert.from_dict(json.loads(line)) for line in out.read_text().splitlines()]
    assert alerts and all(alert.detector_id == RULES for alert in alerts)
    assert all(e.key["source_file"] == "colis.csv" and e.key["source_line"] > 1
               for alert in alerts for e in alert.evidence)  # fmt: skip
    assert all(expected.found for expected in part.expectations(alerts)), part.expectations(alerts)
