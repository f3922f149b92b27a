"""Accounts: Argon2id hashes, common passwords refused, TOTP, lockout, service tokens.

Runs on SQLite and PostgreSQL. Every login attempt and every account decision must be
in the audit log; the brute-force test tries wrong passwords until the lock engages and
checks that even the right password is then refused until the lock expires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from filet.security import passwords
from filet.security.accounts import (
    DEFAULT_LOGIN_POLICY,
    AccountError,
    account_for_token,
    bootstrap,
    create_account,
    create_token,
    disable_account,
    list_accounts,
    login,
)
from filet.security.audit.log import read_entries
from filet.security.identity import Account, AccountKind, Clearance, Role, Service
from filet.security.policy import Action, Resource, authorize
from filet.store import Workspace
from filet.store.tables import accounts, api_tokens

GOOD = "Marée-basse-à-Fécamp-2026"
ANALYST = Account("j.dupont", Role.ANALYST, Service.CUSTOMS, Clearance.SECRET, totp=True)


def _admin(conn: sa.Connection) -> Account:
    return bootstrap(conn, "admin", "Phare-de-Cordouan-1611", Service.ANTI_NARCOTICS, by="root")


def _outcomes(conn: sa.Connection) -> list[str]:
    return [entry.values()["outcome"] for entry in read_entries(conn, "authentication")]


def test_password_rules_refuse_short_common_and_own_name() -> None:
    assert "q1w2e3r4t5y6" in passwords.common_passwords()
    assert len(passwords.common_passwords()) > 3000  # ASVS 5.0 6.2.4: at least the top 3,000
    for weak in ("court-1", "Q1W2E3R4T5Y6", "j.dupont-2026-ok"):
        with pytest.raises(passwords.WeakPasswordError):
            passwords.check_password(weak, "j.dupont", DEFAULT_LOGIN_POLICY.min_password_length)
    passwords.check_password(GOOD, "j.dupont", DEFAULT_LOGIN_POLICY.min_password_length)


def test_passwords_are_stored_as_argon2id(workspace: Workspace) -> None:
    with workspace.db.begin() as conn:
        create_account(conn, _admin(conn), ANALYST, GOOD)
        stored = conn.scalar(
            sa.select(accounts.c.password_hash).where(accounts.c.name == "j.dupont")
        )
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored


def test_login_with_totp_refuses_wrong_and_replayed_codes(workspace: Workspace) -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with workspace.db.begin() as conn:
        secret = create_account(conn, _admin(conn), ANALYST, GOOD)
    assert secret is not None
    code = pyotp.TOTP(secret).at(now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with workspace.db.begin() as conn:
        assert login(conn, "j.dupont", GOOD, wrong, now=now).outcome == "bad_totp"
        success = login(conn, "j.dupont", GOOD, code, now=now)
        replay = login(conn, "j.dupont", GOOD, code, now=now + timedelta(seconds=5))
        unknown = login(conn, "inconnu", GOOD, code, now=now)
        assert _outcomes(conn) == ["bad_totp", "success", "bad_totp", "unknown"]
    assert success.account is not None and success.account.role is Role.ANALYST
    assert replay.account is None and unknown.account is None


def test_brute_force_engages_the_lockout(workspace: Workspace) -> None:
    """Wrong passwords until the lock engages; then the right one is refused until the
    lock expires, and works after it."""
    policy = DEFAULT_LOGIN_POLICY
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    person = Account("m.martin", Role.INVESTIGATOR, Service.GENDARMERIE, Clearance.SECRET)
    with workspace.db.begin() as conn:
        create_account(conn, _admin(conn), person, GOOD)
    guesses = [f"{word}-{n}" for n in range(3) for word in ("soleil", "marseille", "ofast")]
    tried = 0
    with workspace.db.begin() as conn:
        for guess in (*guesses, *guesses):
            tried += 1
            if login(conn, "m.martin", guess, now=now).outcome == "locked":
                break
        refused = login(conn, "m.martin", GOOD, now=now + timedelta(minutes=1))
        later = now + timedelta(minutes=policy.lockout_minutes, seconds=1)
        accepted = login(conn, "m.martin", GOOD, now=later)
        outcomes = _outcomes(conn)
    assert tried == policy.max_failed_logins + 1  # the attempt after the last failure
    assert outcomes[: policy.max_failed_logins] == ["bad_password"] * policy.max_failed_logins
    assert refused.outcome == "locked" and refused.account is None
    assert accepted.outcome == "success" and accepted.account is not None


def test_disabled_accounts_cannot_log_in_and_only_administrators_manage(
    workspace: Workspace,
) -> None:
    person = Account("a.bernard", Role.SUPERVISOR, Service.JUDICIAL_POLICE, Clearance.SECRET)
    with workspace.db.begin() as conn:
        admin = _admin(conn)
        create_account(conn, admin, person, GOOD)
        with pytest.raises(AccountError):
            create_account(conn, person, ANALYST, GOOD)
        with pytest.raises(AccountError):
            bootstrap(conn, "second", GOOD, Service.CUSTOMS, by="root")
        disable_account(conn, admin, "a.bernard")
        assert login(conn, "a.bernard", GOOD).outcome == "disabled"
        decisions = [entry.values() for entry in read_entries(conn, "authorization")]
        listed = [account.name for account in list_accounts(conn)]
    assert [(d["actor"], d["allowed"]) for d in decisions] == [
        ("admin", True),
        ("a.bernard", False),
        ("admin", True),
    ]
    assert listed == ["a.bernard", "admin"]


def test_service_tokens_are_hashed_scoped_and_end_with_the_account(
    workspace: Workspace,
) -> None:
    robot = Account(
        "passerelle-douane", Role.INVESTIGATOR, Service.CUSTOMS, Clearance.NON_PROTEGE,
        kind=AccountKind.SERVICE,
    )  # fmt: skip
    with workspace.db.begin() as conn:
        admin = _admin(conn)
        create_account(conn, admin, robot)
        token = create_token(conn, admin, "passerelle-douane", frozenset({Action.READ}))
        stored = conn.scalar(sa.select(api_tokens.c.secret_sha256))
        holder = account_for_token(conn, token)
        assert holder is not None
        read = authorize(conn, holder, Action.READ, Resource.open_data())
        export = authorize(conn, holder, Action.EXPORT, Resource.open_data())
        forged = account_for_token(conn, token[:-2] + "xx")
        disable_account(conn, admin, "passerelle-douane")
        after = account_for_token(conn, token)
        with pytest.raises(AccountError):
            create_token(conn, admin, "admin", frozenset({Action.READ}))
        no_password_login = login(conn, "passerelle-douane", "").outcome
    assert token.split("_")[-1] not in stored
    assert holder.scopes == {"read"} and holder.kind is AccountKind.SERVICE
    assert read.allowed and not export.allowed
    assert forged is None and after is None
    assert no_password_login == "unknown"
