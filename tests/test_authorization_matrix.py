"""The authorization matrix: every role × action × inside/outside a compartment ×
clearance below/at the compartment's, on SQLite and PostgreSQL.

The expected answer comes from the rule as docs/security.md states it, restated here
independently of ``filet.security.policy``: a role's actions (table below); global
actions need the role only; actions on a compartment need the role, an active
membership and a clearance at least the compartment's; data in no compartment is open to
every role but partner. For every data action the SQL row filter must agree with the
decision: the planted case entity is visible exactly when the decision allows it, and so
are what else the case holds: its ingested file, the file's rejected record, an alert
drawn from the file, the entity found by name through the search index. An alert also
agrees with the decision on that one alert.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import sqlalchemy as sa

from filet.alerts import Alert, Evidence, Subject
from filet.alerts.store import list_alerts, save_alerts
from filet.ingest import checkpoint
from filet.ingest.checkpoint import Checkpoint
from filet.ingest.quarantine import add as quarantine_records
from filet.ingest.records import RecordError, SourceRecord
from filet.model import Provenance, model
from filet.search import search_entities
from filet.security.accounts import bootstrap, create_account
from filet.security.audit.log import read_entries
from filet.security.compartments import CompartmentKind, assign_dataset, create_compartment, grant
from filet.security.identity import Account, Clearance, Role, Service
from filet.security.policy import (
    Action,
    Resource,
    authorize,
    visible_alerts_clause,
    visible_files_clause,
    visible_quarantine_clause,
    visible_statements_clause,
)
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.tables import ingest_files, quarantine, statements

# docs/security.md, "Roles": what each role may do.
ROLE_SPEC = {
    "analyst": {"read", "write"},
    "investigator": {"read", "write", "export"},
    "supervisor": {"read", "write", "export", "grant", "compartment.create"},
    "magistrate": {"read", "export", "grant", "compartment.create"},
    "inspector": {"audit.read"},
    "partner": {"read"},
    "administrator": {"read", "account.manage"},
}
GLOBAL = {
    "compartment.create": "compartment",
    "account.manage": "accounts",
    "audit.read": "audit-log",
}
DATA = ("read", "write", "export")
CASE, OTHER = "2026-117", "2026-204"
CLEARANCES = (Clearance.DIFFUSION_RESTREINTE, Clearance.SECRET)  # below, at the case's level
YEAR = datetime.now(UTC) + timedelta(days=365)


def _expected(role: Role, action: Action, inside: bool, clearance: Clearance) -> bool:
    if action.value not in ROLE_SPEC[role.value]:
        return False
    return action.value in GLOBAL or (inside and clearance >= Clearance.SECRET)


def _world(conn: sa.Connection) -> dict[tuple[Role, bool, Clearance], Account]:
    root = bootstrap(conn, "root", "Phare-de-Cordouan-1611", Service.ANTI_NARCOTICS, by="os")
    chief = Account("chef", Role.SUPERVISOR, Service.CUSTOMS, Clearance.TRES_SECRET)
    create_account(conn, root, chief)
    for name, level in ((CASE, Clearance.SECRET), (OTHER, Clearance.DIFFUSION_RESTREINTE)):
        create_compartment(conn, chief, name, CompartmentKind.CASE, name, level, YEAR)
        assign_dataset(conn, chief, name, f"ds-{name}", "pièces")
    for dataset, entity_id in ((f"ds-{CASE}", "dans-le-dossier"), ("ouvert", "hors-dossier")):
        person = model.make_entity("Person")
        person.id = entity_id
        person.add("name", entity_id)
        put_entities(conn, [(person, Provenance(dataset=dataset))])
        _plant_file(conn, dataset, entity_id)
    cast = {}
    for role, inside, clearance in product(Role, (True, False), CLEARANCES):
        name = f"{role.value}-{'in' if inside else 'out'}-{clearance.value}"
        account = Account(name, role, Service.JUDICIAL_POLICE, clearance)
        create_account(conn, root, account)
        grant(conn, chief, CASE if inside else OTHER, name, "affectation", YEAR)
        cast[(role, inside, clearance)] = account
    return cast


def _plant_file(conn: sa.Connection, dataset: str, entity_id: str) -> None:
    """An ingested file of ``dataset`` (digest and name from ``entity_id``), one of its
    records rejected, and an alert drawn from one of its rows."""
    digest = entity_id.encode().hex().ljust(64, "0")[:64]
    state = Checkpoint(digest, f"/in/{entity_id}.csv", "cdr", None, None, Provenance(dataset))
    checkpoint.save(conn, state)
    quarantine_records(conn, state, [(SourceRecord(2, "x", None), RecordError("caller", "vide"))])
    found = Alert(
        detector_id="test.matrix",
        detector_version="1",
        subjects=(Subject("phone", entity_id),),
        start=YEAR,
        end=YEAR,
        score=0.5,
        reason_fr="motif",
        reason_en="reason",
        evidence=(Evidence("calls", {"source_file": f"{entity_id}.csv", "source_line": 3}),),
        thresholds=(),
        thresholds_hash=entity_id,
    )
    save_alerts(conn, [found])


def _alert_id(conn: sa.Connection, entity_id: str) -> str:
    return next(a.id for a in list_alerts(conn) if a.subjects[0].value == entity_id)


def _agreeing_paths(
    conn: sa.Connection, account: Account, action: Action, entity_id: str
) -> dict[str, bool]:
    """Whether each read path other than statements lets the planted item through."""
    digest = entity_id.encode().hex().ljust(64, "0")[:64]
    files = sa.select(sa.func.count()).where(
        ingest_files.c.sha256 == digest, visible_files_clause(account, action)
    )
    rejected = sa.select(sa.func.count()).where(
        quarantine.c.file_sha256 == digest, visible_quarantine_clause(account, action)
    )
    alerts = list_alerts(conn, visible=visible_alerts_clause(account, action))
    hits = search_entities(conn, entity_id, visible=visible_statements_clause(account, action))
    return {
        "file": bool(conn.scalar(files)),
        "quarantine": bool(conn.scalar(rejected)),
        "alert": any(alert.subjects[0].value == entity_id for alert in alerts),
        "search": any(hit.entity_id == entity_id for hit in hits),
    }


def _visible(conn: sa.Connection, account: Account, action: Action, entity_id: str) -> bool:
    query = sa.select(sa.func.count()).where(
        statements.c.entity_id == entity_id, visible_statements_clause(account, action)
    )
    return bool(conn.scalar(query))


def test_every_role_action_membership_and_clearance(workspace: Workspace) -> None:
    checked = 0
    wrong = []
    with workspace.db.begin() as conn:
        cast = _world(conn)
        before = len(list(read_entries(conn, "authorization")))
        for (role, inside, clearance), account in cast.items():
            for action in Action:
                kind = GLOBAL.get(action.value)
                resource = Resource(kind) if kind else Resource.compartment(CASE)
                decision = authorize(conn, account, action, resource)
                checked += 1
                if decision.allowed != _expected(role, action, inside, clearance):
                    wrong.append((account.name, action.value, decision.reason))
                if action.value in DATA:
                    checked += 1
                    if _visible(conn, account, action, "dans-le-dossier") != decision.allowed:
                        wrong.append((account.name, action.value, "row filter disagrees"))
                    paths = _agreeing_paths(conn, account, action, "dans-le-dossier")
                    checked += len(paths)
                    for path, visible in paths.items():
                        if visible != decision.allowed:
                            wrong.append((account.name, action.value, f"{path} disagrees"))
        audited = len(list(read_entries(conn, "authorization"))) - before
    assert wrong == []
    decisions = len(Role) * len(Action) * 2 * len(CLEARANCES)
    assert audited == decisions  # every decision, allow or deny, is in the log
    data_checks = len(Role) * len(DATA) * 2 * len(CLEARANCES) * (1 + len(PATHS))
    assert checked == decisions + data_checks


PATHS = ("file", "quarantine", "alert", "search")


def test_one_alert_decision_agrees_with_its_row_filter(workspace: Workspace) -> None:
    wrong = []
    with workspace.db.begin() as conn:
        cast = _world(conn)
        alert_id = _alert_id(conn, "dans-le-dossier")
        for (role, inside, clearance), account in cast.items():
            for action in (Action(value) for value in DATA):
                decision = authorize(conn, account, action, Resource.alert(alert_id))
                expected = _expected(role, action, inside, clearance)
                if decision.allowed != expected:
                    wrong.append((account.name, action.value, decision.reason))
    assert wrong == []


def test_open_data_for_every_role_and_data_action(workspace: Workspace) -> None:
    wrong = []
    with workspace.db.begin() as conn:
        cast = _world(conn)
        for (role, _, _), account in cast.items():
            for action in (Action(value) for value in DATA):
                expected = action.value in ROLE_SPEC[role.value] and role is not Role.PARTNER
                decision = authorize(conn, account, action, Resource.open_data())
                visible = _visible(conn, account, action, "hors-dossier")
                if not decision.allowed == visible == expected:
                    wrong.append((account.name, action.value, decision.reason, visible))
                paths = _agreeing_paths(conn, account, action, "hors-dossier")
                if set(paths.values()) != {expected}:
                    wrong.append((account.name, action.value, f"open paths {paths}", visible))
    assert wrong == []
