"""OpenID Connect login: a person proves who they are to their service's identity
provider, and Filet maps that identity onto an account an administrator created.

The flow is the authorization code flow with PKCE (RFC 7636, ``S256``), a ``state`` that
ties the provider's answer to the browser that asked (RFC 6749 §10.12) and a ``nonce``
that ties the ID token to that same request (OpenID Connect Core 1.0 §3.1.2.1). The ID
token is checked as Core §3.1.3.7 says: signature against the provider's published keys
(JWKS), issuer, audience and authorized party, expiry and issue time, nonce.

Filet never creates an account from a token: one configured claim (``oidc_account_claim``)
is matched against the account names, and an unknown, disabled or service account is
refused. Every attempt, granted or refused, is an ``Authentication`` audit event whose
``outcome`` says why, in the caller's transaction, like the password login.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
    OAuth2Client,
    OAuthError,
)
from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from filet import settings
from filet.security.accounts import LoginResult, get_account
from filet.security.audit import Actor, Authentication, track_event
from filet.security.identity import Account, AccountKind

ACTION = "oidc.login"
# Actor of an attempt refused before the provider vouched for anyone.
UNIDENTIFIED = "anonyme"
# Public-key algorithms only: an HMAC-signed token would be keyed with the client secret,
# which the provider's other clients do not know but Filet's operators do; "none" is no
# signature at all.
SIGNING_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
)  # fmt: skip


@dataclass(frozen=True)
class OidcPolicy:
    """Limits of the OIDC login, each with its source."""

    # OpenID Connect Core 1.0 §3.1.3.7 allows "a small leeway" for clock skew on exp and
    # iat; a minute covers NTP-synced servers (Authlib's own default is two).
    leeway_seconds: int = 60
    # Analyst decision (2026-12-06): ten minutes to log in at the provider (with its
    # second factor) and come back; a pending login older than that is refused.
    pending_minutes: int = 10
    # Analyst decision (2026-12-06): a provider that does not answer in 10 s is down for
    # this attempt; the browser gets an answer instead of a hung page.
    http_timeout_seconds: float = 10.0


DEFAULT_OIDC_POLICY = OidcPolicy()


class OidcConfigError(Exception):
    """The OIDC settings or the provider's discovery document are unusable; the message
    says which setting or field, in French then English."""


@dataclass(frozen=True)
class ProviderSettings:
    """Who the provider is and who Filet is to it (settings ``oidc_*``)."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    account_claim: str = "preferred_username"

    @classmethod
    def from_settings(cls) -> ProviderSettings | None:
        """The configured provider, or ``None`` when ``oidc_issuer`` is empty (OIDC off)."""
        issuer = settings.get("oidc_issuer")
        if not issuer:
            return None
        values = {name: settings.get(f"oidc_{name}") for name in ("client_id", "redirect_uri")}
        for name, value in values.items():
            if not value:
                raise OidcConfigError(f"réglage manquant / missing setting: oidc_{name}")
        scopes = tuple(settings.get("oidc_scopes").split())
        if "openid" not in scopes:
            raise OidcConfigError("oidc_scopes doit contenir openid / must include openid")
        _require_secure(issuer, "oidc_issuer")
        return cls(
            issuer=issuer,
            client_id=values["client_id"],
            client_secret=_client_secret(),
            redirect_uri=values["redirect_uri"],
            scopes=scopes,
            account_claim=settings.get("oidc_account_claim"),
        )


def _client_secret() -> str:
    """The secret from ``oidc_client_secret_file`` (kept out of the environment, e.g. a
    mounted secret), else from ``oidc_client_secret``."""
    path = settings.get("oidc_client_secret_file")
    if not path:
        secret = settings.get("oidc_client_secret")
    else:
        try:
            secret = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise OidcConfigError(
                f"oidc_client_secret_file illisible / unreadable: {path}: {error.strerror}"
            ) from error
    if not secret:
        raise OidcConfigError(
            "secret client manquant / missing client secret: "
            "oidc_client_secret_file or oidc_client_secret"
        )
    return secret


def _require_secure(url: str, what: str) -> None:
    """HTTPS, except to this machine's loopback (a provider beside Filet, or a test)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    loopback = host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)
    if parts.scheme != "http" or not loopback:
        raise OidcConfigError(f"{what} doit être en https / must use https: {url}")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ProviderMetadata:
    """What Filet uses from the discovery document (OpenID Connect Discovery 1.0 §3)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    token_auth_method: str


@dataclass(frozen=True)
class PendingLogin:
    """What the browser carries between leaving for the provider and coming back: the
    ``state`` it must return, the ``nonce`` the ID token must hold, the PKCE verifier
    and where to go once logged in. ``started`` is a POSIX timestamp."""

    state: str
    nonce: str
    code_verifier: str
    next: str
    started: float

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def decode(cls, value: str) -> PendingLogin | None:
        """The pending login a cookie holds; ``None`` for anything malformed."""
        try:
            fields = json.loads(base64.urlsafe_b64decode(value.encode()))
            pending = cls(**fields)
        except (ValueError, TypeError):
            return None
        strings = (pending.state, pending.nonce, pending.code_verifier, pending.next)
        if not all(isinstance(item, str) for item in strings):
            return None
        return pending if isinstance(pending.started, int | float) else None


# The outcome recorded when a claim check fails; any other claim gives ``bad_token``.
_CLAIM_OUTCOMES = {"iss": "bad_issuer", "aud": "bad_audience", "nonce": "bad_nonce"}


class _Refused(Exception):
    """An attempt refused for ``outcome``; ``name`` and ``subject`` once known."""

    def __init__(self, outcome: str, name: str = "", subject: str = "") -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.name = name
        self.subject = subject


class OidcClient:
    """Filet as the provider's relying party. Holds the discovery document and the key
    set once fetched; the key set is fetched again when a token names a key it lacks
    (the provider rotated its keys)."""

    def __init__(self, provider: ProviderSettings, policy: OidcPolicy = DEFAULT_OIDC_POLICY):
        self.provider = provider
        self.policy = policy
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._discover()
            return self._metadata

    def begin(self, next_path: str, now: datetime) -> tuple[str, PendingLogin]:
        """The provider's authorization URL to send the browser to, and the pending
        login the browser must keep until it comes back."""
        meta = self.metadata()
        pending = PendingLogin(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),
            next=next_path,
            started=now.timestamp(),
        )
        with self._oauth_client(meta) as client:
            url, _ = client.create_authorization_url(
                meta.authorization_endpoint,
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
            )
        return str(url), pending

    def complete(
        self,
        conn: sa.Connection,
        pending: PendingLogin | None,
        params: Mapping[str, str],
        now: datetime,
    ) -> LoginResult:
        """Check the provider's answer (the callback's query ``params``) against the
        ``pending`` login, exchange the code, check the ID token, find the account, and
        record the attempt. The caller commits whatever the outcome."""
        try:
            claims = self._verified_claims(pending, params, now)
            name, subject = self._account_name(claims), str(claims["sub"])
        except _Refused as refused:
            return _record(conn, refused.name, refused.subject, refused.outcome)
        except OidcConfigError:
            return _record(conn, "", "", "provider_unavailable")
        row = get_account(conn, name)
        if row is None or row.kind is not AccountKind.PERSON:
            return _record(conn, name, subject, "unknown")
        if row.disabled:
            return _record(conn, name, subject, "disabled")
        return _record(conn, name, subject, "success", row)

    def _verified_claims(
        self, pending: PendingLogin | None, params: Mapping[str, str], now: datetime
    ) -> dict[str, Any]:
        if pending is None or not hmac.compare_digest(
            params.get("state", "").encode(), pending.state.encode()
        ):
            raise _Refused("bad_state")
        if "error" in params:
            raise _Refused("provider_error")
        if now.timestamp() - pending.started > self.policy.pending_minutes * 60:
            raise _Refused("pending_expired")
        if not params.get("code"):
            raise _Refused("provider_error")
        id_token = self._exchange(params["code"], pending.code_verifier)
        return self._check_id_token(id_token, pending.nonce, now)

    def _exchange(self, code: str, code_verifier: str) -> str:
        """The ID token the token endpoint returns for ``code``, proving with the PKCE
        verifier that this is the client that asked for it."""
        meta = self.metadata()
        try:
            with self._oauth_client(meta) as client:
                token = client.fetch_token(
                    meta.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
        except (OAuthError, httpx.HTTPError, ValueError) as error:
            raise _Refused("token_error") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise _Refused("token_error")
        return id_token

    def _check_id_token(self, id_token: str, nonce: str, now: datetime) -> dict[str, Any]:
        """The token's claims once its signature, issuer, audience, authorized party,
        expiry, issue time and nonce are right (OpenID Connect Core §3.1.3.7)."""
        registry = JWSRegistry(algorithms=list(self.metadata().algorithms))
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), registry=registry)
            except InvalidKeyIdError:
                decoded = jwt.decode(id_token, self._key_set(refresh=True), registry=registry)
        except (JoseError, ValueError) as error:
            raise _Refused("bad_signature") from error
        claims = decoded.claims
        subject = claims.get("sub") if isinstance(claims.get("sub"), str) else ""
        checks = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=self.policy.leeway_seconds,
            iss={"essential": True, "value": self.provider.issuer},
            sub={"essential": True},
            aud={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            checks.validate(claims)
        except ExpiredTokenError as error:
            raise _Refused("expired", subject=str(subject)) from error
        except (InvalidClaimError, MissingClaimError) as error:
            outcome = _CLAIM_OUTCOMES.get(error.claim, "bad_token")
            raise _Refused(outcome, subject=str(subject)) from error
        if not self._for_this_client(claims):
            raise _Refused("bad_audience", subject=str(subject))
        return claims

    def _for_this_client(self, claims: Mapping[str, Any]) -> bool:
        """Filet is the one audience (Core §3.1.3.7 rule 3: refuse audiences it does not
        trust), and ``azp``, when present, names Filet too."""
        audience = claims["aud"]
        audiences = [audience] if isinstance(audience, str) else audience
        azp = claims.get("azp", self.provider.client_id)
        return audiences == [self.provider.client_id] and azp == self.provider.client_id

    def _account_name(self, claims: Mapping[str, Any]) -> str:
        """The account name the configured claim gives; an ``email`` counts only when the
        provider says it verified it (Core §5.1, ``email_verified``)."""
        subject = str(claims["sub"])
        value = claims.get(self.provider.account_claim)
        if not isinstance(value, str) or not value or len(value) > 128:
            raise _Refused("no_account_claim", subject=subject)
        if self.provider.account_claim == "email" and claims.get("email_verified") is not True:
            raise _Refused("email_unverified", value, subject)
        return value

    def _key_set(self, refresh: bool = False) -> KeySet:
        meta = self.metadata()
        with self._lock:
            if self._keys is None or refresh:
                document = self._get_json(meta.jwks_uri)
                if not isinstance(document.get("keys"), list):
                    raise OidcConfigError(f"{meta.jwks_uri}: pas de clés / no keys")
                self._keys = KeySet.import_key_set({"keys": document["keys"]})
            return self._keys

    def _discover(self) -> ProviderMetadata:
        """The discovery document, whose issuer must be the configured one exactly
        (OpenID Connect Discovery 1.0 §4.3), with the endpoints Filet needs."""
        url = self.provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self._get_json(url)
        if document.get("issuer") != self.provider.issuer:
            raise OidcConfigError(
                f"l'émetteur annoncé diffère de oidc_issuer / discovery issuer differs: "
                f"{document.get('issuer')!r} != {self.provider.issuer!r}"
            )
        endpoints: dict[str, str] = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise OidcConfigError(f"{url}: champ manquant / missing field: {name}")
            _require_secure(value, f"{url}: {name}")
            endpoints[name] = value
        offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = tuple(alg for alg in offered if alg in SIGNING_ALGORITHMS)
        if not algorithms:
            raise OidcConfigError(
                f"{url}: aucun algorithme à clé publique / no public-key algorithm: {offered}"
            )
        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        basic = "client_secret_basic" in methods
        auth_method = "client_secret_basic" if basic else "client_secret_post"
        return ProviderMetadata(
            issuer=self.provider.issuer,
            algorithms=algorithms,
            token_auth_method=auth_method,
            **endpoints,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self.policy.http_timeout_seconds)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise OidcConfigError(f"fournisseur injoignable / provider unreachable: {url}: "
                                  f"{error}") from error  # fmt: skip
        if not isinstance(document, dict):
            raise OidcConfigError(f"{url}: objet JSON attendu / JSON object expected")
        return document

    def _oauth_client(self, meta: ProviderMetadata) -> Any:
        return OAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            token_endpoint_auth_method=meta.token_auth_method,
            scope=" ".join(self.provider.scopes),
            redirect_uri=self.provider.redirect_uri,
            code_challenge_method="S256",
            timeout=self.policy.http_timeout_seconds,
        )


@lru_cache(maxsize=8)
def client_for(provider: ProviderSettings) -> OidcClient:
    """One client per configured provider, so discovery and keys are fetched once."""
    return OidcClient(provider)


def _record(
    conn: sa.Connection, name: str, subject: str, outcome: str, account: Account | None = None
) -> LoginResult:
    """Audit the attempt: the account name it claimed (or ``anonyme``), the provider's
    subject identifier as the object, and the outcome."""
    event = Authentication(
        actor=Actor(name[:128] or UNIDENTIFIED),
        action=ACTION,
        objects=(f"sub:{subject[:200]}",) if subject else (),
        outcome=outcome,
    )
    track_event(conn, event)
    return LoginResult(account, outcome)
