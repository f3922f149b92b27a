"""Trust profiles on a hand-built table: earlier days only, smoothed hit rates, changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from filet.targeting.trust import (
    CARGO_PARTIES,
    TRAVEL_PARTIES,
    history,
    outcomes,
    per_row,
    records,
    seizure_rate,
)

PRIOR, WEIGHT = 0.25, 4.0


def _at(day: int, hour: int = 8) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


# ts, shipper, consignee, phone, booking party, vessel, loading port, hs6, seized
ROWS = [
    (_at(1), "S", "C", "P1", "S", "9300001", "ECGYE", "080390", True),
    (_at(1, 10), "S", "C2", "Q", "S", "9300001", "ECGYE", "080390", None),
    (_at(2), "S", "C", "P2", "F", "9300002", "COTRB", "080390", False),
    (_at(3), "S", "C", "P2", "S", "9300001", "ECGYE", "090111", None),
]
COLUMNS = (
    "ts", "shipper", "consignee", "consignee_phone", "booking_party", "vessel_imo",
    "port_loading", "hs6", "seized",
)  # fmt: skip


def _table() -> pa.Table:
    return pa.table({name: [row[i] for row in ROWS] for i, name in enumerate(COLUMNS)})


def _records() -> list[dict]:
    rows = _table()
    return records(per_row(rows, CARGO_PARTIES, "seized", PRIOR, WEIGHT), rows, CARGO_PARTIES)


def test_a_profile_counts_earlier_days_only() -> None:
    found = _records()
    # Same day as the first consignment: the shipper is not yet known.
    assert found[1]["shipper"].consignments == 0
    assert found[1]["shipper"].said() == "jamais vu / never seen"
    # The next day it has two consignments, one inspected and seized.
    assert found[2]["shipper"].consignments == 2
    assert (found[2]["shipper"].inspected, found[2]["shipper"].seized) == (1, 1)
    # A booking party never seen before.
    assert found[2]["booking_party"].consignments == 0


def test_hit_rate_age_and_changes_of_the_last_consignment() -> None:
    last = _records()[3]
    consignee = last["consignee"]
    assert (consignee.consignments, consignee.inspected, consignee.seized) == (2, 2, 1)
    assert consignee.hit_rate == pytest.approx((1 + WEIGHT * PRIOR) / (2 + WEIGHT))
    assert consignee.first_seen == _at(1)
    assert consignee.age_days == 2
    # Phones P1 then P2, origins EC then CO, one HS6 code.
    assert consignee.changes == {"phones": 1, "origins": 1, "hs6": 0}
    shipper = last["shipper"]
    assert (shipper.consignments, shipper.inspected, shipper.seized) == (3, 2, 1)
    assert shipper.changes == {"consignees": 1, "hs6": 0}
    carrier = last["carrier"]
    assert (carrier.name, carrier.consignments, carrier.seized) == ("9300001", 2, 1)
    assert carrier.changes == {"ports": 0}
    assert consignee.said().startswith(
        "2 envois / consignments, 2 contrôlés / inspected, 1 saisies / seizures, "
        "taux lissé / smoothed hit rate 33.3%, depuis / since 2024-01-01 (2 j / days)"
    )
    assert "téléphone +1" in consignee.said_in(CARGO_PARTIES[1], french=True)
    assert "phone +1" in consignee.said_in(CARGO_PARTIES[1], french=False)


def test_history_of_one_party_in_every_role() -> None:
    found = history(_table(), "S", CARGO_PARTIES, "seized", PRIOR, WEIGHT)
    by_role = {trust.role: trust for trust in found}
    assert set(by_role) == {"shipper", "booking_party"}
    shipper = by_role["shipper"]
    assert (shipper.consignments, shipper.inspected, shipper.seized) == (4, 2, 1)
    assert shipper.age_days == 3  # seen on days 1 to 3, as of day 4
    assert shipper.changes == {"consignees": 1, "hs6": 1}
    assert by_role["booking_party"].consignments == 3
    assert history(_table(), "nobody", CARGO_PARTIES, "seized", PRIOR, WEIGHT) == []


def test_seizure_rate_counts_inspected_rows_only() -> None:
    assert seizure_rate(_table(), "seized") == 0.5


def test_bookings_without_outcomes_profile_the_travel_agency() -> None:
    bookings = pa.table(
        {
            "ts": [_at(1), _at(2), _at(2, 9), _at(3)],
            "travel_agent": ["AGENCE X", "AGENCE X", "AGENCE X", "AGENCE X"],
            "payer_name": ["A", "B", "B", "C"],
            "contact_phone": ["+594", "+594", "+594", "+594"],
            "origin": ["CAY", "CAY", "CAY", "CAY"],
            "destination": ["ORY", "ORY", "CDG", "ORY"],
        }
    )
    last = records(per_row(bookings, TRAVEL_PARTIES, None, PRIOR, WEIGHT), bookings, TRAVEL_PARTIES)
    agency = last[3]["travel_agent"]
    assert (agency.consignments, agency.inspected, agency.hit_rate) == (3, 0, PRIOR)
    assert agency.changes == {"payers": 1, "contacts": 0, "routes": 1}


def test_outcomes_of_the_inspection_column() -> None:
    inspection = pa.chunked_array([["seizure", "clean", "none", None]])
    assert outcomes(inspection).to_pylist() == [True, False, None, None]
