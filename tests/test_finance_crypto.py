"""Crypto-assets: Tron addresses, addresses in free text, wallets linked to their holders,
on-chain transfers traced through a peel chain.

The peel chain is generated (seeded): a first wallet pays, hop after hop, a small
amount to some address and the change to a fresh address of its own, each transaction
paying a fee, until the last change reaches an exchange's deposit address. Traced from
the first wallet, the deposit address must receive exactly the last change, the peels
rest where they were paid, the fees where they were spent, and the whole adds up to
what left the first wallet.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from engines import BothEngines
from filet.alerts.runner import run_detectors
from filet.cli import app
from filet.demo.crypto import CryptoPart
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.tracing import Bounds, trace
from filet.finance.wallets import address_numbers
from filet.ingest import ingest_file
from filet.ingest.readers import parse_raw
from filet.model.identifiers import crypto
from filet.network.extract import extract
from filet.store import Workspace
from filet.store.entities import iter_entities, values_with_provenance
from filet.store.tables import quarantine

USDT_TRC20 = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"  # Tether's TRC-20 contract
TRON_ZERO = "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb"  # 0x41 and 20 zero bytes
BTC = "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # EIP-55 test vector
BECH32 = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"  # BIP 173 test vector
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WALLET_HEADER = (
    "address,chain,holder_name,holder_birth_date,holder_company_number,source,observed_date\n"
)
CHAIN_HEADER = "tx_hash,timestamp,from_address,to_address,amount,asset\n"
ASSETS = {"bitcoin": "BTC", "ethereum": "ETH", "tron": "USDT"}
runner = CliRunner()


# Validation


@pytest.mark.parametrize(
    ("address", "chain"),
    [
        (USDT_TRC20, "tron"),
        (TRON_ZERO, "tron"),
        (BTC, "bitcoin"),
        (BECH32, "bitcoin"),
        (ETH, "ethereum"),
        (ETH.upper().replace("0X", "0x"), "ethereum"),  # all capitals: no EIP-55 checksum
    ],
)
def test_known_addresses_are_valid_and_name_their_chain(address: str, chain: str) -> None:
    assert crypto.chain(address) == chain
    assert crypto.looks_like(address)


def test_tron_addresses_are_kept_as_written_and_the_zero_address_encodes() -> None:
    assert crypto.normalize(USDT_TRC20) == USDT_TRC20
    assert crypto.base58check(bytes([crypto.TRON_VERSION]) + bytes(20)) == TRON_ZERO


def test_every_one_character_corruption_of_a_tron_address_is_rejected() -> None:
    corrupted = [
        USDT_TRC20[:at] + char + USDT_TRC20[at + 1 :]
        for at in range(len(USDT_TRC20))
        for char in BASE58
        if char != USDT_TRC20[at]
    ]
    assert len(corrupted) == 34 * 57
    assert [text for text in corrupted if crypto.looks_like(text)] == []
    with pytest.raises(ValueError, match="wrong Tron checksum"):
        crypto.normalize(USDT_TRC20[:-1] + "T")


def test_base58check_with_another_version_byte_is_not_tron() -> None:
    other = crypto.base58check(bytes([0x42]) + bytes(20))
    assert other.startswith("T") and len(other) == 34
    with pytest.raises(ValueError, match="0x41"):
        crypto.normalize(other)
    with pytest.raises(ValueError, match="neither a Bitcoin, an Ethereum nor a Tron"):
        crypto.chain("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgj")


@given(
    body=st.binary(min_size=20, max_size=20),
    at=st.integers(min_value=0, max_value=33),
    char=st.sampled_from(BASE58),
)
def test_any_tron_payload_is_accepted_and_a_flipped_character_rejected(
    body: bytes, at: int, char: str
) -> None:
    address = crypto.base58check(bytes([crypto.TRON_VERSION]) + body)
    assert len(address) == 34 and address.startswith("T")
    assert crypto.normalize(address) == address and crypto.chain(address) == "tron"
    flipped = address[:at] + char + address[at + 1 :]
    if flipped != address:
        assert not crypto.looks_like(flipped)


# Addresses in free text


def test_a_message_naming_three_chains_yields_three_crypto_identifiers() -> None:
    text = (
        f"Envoie 0,5 BTC sur {BTC}, le reste en ETH sur {ETH} "
        f"et les USDT sur {USDT_TRC20}. Merci frère"
    )
    found = [(item.kind, item.value) for item in extract(text)]
    assert found == [("crypto", BTC), ("crypto", ETH.lower()), ("crypto", USDT_TRC20)]


def test_addresses_inside_longer_words_are_not_taken() -> None:
    """A transaction hash begins with 40 hex digits, a URL token may hold a Base58
    address followed or preceded by more letters: neither is an address."""
    tx_hash = ETH.lower() + "0123456789abcdef01234567"
    glued = [
        f"tx {tx_hash} confirmée",
        f"https://etherscan.io/tx/{tx_hash}",
        f"https://example.com/invite/{BTC}x9",
        f"https://example.com/invite/Z{USDT_TRC20}",
        f"ref=0x{'a' * 40}_{'b' * 8}",
    ]
    assert [extract(text) for text in glued] == [[]] * len(glued)
    link = f"https://tronscan.org/#/address/{USDT_TRC20}?lang=fr"
    [item] = extract(link)
    assert (item.value, link[item.start : item.end]) == (USDT_TRC20, USDT_TRC20)


# Wallet records


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _quarantined(ws: Workspace) -> list[tuple[str, int, str]]:
    with ws.db.connect() as conn:
        rows = conn.execute(
            sa.select(quarantine.c.file_path, quarantine.c.line, quarantine.c.field)
        ).all()
    return sorted((Path(path).name, line, column) for path, line, column in rows)


def _wallets(ws: Workspace) -> dict[str, Any]:
    with ws.db.connect() as conn:
        return {w.first("publicKey") or "": w for w in iter_entities(conn, "CryptoWallet")}


def test_wallet_records_link_each_wallet_to_its_holder(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    wallets = _write(
        tmp_path / "kyc.csv",
        WALLET_HEADER
        + f"{USDT_TRC20},trx,Karim BENALI,1984-05-02,,réponse KYC / KYC reply,2026-01-10\n"
        + f"{ETH},,Atlas Holdings Ltd,,12 345 678,réquisition / requisition,2026-01-11\n"
        + f"{TRON_ZERO},,benali karim,1984-05-02,,téléphone saisi / seized phone,2026-01-12\n"
        + f"{BTC[:-1]}X,,Lucas Martin,,,téléphone saisi / seized phone,2026-01-12\n"
        + f"{BTC},eth,Lucas Martin,,,téléphone saisi / seized phone,2026-01-12\n"
        + f"{BECH32},,Lucas Martin,1990-01-01,123,réquisition / requisition,2026-01-12\n",
    )
    report = ingest_file(sqlite_workspace, wallets, "wallets")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (6, 3, 3)
    assert _quarantined(sqlite_workspace) == [
        ("kyc.csv", 5, "address"),
        ("kyc.csv", 6, "chain"),
        ("kyc.csv", 7, "holder_company_number"),
    ]
    found = _wallets(sqlite_workspace)
    assert set(found) == {USDT_TRC20, ETH.lower(), TRON_ZERO}
    with sqlite_workspace.db.connect() as conn:
        people = {p.id: p for p in iter_entities(conn, "Person")}
        companies = {c.id: c for c in iter_entities(conn, "Company")}
        values = values_with_provenance(conn, found[ETH.lower()].id)
    provenance = {value.prop: value.provenance for value in values}
    [head] = people.values()  # the same folded name and birth date: one person
    assert found[USDT_TRC20].get("holder") == found[TRON_ZERO].get("holder") == [head.id]
    assert head.get("birthDate") == ["1984-05-02"]
    assert found[USDT_TRC20].get("blockchain") == found[TRON_ZERO].get("blockchain") == ["tron"]
    [company] = companies.values()
    assert found[ETH.lower()].get("holder") == [company.id]
    assert company.get("registrationNumber") == ["12 345 678"]
    assert provenance["publicKey"].source_record == "kyc.csv:3"
    assert provenance["publicKey"].collected_at == datetime(2026, 1, 11, tzinfo=UTC)


def test_a_corrected_wallet_record_is_read_as_the_reader_reads_it() -> None:
    columns = [*WALLET_HEADER.strip().split(","), "blockchain", "person_key"]
    columns += ["company_key", "company_wallet"]
    fields = parse_raw("wallets", f"{BECH32},btc,Lucas Martin,,,PV,2026-01-12", columns)
    assert (fields["address"], fields["blockchain"]) == (BECH32.lower(), "bitcoin")
    assert fields["person_key"] == f"lucas martin|{BECH32.lower()}"


def test_an_address_in_a_seized_message_and_a_wallet_record_is_one_entity(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    message = {
        "kind": "message",
        "ts": "2026-01-05T21:14:00",
        "sender": "Tonton",
        "text": f"Les USDT sur {USDT_TRC20} avant demain",
    }
    seized = _write(tmp_path / "extraction.jsonl", json.dumps(message) + "\n")
    kyc = WALLET_HEADER + f"{USDT_TRC20},tron,Karim Benali,1984-05-02,,KYC,2026-01-10\n"
    ingest_file(sqlite_workspace, seized, "extraction")
    ingest_file(sqlite_workspace, _write(tmp_path / "kyc.csv", kyc), "wallets")
    [wallet] = _wallets(sqlite_workspace).values()
    with sqlite_workspace.db.connect() as conn:
        sources = {v.provenance.source_record for v in values_with_provenance(conn, wallet.id)}
    assert wallet.first("publicKey") == USDT_TRC20 and wallet.get("holder")
    assert sources == {"extraction.jsonl:1", "kyc.csv:2"}


# Chain transfers and tracing


@dataclass
class PeelChain:
    rows: list[str] = field(default_factory=list)
    first: str = ""
    deposit: str = ""
    peels: dict[str, float] = field(default_factory=dict)
    cashed_out: float = 0.0
    sent: float = 0.0  # everything that left the first wallet


def _address(rng: random.Random, chain: str) -> str:
    body = rng.randbytes(20)
    if chain == "ethereum":
        return crypto.eip55_checksum("0x" + body.hex())  # written mixed case, as explorers do
    return crypto.base58check(bytes([crypto.TRON_VERSION if chain == "tron" else 0]) + body)


def peel_chain(seed: int, chain: str, first: str | None = None) -> PeelChain:
    """3 to 6 transactions peeling 5-15 % each, then the change to the deposit; each
    pays a fee. A stranger's deposit to the exchange is unrelated traffic."""
    rng = random.Random(seed)
    made = PeelChain(first=first or _address(rng, chain), deposit=_address(rng, chain))
    when, asset = datetime(2026, 1, 10, 8, tzinfo=UTC), ASSETS[chain]
    held, fee, sender = round(rng.uniform(2, 10), 8), 0.0002, made.first
    made.rows.append(f"f0,{when.isoformat()},{_address(rng, chain)},{sender},{held:.8f},{asset}")
    made.sent = held - fee  # the first hop empties the first wallet
    for hop in range(rng.randint(3, 6)):
        when += timedelta(hours=rng.randint(1, 20))
        peel, following = round(held * rng.uniform(0.05, 0.15), 8), _address(rng, chain)
        change, receiver = round(held - peel - fee, 8), _address(rng, chain)
        made.peels[receiver] = peel
        made.rows.append(f"h{hop},{when.isoformat()},{sender},{receiver},{peel:.8f},{asset}")
        made.rows.append(f"h{hop},{int(when.timestamp())},{sender},{following},{change},{asset}")
        sender, held = following, change
    made.cashed_out = round(held - fee, 8)
    when += timedelta(hours=3)
    made.rows.append(f"out,{when.isoformat()},{sender},{made.deposit},{made.cashed_out},{asset}")
    made.rows.append(f"x,{when.isoformat()},{_address(rng, chain)},{made.deposit},1.5,{asset}")
    return made


def _ingest_chain(ws: Workspace, path: Path, chain: PeelChain) -> None:
    report = ingest_file(ws, _write(path, CHAIN_HEADER + "\n".join(chain.rows) + "\n"), "chain")
    assert (report.rows_stored, report.rows_quarantined) == (len(chain.rows), 0)


def _key(chain: str, address: str) -> str:
    return f"{chain}/{crypto.normalize(address)}"


@pytest.mark.parametrize("chain", ["bitcoin", "ethereum", "tron"])
@pytest.mark.parametrize("seed", [3, 2026])
def test_a_peel_chain_is_traced_to_the_exchange_deposit(
    sqlite_workspace: Workspace, tmp_path: Path, chain: str, seed: int
) -> None:
    made = peel_chain(seed, chain)
    _ingest_chain(sqlite_workspace, tmp_path / "explorer.csv", made)
    with DuckDBEngine() as engine:
        sqlite_workspace.events.register(engine)
        result = trace(engine, [_key(chain, made.first)], bounds=Bounds(depth=8))
    ends = result.end_totals()
    assert ends[_key(chain, made.deposit)] == pytest.approx(made.cashed_out, abs=1e-8)
    for receiver, peel in made.peels.items():
        assert ends[_key(chain, receiver)] == pytest.approx(peel, abs=1e-8)
    assert result.total == pytest.approx(made.sent, abs=1e-8)
    assert result.currencies == (ASSETS[chain],)


def test_the_cli_finds_an_address_in_any_case_and_a_holder_s_wallets(tmp_path: Path) -> None:
    """Bech32 typed in capitals and EIP-55 typed in capitals both find their wallet; the
    holder's entity id traces from the wallets a KYC reply gives him."""
    home = tmp_path / "home"
    btc_chain = peel_chain(5, "bitcoin", first=BECH32.lower())
    eth_chain = peel_chain(6, "ethereum")
    ws = Workspace.open(home)
    try:
        _ingest_chain(ws, tmp_path / "btc.csv", btc_chain)
        _ingest_chain(ws, tmp_path / "eth.csv", eth_chain)
        kyc = WALLET_HEADER + f"{eth_chain.first},eth,Karim Benali,1984-05-02,,KYC,2026-01-10\n"
        ingest_file(ws, _write(tmp_path / "kyc.csv", kyc), "wallets")
        with ws.db.connect() as conn:
            [head] = [person.id for person in iter_entities(conn, "Person")]
    finally:
        ws.close()
    for typed, made, chain in [
        (BECH32, btc_chain, "bitcoin"),
        ("0X" + eth_chain.first[2:].upper(), eth_chain, "ethereum"),
        (head, eth_chain, "ethereum"),
    ]:
        result = runner.invoke(
            app, ["finance", "trace", typed, "--depth", "8", "--json", "--home", str(home)]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["seeds"] == [_key(chain, made.first)]
        assert data["end_points"][_key(chain, made.deposit)] == round(made.cashed_out, 2)


def test_address_numbers_read_an_address_alone_or_as_a_transfer_key() -> None:
    assert address_numbers(f"ethereum/{ETH}") == address_numbers(ETH) == [ETH.lower()]
    assert address_numbers("030/FR76KEBAB") == address_numbers("head") == []


def test_invalid_or_mixed_chain_transfers_are_quarantined(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        f"a,2026-01-10T10:00:00,{ETH},{ETH[:-1]}D,1,ETH",  # EIP-55 broken
        f"b,2026-01-10T10:00:00,{BTC},{USDT_TRC20},1,BTC",  # two chains in one transfer
        f"c,2026-01-10T10:00:00,,{BTC},1,BTC",
        f"d,2026-01-10T10:00:00,{BTC},{BECH32},-1,BTC",
        f"e,1768039200,{USDT_TRC20},{TRON_ZERO},250.5,usdt",
    ]
    path = _write(tmp_path / "export.csv", CHAIN_HEADER + "\n".join(rows) + "\n")
    report = ingest_file(sqlite_workspace, path, "chain")
    assert (report.rows_stored, report.rows_quarantined) == (1, 4)
    assert _quarantined(sqlite_workspace) == [
        ("export.csv", 2, "to_address"),
        ("export.csv", 3, "to_address"),
        ("export.csv", 4, "from_address"),
        ("export.csv", 5, "amount"),
    ]
    [row] = ds.dataset(sqlite_workspace.events.folder("transactions")).to_table().to_pylist()
    assert (row["transaction_id"], row["from_bank"], row["to_account"]) == ("e", "tron", TRON_ZERO)
    assert (row["payment_currency"], row["payment_format"]) == ("USDT", "Crypto")
    assert row["ts"] == datetime(2026, 1, 10, 10, tzinfo=UTC)


# Demo


def test_demo_head_wallet_is_a_fan_in_and_its_peel_chain_reaches_the_exchange(
    tmp_path: Path,
) -> None:
    part = CryptoPart()
    home = tmp_path / "home"
    ws = Workspace.open(home)
    try:
        for item in part.write_inputs(tmp_path / "inputs", seed=7):
            ingest_file(ws, item.path, item.format, provenance=item.provenance)
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine)
        with ws.db.connect() as conn:
            [head] = [person.id for person in iter_entities(conn, "Person")]
    finally:
        ws.close()
    assert [expected.found for expected in part.expectations(alerts)] == [True]
    world = part.world
    assert world is not None
    fan_ins = [alert for alert in alerts if alert.detector_id == "finance.fan_in"]
    assert [alert.subjects[0].value for alert in fan_ins] == [f"bitcoin/{world.head}"]
    result = runner.invoke(app, ["finance", "trace", head, "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    ends = json.loads(result.output)["end_points"]
    assert ends[f"bitcoin/{world.deposit}"] == round(world.cashed_out, 2)


@pytest.mark.spark
def test_typology_detectors_read_chain_transfers_on_both_engines(
    both_engines: BothEngines, tmp_path: Path
) -> None:
    part = CryptoPart()
    ws = Workspace.open(tmp_path / "home")
    try:
        for item in part.write_inputs(tmp_path / "inputs", seed=7):
            ingest_file(ws, item.path, item.format, provenance=item.provenance)
        table = ds.dataset(ws.events.folder("transactions")).to_table()
    finally:
        ws.close()
    [alert] = both_engines("finance.fan_in", {"transactions": table.to_pylist()})
    assert part.world is not None
    assert alert.subjects[0].value == f"bitcoin/{part.world.head}"
