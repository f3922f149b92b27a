"""Workbench page latency on the demo world, through a real server.

The world is the one ``filet demo`` builds (``run_demo``, seed 7: intelligence,
transfers, call records, AIS, radar; the detectors' alerts), plus what a secured
workspace holds: an investigator member of case ``2026-117`` (the call records and the
transfers are filed in it, its network and finance alerts escalated to it) and an
inspector, both logging in through the form (password and TOTP). The workbench runs
under uvicorn on 127.0.0.1 (SQLite) and one client asks each main page in turn, one
request at a time: the alert queue, one alert, an entity, a search, the link chart and
the map (each page, then the data its script reads), a timeline, the case list, one
case, the case report, and the audit log as the inspector. ``size`` is the number of
requests each side makes, shared evenly by the pages, after a few unmeasured ones.

Baseline, served the same way in the same process and asked in alternation with the
workbench: a bare FastAPI app rendering the same template with the context the
workbench computed for that page once beforehand (or sending the same JSON), with no
session, authorization, query or audit entry; the ratio is what those cost. A last
row sets the slowest page's p95 against the goal of 300 ms.
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp
import sqlalchemy as sa
from benchmarks.common import Comparison
from benchmarks.web_baseline import Answer, bare_app
from fastapi import FastAPI
from fastapi.testclient import TestClient

from filet.alerts.alert import TriageStatus
from filet.demo.pipeline import run_demo
from filet.security.accounts import bootstrap, create_account, get_account
from filet.security.compartments import CompartmentKind, assign_dataset, create_compartment, grant
from filet.security.identity import Account, Clearance, Role, Service
from filet.store import Workspace
from filet.store.tables import alerts, statements
from filet.web import create_app
from filet.web.alert_reads import triage_alerts
from filet.web.server import served_in_thread
from filet.web.sessions import SESSION_COOKIE

DEFAULT_SIZE = 2600
WARMUP = 3
GOAL_MS = 300.0
CASE = "2026-117"
CASE_DATASETS = ("demo-fadettes", "demo-virements")
CASE_DETECTORS = ("network.", "finance.")
ENTITY = "demo-person-0"
VESSEL = "demo-vessel-0"
PASSWORD = "Feu-de-Chassiron-1685"
UNTIL = datetime(2099, 12, 31, tzinfo=UTC)
INVESTIGATOR, INSPECTOR = "enq", "insp"
BASELINE = "bare FastAPI, same template, fixed context"


@dataclass(frozen=True)
class Page:
    """One thing a reader asks for: a label for the table, a path, who asks."""

    label: str
    path: str
    reader: str = INVESTIGATOR


@dataclass
class Setup:
    """The pages to ask and each reader's TOTP secret."""

    pages: list[Page]
    secrets: dict[str, str] = field(default_factory=dict)


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-web-") as folder:
        home = Path(folder) / "demo"
        run_demo(home)
        workspace = Workspace.open(home)
        try:
            setup = _secure(workspace)
            with served_in_thread(create_app(workspace=workspace)) as filet_base:
                cookies = {name: _log_in(filet_base, name, code) for name, code in _codes(setup)}
                answers = _capture(create_app(workspace=workspace), setup.pages, cookies)
                with served_in_thread(bare_app(answers)) as bare_base:
                    rounds = max(3, size // len(setup.pages))
                    filet, bare = _measure(filet_base, bare_base, setup.pages, cookies, rounds)
        finally:
            workspace.close()
    return _comparisons(setup.pages, filet, bare)


def _secure(workspace: Workspace) -> Setup:
    """Accounts, the case and its escalated alerts; returns the pages to ask."""
    setup = Setup([])
    with workspace.db.begin() as conn:
        admin = bootstrap(conn, "admin", PASSWORD, Service.ANTI_NARCOTICS, by="benchmark")
        for name, role, clearance in (
            ("chef", Role.SUPERVISOR, Clearance.SECRET),
            (INVESTIGATOR, Role.INVESTIGATOR, Clearance.SECRET),
            (INSPECTOR, Role.INSPECTOR, Clearance.NON_PROTEGE),
        ):
            person = Account(name, role, Service.CUSTOMS, clearance, totp=True)
            setup.secrets[name] = create_account(conn, admin, person, PASSWORD) or ""
    with workspace.db.begin() as conn:
        chief = get_account(conn, "chef")
        assert chief is not None
        title = "Filière Guayaquil–Le Havre"
        create_compartment(conn, chief, CASE, CompartmentKind.CASE, title, Clearance.SECRET, UNTIL)
        for dataset in CASE_DATASETS:
            assign_dataset(conn, chief, CASE, dataset, "réquisition")
        grant(conn, chief, CASE, INVESTIGATOR, "enquête", UNTIL)
        escalated = list(
            conn.scalars(
                sa.select(alerts.c.id).where(
                    sa.or_(*(alerts.c.detector_id.startswith(d) for d in CASE_DETECTORS))
                )
            )
        )
        triage_alerts(conn, chief, CASE, escalated, TriageStatus.ESCALATED, CASE)
        top = conn.scalar(sa.select(alerts.c.id).order_by(alerts.c.score.desc(), alerts.c.id))
        mmsi = conn.scalar(
            sa.select(statements.c.value).where(
                statements.c.entity_id == VESSEL, statements.c.prop == "mmsi"
            )
        )
    _log(f"{len(escalated)} alertes transmises à / alerts escalated to {CASE}\n")
    setup.pages = _pages(str(top), str(mmsi))
    return setup


def _pages(alert_id: str, mmsi: str) -> list[Page]:
    return [
        Page("alert queue", "/alerts"),
        Page("one alert", f"/alerts/{alert_id}"),
        Page("entity", f"/entities/{ENTITY}"),
        Page("search", "/search?q=ESPERANZA"),
        Page("graph page", f"/graph?entity={ENTITY}&depth=2"),
        Page("graph data (API)", f"/api/graph/{ENTITY}?depth=2"),
        Page("map page", f"/map?mmsi={mmsi}"),
        Page("map data (API)", f"/api/map/vessels/{mmsi}"),
        Page("timeline", f"/timeline?entity={ENTITY}"),
        Page("cases list", "/cases"),
        Page("one case", f"/cases/{CASE}"),
        Page("case report", f"/cases/{CASE}/report"),
        Page("audit log (inspector)", "/audit", INSPECTOR),
    ]


def _codes(setup: Setup) -> Iterator[tuple[str, str]]:
    readers = dict.fromkeys(page.reader for page in setup.pages)
    for name in readers:
        yield name, pyotp.TOTP(setup.secrets[name]).now()


def _log_in(base: str, name: str, code: str) -> str:
    """Post the login form as a browser on this site would; returns the session cookie
    (sent by hand after: an HTTP client keeps a ``Secure`` cookie for HTTPS only)."""
    form = {"name": name, "password": PASSWORD, "totp": code}
    answer = httpx.post(f"{base}/login", data=form, headers={"Origin": base})
    if answer.status_code != 303:
        raise RuntimeError(f"connexion refusée / login refused for {name}: {answer.status_code}")
    cookie = answer.headers["set-cookie"].split(";", 1)[0]
    if not cookie.startswith(f"{SESSION_COOKIE}="):
        raise RuntimeError(f"pas de session / no session cookie for {name}")
    return cookie


def _capture(app: FastAPI, pages: list[Page], cookies: dict[str, str]) -> list[Answer]:
    """What the workbench answers on each page, once: the template and its context (the
    test client reports them), or the JSON body."""
    answers = []
    with TestClient(app) as client:
        for page in pages:
            answer = client.get(page.path, headers={"Cookie": cookies[page.reader]})
            if answer.status_code != 200:
                raise RuntimeError(f"{page.path}: {answer.status_code} {answer.text[:200]}")
            route = page.path.split("?", 1)[0]
            template = getattr(answer, "template", None)
            if template is None:
                answers.append(Answer(route, body=answer.content))
            else:
                answers.append(Answer(route, template.name, dict(answer.context)))
    return answers


def _measure(
    filet_base: str, bare_base: str, pages: list[Page], cookies: dict[str, str], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds per page on each side: every page in turn, the workbench then the
    baseline, ``rounds`` times after ``WARMUP`` unmeasured rounds."""
    filet: dict[str, list[float]] = {page.label: [] for page in pages}
    bare: dict[str, list[float]] = {page.label: [] for page in pages}
    with httpx.Client(base_url=filet_base) as one, httpx.Client(base_url=bare_base) as other:
        for turn in range(WARMUP + rounds):
            for page in pages:
                spent = _timed(one, page.path, {"Cookie": cookies[page.reader]})
                baseline = _timed(other, page.path, {})
                if turn >= WARMUP:
                    filet[page.label].append(spent)
                    bare[page.label].append(baseline)
            if turn == WARMUP:
                _log(f"{len(pages)} pages, {rounds} fois chacune / times each\n")
    return filet, bare


def _timed(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    answer = client.get(path, headers=headers)
    spent = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    return spent


def _comparisons(
    pages: list[Page], filet: dict[str, list[float]], bare: dict[str, list[float]]
) -> list[Comparison]:
    found = []
    for page in pages:
        for q in (50, 95):
            here, there = _percentile(filet[page.label], q), _percentile(bare[page.label], q)
            found.append(Comparison(f"{page.label}: p{q}", "ms", here, BASELINE, there, False))
    worst = max(_percentile(times, 95) for times in filet.values())
    goal = f"goal: p95 under {GOAL_MS:.0f} ms on every page"
    found.append(Comparison("slowest page: p95", "ms", worst, goal, GOAL_MS, False))
    return found


def _percentile(values: list[float], q: int) -> float:
    """The nearest-rank percentile (p50 is the median)."""
    if q == 50:
        return statistics.median(values)
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _log(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
