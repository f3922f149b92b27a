"""Front businesses (« lessiveuses »): cash far above sector peers, on a seeded register
with known answers and on small hand-built cases, identical on DuckDB and Spark; and
the SIRENE-layout register read by ``--format businesses``."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from engines import BothEngines
from filet.alerts.runner import run_detectors
from filet.demo.finance import Transfer
from filet.demo.front_business import FrontBusinessPart, FrontWorld, generate
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.front_business import MAD_TO_Z, FrontBusinessThresholds
from filet.ingest import ingest_file
from filet.ingest.businesses import BUSINESS_COLUMNS, normalize_siren
from filet.ingest.quarantine import list_quarantined
from filet.ingest.records import IngestError, RecordError
from filet.ingest.replay import fix_quarantined, replay
from filet.store import Workspace
from filet.store.entities import iter_entities
from filet.store.tables import quarantine

DETECTOR = "finance.front_business"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _siren(number: int) -> str:
    body = f"{number:08d}"
    return body + luhn.calc_check_digit(body)


def _business(
    line: int, account: str, naf: str, band: str | None, bank: str | None = "030", siren: int = 0
) -> dict[str, Any]:
    return {
        "account": account,
        "bank": bank,
        "siren": _siren(siren or line),
        "name": f"COMMERCE {line}",
        "naf": naf,
        "headcount_band": band,
        "created": None,
        "source_file": "sirene.csv",
        "source_line": line,
    }


def _deposit(
    line: int, account: str, amount: float, day: float = 1, fmt: str = "Cash", bank: str = "030"
) -> dict[str, Any]:
    return {
        "transaction_id": None,
        "ts": T0 + timedelta(days=day),
        "from_bank": bank,
        "from_account": account,
        "to_bank": bank,
        "to_account": account,
        "amount_paid": amount,
        "payment_currency": "EUR",
        "amount_received": amount,
        "receiving_currency": "EUR",
        "payment_format": fmt,
        "is_laundering": None,
        "source_file": "versements.csv",
        "source_line": line,
    }


def _shops(
    naf: str, band: str, takings: list[float], first: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Businesses numbered from ``first``, each paying in its takings in one deposit."""
    register = [_business(first + i, f"ACC{first + i}", naf, band) for i in range(len(takings))]
    cash = [_deposit(first + i, f"ACC{first + i}", amount) for i, amount in enumerate(takings)]
    return register, cash


def _tables(*groups: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "businesses": [row for register, _ in groups for row in register],
        "transactions": [row for _, cash in groups for row in cash],
    }


def _sirens(alerts: list[Any]) -> list[str]:
    return [alert.subjects[0].value for alert in alerts]


# The seeded world: the demo's register and month, with the answers rebuilt in Python.


def _world_tables(world: FrontWorld) -> dict[str, list[dict[str, Any]]]:
    businesses = [
        {
            "account": business.account[1],
            "bank": business.account[0],
            "siren": business.siren,
            "name": business.name,
            "naf": business.naf,
            "headcount_band": business.band,
            "created": datetime.combine(business.created, datetime.min.time(), UTC),
            "source_file": "sirene.csv",
            "source_line": line,
        }
        for line, business in enumerate(world.businesses, start=2)
    ]
    transactions = [_transfer_row(line, t) for line, t in enumerate(world.transfers, start=2)]
    return {"businesses": businesses, "transactions": transactions}


def _transfer_row(line: int, transfer: Transfer) -> dict[str, Any]:
    return {
        "transaction_id": None,
        "ts": transfer.ts,
        "from_bank": transfer.payer[0],
        "from_account": transfer.payer[1],
        "to_bank": transfer.payee[0],
        "to_account": transfer.payee[1],
        "amount_paid": transfer.amount,
        "payment_currency": transfer.currency,
        "amount_received": transfer.amount,
        "receiving_currency": transfer.currency,
        "payment_format": transfer.format,
        "is_laundering": transfer.laundering,
        "source_file": "commerces.csv",
        "source_line": line,
    }


def _monthly_cash(world: FrontWorld) -> dict[str, float]:
    by_account = {business.account: business.siren for business in world.businesses}
    cash: dict[str, float] = defaultdict(float)
    for transfer in world.transfers:
        if transfer.format == "Cash" and transfer.payee in by_account:
            cash[by_account[transfer.payee]] += transfer.amount
    return cash


@pytest.mark.spark
def test_the_planted_front_business_and_no_other_is_found(both_engines: BothEngines) -> None:
    world = generate(seed=7)
    assert world.front is not None
    front = world.front
    [alert] = both_engines(DETECTOR, _world_tables(world))
    assert _sirens([alert]) == [front.siren]
    assert [s.value for s in alert.subjects[1:]] == ["/".join(front.account)]
    cash = _monthly_cash(world)
    group = [b.siren for b in world.businesses if (b.naf, b.band) == (front.naf, front.band)]
    amounts = [round(cash[siren], 2) for siren in group]
    median = statistics.median(amounts)
    mad = statistics.median(abs(amount - median) for amount in amounts)
    z = MAD_TO_Z * (cash[front.siren] - median) / mad
    assert round(cash[front.siren], 2) == 60_000.0
    assert "60 000,00 Euro en espèces en septembre 2022" in alert.reason_fr
    assert f"de ses {len(group) - 1} pairs (même code NAF" in alert.reason_fr
    assert f"{median:,.2f}".replace(",", " ").replace(".", ",") in alert.reason_fr
    assert f"{cash[front.siren] / median:.1f} times the median" in alert.reason_en
    assert f"modified z-score {z:.1f}" in alert.reason_en
    deposits = [
        line
        for line, t in enumerate(world.transfers, start=2)
        if t.payee == front.account and t.format == "Cash"
    ]
    assert alert.evidence[0].table == "businesses"
    assert [e.key["source_line"] for e in alert.evidence[1:]] == deposits


@pytest.mark.spark
def test_big_headcount_band_is_compared_with_big_peers(both_engines: BothEngines) -> None:
    """45,000 a month is ordinary among 10-19 employee fast-food restaurants, and over
    four times the median of the 1-2 employee kebabs (10,500, itself included)."""
    small = _shops("56.10C", "01", [9_000, 10_000, 11_000, 9_500, 10_500, 12_000], 1)
    big = _shops("56.10C", "11", [38_000, 40_000, 42_000, 41_000, 39_000, 45_000], 20)
    assert both_engines(DETECTOR, _tables(small, big)) == []
    small[0].append(_business(30, "ACC30", "56.10C", "01"))
    small[1].append(_deposit(30, "ACC30", 45_000))
    [alert] = both_engines(DETECTOR, _tables(small, big))
    assert _sirens([alert]) == [_siren(30)]
    assert "4,3 fois la médiane de ses 6 pairs" in alert.reason_fr
    assert "1 ou 2 salariés) reçoit 45 000,00 EUR en espèces en mars 2025 (1 versement)" in (
        alert.reason_fr
    )


@pytest.mark.spark
def test_too_few_peers_fall_back_to_the_division_or_give_no_alert(
    both_engines: BothEngines,
) -> None:
    """Three nail bars have two peers under 96.02B: they are compared over division 96
    (with four hairdressers of the same band); with two hairdressers, four peers: none."""
    nails = _shops("96.02B", "01", [4_000, 4_500, 20_000], 1)
    hair = _shops("96.02A", "01", [4_200, 5_000, 4_800, 3_900], 10)
    [alert] = both_engines(DETECTOR, _tables(nails, hair))
    assert _sirens([alert]) == [_siren(3)]
    assert "ses 6 pairs (division NAF 96 et même tranche d'effectif, moins de 5" in (
        alert.reason_fr
    )
    assert "NAF division 96" in alert.reason_en
    fewer = (hair[0][:2], hair[1][:2])
    assert both_engines(DETECTOR, _tables(nails, fewer)) == []


@pytest.mark.spark
def test_only_cash_counts_and_every_account_of_a_business(both_engines: BothEngines) -> None:
    """The outlier's takings beyond its peers' come by card: not flagged. Paid in cash
    to two accounts (one an IBAN, given without a bank), they are summed."""
    peers = _shops("45.20B", "02", [6_000, 7_000, 6_500, 5_500, 8_000], 1)
    register = [_business(10, "ACC10", "45.20B", "02", siren=10)]
    cash = [_deposit(10, "ACC10", 6_000), _deposit(11, "ACC10", 30_000, fmt="Credit Card")]
    assert both_engines(DETECTOR, _tables(peers, (register, cash))) == []

    iban = "FR7630006000011234567890189"
    register.append(_business(11, iban, "45.20B", "02", bank=None, siren=10))
    cash.append(_deposit(12, iban, 14_000, bank="999"))
    cash.append(_deposit(13, "ACC10", 10_000, fmt="CASH", day=2))
    [alert] = both_engines(DETECTOR, _tables(peers, (register, cash)))
    assert [s.value for s in alert.subjects] == [_siren(10), "030/ACC10", f"999/{iban}"]
    assert [e.key["source_line"] for e in alert.evidence] == [10, 10, 12, 13]
    assert "30 000,00 EUR en espèces en mars 2025 (3 versements)" in alert.reason_fr

    label = FrontBusinessThresholds(cash_formats="Cash, Credit Card")
    [wider] = both_engines(DETECTOR, _tables(peers, (register, cash)), label)
    assert "60 000,00 EUR" in wider.reason_fr


def test_thresholds_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="min_ratio_to_peer_median"):
        FrontBusinessThresholds(min_ratio_to_peer_median=0.5)
    with pytest.raises(ValueError, match="min_peers"):
        FrontBusinessThresholds(min_peers=1)
    with pytest.raises(ValueError, match="cash_formats"):
        FrontBusinessThresholds(cash_formats=" , ")


def test_demo_part_is_found_and_raises_nothing_else(tmp_path: Path) -> None:
    """The demo's register and month through ingest and every detector: the planted
    front is the only alert (self-deposits and card settlements make no other pattern)."""
    part = FrontBusinessPart()
    ws = Workspace.open(tmp_path / "home", f"sqlite:///{tmp_path / 'filet.db'}")
    try:
        for item in part.write_inputs(tmp_path / "inputs", seed=7):
            report = ingest_file(ws, item.path, item.format, provenance=item.provenance)
            assert report.rows_quarantined == 0
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine)
    finally:
        ws.close()
    assert [expected.found for expected in part.expectations(alerts)] == [True, True]
    assert [alert.detector_id for alert in alerts] == [DETECTOR]


# The register as ingested: SIRENE columns, checks, entities.

HEADER = (
    "siren,siret,denominationUniteLegale,prenom1UniteLegale,nomUniteLegale,"
    "activitePrincipaleUniteLegale,trancheEffectifsUniteLegale,dateCreationUniteLegale,"
    "libelleCommuneEtablissement,iban,bank,account"
)
RECORDS = [
    "732829320,73282932000074,KEBAB DU PORT,,,56.10C,01,2019-03-12,MARSEILLE,,010,6000AAA",
    "732 829 320,,KEBAB DU PORT,,,5610c,01,2019-03-12,MARSEILLE,"
    "FR76 3000 6000 0112 3456 7890 189,,",
    f"{_siren(4)},,,Karim,Haddad,96.02A,,,,,010,6000BBB",
    "732829321,,MAUVAIS SIREN,,,56.10C,01,,,,010,6000CCC",
    f"{_siren(6)},{_siren(7)}00017,SIRET D'UN AUTRE,,,56.10C,01,,,,010,6000CCC",
    f"{_siren(7)},,ANCIENNE NAF,,,55.3A,01,,,,010,6000CCC",
    f"{_siren(8)},,DIVISION 00,,,00.00A,01,,,,010,6000CCC",
    f"{_siren(9)},,TRANCHE 7,,,56.10C,7,,,,010,6000CCC",
    f"{_siren(10)},,DATE,,,56.10C,01,12/03/2019,,,010,6000CCC",
    f"{_siren(11)},,SANS COMPTE,,,56.10C,01,,,,010,",
]


def test_register_records_are_checked_and_mapped(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sirene.csv"
    path.write_text(HEADER + "\n" + "\n".join(RECORDS) + "\n", encoding="utf-8")
    report = ingest_file(workspace, path, "businesses")
    assert (report.rows_stored, report.rows_quarantined) == (3, 7)
    with workspace.db.connect() as conn:
        rejected = conn.execute(sa.select(quarantine.c.line, quarantine.c.field)).all()
        companies = list(iter_entities(conn, "Company"))
        accounts = list(iter_entities(conn, "BankAccount"))
        holdings = list(iter_entities(conn, "Ownership"))
    assert sorted(rejected) == [
        (5, "siren"),
        (6, "siret"),
        (7, "activitePrincipaleUniteLegale"),
        (8, "activitePrincipaleUniteLegale"),
        (9, "trancheEffectifsUniteLegale"),
        (10, "dateCreationUniteLegale"),
        (11, "iban, account"),
    ]
    rows = sorted(_rows(workspace, "businesses"), key=lambda row: row["source_line"])
    assert [(r["siren"], r["bank"], r["account"], r["naf"], r["headcount_band"]) for r in rows] == [
        ("732829320", "010", "6000AAA", "56.10C", "01"),
        ("732829320", None, "FR7630006000011234567890189", "56.10C", "01"),
        (_siren(4), "010", "6000BBB", "96.02A", None),
    ]
    assert rows[0]["created"] == datetime(2019, 3, 12, tzinfo=UTC)
    assert rows[2]["name"] == "Karim Haddad"
    kebab = next(c for c in companies if c.first("registrationNumber") == "732829320")
    assert (kebab.first("name"), kebab.first("sector"), kebab.first("jurisdiction")) == (
        "KEBAB DU PORT",
        "56.10C",
        "fr",
    )
    assert len(companies) == 2 and len(accounts) == 3 and len(holdings) == 3
    assert {h.first("owner") for h in holdings} == {c.id for c in companies}


def _rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    return ds.dataset(ws.events.folder(table), format="parquet").to_table().to_pylist()


def test_the_register_account_is_the_transfers_account(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    register = tmp_path / "sirene.csv"
    register.write_text(HEADER + "\n" + RECORDS[0] + "\n", encoding="utf-8")
    transfers = tmp_path / "virements.csv"
    transfers.write_text(
        "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
        "Amount Paid,Payment Currency,Payment Format,Is Laundering\n"
        "2022/09/01 10:00,010,6000AAA,010,6000AAA,900.00,Euro,900.00,Euro,Cash,0\n",
        encoding="utf-8",
    )
    ingest_file(sqlite_workspace, register, "businesses")
    ingest_file(sqlite_workspace, transfers, "amlworld")
    with sqlite_workspace.db.connect() as conn:
        assert len(list(iter_entities(conn, "BankAccount"))) == 1


def test_a_quarantined_record_fixed_in_its_raw_text_is_checked_again(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "sirene.csv"
    path.write_text(HEADER + "\n" + RECORDS[3] + "\n", encoding="utf-8")
    ingest_file(sqlite_workspace, path, "businesses")
    with sqlite_workspace.db.connect() as conn:
        [record] = list_quarantined(conn)
    with pytest.raises(IngestError, match="siren"):
        fix_quarantined(sqlite_workspace, record.id, {"raw": RECORDS[3].replace("SIREN", "")})
    fix_quarantined(sqlite_workspace, record.id, {"raw": "732829320" + RECORDS[3][9:]})
    [outcome] = replay(sqlite_workspace, [record.id])
    assert outcome.stored
    [row] = _rows(sqlite_workspace, "businesses")
    assert (row["siren"], row["account"], row["source_line"]) == ("732829320", "6000CCC", 2)


def test_a_register_without_naf_column_is_refused(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "sirene.csv"
    path.write_text("siren,account\n732829320,6000AAA\n", encoding="utf-8")
    with pytest.raises(IngestError, match="NAF"):
        ingest_file(sqlite_workspace, path, "businesses")


@given(st.integers(min_value=0, max_value=10**8 - 1), st.integers(min_value=1, max_value=9))
def test_siren_luhn_check(number: int, error: int) -> None:
    """Every 8 digits with their Luhn digit is a SIREN, spaced or not; any other last
    digit is refused, naming the column."""
    siren = _siren(number)
    assert normalize_siren(siren) == siren
    assert normalize_siren(f"{siren[:3]} {siren[3:6]} {siren[6:]}") == siren
    wrong = siren[:8] + str((int(siren[8]) + error) % 10)
    with pytest.raises(RecordError) as raised:
        normalize_siren(wrong)
    assert raised.value.field == "siren"


@given(st.text(max_size=12))
def test_any_siren_text_is_accepted_or_quarantined(text: str) -> None:
    """Whatever the column holds, the reader gives nine Luhn-valid digits or a record
    error naming the column, never another exception."""
    fields = {"siren": text, "activitePrincipaleUniteLegale": "56.10C", "account": "A1"}
    try:
        checked = BUSINESS_COLUMNS.fields(fields)
    except RecordError as error:
        assert error.field == "siren"
    else:
        siren = checked["business_siren"]
        assert len(siren) == 9 and siren.isdigit() and luhn.is_valid(siren)
