"""Flow tracing on a generated laundering chain with known answers.

The world (seeded): street accounts deposit cash into two front businesses, which also
take legitimate takings; each front pays all it holds to two shell companies, split
at random; the shells pay everything to a company in Dubai, which pays a share ``q``
of its balance to the network's head and the rest to a property dealer. The head
owns the Dubai company directly and through a shell he shares with a figurehead.
Under proportional attribution, a street account's deposits ``D`` reach the head as
``q * D`` and the dealer as ``(1 - q) * D``: every intermediate account empties, so
its outflows carry the street money in the same proportion as all its money.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from filet.cli import app
from filet.engine import Engine, open_engine
from filet.finance.ownership import beneficial_owners, held_accounts, load_graph
from filet.finance.tracing import Bounds, Transfer, account_keys, replay, trace
from filet.model import Provenance, model
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.events import EVENT_TABLES

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WORLD = Provenance(dataset="monde-genere")
BANK = "030"
STREET = [f"FR76STREET{i}" for i in range(4)]
FRONTS = ["FR76KEBAB", "FR76LAVAGE"]
SHELLS = ["GB29SHELL1", "CY17SHELL2"]
UAE, HEAD, DEALER = "AE070331234567890123456", "CH9300762011623852957", "ES9121000418450200051332"


@dataclass
class World:
    rows: list[dict[str, Any]]
    street_totals: dict[str, float]
    head_share: float  # q
    direct: float  # head's direct share of the Dubai company, in %
    in_shell: float  # head's share of the shell that holds the rest, in %


def _row(src: str, dst: str, amount: float, day: float, fmt: str, line: int) -> dict[str, Any]:
    return {
        "transaction_id": None,
        "ts": START + timedelta(days=day),
        "from_bank": BANK,
        "from_account": src,
        "to_bank": BANK,
        "to_account": dst,
        "amount_paid": round(amount, 2),
        "payment_currency": "EUR",
        "amount_received": round(amount, 2),
        "receiving_currency": "EUR",
        "payment_format": fmt,
        "is_laundering": None,
        "source_file": "monde.csv",
        "source_line": line,
    }


def generate(seed: int) -> World:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    held = dict.fromkeys([*FRONTS, *SHELLS, UAE], 0.0)
    street_totals = dict.fromkeys(STREET, 0.0)

    def pay(src: str, dst: str, amount: float, day: float, fmt: str) -> None:
        amount = round(amount, 2)
        rows.append(_row(src, dst, amount, day, fmt, len(rows) + 2))
        if src in held:
            held[src] -= amount
        if dst in held:
            held[dst] += amount

    for day in range(5):
        for street in STREET:
            front = FRONTS[int(rng.integers(len(FRONTS)))]
            amount = float(rng.uniform(2_000, 9_000))
            pay(street, front, amount, day + rng.uniform(0, 0.5), "Cash")
            street_totals[street] += round(amount, 2)
        for front in FRONTS:
            pay(f"FR76CLIENT{day}", front, float(rng.uniform(500, 3_000)), day + 0.7, "Credit Card")
    for front in FRONTS:
        split = float(rng.uniform(0.2, 0.8))
        whole = held[front]
        pay(front, SHELLS[0], whole * split, 8, "Wire")
        pay(front, SHELLS[1], held[front], 8.1, "Wire")
    for number, shell in enumerate(SHELLS):
        pay(shell, UAE, held[shell], 10 + number / 10, "Wire")
    head_share = float(rng.uniform(0.3, 0.9))
    pay(UAE, HEAD, held[UAE] * head_share, 12, "Wire")
    pay(UAE, DEALER, held[UAE], 12.5, "Wire")
    pay("FR76OTHER1", "FR76OTHER2", 1_234.0, 3, "ACH")  # unrelated traffic
    direct = float(rng.integers(40, 61))
    in_shell = float(rng.integers(20, 81))
    return World(rows, street_totals, head_share, direct, in_shell)


def _entity(schema: str, entity_id: str, **props: Any) -> Any:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, value in props.items():
        proxy.add(prop, value)
    return proxy


def _owns(owner: str, asset: str, percentage: str | None = None) -> Any:
    return _entity(
        "Ownership", f"own-{owner}-{asset}", owner=owner, asset=asset, percentage=percentage
    )


def store_world(ws: Workspace, world: World) -> None:
    table = pa.Table.from_pylist(world.rows, schema=EVENT_TABLES["transactions"])
    ws.events.write_part("transactions", "monde", table)
    entities = [
        _entity("Person", "head", name="Karim Benali"),
        _entity("Person", "prete-nom", name="Lucas Martin"),
        _entity("Person", "gerant", name="Omar Haddad"),
        _entity("Company", "falcon", name="Desert Falcon General Trading LLC", jurisdiction="ae"),
        _entity("Company", "atlas", name="Atlas Holdings Ltd", jurisdiction="gb"),
        _entity("BankAccount", "acct-head", accountNumber=HEAD),
        _entity("BankAccount", "acct-falcon", accountNumber=UAE),
        _owns("head", "acct-head"),
        _owns("falcon", "acct-falcon"),
        _owns("head", "falcon", f"{world.direct:g} %"),
        _owns("atlas", "falcon", f"{100 - world.direct:g}%"),
        _owns("head", "atlas", f"{world.in_shell:g}"),
        _owns("prete-nom", "atlas", f"{100 - world.in_shell:g}"),
        _entity(
            "Directorship", "dir-gerant", director="gerant", organization="falcon", role="gérant"
        ),
    ]
    with ws.db.begin() as conn:
        put_entities(conn, [(proxy, WORLD) for proxy in entities])


@pytest.fixture(params=[7, 2025])
def world(request: pytest.FixtureRequest) -> World:
    return generate(request.param)


def _engine(ws: Workspace) -> Engine:
    engine = open_engine("duckdb", None)
    ws.events.register(engine)
    return engine


def test_street_cash_reaches_the_head_with_the_right_total(
    sqlite_workspace: Workspace, world: World
) -> None:
    store_world(sqlite_workspace, world)
    with sqlite_workspace.db.begin() as conn:
        head_accounts = held_accounts(conn, "head")
    with _engine(sqlite_workspace) as engine:
        head_keys = account_keys(engine, head_accounts)
        street = STREET[0]
        result = trace(engine, [f"{BANK}/{street}"], "proportional", bounds=Bounds(depth=4))
    deposits = world.street_totals[street]
    ends = result.end_totals()
    assert head_keys == [f"{BANK}/{HEAD}"]
    assert ends[head_keys[0]] == pytest.approx(world.head_share * deposits, abs=0.05)
    assert ends[f"{BANK}/{DEALER}"] == pytest.approx((1 - world.head_share) * deposits, abs=0.05)
    assert result.total == pytest.approx(deposits, abs=0.01)
    assert all(len(flow.path) == 5 for flow in result.flows if flow.amount > 0.05)


def test_fifo_keeps_the_total_and_reaches_the_head(
    sqlite_workspace: Workspace, world: World
) -> None:
    store_world(sqlite_workspace, world)
    with _engine(sqlite_workspace) as engine:
        result = trace(engine, [f"{BANK}/{STREET[1]}"], "fifo", bounds=Bounds(depth=4))
    ends = result.end_totals()
    assert result.total == pytest.approx(world.street_totals[STREET[1]], abs=0.01)
    assert set(ends) <= {f"{BANK}/{HEAD}", f"{BANK}/{DEALER}"}
    assert sum(ends.get(f"{BANK}/{a}", 0.0) for a in (HEAD, DEALER)) > 0


def test_backward_from_the_head_finds_each_street_account(
    sqlite_workspace: Workspace, world: World
) -> None:
    store_world(sqlite_workspace, world)
    with _engine(sqlite_workspace) as engine:
        result = trace(engine, [f"{BANK}/{HEAD}"], backward=True, bounds=Bounds(depth=4))
    ends = result.end_totals()
    for street, deposits in world.street_totals.items():
        assert ends[f"{BANK}/{street}"] == pytest.approx(world.head_share * deposits, abs=0.05)
    assert f"{BANK}/FR76OTHER1" not in ends


def test_depth_stops_the_money_where_the_bound_is(
    sqlite_workspace: Workspace, world: World
) -> None:
    store_world(sqlite_workspace, world)
    with _engine(sqlite_workspace) as engine:
        result = trace(engine, [f"{BANK}/{STREET[0]}"], bounds=Bounds(depth=3))
    assert set(result.end_totals()) == {f"{BANK}/{UAE}"}
    assert result.total == pytest.approx(world.street_totals[STREET[0]], abs=0.01)


def test_the_head_is_the_beneficial_owner_of_the_dubai_company(
    workspace: Workspace, world: World
) -> None:
    store_world(workspace, world)
    with workspace.db.begin() as conn:
        report = beneficial_owners(load_graph(conn, "falcon"), "falcon")
    owners = {h.party.id: h for h in report.beneficial_owners}
    expected = world.direct + (100 - world.direct) * world.in_shell / 100
    assert owners["head"].share.low == pytest.approx(expected)
    assert owners["head"].status == "above"
    figurehead = (100 - world.direct) * (100 - world.in_shell) / 100
    assert ("prete-nom" in owners) == (figurehead > 25)
    assert [party.id for party, _ in report.controllers] == ["gerant"]
    assert not report.cycles and not report.missing


def _transfer(src: str, dst: str, amount: float, hour: int) -> Transfer:
    return Transfer(src, dst, amount, "EUR", START + timedelta(hours=hour), "t.csv", hour)


MIXED = [
    _transfer("seed", "a", 100.0, 1),
    _transfer("other", "a", 300.0, 2),
    _transfer("a", "x", 150.0, 3),
    _transfer("a", "y", 250.0, 4),
    _transfer("y", "z", 50.0, 0),  # before the money came: not followed
]


@pytest.mark.parametrize(
    ("method", "to_x", "to_y"),
    # proportional: 150 of a balance of 400 carries 150/400 of the 100 traced.
    # FIFO: the 150 paid first takes the 100 that arrived first.
    [("proportional", 100 * 150 / 400, 100 * 250 / 400), ("fifo", 100.0, 0.0)],
)
def test_attribution_models_split_a_mixed_balance(method: str, to_x: float, to_y: float) -> None:
    resting, truncated = replay(MIXED, {"seed"}, method, Bounds(depth=3), backward=False)
    assert resting[("seed", "a", "x")] == pytest.approx(to_x)
    assert resting.get(("seed", "a", "y"), 0.0) == pytest.approx(to_y)
    assert ("seed", "a", "y", "z") not in resting and not truncated


@pytest.mark.parametrize(
    ("method", "from_seed", "from_other"),
    # x received 150 from a, which had 100 from "seed" then 300 from "other" and paid
    # 150 then 250: FIFO pairs x's 150 with the first 150 a received; proportional
    # with 150/400 of each.
    [("fifo", 100.0, 50.0), ("proportional", 100 * 150 / 400, 300 * 150 / 400)],
)
def test_backward_explains_an_inflow_by_the_payer_inflows(
    method: str, from_seed: float, from_other: float
) -> None:
    resting, _ = replay(MIXED[:4], {"x"}, method, Bounds(depth=2), backward=True)
    assert resting[("x", "a", "seed")] == pytest.approx(from_seed)
    assert resting[("x", "a", "other")] == pytest.approx(from_other)


@pytest.mark.parametrize("method", ["proportional", "fifo"])
@pytest.mark.parametrize("backward", [False, True])
def test_every_unit_traced_ends_somewhere_once(method: str, backward: bool) -> None:
    """On random transfers (seeded) the end totals add up to what left the seed."""
    rng = np.random.default_rng(42)
    accounts = [f"a{i}" for i in range(12)]
    random = [
        _transfer(*rng.choice(accounts, 2, replace=False), float(rng.uniform(0, 500)), hour)
        for hour in range(300)
    ]
    side = 1 if backward else 0
    left_seed = sum(t.amount for t in random if (t.src, t.dst)[side] == "a0")
    for depth in (1, 2, 4):
        resting, _ = replay(random, {"a0"}, method, Bounds(depth=depth), backward)
        assert sum(resting.values()) == pytest.approx(left_seed)
        assert all(len(path) - 1 <= depth for path in resting)


def test_transfers_between_starting_accounts_are_not_flows() -> None:
    own = [_transfer("s1", "s2", 100.0, 1), _transfer("s2", "x", 40.0, 2)]
    resting, _ = replay(own, {"s1", "s2"}, "fifo", Bounds(), backward=False)
    assert dict(resting) == {("s2", "x"): 40.0}


def test_max_paths_truncates_and_keeps_the_total() -> None:
    fan = [_transfer("seed", f"m{i}", 10.0, 1) for i in range(5)]
    fan += [_transfer(f"m{i}", f"n{i}", 10.0, 2) for i in range(5)]
    resting, truncated = replay(fan, {"seed"}, "proportional", Bounds(max_paths=6), False)
    assert truncated
    assert sum(resting.values()) == pytest.approx(50.0)


def test_cli_writes_json_and_an_offline_sankey(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ws = Workspace.open(home)
    store_world(ws, generate(11))
    ws.close()
    picture = tmp_path / "trace.html"
    result = CliRunner().invoke(
        app,
        [
            *("finance", "trace", "head", "--backward", "--depth", "4", "--json"),
            *("--html", str(picture), "--home", str(home)),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["seeds"] == [f"{BANK}/{HEAD}"]
    assert {f"{BANK}/{street}" for street in STREET} <= set(data["end_points"])
    page = picture.read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page and "src=" not in page
    assert f"{BANK}/{STREET[0]}" in page
