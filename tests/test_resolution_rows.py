"""Splink's input table: the name forms, the keys that decide which pairs are compared,
and the same rows whichever way they are built."""

from __future__ import annotations

import pyarrow as pa
import pytest

from filet.network.resolution import (
    COMMON_NAME_RECORDS,
    ResolutionRecord,
    feature_table,
    features,
)
from filet.network.resolution.model import EM_MAX_PAIRS, _em_blockings
from filet.network.resolution.rows import name_forms
from filet.search.names import fold


def _person(entity_id: str, name: str, birth: str | None = None, **fields: str) -> ResolutionRecord:
    return ResolutionRecord(
        entity_id,
        "Person",
        fields.get("dataset", "d"),
        frozenset(),
        (name,),
        birth_date=birth,
        phones=(fields["phone"],) if "phone" in fields else (),
        addresses=(fields["address"],) if "address" in fields else (),
    )


@pytest.mark.parametrize(
    "name",
    ["BENALI Karim", "Abdel Kader El Amrani", "Иван Петров", "محمد الشرايبي",
     "Ιωάννης Παπαδόπουλος", "Jean-Pierre  de la Fontaine", "Nguyễn Văn A", "王 小明"],
)  # fmt: skip
def test_a_name_folded_word_by_word_is_the_name_folded_whole(name: str) -> None:
    assert name_forms(name).tokens == tuple(sorted(fold(name).tokens))


def test_rows_keep_the_input_order_and_the_forms_of_each_name() -> None:
    records = [
        _person("b", "Karim Benali", "1990-03-07", phone="+33612345678"),
        _person("a", "BENALI Karim", "1990-07-03", address="12 Rue de la République"),
        _person("c", "Fatima Krasnii", "1990-07-03"),
    ]
    rows = feature_table(records).to_pylist()
    assert [row["unique_id"] for row in rows] == ["b", "a", "c"]
    first, second, third = rows
    assert first["name_sorted"] == second["name_sorted"] == "benali karim"
    assert first["skeleton_key"] == "bnl krm" and first["first_phone"] == "+33612345678"
    assert second["address"] == "12 rue de la republique" and first["address"] is None
    # day and month swapped: one date key, so the two copies meet on it
    assert first["date_key"] == second["date_key"] == third["date_key"] == "1990-03-07"
    assert first["birth_year"] == "1990" and first["name_year_block"] == "ben|1990"
    # a typo after the third consonant keeps a name key of "Krasniqi"
    assert "krs" in third["name_keys"] and "krs" in name_forms("Krasniqi").keys
    assert features(records[0]) == first


def test_a_common_name_blocks_only_with_a_birth_date_or_an_address() -> None:
    common = [_person(f"n{i:03d}", "Jean Martin", None) for i in range(COMMON_NAME_RECORDS + 1)]
    rare = [_person("r1", "Dritan Hoxha", "1971-02-03"), _person("r2", "HOXHA Dritan", None)]
    rows = {row["unique_id"]: row for row in feature_table(common + rare).to_pylist()}
    assert rows["n000"]["name_block"] is None and rows["n000"]["skeleton_key"] == "jn mrtn"
    assert rows["r1"]["name_block"] == rows["r2"]["name_block"] == "drtn hxh"
    few = {row["unique_id"]: row for row in feature_table(common[:-1]).to_pylist()}
    assert few["n000"]["name_block"] == "jn mrtn"


def test_em_asks_for_the_nationality_only_past_its_pair_budget() -> None:
    assert _em_blockings(pa.table({"birth_date": ["1990-01-01"] * 3 + [None]}))[0] == (
        "birth_date",
    )
    crowded = int((2 * EM_MAX_PAIRS) ** 0.5) + 2  # records born the same day
    table = pa.table({"birth_date": pa.repeat("1990-01-01", crowded)})
    assert _em_blockings(table) == [
        ("birth_date", "nationality"),
        ("first_identifier",),
        ("first_phone",),
    ]
