"""Hit/no-hit latency at 200 questions a second, through a real server.

``size`` identifiers (phone numbers) are held in two compartments; the hit index is built
with a shared key. ``filet serve`` runs in its own process (uvicorn, SQLite), and an open
loop sends ``POST /api/hit`` at a fixed 200 requests/s (each request leaves at its
scheduled time, whatever the answers before it), half of the questions known, from 100
partner service accounts with their tokens (each stays within its question budget). The
baseline, run the same way in its own process on the same database file: a bare FastAPI
app that answers from one indexed SELECT on the hit index, with no authentication,
policy, rate limit or audit entry. Latencies are from the scheduled send to the answer.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from benchmarks.common import Comparison

from filet.model import Provenance, model
from filet.security import hitnohit
from filet.security.accounts import bootstrap, create_account, create_token
from filet.security.compartments import CompartmentKind, assign_dataset, create_compartment
from filet.security.identity import Account, AccountKind, Clearance, Role, Service
from filet.security.policy import Action
from filet.store import Workspace
from filet.store.entities import put_entities

DEFAULT_SIZE = 20_000
RATE = 200  # requests per second
QUESTIONS = int(os.environ.get("FILET_BENCH_QUESTIONS", "2000"))
PARTNERS = 100
KEY = b"benchmark-key-shared-by-the-services-2026"
BASELINE = "bare FastAPI + one indexed SELECT (no auth, policy, budget or audit)"
ROOT = Path(__file__).resolve().parent.parent


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-hit-") as folder:
        home = Path(folder) / "ws"
        tokens, questions = _prepare(home, size)
        filet = _measure(["-m", "filet.cli", "serve", "--home", str(home)], tokens, questions)
        bare = _measure(
            ["-m", "uvicorn", "benchmarks.hitnohit_baseline:app", "--log-level", "warning"],
            tokens,
            questions,
            {"FILET_BENCH_DB": str(home / "filet.db")},
        )
    return [
        Comparison(f"p{q} latency at {RATE} req/s", "ms", filet[q], BASELINE, bare[q], False)
        for q in (50, 99)
    ]


def _prepare(home: Path, size: int) -> tuple[list[str], list[str]]:
    """The workspace, its index, the partners' tokens, and the questions to ask."""
    workspace = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
    phones = [f"+3361{index:07d}" for index in range(size)]
    try:
        with workspace.db.begin() as conn:
            admin = bootstrap(
                conn, "admin", "Phare-de-Cordouan-1611", Service.ANTI_NARCOTICS, by="benchmark"
            )
            chief = Account("chef", Role.SUPERVISOR, Service.CUSTOMS, Clearance.SECRET)
            create_account(conn, admin, chief, "Maree-basse-au-Havre-76")
            tokens = []
            for number in range(PARTNERS):
                name = f"partenaire-{number:03d}"
                robot = Account(
                    name, Role.PARTNER, Service.GENDARMERIE, Clearance.SECRET,
                    kind=AccountKind.SERVICE,
                )  # fmt: skip
                create_account(conn, admin, robot)
                tokens.append(create_token(conn, admin, name, frozenset({Action.READ})))
            for case in ("2026-117", "2026-204"):
                until = datetime(2099, 12, 31, tzinfo=UTC)
                create_compartment(
                    conn, chief, case, CompartmentKind.CASE, case, Clearance.SECRET, until
                )
                assign_dataset(conn, chief, case, f"ds-{case}", "benchmark")
        for case, start in (("2026-117", 0), ("2026-204", size // 2)):
            provenance = Provenance(dataset=f"ds-{case}", collecting_service="benchmark")
            batch = []
            for index in range(start, start + size // 2):
                proxy = model.make_entity("Phone")
                proxy.id = f"phone-{index}"
                proxy.add("number", phones[index])
                batch.append((proxy, provenance.at_record(proxy.id)))
            with workspace.db.begin() as conn:
                put_entities(conn, batch)
        with workspace.db.begin() as conn:
            indexed = hitnohit.build_index(conn, KEY)
        _log(f"{indexed:,} keyed hashes indexed\n")
    finally:
        workspace.close()
    unknown = [f"+3362{index:07d}" for index in range(QUESTIONS // 2)]
    asked = [phones[(index * 7919) % size] for index in range(QUESTIONS // 2)]
    questions = [
        hitnohit.keyed_hash(KEY, "phone", phone)
        for pair in zip(asked, unknown, strict=True)
        for phone in pair
    ]
    return tokens, questions


def _measure(
    command: list[str], tokens: list[str], questions: list[str], env: dict[str, str] | None = None
) -> dict[int, float]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, *command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        latencies = asyncio.run(_open_loop(f"http://127.0.0.1:{port}", tokens, questions))
    finally:
        server.terminate()
        server.wait(timeout=20)
    ordered = sorted(latencies)
    return {
        50: statistics.median(ordered),
        99: ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))],
    }


async def _open_loop(base: str, tokens: list[str], questions: list[str]) -> list[float]:
    """Each question leaves at its scheduled time; its latency counts from that time."""
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        start = time.perf_counter() + 0.5

        async def one(index: int, digest: str) -> float:
            scheduled = start + index / RATE
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            token = tokens[index % len(tokens)]
            answer = await client.post(
                "/api/hit", json={"digest": digest}, headers={"Authorization": f"Bearer {token}"}
            )
            if answer.status_code != 200:
                raise RuntimeError(f"réponse {answer.status_code}: {answer.text[:200]}")
            return (time.perf_counter() - scheduled) * 1000

        return list(await asyncio.gather(*(one(i, q) for i, q in enumerate(questions))))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"le serveur n'a pas démarré / server did not start on port {port}")


def _log(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
