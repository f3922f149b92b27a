"""Local accounts, login with lockout and TOTP, and service accounts' API tokens.

``login`` is what an interface calls (the command line today, the web layer later) to
turn a name, a password and a TOTP code into an ``Account``; every attempt is recorded
in the audit log. Managing accounts is the administrator's action, checked by the policy
and recorded like any other decision. The first account of a workspace can only be an
administrator, created by whoever holds the workspace (``bootstrap``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from filet.security import passwords
from filet.security.audit import Actor, Authentication, track_event
from filet.security.identity import Account, AccountKind, Clearance, Role, Service
from filet.security.policy import Action, Resource, as_utc, authorize
from filet.store.tables import accounts, api_tokens


@dataclass(frozen=True)
class LoginPolicy:
    """Defaults of the login rules, each with its source."""

    # CNIL délibération 2017-012 (mots de passe): "blocage du compte après 10 échecs" for
    # an 8-character password with a restriction of access (wording from a secondary
    # summary, to confirm); NIST SP 800-63B §5.2.2 allows at most 100 consecutive failures.
    max_failed_logins: int = 10
    # Analyst decision (2026-11-26): a temporary lock slows guessing to 10 tries per
    # quarter hour (under 1,000 a day) without letting anyone lock a colleague out for
    # good; CNIL délibération 2022-100 names temporisation as an access restriction.
    lockout_minutes: int = 15
    # CNIL délibération 2022-100: 12 characters when the password is the only factor;
    # OWASP ASVS 5.0 6.2.1 asks for at least 8 and recommends 15.
    min_password_length: int = 12
    # Analyst decision (2026-11-26): a quarter, so that a forgotten or leaked service
    # token dies on its own and each one is reissued, and reviewed, four times a year.
    token_days: int = 90


DEFAULT_LOGIN_POLICY = LoginPolicy()


class AccountError(ValueError):
    """A refused account operation; the message says why, in French then English."""


@dataclass(frozen=True)
class LoginResult:
    """``account`` on success; otherwise ``None`` and the ``outcome`` that was logged."""

    account: Account | None
    outcome: str


def bootstrap(
    conn: sa.Connection,
    name: str,
    password: str,
    service: Service,
    by: str,
    policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
) -> Account:
    """Create the first account, an administrator with no clearance, while none exists;
    ``by`` is whoever holds the workspace (the operating-system user)."""
    if conn.scalar(sa.select(sa.func.count()).select_from(accounts)):
        raise AccountError("des comptes existent déjà / accounts already exist")
    passwords.check_password(password, name, policy.min_password_length)
    account = Account(name, Role.ADMINISTRATOR, service, Clearance.NON_PROTEGE)
    _insert(conn, account, passwords.hash_password(password), None, by)
    return account


def create_account(
    conn: sa.Connection,
    by: Account,
    account: Account,
    password: str | None = None,
    policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
) -> str | None:
    """Create ``account`` and return its TOTP secret when ``account.totp`` asks for one."""
    _require(conn, by, Action.MANAGE_ACCOUNTS)
    if get_account(conn, account.name) is not None:
        raise AccountError(f"compte existant / account exists: {account.name}")
    if account.kind is AccountKind.SERVICE and password is not None:
        raise AccountError(
            "un compte de service n'a pas de mot de passe / service accounts use tokens"
        )
    if password is not None:
        passwords.check_password(password, account.name, policy.min_password_length)
    secret = passwords.new_totp_secret() if account.totp else None
    hashed = passwords.hash_password(password) if password is not None else None
    _insert(conn, account, hashed, secret, by.name)
    return secret


def disable_account(conn: sa.Connection, by: Account, name: str) -> None:
    """Disable ``name``: no more logins, tokens or decisions in its favour."""
    _require(conn, by, Action.MANAGE_ACCOUNTS)
    if by.name == name:
        raise AccountError("on ne se désactive pas soi-même / cannot disable oneself")
    done = conn.execute(
        accounts.update()
        .where(accounts.c.name == name)
        .values(disabled=True, updated_at=datetime.now(UTC))
    )
    if not done.rowcount:
        raise AccountError(f"compte inconnu / unknown account: {name}")


def get_account(conn: sa.Connection, name: str) -> Account | None:
    row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).first()
    return None if row is None else _account(row)


def list_accounts(conn: sa.Connection) -> list[Account]:
    return [_account(row) for row in conn.execute(sa.select(accounts).order_by(accounts.c.name))]


def login(
    conn: sa.Connection,
    name: str,
    password: str,
    totp_code: str = "",
    policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login attempt and record it; ``policy.max_failed_logins`` consecutive
    failures lock the account for ``policy.lockout_minutes``, during which even the
    right password is refused. The caller commits whatever the outcome: the failure
    count and the audit entry must survive a refused login."""
    moment = now or datetime.now(UTC)
    # Locked until commit, so that parallel guesses cannot lose failure counts.
    row = conn.execute(
        sa.select(accounts)
        .where(accounts.c.name == name, accounts.c.kind == AccountKind.PERSON.value)
        .with_for_update()
    ).first()
    if row is None:
        passwords.verify_password(None, password)
        return _record(conn, name, None, "unknown", 0)
    if row.disabled:
        return _record(conn, name, None, "disabled", row.failed_logins)
    if row.locked_until is not None and as_utc(row.locked_until) > moment:
        return _record(conn, name, None, "locked", row.failed_logins)
    step = None
    if not passwords.verify_password(row.password_hash, password):
        return _failure(conn, row, "bad_password", policy, moment)
    if row.totp_secret is not None:
        step = passwords.totp_step(row.totp_secret, totp_code, moment, row.totp_last_step)
        if step is None:
            return _failure(conn, row, "bad_totp", policy, moment)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "updated_at": moment}
    if step is not None:
        values["totp_last_step"] = step
    if passwords.needs_rehash(row.password_hash):
        values["password_hash"] = passwords.hash_password(password)
    conn.execute(accounts.update().where(accounts.c.name == name).values(**values))
    return _record(conn, name, _account(row), "success", 0)


def create_token(
    conn: sa.Connection,
    by: Account,
    name: str,
    scopes: frozenset[Action],
    policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
) -> str:
    """Issue an API token for the service account ``name``, limited to ``scopes``; only
    its SHA-256 is kept, so the token is shown once."""
    _require(conn, by, Action.MANAGE_ACCOUNTS)
    account = get_account(conn, name)
    if account is None or account.kind is not AccountKind.SERVICE:
        raise AccountError(f"pas un compte de service / not a service account: {name}")
    token_id, token, digest = passwords.new_token()
    now = datetime.now(UTC)
    conn.execute(
        api_tokens.insert().values(
            id=token_id,
            account=name,
            secret_sha256=digest,
            scopes=sorted(scope.value for scope in scopes),
            created_at=now,
            expires_at=now + timedelta(days=policy.token_days),
            revoked_at=None,
        )
    )
    return token


def account_for_token(
    conn: sa.Connection, token: str, now: datetime | None = None
) -> Account | None:
    """The service account a token stands for, narrowed to the token's scopes."""
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != "filet" or not secret:
        return None
    row = conn.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if (
        row is None
        or row.revoked_at is not None
        or as_utc(row.expires_at) <= (now or datetime.now(UTC))
    ):
        return None
    if not hmac.compare_digest(row.secret_sha256, passwords.secret_digest(secret)):
        return None
    account = get_account(conn, row.account)
    if account is None or account.disabled:
        return None
    return replace(account, scopes=frozenset(row.scopes))


def _require(conn: sa.Connection, by: Account, action: Action) -> None:
    decision = authorize(conn, by, action, Resource.accounts())
    if not decision:
        raise AccountError(f"refusé / denied: {decision.reason}")


def _failure(
    conn: sa.Connection, row: Any, outcome: str, policy: LoginPolicy, now: datetime
) -> LoginResult:
    failures = row.failed_logins + 1
    locked = now + timedelta(minutes=policy.lockout_minutes)
    conn.execute(
        accounts.update()
        .where(accounts.c.name == row.name)
        .values(
            failed_logins=failures,
            locked_until=locked if failures >= policy.max_failed_logins else None,
            updated_at=now,
        )
    )
    return _record(conn, row.name, None, outcome, failures)


def _record(
    conn: sa.Connection, name: str, account: Account | None, outcome: str, failures: int
) -> LoginResult:
    event = Authentication(
        actor=Actor(name), action="account.login", outcome=outcome, failures=failures
    )
    track_event(conn, event)
    return LoginResult(account, outcome)


def _insert(
    conn: sa.Connection, account: Account, hashed: str | None, secret: str | None, by: str
) -> None:
    now = datetime.now(UTC)
    conn.execute(
        accounts.insert().values(
            name=account.name,
            display_name=account.display_name or account.name,
            kind=account.kind.value,
            role=account.role.value,
            service=account.service.value,
            clearance=int(account.clearance),
            password_hash=hashed,
            totp_secret=secret,
            totp_last_step=None,
            failed_logins=0,
            locked_until=None,
            disabled=account.disabled,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
    )


def _account(row: Any) -> Account:
    return Account(
        name=row.name,
        role=Role(row.role),
        service=Service(row.service),
        clearance=Clearance(row.clearance),
        kind=AccountKind(row.kind),
        display_name=row.display_name,
        disabled=row.disabled,
        totp=row.totp_secret is not None,
    )
