"""The dossier coffre: sealed items of a case, read by its magistrates and named holders.

A customs case "2026-117" (Secret) has a magistrate, an investigator and a supervisor as
members; another case "2026-204" has its own magistrate; an operation has a member
magistrate too. The planted answers: only the case's magistrate and a holder whose
designation is neither revoked nor expired read an item; everyone else gets what an
unknown id gets; no export carries an item; every item shown says it is not evidence;
the audit log records seals, reads and refusals without a word of their content; the
content is not stored in clear. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import product
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from filet.cases import (
    CoffreError,
    CoffreKey,
    SealedItem,
    Technique,
    grant_holder,
    holders,
    list_visible,
    not_found,
    read_item,
    revoke_holder,
    seal,
    workspace_key,
)
from filet.cli import app
from filet.security.accounts import bootstrap, create_account
from filet.security.audit.log import read_entries
from filet.security.coffre_policy import may_read_sealed, visible_sealed_clause
from filet.security.compartments import CompartmentKind, create_compartment, grant
from filet.security.identity import Account, Clearance, Role, Service
from filet.store import Workspace
from filet.store.tables import coffre_items

NOW = datetime.now(UTC)
YEAR = NOW + timedelta(days=365)
LATER = NOW + timedelta(days=30)  # when the short designations have expired
CASE, OTHER, OPERATION = "2026-117", "2026-204", "op-9"
TITLE = "Balise sous le plancher du fourgon"
CONTENT = "Posée le 3 mars à 02h10, parking Quai de Saône, par l'agent technique T-47."

CHEF = Account("c.leroy", Role.SUPERVISOR, Service.CUSTOMS, Clearance.TRES_SECRET)
JUGE = Account("j.martin", Role.MAGISTRATE, Service.PROSECUTION, Clearance.SECRET)
JUGE_AUTRE = Account("j.autre", Role.MAGISTRATE, Service.PROSECUTION, Clearance.TRES_SECRET)
ENQUETEUR = Account("e.petit", Role.INVESTIGATOR, Service.CUSTOMS, Clearance.SECRET)
INSPECTEUR = Account("i.blanc", Role.INSPECTOR, Service.CUSTOMS, Clearance.TRES_SECRET)
ADMIN = Account("a.root", Role.ADMINISTRATOR, Service.ANTI_NARCOTICS, Clearance.TRES_SECRET)
TECHNICIEN = Account("t.tech", Role.ANALYST, Service.JUDICIAL_POLICE, Clearance.SECRET)


def _world(conn: sa.Connection) -> Account:
    root = bootstrap(conn, "root", "Phare-de-Cordouan-1611", Service.ANTI_NARCOTICS, by="os")
    for account in (CHEF, JUGE, JUGE_AUTRE, ENQUETEUR, INSPECTEUR, ADMIN, TECHNICIEN):
        create_account(conn, root, account)
    create_compartment(conn, CHEF, CASE, CompartmentKind.CASE, "Conteneurs", Clearance.SECRET, YEAR)
    create_compartment(conn, CHEF, OTHER, CompartmentKind.CASE, "Go-fast", Clearance.SECRET, YEAR)
    create_compartment(
        conn, CHEF, OPERATION, CompartmentKind.OPERATION, "Renseignement", Clearance.SECRET, YEAR
    )
    for name, case in (
        (JUGE.name, CASE),
        (ENQUETEUR.name, CASE),
        (INSPECTEUR.name, CASE),
        (ADMIN.name, CASE),
        (JUGE_AUTRE.name, OTHER),
        (JUGE.name, OPERATION),
    ):
        grant(conn, CHEF, case, name, "affectation", YEAR)
    return root


def _sealed(conn: sa.Connection, key: CoffreKey) -> SealedItem:
    return seal(conn, key, JUGE, CASE, Technique.SONORISATION, TITLE, CONTENT, "JLD 2026-117")


def test_the_magistrate_seals_and_reads_everyone_else_is_answered_as_for_nothing(
    workspace: Workspace,
) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        item = _sealed(conn, key)
        read = read_item(conn, key, JUGE, item.id)
        assert read is not None
        assert (read.title, read.content, read.technique) == (
            TITLE,
            CONTENT,
            Technique.SONORISATION,
        )
        assert read.to_dict()["non_evidentiary"] is True
        assert "2025-885 DC" in read.to_dict()["notice"]
        for outsider in (ENQUETEUR, CHEF, ADMIN, INSPECTEUR, JUGE_AUTRE, TECHNICIEN):
            assert read_item(conn, key, outsider, item.id) is None
            assert read_item(conn, key, outsider, "0" * 32) is None
            assert list_visible(conn, key, outsider) == []
            assert holders(conn, outsider, item.id) is None
            with pytest.raises(CoffreError) as refused:
                grant_holder(conn, outsider, item.id, TECHNICIEN.name, "pose", YEAR)
            with pytest.raises(CoffreError) as absent:
                grant_holder(conn, outsider, "0" * 32, TECHNICIEN.name, "pose", YEAR)
            assert str(refused.value) == not_found(item.id)
            assert str(absent.value) == not_found("0" * 32)
        assert [i.id for i in list_visible(conn, key, JUGE)] == [item.id]
        theirs = seal(conn, key, JUGE_AUTRE, OTHER, Technique.GEOLOCALISATION, "b", "pose b")
        assert [i.id for i in list_visible(conn, key, JUGE)] == [item.id]
        assert [i.id for i in list_visible(conn, key, JUGE_AUTRE)] == [theirs.id]
        assert list_visible(conn, key, JUGE, case=OTHER) == []
        assert read_item(conn, key, JUGE, theirs.id) is None


def test_only_the_case_magistrate_seals_and_only_in_a_case(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        for by, case in ((ENQUETEUR, CASE), (CHEF, CASE), (JUGE_AUTRE, CASE), (JUGE, OPERATION)):
            with pytest.raises(CoffreError, match="refusé / denied"):
                seal(conn, key, by, case, Technique.INTERCEPTION, TITLE, CONTENT)
        with pytest.raises(CoffreError, match="obligatoires"):
            seal(conn, key, JUGE, CASE, Technique.INTERCEPTION, TITLE, "  ")
        assert conn.scalar(sa.select(sa.func.count()).select_from(coffre_items)) == 0


def test_a_holder_reads_until_expiry_or_revocation(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        item = _sealed(conn, key)
        grant_holder(conn, JUGE, item.id, TECHNICIEN.name, "agent ayant posé", NOW + timedelta(1))
        grant_holder(conn, JUGE, item.id, ENQUETEUR.name, "vérification", YEAR)
        assert read_item(conn, key, TECHNICIEN, item.id) is not None
        assert read_item(conn, key, TECHNICIEN, item.id, now=LATER) is None
        assert [i.id for i in list_visible(conn, key, ENQUETEUR)] == [item.id]
        revoke_holder(conn, JUGE, item.id, ENQUETEUR.name, "fin de mission")
        assert read_item(conn, key, ENQUETEUR, item.id) is None
        named = holders(conn, JUGE, item.id)
        assert named is not None
        assert [(h.account, h.active(NOW)) for h in named] == [
            (ENQUETEUR.name, False),
            (TECHNICIEN.name, True),
        ]
        with pytest.raises(CoffreError, match="ne lit pas"):
            grant_holder(conn, JUGE, item.id, INSPECTEUR.name, "contrôle", YEAR)
        with pytest.raises(CoffreError, match="pas détenteur"):
            revoke_holder(conn, JUGE, item.id, ENQUETEUR.name, "déjà retiré")


def _expected(role: Role, magistrate_member: bool, holder: str, clearance: Clearance) -> bool:
    """The rule restated from docs/cases.md, apart from filet.security.policy."""
    reads_data = role not in (Role.INSPECTOR,)
    named = holder == "active"
    magistrate = role is Role.MAGISTRATE and magistrate_member
    return reads_data and clearance >= Clearance.SECRET and (magistrate or named)


def test_decision_and_sql_clause_agree_for_every_role(workspace: Workspace) -> None:
    """Every role × member of the case or of another × holder state × clearance below or
    at the case's: the decision, the SQL row filter and the reads all give the answer."""
    with workspace.db.begin() as conn:
        root = _world(conn)
        key = workspace_key(conn, workspace.home)
        item = _sealed(conn, key)
        cast = {}
        for role, inside, holder, level in product(
            Role,
            (True, False),
            ("none", "active", "expired", "revoked"),
            (Clearance.DIFFUSION_RESTREINTE, Clearance.SECRET),
        ):
            account = Account(
                f"{role.value}-{inside}-{holder}-{level.value}", role, CHEF.service, level
            )
            create_account(conn, root, account)
            grant(conn, CHEF, CASE if inside else OTHER, account.name, "affectation", YEAR)
            if holder != "none" and role is not Role.INSPECTOR:
                until = NOW + timedelta(days=1) if holder == "expired" else YEAR
                grant_holder(conn, JUGE, item.id, account.name, "désigné", until)
                if holder == "revoked":
                    revoke_holder(conn, JUGE, item.id, account.name, "retrait")
            cast[(role, inside, holder, level)] = account
        for (role, inside, holder, level), account in cast.items():
            expected = _expected(role, inside, holder, level)
            decided = may_read_sealed(conn, account, item.id, now=LATER)
            filtered = conn.scalar(
                sa.select(sa.func.count()).where(visible_sealed_clause(account, LATER))
            )
            read = read_item(conn, key, account, item.id, now=LATER)
            listed = list_visible(conn, key, account, now=LATER)
            label = (role.value, inside, holder, level.name)
            assert bool(decided) is expected, (label, decided.reason)
            assert filtered == int(expected), label
            assert (read is not None) is expected, label
            assert len(listed) == int(expected), label


def test_disabled_holder_reads_nothing(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        item = _sealed(conn, key)
        grant_holder(conn, JUGE, item.id, TECHNICIEN.name, "pose", YEAR)
        gone = Account(**{**TECHNICIEN.__dict__, "disabled": True})
        assert not may_read_sealed(conn, gone, item.id)
        assert conn.scalar(sa.select(sa.func.count()).where(visible_sealed_clause(gone))) == 0


def test_sealed_content_is_encrypted_at_rest_and_bound_to_its_row(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        first = _sealed(conn, key)
        second = seal(conn, key, JUGE, CASE, Technique.CAPTATION, "autre", "autre contenu")
        query = sa.select(coffre_items.c.sealed).where(coffre_items.c.id == first.id)
        stored = bytes(conn.execute(query).scalar_one())
        for clear in (TITLE, CONTENT, "sonorisation"):
            assert clear.encode() not in stored
        conn.execute(
            coffre_items.update().where(coffre_items.c.id == second.id).values(sealed=stored)
        )
        with pytest.raises(CoffreError, match="illisible"):
            read_item(conn, key, JUGE, second.id)
    (workspace.home / "coffre" / "coffre.key").unlink()
    with workspace.db.begin() as conn, pytest.raises(CoffreError, match="absente"):
        workspace_key(conn, workspace.home)


def test_audit_records_seal_read_refusal_and_holders_without_content(
    workspace: Workspace,
) -> None:
    with workspace.db.begin() as conn:
        _world(conn)
        key = workspace_key(conn, workspace.home)
        item = _sealed(conn, key)
        read_item(conn, key, JUGE, item.id)
        read_item(conn, key, ENQUETEUR, item.id)
        grant_holder(conn, JUGE, item.id, TECHNICIEN.name, "pose du dispositif", YEAR)
        revoke_holder(conn, JUGE, item.id, TECHNICIEN.name, "fin")
        entries = [entry.values() for entry in read_entries(conn)]
    about = [e for e in entries if f"coffre-item:{item.id}" in e["objects"]]
    actions = {(e["actor"], e["action"], e.get("allowed")) for e in about}
    assert (JUGE.name, "coffre.seal", None) in actions
    assert (JUGE.name, "coffre.show", None) in actions
    assert (JUGE.name, "policy.coffre.read", True) in actions
    assert (ENQUETEUR.name, "policy.coffre.read", False) in actions
    assert (JUGE.name, "coffre.holder.grant", None) in actions
    assert (JUGE.name, "coffre.holder.revoke", None) in actions
    log = json.dumps(entries, ensure_ascii=False)
    assert TITLE not in log and CONTENT not in log


# The command line, end to end.

PASSWORD = "Brise-lames-du-Havre-7\n"
UNTIL = "2099-12-31"


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def run(self, *args: str, actor: str, stdin: str | None = None) -> Result:
        line = [*args, "--actor", actor, "--home", str(self.home)]
        return self.runner.invoke(app, line, input=stdin)

    def ok(self, *args: str, actor: str, stdin: str | None = None) -> Result:
        result = self.run(*args, actor=actor, stdin=stdin)
        assert result.exit_code == 0, (args, actor, result.output)
        return result


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("FILET_DATABASE_URL", database_url)
    monkeypatch.delenv("FILET_ACTOR", raising=False)
    built = Cli(tmp_path / "ws")
    for name, role, level in (
        ("admin", "administrator", "non-protege"),
        ("chef", "supervisor", "secret"),
        ("juge", "magistrate", "secret"),
        ("juge-b", "magistrate", "secret"),
        ("enq", "investigator", "secret"),
        ("insp", "inspector", "secret"),
        ("tech", "analyst", "secret"),
    ):
        creating = ["accounts", "create", name, "--role", role, "--service", "douane"]
        built.ok(*creating, "--clearance", level, "--password-stdin", actor="admin", stdin=PASSWORD)
    for case in (CASE, OTHER):
        built.ok("compartments", "create", case, "--title", case, "--until", UNTIL,
                 "--clearance", "secret", actor="chef")  # fmt: skip
    for member, case in (("juge", CASE), ("enq", CASE), ("admin", CASE), ("juge-b", OTHER)):
        built.ok("compartments", "grant", case, member, "--reason", "saisine",
                 "--until", UNTIL, actor="chef")  # fmt: skip
    built.ok("compartments", "assign", CASE, "ds-117", "--reason", "pièces", actor="chef")
    return built


def _said(result: Result) -> str:
    return " ".join(result.output.split())


def test_cli_end_to_end(cli: Cli, tmp_path: Path) -> None:
    inputs = tmp_path / "saisie.ftm.jsonl"
    entity = {"id": "p-1", "schema": "Person", "properties": {"name": ["Karim Benali"]}}
    inputs.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    cli.ok("ingest", str(inputs), "--format", "ftm", "--dataset", "ds-117", actor="enq")

    sealed = cli.ok("coffre", "seal", CASE, "--technique", "sonorisation", "--title", TITLE,
                    "--content-file", "-", actor="juge", stdin=CONTENT)  # fmt: skip
    assert "non probante" in _said(sealed)
    listed = json.loads(cli.ok("coffre", "list", "--json", actor="juge").stdout)
    assert [(i["title"], i["non_evidentiary"]) for i in listed] == [(TITLE, True)]
    item_id = listed[0]["id"]

    shown = cli.ok("coffre", "show", item_id, actor="juge")
    assert CONTENT in _said(shown) and "NON PROBANT" in shown.output
    as_json = json.loads(cli.ok("coffre", "show", item_id, "--json", actor="juge").stdout)
    assert (as_json["content"], as_json["non_evidentiary"]) == (CONTENT, True)
    assert "non probante" in _said(cli.ok("coffre", "list", actor="juge"))

    unknown = "f" * 32
    for outsider in ("enq", "chef", "admin", "insp", "juge-b", "tech"):
        for command in ("show", "holders"):
            refused = cli.run("coffre", command, item_id, actor=outsider)
            absent = cli.run("coffre", command, unknown, actor=outsider)
            assert refused.exit_code == absent.exit_code == 1
            assert refused.output.replace(item_id, unknown) == absent.output
        granted = cli.run("coffre", "grant", item_id, "tech", "--reason", "pose",
                          "--until", UNTIL, actor=outsider)  # fmt: skip
        assert granted.exit_code == 1 and "Aucune pièce / no such item" in _said(granted)
        assert json.loads(cli.ok("coffre", "list", "--json", actor=outsider).stdout) == []

    cli.ok("coffre", "grant", item_id, "tech", "--reason", "agent ayant posé",
           "--until", UNTIL, actor="juge")  # fmt: skip
    assert json.loads(cli.ok("coffre", "show", item_id, "--json", actor="tech").stdout)["title"]
    named = json.loads(cli.ok("coffre", "holders", item_id, "--json", actor="juge").stdout)
    assert [(h["account"], h["revoked"]) for h in named] == [("tech", False)]
    cli.ok("coffre", "revoke", item_id, "tech", "--reason", "fin", actor="juge")
    assert cli.run("coffre", "show", item_id, actor="tech").exit_code == 1

    for format in ("ftm", "statements"):
        exported = cli.ok("export", "--format", format, "--handling-max", "H3", actor="juge")
        assert "Karim Benali" in exported.stdout
        for secret in (TITLE, CONTENT, item_id):
            assert secret not in exported.stdout

    reading = ["audit", "list", "--json", "--limit", "10000", "--as", "insp", "--home"]
    audit = cli.runner.invoke(app, [*reading, str(cli.home)])
    assert audit.exit_code == 0, audit.output
    assert item_id in audit.stdout
    assert TITLE not in audit.stdout and CONTENT not in audit.stdout
