"""Entity search on both databases: names in any script, typos, identifiers as typed."""

from __future__ import annotations

import pytest
from followthemoney import EntityProxy

from filet.model import Provenance, model
from filet.search import SearchTuning, search_entities
from filet.store import Workspace
from filet.store.entities import put_entities


def _entity(schema: str, entity_id: str, **values: str | list[str]) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, value in values.items():
        for each in [value] if isinstance(value, str) else value:
            proxy.add(prop, each, cleaned=True)
    return proxy


ENTITIES = [
    _entity("Person", "putin", name="Vladimir Putin", alias="Владимир Путин"),
    _entity("Person", "ivanova", name="Наталья Иванова"),
    _entity("Person", "mbs", name="محمد بن سلمان", phone="+33612345678"),
    _entity("Person", "chraibi", name="Samir Chraibi"),
    _entity("Person", "dupont", name="Jean Dupont"),
    _entity("Person", "dupond", name="Jeanne Dupond"),
    _entity("Company", "tmed", name="Trans-Méditerranée Négoce SARL"),
    _entity("Vessel", "given", name="Ever Given", imoNumber="9811000", mmsi="353136000"),
    _entity("BankAccount", "account", iban="FR7630006000011234567890189"),
    _entity("Container", "box", containerNumber="CSQU3054383"),
    _entity("CryptoWallet", "wallet", publicKey="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    # A hull number with a wrong check digit, as found in real registers.
    _entity("Vessel", "badimo", name="Old Hull", imoNumber="9811001"),
]


@pytest.fixture
def loaded(workspace: Workspace) -> Workspace:
    with workspace.db.begin() as conn:
        put_entities(conn, [(proxy, Provenance(dataset="test")) for proxy in ENTITIES])
    return workspace


def _ids(workspace: Workspace, query: str, kind: str | None = None) -> list[str]:
    with workspace.db.connect() as conn:
        return [hit.entity_id for hit in search_entities(conn, query, kind=kind)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vladimir Putin", "putin"),
        ("putin vladimir", "putin"),  # word order
        ("Vladimr Putn", "putin"),  # typos
        ("Путин", "putin"),  # Cyrillic query, Latin and Cyrillic names
        ("Natalia Ivanova", "ivanova"),  # Latin query, Cyrillic name
        ("Mohammed bin Salman", "mbs"),  # Latin query, Arabic name
        ("Samir Chraibi", "chraibi"),
        ("سمير الشرايبي", "chraibi"),  # Arabic query, Latin name
        ("trans mediterranee negoce", "tmed"),  # accents folded
        ("ever given", "given"),
    ],
)
def test_names_are_found_across_scripts_and_typos(
    loaded: Workspace, query: str, expected: str
) -> None:
    assert _ids(loaded, query)[0] == expected


def test_name_hits_say_what_matched_and_rank_the_closest_first(loaded: Workspace) -> None:
    with loaded.db.connect() as conn:
        hits = search_entities(conn, "Jean Dupont", kind="name")
    assert [hit.entity_id for hit in hits[:2]] == ["dupont", "dupond"]
    assert hits[0].score == 1.0
    assert hits[0].score > hits[1].score >= SearchTuning().min_score
    assert (hits[0].kind, hits[0].field, hits[0].value) == ("name", "name", "Jean Dupont")
    assert (hits[0].schema, hits[0].caption) == ("Person", "Jean Dupont")


@pytest.mark.parametrize(
    ("query", "expected", "field"),
    [
        ("IMO 9811000", "given", "imoNumber"),
        ("353136000", "given", "mmsi"),
        ("FR76 3000 6000 0112 3456 7890 189", "account", "iban"),
        ("fr7630006000011234567890189", "account", "iban"),
        ("06 12 34 56 78", "mbs", "phone"),
        ("+33 6 12 34 56 78", "mbs", "phone"),
        ("csqu 305438-3", "box", "containerNumber"),
        ("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "wallet", "publicKey"),
    ],
)
def test_identifiers_are_found_as_typed(
    loaded: Workspace, query: str, expected: str, field: str
) -> None:
    with loaded.db.connect() as conn:
        hits = search_entities(conn, query)
    assert [(hit.entity_id, hit.field, hit.score) for hit in hits] == [(expected, field, 1.0)]


def test_an_invalid_stored_identifier_is_found_when_typed_the_same(loaded: Workspace) -> None:
    assert _ids(loaded, "IMO 9811001", kind="imo") == ["badimo"]


def test_kind_restricts_the_search(loaded: Workspace) -> None:
    assert _ids(loaded, "353136000", kind="phone") == []
    assert _ids(loaded, "353136000", kind="mmsi") == ["given"]
    assert _ids(loaded, "Putin", kind="imo") == []


def test_unknown_kind_is_refused(loaded: Workspace) -> None:
    with loaded.db.connect() as conn, pytest.raises(ValueError, match="unknown search kind"):
        search_entities(conn, "x", kind="passport")


def test_nothing_matches_nothing(loaded: Workspace) -> None:
    assert _ids(loaded, "") == []
    assert _ids(loaded, "Zyxwvut Qqqq") == []


def test_storing_again_adds_nothing_and_new_aliases_are_found(loaded: Workspace) -> None:
    alias = _entity("Person", "dupont", alias="Johnny Dupont")
    with loaded.db.begin() as conn:
        put_entities(conn, [(ENTITIES[4], Provenance(dataset="test"))])
        put_entities(conn, [(alias, Provenance(dataset="other"))])
    assert _ids(loaded, "Jean Dupont").count("dupont") == 1
    with loaded.db.connect() as conn:
        hits = search_entities(conn, "Johnny Dupont")
    assert (hits[0].entity_id, hits[0].field) == ("dupont", "alias")


def test_limit_caps_the_results(loaded: Workspace) -> None:
    with loaded.db.connect() as conn:
        assert len(search_entities(conn, "Jean Dupont", limit=1)) == 1
