"""Exposure to listed jurisdictions: transfers with accounts whose IBAN or BIC is in a
listed country, on DuckDB and Spark; and listed jurisdictions on ownership chains."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from engines import BothEngines
from filet.cli import app
from filet.finance.bods import entity_id
from filet.finance.jurisdiction_exposure import JurisdictionThresholds, applied, load_lists

T0 = datetime(2025, 9, 1, tzinfo=UTC)
DETECTOR = "finance.jurisdiction_exposure"
LEBANON = "LB62099900000001001901229114"


def _tx(line: int, payer: tuple[str | None, str], payee: tuple[str | None, str], amount: float,
        currency: str = "Euro") -> dict[str, Any]:  # fmt: skip
    return {
        "transaction_id": None,
        "ts": T0 + timedelta(days=line),
        "from_bank": payer[0],
        "from_account": payer[1],
        "to_bank": payee[0],
        "to_account": payee[1],
        "amount_paid": amount,
        "payment_currency": currency,
        "amount_received": amount,
        "receiving_currency": currency,
        "payment_format": "Wire",
        "is_laundering": None,
        "source_file": "virements.csv",
        "source_line": line,
    }


def test_the_shipped_lists_are_dated_and_cited() -> None:
    lists = load_lists()
    assert {"fatf_call_for_action", "fatf_increased_monitoring"} <= set(lists)
    assert lists["fatf_call_for_action"].countries == {"KP", "IR", "MM"}
    assert all(entry.as_of and "FATF" in entry.source for entry in lists.values())
    with pytest.raises(ValueError, match="not in"):
        applied(JurisdictionThresholds(lists="no_such_list"))


def test_a_list_without_a_date_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lists.yaml"
    path.write_text(
        "lists:\n  mine:\n    label_fr: a\n    label_en: b\n    source: c\n    countries: [PA]\n"
    )
    with pytest.raises(ValueError, match=r"lists\.mine\.as_of"):
        load_lists(str(path))


@pytest.mark.spark
def test_transfers_with_listed_countries_are_exposure(both_engines: BothEngines) -> None:
    home = (None, "FR7630006000011234567890189")
    rows = [
        _tx(1, home, (None, LEBANON), 6_000),  # IBAN in Lebanon, grey list
        _tx(2, (None, LEBANON), home, 5_000),  # and back: both directions count
        _tx(3, home, ("BMIRIRTHXXX", "0042"), 2_000, "US Dollar"),  # BIC in Iran, other currency
        _tx(4, (None, "FR1420041010050500013M02606"), ("010", "8000A1"), 90_000),  # no country
        _tx(5, (None, "DE89370400440532013000"), (None, LEBANON), 9_000),  # below 10,000
    ]
    (alert,) = both_engines(DETECTOR, {"transactions": rows})
    assert alert.subjects[0].value == home[1]
    assert [s.value for s in alert.subjects[1:]] == [LEBANON]
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2]
    assert "LB (" in alert.reason_en and "grey list" in alert.reason_en
    used = {t.name: t.value for t in alert.thresholds}
    assert used["fatf_increased_monitoring_as_of"] == "2025-06-13"
    lower = JurisdictionThresholds(min_total=1_000)
    found = both_engines(DETECTOR, {"transactions": rows}, lower)
    exposed = {(a.subjects[0].value, "Iran" if "IR (" in a.reason_en else "") for a in found}
    assert (home[1], "Iran") in exposed  # the dollars to the Iranian bank, on their own
    assert all(a.subjects[0].value != "010/8000A1" for a in found)


def test_owners_name_a_listed_jurisdiction_on_the_chain(tmp_path: Path) -> None:
    bods = pytest.importorskip("bods_fixtures")
    statements = bods.load("core/01-direct-ownership").statements
    path = tmp_path / "own.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    company = next(s for s in statements if s["recordType"] == "entity")
    country = company["recordDetails"]["jurisdiction"]["code"]
    lists = tmp_path / "lists.yaml"
    lists.write_text(
        "lists:\n  test_list:\n    label_fr: liste\n    label_en: list\n"
        f"    as_of: '2026-01-01'\n    source: a test\n    countries: [{country}]\n",
        encoding="utf-8",
    )
    home, runner = str(tmp_path / "home"), CliRunner()
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "bods", "--home", home])
    assert ingested.exit_code == 0, ingested.output
    subject = entity_id(company["recordId"])
    args = ["finance", "owners", subject, "--home", home, "--json"]
    listed = orjson.loads(runner.invoke(app, [*args, "--jurisdictions", str(lists)]).output)
    found = {entry["id"]: entry for entry in listed["listed_jurisdictions"]}
    assert (found[subject]["country"], found[subject]["lists"]) == (country, ["test_list"])
    assert found[subject]["chain"][0] == subject
    # The owner's nationality is on the chain too: a listed owner is exposure as well.
    assert all(entry["country"] == country for entry in found.values())
    shipped = orjson.loads(runner.invoke(app, args).output)
    assert shipped["listed_jurisdictions"] == []  # the fixture's country is on no FATF list
