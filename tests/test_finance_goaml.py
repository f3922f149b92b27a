"""goAML reports (format 5.0.2) in: transfers, parties as entities, the report itself;
schema errors quarantined where they are, unsafe or malformed XML refused."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from filet.cli import app
from filet.ingest import IngestError, ingest_file
from filet.ingest.formats import resolve
from filet.ingest.goaml import SHIPPED_XSD, goaml_records
from filet.ingest.pipeline import validate_record
from filet.ingest.quarantine import list_quarantined
from filet.ingest.replay import fix_quarantined, replay
from filet.model.provenance import Provenance
from filet.store import Workspace
from filet.store.entities import iter_entities

SCHEMAS = Path(__file__).parent.parent / "src/filet/ingest/schemas"
JEAN = """
        <first_name>Jean</first_name>
        <last_name>Dupont</last_name>
        <birthdate>1980-05-02T00:00:00</birthdate>
        <id_number>X1234567</id_number>
        <nationality1>FR</nationality1>"""
COMPANY = """
          <name>Sud Import Export SARL</name>
          <incorporation_number>812345678</incorporation_number>
          <incorporation_country_code>FR</incorporation_country_code>"""
# Jean Dupont pays cash into his account, to the account of a company...
CASH_TO_COMPANY = f"""
  <transaction>
    <transactionnumber>TX-001</transactionnumber>
    <date_transaction>2024-02-12T10:15:00</date_transaction>
    <transmode_code>BO</transmode_code>
    <amount_local>9500.00</amount_local>
    <t_from_my_client>
      <from_funds_code>CASH</from_funds_code>
      <from_account>
        <institution_name>Banque du Vieux-Port</institution_name>
        <swift>BVPOFRPP</swift>
        <account>00012345678</account>
        <iban>FR76 3000 6000 0112 3456 7890 189</iban>
        <signatory>
          <is_primary>true</is_primary>
          <t_person>{JEAN}
          </t_person>
          <role>A</role>
        </signatory>
      </from_account>
      <from_country>FR</from_country>
    </t_from_my_client>
    <t_to>
      <to_funds_code>ELCFT</to_funds_code>
      <to_account>
        <swift>DEUTDEFF</swift>
        <account>0532013000</account>
        <iban>DE89370400440532013000</iban>
        <t_entity>{COMPANY}
        </t_entity>
      </to_account>
      <to_country>DE</to_country>
    </t_to>
  </transaction>"""
# ... and the company pays him back, to him in person.
COMPANY_TO_JEAN = f"""
  <transaction>
    <transactionnumber>TX-002</transactionnumber>
    <date_transaction>2024-02-20T16:00:00</date_transaction>
    <transmode_code>ELCFT</transmode_code>
    <amount_local>4000</amount_local>
    <t_from>
      <from_funds_code>ELCFT</from_funds_code>
      <from_entity>{COMPANY}
      </from_entity>
      <from_country>FR</from_country>
    </t_from>
    <t_to_my_client>
      <to_funds_code>CASH</to_funds_code>
      <to_person>{JEAN}
        <phones><phone><tph_country_prefix>33</tph_country_prefix>
          <tph_number>612345678</tph_number></phone></phones>
      </to_person>
      <to_country>FR</to_country>
    </t_to_my_client>
  </transaction>"""
JEAN_KEY = "person:dupont jean 1980-05-02 id x1234567"


def _report(transactions: str, reference: str = "STR-2024-0007", code: str = "STR") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <rentity_id>1042</rentity_id>
  <submission_code>E</submission_code>
  <report_code>{code}</report_code>
  <entity_reference>{reference}</entity_reference>
  <submission_date>2024-03-04T09:30:00</submission_date>
  <currency_code_local>EUR</currency_code_local>
  <reporting_person><first_name>Claire</first_name><last_name>Martin</last_name></reporting_person>
  <reason>Dépôts d'espèces puis virements vers une société sans activité</reason>
  <action>Compte sous surveillance</action>{transactions}
  <report_indicators><indicator>CASH01</indicator><indicator>SHELL</indicator></report_indicators>
</report>
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, needle: str, after: str = "") -> int:
    """The line of ``needle`` (its first occurrence after ``after``) in ``text``."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def _rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    if not ws.events.parts(table):
        return []
    rows = ds.dataset(ws.events.folder(table), format="parquet").to_table().to_pylist()
    return sorted(rows, key=lambda row: (row["source_file"], row["source_line"]))


def _entities(ws: Workspace, schema: str) -> list[dict[str, Any]]:
    with ws.db.connect() as conn:
        return [entity.to_dict() for entity in iter_entities(conn, schema)]


def test_a_report_gives_its_transfers_its_parties_and_itself(
    workspace: Workspace, tmp_path: Path
) -> None:
    text = _report(CASH_TO_COMPANY + COMPANY_TO_JEAN)
    report = ingest_file(workspace, _write(tmp_path / "str.xml", text), "goaml")
    assert report.rows_quarantined == 0
    first, second = _rows(workspace, "transactions")
    assert first["transaction_id"] == "TX-001"
    assert (first["from_bank"], first["from_account"]) == (None, "FR7630006000011234567890189")
    assert (first["to_bank"], first["to_account"]) == (None, "DE89370400440532013000")
    assert (first["amount_paid"], first["payment_currency"], first["payment_format"]) == (
        9500.0,
        "EUR",
        "BO",
    )
    assert first["ts"].isoformat() == "2024-02-12T10:15:00+00:00"
    assert (second["from_account"], second["to_account"]) == ("entity:fr 812345678", JEAN_KEY)
    assert second["amount_paid"] == 4000.0
    assert [row["source_line"] for row in (first, second)] == [
        _line(text, "<transaction>"),
        _line(text, "<transaction>", after="TX-001"),
    ]

    [filed] = _rows(workspace, "fiu_reports")
    assert filed["report_id"] == "1042/STR-2024-0007"
    assert (filed["report_code"], filed["submission_code"], filed["rentity_id"]) == (
        "STR",
        "E",
        "1042",
    )
    assert filed["reason"] == "Dépôts d'espèces puis virements vers une société sans activité"
    assert (filed["action"], filed["indicators"]) == ("Compte sous surveillance", "CASH01, SHELL")
    assert (filed["reporting_person"], filed["transactions"]) == ("Claire Martin", 2)
    assert (filed["source_file"], filed["source_line"]) == ("str.xml", 2)
    links = _rows(workspace, "fiu_report_transactions")
    assert [(link["report_id"], link["transaction_id"]) for link in links] == [
        ("1042/STR-2024-0007", "TX-001"),
        ("1042/STR-2024-0007", "TX-002"),
    ]
    assert [(link["from_funds_code"], link["to_funds_code"]) for link in links] == [
        ("CASH", "ELCFT"),
        ("ELCFT", "CASH"),
    ]
    assert [link["source_line"] for link in links] == [
        row["source_line"] for row in (first, second)
    ]

    accounts = {e["properties"]["iban"][0]: e for e in _entities(workspace, "BankAccount")}
    assert set(accounts) == {"FR7630006000011234567890189", "DE89370400440532013000"}
    assert accounts["FR7630006000011234567890189"]["properties"]["bic"] == ["BVPOFRPP"]
    # The signatory of the account and the person paid are one person, the holder of
    # the receiving account and the payer one company.
    [jean] = _entities(workspace, "Person")
    assert jean["properties"]["name"] == ["Jean Dupont"]
    assert jean["properties"]["birthDate"] == ["1980-05-02"]
    assert jean["properties"]["phone"] == ["+33612345678"]
    [company] = _entities(workspace, "Company")
    assert company["properties"]["registrationNumber"] == ["812345678"]
    holdings = {
        (e["properties"]["owner"][0], e["properties"]["asset"][0], e["properties"]["role"][0])
        for e in _entities(workspace, "Ownership")
    }
    assert holdings == {
        (jean["id"], accounts["FR7630006000011234567890189"]["id"], "signataire / signatory A"),
        (company["id"], accounts["DE89370400440532013000"]["id"], "titulaire / holder"),
    }


def test_the_same_iban_in_two_reports_is_one_account(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ingest_file(sqlite_workspace, _write(tmp_path / "a.xml", _report(CASH_TO_COMPANY)), "goaml")
    other = _report(CASH_TO_COMPANY.replace("TX-001", "TX-900"), reference="STR-2024-0099")
    ingest_file(sqlite_workspace, _write(tmp_path / "b.xml", other), "goaml")
    accounts = _entities(sqlite_workspace, "BankAccount")
    assert sorted(e["properties"]["iban"][0] for e in accounts) == [
        "DE89370400440532013000",
        "FR7630006000011234567890189",
    ]
    assert len(_rows(sqlite_workspace, "fiu_reports")) == 2
    # The IBAN found in a seized phone's messages is the same entity.
    mention = {"identifier_kind": "iban", "iban": "DE89370400440532013000"}
    seized = resolve("telegram").validator("chat.json").validate(mention, Provenance("t"), 1)
    [(entity, _)] = seized.entities
    assert entity.id in {e["id"] for e in accounts}


def test_an_invalid_report_code_quarantines_the_whole_report(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    text = _report(CASH_TO_COMPANY + COMPANY_TO_JEAN, code="XYZ")
    report = ingest_file(sqlite_workspace, _write(tmp_path / "bad.xml", text), "goaml")
    assert report.rows_stored == 0 and report.rows_quarantined == report.rows_read
    assert _rows(sqlite_workspace, "transactions") == []
    with sqlite_workspace.db.connect() as conn:
        held = list_quarantined(conn)
    line = _line(text, "<report_code>")
    assert {item.field for item in held} == {"/report/report_code"}
    assert all(f"line {line}, /report/report_code: 'XYZ'" in item.reason for item in held)
    [own] = [item for item in held if item.line == 2]
    assert own.reason.startswith("rapport non conforme / invalid report")


def test_a_missing_amount_quarantines_its_transaction_only(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    broken = COMPANY_TO_JEAN.replace("    <amount_local>4000</amount_local>\n", "")
    text = _report(CASH_TO_COMPANY + broken)
    ingest_file(sqlite_workspace, _write(tmp_path / "str.xml", text), "goaml")
    assert [row["transaction_id"] for row in _rows(sqlite_workspace, "transactions")] == ["TX-001"]
    assert len(_rows(sqlite_workspace, "fiu_reports")) == 1
    with sqlite_workspace.db.connect() as conn:
        held = list_quarantined(conn)
    line = _line(text, "<transaction>", after="TX-001")
    # The transaction, the company and Jean, each at its own line.
    assert [item.line for item in held] == [
        line,
        _line(text, "<from_entity>", after="TX-002"),
        _line(text, "<to_person>", after="TX-002"),
    ]
    assert {item.field for item in held} == {"/report/transaction[2]/amount_local"}
    assert f"line {line}, /report/transaction[2]/amount_local: élément manquant" in held[0].reason

    # Corrected field by field, the three records go in.
    fix_quarantined(sqlite_workspace, held[0].id, {"amount_local": "4000"})
    assert all(outcome.stored for outcome in replay(sqlite_workspace))
    amounts = [row["amount_paid"] for row in _rows(sqlite_workspace, "transactions")]
    assert amounts == [9500.0, 4000.0]


def test_a_multi_party_transaction_is_quarantined_as_not_read(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    multi = """
  <transaction>
    <transactionnumber>TX-003</transactionnumber>
    <date_transaction>2024-02-21T09:00:00</date_transaction>
    <transmode_code>BO</transmode_code>
    <amount_local>100</amount_local>
    <involved_parties><party><role>A</role></party></involved_parties>
  </transaction>"""
    ingest_file(sqlite_workspace, _write(tmp_path / "m.xml", _report(multi)), "goaml")
    with sqlite_workspace.db.connect() as conn:
        [held] = list_quarantined(conn)
    assert held.field == "/report/transaction[1]/involved_parties"
    assert "multi-party transaction not read" in held.reason


_MISMATCHED = _report(CASH_TO_COMPANY).replace("</action>", "</actoin>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_MISMATCHED, f":{_line(_MISMATCHED, '</actoin>')}: XML mal formé / malformed XML"),
        ("<?xml version='1.0'?>\n<html><body/></html>\n", ":2: pas un rapport goAML"),
    ],
)
def test_a_file_that_is_not_a_well_formed_report_is_refused(
    sqlite_workspace: Workspace, tmp_path: Path, text: str, expected: str
) -> None:
    path = _write(tmp_path / "r.xml", text)
    with pytest.raises(IngestError, match=expected):
        ingest_file(sqlite_workspace, path, "goaml")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE report [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
)
def test_entities_are_refused(sqlite_workspace: Workspace, tmp_path: Path, doctype: str) -> None:
    """XXE (an external entity reads a local file) and entity expansion ("billion laughs")."""
    text = _report(CASH_TO_COMPANY).replace("<report>", f"{doctype}\n<report>")
    text = text.replace("<reason>", "<reason>&xxe;&b;")
    with pytest.raises(IngestError, match=r":2: DTD ou entité refusée \(XXE\)"):
        ingest_file(sqlite_workspace, _write(tmp_path / "xxe.xml", text), "goaml")
    assert _rows(sqlite_workspace, "fiu_reports") == []


def test_the_schema_is_the_fius_own(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An FIU whose lookups add the report code IRF (not in goAML 5.0.2)."""
    shipped = (SCHEMAS / SHIPPED_XSD).read_text(encoding="utf-8")
    extended = shipped.replace(
        '<xs:enumeration value="AIF"/>',
        '<xs:enumeration value="AIF"/><xs:enumeration value="IRF"/>',
    )
    monkeypatch.setenv("FILET_GOAML_XSD", str(_write(tmp_path / "fiu.xsd", extended)))
    path = _write(tmp_path / "irf.xml", _report(CASH_TO_COMPANY, code="IRF"))
    assert ingest_file(sqlite_workspace, path, "goaml").rows_quarantined == 0
    monkeypatch.setenv("FILET_GOAML_XSD", str(tmp_path / "missing.xsd"))
    with pytest.raises(IngestError, match=r"goaml_xsd: .*missing\.xsd: schéma XSD illisible"):
        ingest_file(sqlite_workspace, _write(tmp_path / "other.xml", _report("")), "goaml")


_NUMBERS = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=100
).filter(lambda number: number == number.strip() and bool(number))
_AMOUNTS = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)


def _generated(transactions: list[tuple[str, Decimal, bool]]) -> bytes:
    """A valid report: each transfer from an account (an IBAN or a number at a bank) to
    a person, or from a person to a company, with its number and amount."""
    report = ET.fromstring(_report(""))
    for position, (number, amount, by_account) in enumerate(transactions):
        transaction = ET.SubElement(report, "transaction")
        for tag, value in (
            ("transactionnumber", number),
            ("date_transaction", f"2024-01-{position % 28 + 1:02d}T12:00:00"),
            ("transmode_code", "BO"),
            ("amount_local", format(amount, "f")),
        ):
            ET.SubElement(transaction, tag).text = value
        payer = ET.fromstring(
            "<t_from><from_funds_code>CASH</from_funds_code><from_account>"
            f"<swift>BVPOFRPP</swift><account>{position}</account></from_account></t_from>"
            if by_account
            else f"<t_from><from_funds_code>CRPTC</from_funds_code><from_person>{JEAN}"
            "</from_person></t_from>"
        )
        paid = ET.fromstring(
            f"<t_to><to_funds_code>B</to_funds_code><to_entity>{COMPANY}</to_entity></t_to>"
        )
        transaction.extend([payer, paid])
    return ET.tostring(report, encoding="utf-8", xml_declaration=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_NUMBERS, _AMOUNTS, st.booleans()), min_size=1, max_size=8))
def test_generated_reports_round_trip_numbers_and_amounts(
    transactions: list[tuple[str, Decimal, bool]],
) -> None:
    validator = resolve("goaml").validator("r.xml")
    rows = [
        row
        for record in goaml_records(_generated(transactions), Path("r.xml"))
        for table, row in validate_record(validator, record, Provenance("t"), "r.xml").events
        if table == "transactions"
    ]
    assert [(row["transaction_id"], row["amount_paid"]) for row in rows] == [
        (number, float(amount)) for number, amount, _ in transactions
    ]
    assert [row["from_bank"] for row in rows] == [
        "BVPOFRPP" if by_account else None for _, _, by_account in transactions
    ]


def test_scan_runs_the_finance_detectors_on_a_report(tmp_path: Path) -> None:
    """Three cash deposits just under €10,000 within a week: structuring."""
    deposits = "".join(
        CASH_TO_COMPANY.replace("TX-001", f"TX-00{day}")
        .replace("2024-02-12", f"2024-02-1{day}")
        .replace("9500.00", f"9{day}00.00")
        for day in (2, 3, 4)
    )
    path = _write(tmp_path / "report.xml", _report(deposits))
    out = tmp_path / "alerts.jsonl"
    result = CliRunner().invoke(app, ["scan", str(path), "--format", "goaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    [structuring] = [a for a in alerts if a["detector_id"] == "finance.structuring"]
    subjects = [(subject["kind"], subject["value"]) for subject in structuring["subjects"]]
    assert subjects == [("account", "FR7630006000011234567890189")]
    lines = [item["key"]["source_line"] for item in structuring["evidence"]]
    assert lines == [
        _line(path.read_text(), f"<transactionnumber>TX-00{day}") - 1 for day in (2, 3, 4)
    ]
