"""The demo network's ties beyond the phone: a meeting and a payment.

The supplier cell reaches the rest of the network by phone only through the broker.
A surveillance report saw its head meet a financier, who never appears in the
fadettes; the financier's account then paid the leader's. An intelligence file says
who holds which line and which account. From the supplier's head,
``filet network path demo-fournisseur`` must reach the leader in two hops, a meeting
then a payment, each with its ``file:line``, shorter than any chain of calls.

The lines and accounts take the keys the ``cdr`` and ``amlworld`` mappings give them,
so the intelligence file adds holders to the very entities the fadettes and the bank
feed make, rather than entities of the same numbers beside them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filet.alerts import Alert
from filet.demo.network import generate
from filet.demo.parts import DemoInput, Expectation
from filet.ingest.formats import builtin_mapping
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.model.identifiers import phone

SURVEILLANCE = Provenance(
    dataset="demo-surveillance",
    collecting_service="OFAST",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H1,
)
BANK = Provenance(
    dataset="demo-requisition-bancaire",
    collecting_service="OFAST",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H2,
)
LEADER_ID, FINANCIER_ID, SUPPLIER_ID = "demo-chef", "demo-financier", "demo-fournisseur"
FINANCIER = "Marc Vidal"
BANK_ID, LEADER_ACCOUNT, FINANCIER_ACCOUNT = "077", "8A3F0C21", "8A3F0C9E"
PAYMENTS = ((datetime(2024, 3, 12, 10, 5), 4_800.0), (datetime(2024, 4, 2, 16, 40), 5_150.0))
TRANSFER_HEADER = (
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering"
)


class NetworkTiesPart:
    """The demo's meeting and payment around the network part's hierarchy (same seed)."""

    name = "network-ties"

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        hierarchy = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        leader, supplier_head = hierarchy.leader, hierarchy.cells[2][0]
        return write_ties(leader, supplier_head, folder, datetime.now(UTC))

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        """None from alerts: the chain is read with ``filet network path`` (tested in
        tests/test_network_multipaths.py)."""
        return []


def write_ties(
    leader: str, supplier_head: str, folder: Path, collected: datetime
) -> list[DemoInput]:
    """The surveillance report, the bank requisition and the holders, as files."""
    meetings = folder / "surveillance.csv"
    meetings.write_text(
        "start,participants,place,source,case_ref,seizure_ref\n"
        f"2024-03-08T21:30:00,{supplier_head}; {FINANCIER},Parking du Prado,"
        "surveillance,DEMO-1,\n",
        encoding="utf-8",
    )
    transfers = folder / "requisition-bancaire.csv"
    rows = [
        f"{when:%Y/%m/%d %H:%M},{BANK_ID},{FINANCIER_ACCOUNT},{BANK_ID},{LEADER_ACCOUNT},"
        f"{amount:.2f},Euro,{amount:.2f},Euro,Wire,0"
        for when, amount in PAYMENTS
    ]
    transfers.write_text("\n".join([TRANSFER_HEADER, *rows]) + "\n", encoding="utf-8")
    holders = folder / "titulaires.ftm.json"
    entities = _holders(phone.normalize(leader), phone.normalize(supplier_head))
    holders.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities))
    return [
        DemoInput(holders, "ftm", _at(SURVEILLANCE, collected)),
        DemoInput(meetings, "meetings", _at(SURVEILLANCE, collected)),
        DemoInput(transfers, "amlworld", _at(BANK, collected)),
    ]


def _holders(leader: str, supplier_head: str) -> list[dict[str, Any]]:
    leader_account, financier_account = (_account(n) for n in (LEADER_ACCOUNT, FINANCIER_ACCOUNT))
    return [
        _entity(LEADER_ID, "Person", name="Paul Ferrand"),
        _entity(FINANCIER_ID, "Person", name=FINANCIER),
        _entity(SUPPLIER_ID, "Person", name="Diego Ruiz"),
        _entity(_line(leader), "Phone", number=leader, holder=LEADER_ID),
        _entity(_line(supplier_head), "Phone", number=supplier_head, holder=SUPPLIER_ID),
        _entity(leader_account, "BankAccount", accountNumber=LEADER_ACCOUNT),
        _entity(financier_account, "BankAccount", accountNumber=FINANCIER_ACCOUNT),
        _entity("demo-compte-chef", "Ownership", owner=LEADER_ID, asset=leader_account),
        _entity("demo-compte-fin", "Ownership", owner=FINANCIER_ID, asset=financier_account),
    ]


def _line(number: str) -> str:
    """The id the ``cdr`` mapping gives the line of ``number`` (E.164)."""
    return _key("cdr", "caller", {"caller_e164": number})


def _account(number: str) -> str:
    """The id the ``amlworld`` mapping gives the account ``number`` at the demo bank."""
    return _key("amlworld", "sender", {"From Bank": BANK_ID, "Account": number})


def _key(mapping: str, name: str, record: dict[str, str]) -> str:
    entities = builtin_mapping(mapping).entities
    assert entities is not None
    [entity] = [e for e in entities.entities if e.name == name]
    key = entity.compute_key(record)
    assert key is not None
    return str(key)


def _entity(entity_id: str, schema: str, **properties: str) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: [v] for k, v in properties.items()},
    }


def _at(provenance: Provenance, collected: datetime) -> Provenance:
    return replace(provenance, collected_at=collected.astimezone(UTC))
