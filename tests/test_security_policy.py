"""Compartments and the policy: memberships with reason and expiry, the row filter.

A seeded world of two services and two cases (customs' "2026-117" at Secret, the
gendarmerie's "2026-204" at Diffusion Restreinte) plus an open dataset; one vessel is
known to both the open source and the customs case. The planted answers: a member sees
the case's values, an outsider and an administrator see only the open ones, a record
above a member's clearance stays hidden, an expired membership opens nothing. Runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from typer.testing import CliRunner

from filet.cli import app
from filet.model import Provenance, model
from filet.security.accounts import bootstrap, create_account
from filet.security.audit.log import read_entries
from filet.security.audit.service import verify_workspace
from filet.security.compartments import (
    CompartmentError,
    CompartmentKind,
    assign_dataset,
    create_compartment,
    datasets,
    grant,
    list_compartments,
    members,
    revoke,
)
from filet.security.identity import Account, Clearance, Role, Service
from filet.security.policy import Action, Resource, authorize, visible_entities_clause
from filet.security.reads import iter_visible_entities, load_visible_entity, visible_values
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.tables import entities

NOW = datetime.now(UTC)
YEAR = NOW + timedelta(days=365)
CHEF_DOUANE = Account("c.leroy", Role.SUPERVISOR, Service.CUSTOMS, Clearance.TRES_SECRET)
ENQUETEUR = Account("e.petit", Role.INVESTIGATOR, Service.CUSTOMS, Clearance.SECRET)
GENDARME = Account("g.roux", Role.SUPERVISOR, Service.GENDARMERIE, Clearance.SECRET)
ANALYSTE_DR = Account("a.moreau", Role.ANALYST, Service.CUSTOMS, Clearance.DIFFUSION_RESTREINTE)
ADMIN = Account("root-admin", Role.ADMINISTRATOR, Service.ANTI_NARCOTICS, Clearance.TRES_SECRET)


def _vessel(name: str, imo: str = "") -> object:
    vessel = model.make_entity("Vessel")
    vessel.id = "navire-1"
    vessel.add("name", name)
    vessel.add("imoNumber", imo)
    return vessel


def _world(conn: sa.Connection) -> None:
    root = bootstrap(conn, "root", "Phare-de-Cordouan-1611", Service.ANTI_NARCOTICS, by="os")
    for account in (CHEF_DOUANE, ENQUETEUR, GENDARME, ANALYSTE_DR, ADMIN):
        create_account(conn, root, account)
    create_compartment(
        conn, CHEF_DOUANE, "2026-117", CompartmentKind.CASE, "Conteneurs Le Havre",
        Clearance.SECRET, YEAR,
    )  # fmt: skip
    create_compartment(
        conn, GENDARME, "2026-204", CompartmentKind.OPERATION, "Go-fast A9",
        Clearance.DIFFUSION_RESTREINTE, YEAR,
    )  # fmt: skip
    assign_dataset(conn, CHEF_DOUANE, "2026-117", "douane-2026-117", "pièces saisies")
    assign_dataset(conn, GENDARME, "2026-204", "gie-2026-204", "surveillance")
    grant(conn, CHEF_DOUANE, "2026-117", "e.petit", "enquêteur désigné", YEAR)
    grant(conn, CHEF_DOUANE, "2026-117", "a.moreau", "analyse des flux", YEAR)
    put_entities(conn, [(_vessel("ATLANTIC STAR"), Provenance(dataset="ais-public"))])
    put_entities(conn, [(_vessel("ATLANTIC STAR", "9074729"), Provenance("douane-2026-117"))])
    gofast = model.make_entity("Person")
    gofast.id = "suspect-9"
    gofast.add("name", "Karim B.")
    put_entities(conn, [(gofast, Provenance(dataset="gie-2026-204"))])


def test_members_see_case_values_outsiders_and_administrators_only_open_ones(
    workspace: Workspace,
) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        member = load_visible_entity(conn, ENQUETEUR, "navire-1", "dossier 2026-117")
        outsider = load_visible_entity(conn, GENDARME, "navire-1")
        admin = load_visible_entity(conn, ADMIN, "navire-1")
        hidden = load_visible_entity(conn, ENQUETEUR, "suspect-9")
        own = load_visible_entity(conn, GENDARME, "suspect-9")
        under_cleared = visible_values(conn, ANALYSTE_DR, "navire-1")
    assert member is not None and member.get("imoNumber") == ["IMO9074729"]
    assert outsider is not None and outsider.get("imoNumber") == []
    assert admin is not None and admin.get("imoNumber") == []
    assert hidden is None
    assert own is not None and own.get("name") == ["Karim B."]
    assert [value.provenance.dataset for value in under_cleared] == ["ais-public"]


def test_the_row_filter_works_inside_listings_and_counts(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        listed = {e.id: e.get("imoNumber") for e in iter_visible_entities(conn, ENQUETEUR)}
        counted = conn.scalar(
            sa.select(sa.func.count()).select_from(entities).where(visible_entities_clause(GENDARME))
        )  # fmt: skip
    assert listed == {"navire-1": ["IMO9074729"]}
    assert counted == 2  # the open vessel and the gendarmerie's own suspect


def test_memberships_need_entitlement_a_reason_and_a_future_expiry(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        for by, reason, until in (
            (ENQUETEUR, "renfort", YEAR),  # an investigator may not grant
            (GENDARME, "renfort", YEAR),  # not a member of the customs case
            (CHEF_DOUANE, " ", YEAR),
            (CHEF_DOUANE, "renfort", NOW - timedelta(days=1)),
        ):
            with pytest.raises(CompartmentError):
                grant(conn, by, "2026-117", "g.roux", reason, until)
        with pytest.raises(CompartmentError):
            assign_dataset(conn, GENDARME, "2026-204", "douane-2026-117", "détournement")
        revoke(conn, CHEF_DOUANE, "2026-117", "e.petit", "fin de mission")
        after_revoke = load_visible_entity(conn, ENQUETEUR, "navire-1")
        listed = [(c.name, c.service, c.clearance) for c in list_compartments(conn)]
        held = datasets(conn, "2026-117")
        roster = {m.account: m.active(datetime.now(UTC)) for m in members(conn, "2026-117")}
    assert after_revoke is not None and after_revoke.get("imoNumber") == []
    assert listed == [
        ("2026-117", Service.CUSTOMS, Clearance.SECRET),
        ("2026-204", Service.GENDARMERIE, Clearance.DIFFUSION_RESTREINTE),
    ]
    assert held == ["douane-2026-117"]
    assert roster == {"a.moreau": True, "c.leroy": True, "e.petit": False}


def test_expired_membership_opens_nothing(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        later = YEAR + timedelta(days=1)
        decision = authorize(
            conn, ENQUETEUR, Action.READ, Resource.compartment("2026-117"), now=later
        )
    assert not decision.allowed and "expir" in decision.reason


def test_every_decision_allow_or_deny_is_audited(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        before = len(list(read_entries(conn, "authorization")))
        decisions = [
            authorize(conn, ENQUETEUR, Action.READ, Resource.dataset("douane-2026-117"), "117"),
            authorize(conn, ENQUETEUR, Action.READ, Resource.dataset("gie-2026-204"), "curiosité"),
            authorize(conn, ADMIN, Action.MANAGE_ACCOUNTS, Resource.accounts()),
            authorize(conn, ADMIN, Action.READ, Resource.compartment("2026-117")),
        ]  # fmt: skip
        logged = [entry.values() for entry in read_entries(conn, "authorization")][before:]
    assert [d.allowed for d in decisions] == [True, False, True, False]
    assert [(e["actor"], e["allowed"], e["objects"]) for e in logged] == [
        ("e.petit", True, ["dataset:douane-2026-117"]),
        ("e.petit", False, ["dataset:gie-2026-204"]),
        ("root-admin", True, ["accounts"]),
        ("root-admin", False, ["compartment:2026-117"]),
    ]
    assert logged[1]["justification"] == "curiosité"
    assert verify_workspace(workspace).first is None  # the new entry kinds verify too


def test_command_line_accounts_and_compartments(tmp_path: Path) -> None:
    """The commands of the README walkthrough: the first account is an administrator,
    who creates a supervisor; the supervisor opens a case, puts a dataset in it and
    grants an analyst; the administrator cannot grant, and disables the analyst."""
    runner = CliRunner()
    home = ["--home", str(tmp_path / "ws")]

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args) + home, input=stdin)

    admin = ["--actor", "admin"]
    chief = ["--actor", "c.leroy"]
    steps = [
        run("accounts", "create", "admin", "--role", "administrator", "--service", "ofast",
            "--password-stdin", stdin="Phare-de-Cordouan-1611\n"),
        run("accounts", "create", "c.leroy", "--role", "supervisor", "--service", "douane",
            "--clearance", "secret", "--password-stdin", *admin, stdin="Marée-basse-2026!\n"),
        run("accounts", "create", "a.moreau", "--role", "analyst", "--service", "douane",
            "--clearance", "secret", "--totp", "--password-stdin", *admin,
            stdin="Brise-lames-du-Havre\n"),
        run("compartments", "create", "2026-117", "--title", "Conteneurs", "--until",
            "2099-12-31", "--clearance", "secret", *chief),
        run("compartments", "assign", "2026-117", "douane-2026-117", "--reason", "saisie", *chief),
        run("compartments", "grant", "2026-117", "a.moreau", "--reason", "analyse",
            "--until", "2099-06-30", *chief),
    ]  # fmt: skip
    assert [step.exit_code for step in steps] == [0] * len(steps), [s.output for s in steps]
    assert "otpauth://totp/" in steps[2].stdout
    refused = run("compartments", "grant", "2026-117", "admin", "--reason", "x", "--until",
                  "2099-01-01", *admin)  # fmt: skip
    weak = run("accounts", "create", "x.weak", "--role", "analyst", "--service", "douane",
               "--password-stdin", *admin, stdin="password123\n")  # fmt: skip
    assert refused.exit_code == 1 and weak.exit_code == 1
    opened = Workspace.open(tmp_path / "ws")
    try:
        with opened.db.connect() as conn:
            decisions = [entry.values() for entry in read_entries(conn, "authorization")]
    finally:
        opened.close()
    assert ("admin", "policy.grant", False) in {
        (entry["actor"], entry["action"], entry["allowed"]) for entry in decisions
    }, "a refused grant is recorded even though the command fails"
    assert run("accounts", "disable", "a.moreau", *admin).exit_code == 0
    listed = json.loads(run("compartments", "list", "--json").stdout)
    people = json.loads(run("accounts", "list", "--json").stdout)
    assert listed[0]["datasets"] == ["douane-2026-117"]
    assert [m["account"] for m in listed[0]["members"]] == ["a.moreau", "c.leroy"]
    assert {p["name"]: p["disabled"] for p in people} == {
        "a.moreau": True,
        "admin": False,
        "c.leroy": False,
    }
