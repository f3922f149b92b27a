"""A small secured world for the workbench's tests, built with the library itself.

Two cases (compartments): ``case-a`` holds dataset ``ds-a`` (Alice Martinez, her vessel
and her ownership of it), ``case-b`` holds ``ds-b`` (the vessel Bravo Star). Each case
has alerts naming its entities. People log in with a password and TOTP; two service
accounts hold API tokens, one per case.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from filet.alerts.alert import Alert, Evidence, Subject, ThresholdUsed
from filet.alerts.store import save_alerts
from filet.ingest.pipeline import ingest_file
from filet.model.provenance import Provenance
from filet.security.accounts import bootstrap, create_account, create_token, get_account
from filet.security.audit import Actor
from filet.security.compartments import (
    CompartmentKind,
    assign_dataset,
    create_compartment,
    grant,
)
from filet.security.identity import Account, AccountKind, Clearance, Role, Service
from filet.security.policy import Action
from filet.store import Workspace
from filet.web import create_app
from filet.web.server import served_in_thread

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "Brise-lames-du-Havre-7"
UNTIL = datetime(2099, 12, 31, tzinfo=UTC)
ORIGIN = "https://testserver"


class MovableClock:
    """The app's clock: real time at first, moved forward by tests."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class World:
    workspace: Workspace
    app: FastAPI
    clock: MovableClock
    totp: dict[str, str] = field(default_factory=dict)
    token_a: str = ""
    token_b: str = ""
    alerts_a: list[str] = field(default_factory=list)
    alerts_b: list[str] = field(default_factory=list)

    def code(self, name: str) -> str:
        return pyotp.TOTP(self.totp[name]).at(self.clock())


PEOPLE = (
    ("chef-a", Role.SUPERVISOR, Service.CUSTOMS, Clearance.SECRET),
    ("chef-b", Role.SUPERVISOR, Service.ANTI_NARCOTICS, Clearance.SECRET),
    ("ana-a", Role.ANALYST, Service.CUSTOMS, Clearance.SECRET),
    ("insp", Role.INSPECTOR, Service.CUSTOMS, Clearance.NON_PROTEGE),
)


def _line(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


FILES = {
    "ds-a": [
        _line("a-alice", "Person", name=["Alice Martinez"]),
        _line("a-vessel", "Vessel", name=["Charlie Horizon"]),
        _line("a-own", "Ownership", owner=["a-alice"], asset=["a-vessel"]),
    ],
    "ds-b": [_line("b-bravo", "Vessel", name=["Bravo Star"], imoNumber=["9074729"])],
}


def _alert(detector: str, entity_id: str, source_file: str, score: float, day: int) -> Alert:
    start = datetime(2026, 3, day, 6, tzinfo=UTC)
    return Alert(
        detector_id=detector,
        detector_version="1",
        subjects=(Subject("entity", entity_id, entity_id),),
        start=start,
        end=start + timedelta(hours=7),
        score=score,
        reason_fr=f"Silence AIS de 7 h ({entity_id})",
        reason_en=f"7 h AIS gap ({entity_id})",
        evidence=(Evidence("ais_positions", {"source_file": source_file, "line": day}),),
        thresholds=(ThresholdUsed("min_gap_h", 6, "h", "Welch et al. 2022, Sci. Adv."),),
        thresholds_hash="test",
    )


def seed_world(ws: Workspace, folder: Path) -> World:
    """Accounts, cases, the two FtM files ingested, three alerts in A and two in B."""
    world = World(ws, FastAPI(), MovableClock())
    with ws.db.begin() as conn:
        admin = bootstrap(conn, "admin", PASSWORD, Service.ANTI_NARCOTICS, by="test")
        for name, role, service, clearance in PEOPLE:
            person = Account(name, role, service, clearance, totp=True)
            world.totp[name] = create_account(conn, admin, person, PASSWORD) or ""
        for name in ("svc-a", "svc-b"):
            robot = Account(
                name, Role.ANALYST, Service.CUSTOMS, Clearance.SECRET, kind=AccountKind.SERVICE
            )
            create_account(conn, admin, robot)
        world.token_a = create_token(conn, admin, "svc-a", frozenset({Action.READ, Action.WRITE}))
        world.token_b = create_token(conn, admin, "svc-b", frozenset({Action.READ, Action.WRITE}))
    with ws.db.begin() as conn:
        for case, chief, dataset, members in (
            ("case-a", "chef-a", "ds-a", ("ana-a", "svc-a")),
            ("case-b", "chef-b", "ds-b", ("svc-b",)),
        ):
            by = get_account(conn, chief)
            assert by is not None
            create_compartment(conn, by, case, CompartmentKind.CASE, case, Clearance.SECRET, UNTIL)
            assign_dataset(conn, by, case, dataset, "saisie")
            for member in members:
                grant(conn, by, case, member, "enquête", UNTIL)
    for dataset, lines in FILES.items():
        path = folder / f"{dataset}.ftm.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_file(ws, path, "ftm", provenance=Provenance(dataset), actor=Actor("test"))
    found_a = [
        _alert("maritime.ais_gap", "a-alice", "ds-a.ftm.jsonl", 0.9, 1),
        _alert("maritime.ais_gap", "a-vessel", "ds-a.ftm.jsonl", 0.5, 2),
        _alert("finance.structuring", "a-alice", "ds-a.ftm.jsonl", 0.7, 3),
    ]
    found_b = [
        _alert("maritime.ais_gap", "b-bravo", "ds-b.ftm.jsonl", 0.8, 4),
        _alert("maritime.loitering", "b-bravo", "ds-b.ftm.jsonl", 0.6, 5),
    ]
    with ws.db.begin() as conn:
        save_alerts(conn, [*found_a, *found_b])
    world.alerts_a = [alert.id for alert in found_a]
    world.alerts_b = [alert.id for alert in found_b]
    world.app = create_app(workspace=ws, clock=world.clock)
    return world


def anonymous_client(world: World) -> TestClient:
    """A browser on this site: HTTPS (the cookie is Secure) and a same-origin header."""
    return TestClient(world.app, base_url=ORIGIN, headers={"Origin": ORIGIN})


def log_in(client: TestClient, world: World, name: str, password: str = PASSWORD) -> int:
    """Post the login form with a fresh TOTP code (the clock moves one 30 s step first,
    since a code is accepted once); returns the status code."""
    world.clock.advance(seconds=30)
    form = {"name": name, "password": password, "totp": world.code(name)}
    return client.post("/login", data=form, follow_redirects=False).status_code


def logged_in_client(world: World, name: str) -> TestClient:
    client = anonymous_client(world)
    assert log_in(client, world, name) == 303
    return client


def api_client(world: World, token: str) -> TestClient:
    return TestClient(world.app, base_url=ORIGIN, headers={"Authorization": f"Bearer {token}"})


@contextmanager
def served(world: World) -> Iterator[str]:
    """The world's app behind a real uvicorn server on 127.0.0.1; yields its base URL."""
    with served_in_thread(world.app) as base:
        yield base


def add_member(
    world: World, name: str, role: Role, case: str, by: str, service: Service = Service.PROSECUTION
) -> None:
    """A person ``name`` (password and TOTP, cleared Secret) made a member of ``case``
    by that case's member ``by``."""
    with world.workspace.db.begin() as conn:
        admin, chief = get_account(conn, "admin"), get_account(conn, by)
        assert admin is not None and chief is not None
        person = Account(name, role, service, Clearance.SECRET, totp=True)
        world.totp[name] = create_account(conn, admin, person, PASSWORD) or ""
        grant(conn, chief, case, name, "saisine", UNTIL)


@contextmanager
def chromium_page(
    world: World, executable: Path, args: list[str], *, bypass_csp: bool = False
) -> Iterator[tuple[Page, str, list[str]]]:
    """A French Chromium page beside the world's served app: yields the page, the base
    URL and the console messages (where the browser reports what the CSP blocked).
    ``bypass_csp`` lets a test inject its own script (an accessibility checker), which
    the app's policy rightly refuses."""
    from playwright.sync_api import sync_playwright

    messages: list[str] = []
    with served(world) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=args)
        page = browser.new_page(locale="fr-FR", bypass_csp=bypass_csp)
        page.on("console", lambda message: messages.append(message.text))
        try:
            yield page, base, messages
        finally:
            browser.close()


def sign_in(page: Page, base: str, world: World, name: str) -> None:
    """Fill and send the login form as ``name``, with a fresh TOTP code."""
    world.clock.advance(seconds=30)
    page.goto(f"{base}/login")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code à usage unique (TOTP)").fill(world.code(name))
    page.get_by_role("button", name="Se connecter").click()
