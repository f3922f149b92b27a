"""A minimal OpenID Connect provider for tests, served over real HTTP on 127.0.0.1.

It publishes a discovery document and its key set (a key generated at start), lets the
one registered client through its authorize endpoint with a code (the person "logged
in" is ``claims``), and at the token endpoint checks the client secret, the code (once)
and the PKCE verifier before returning a signed ID token. ``misbehave`` makes it issue
a token that a relying party must refuse.
"""

from __future__ import annotations

import base64
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import uvicorn
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.jwk import Key, KeySet, OKPKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "filet"
CLIENT_SECRET = "secret-du-client-de-test"
REDIRECT_URI = "https://testserver/login/oidc/callback"


class Misbehaviour(StrEnum):
    NONE = "none"
    WRONG_AUDIENCE = "wrong_audience"
    EXTRA_AUDIENCE = "extra_audience"
    WRONG_ISSUER = "wrong_issuer"
    EXPIRED = "expired"
    BAD_SIGNATURE = "bad_signature"
    WRONG_NONCE = "wrong_nonce"
    ROTATED_KEY = "rotated_key"


@dataclass
class Grant:
    """What the authorize endpoint remembers about a code until it is redeemed."""

    redirect_uri: str
    nonce: str
    challenge: str
    claims: dict[str, Any]


def _new_key(algorithm: str, kid: str) -> Key:
    if algorithm == "RS256":
        return RSAKey.generate_key(2048, {"kid": kid, "use": "sig", "alg": algorithm})
    return OKPKey.generate_key("Ed25519", {"kid": kid, "use": "sig", "alg": algorithm})


@dataclass
class LocalProvider:
    """The provider's state; ``url`` is its issuer once ``start`` has run."""

    algorithm: str = "Ed25519"
    claims: dict[str, Any] = field(default_factory=dict)
    misbehave: Misbehaviour = Misbehaviour.NONE
    url: str = ""
    grants: dict[str, Grant] = field(default_factory=dict)
    # Each token request's verdict, in order: "issued" or why it was refused.
    token_verdicts: list[str] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.keys = KeySet([_new_key(self.algorithm, "k1")])
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def reset(self, **claims: Any) -> None:
        self.claims = {"sub": "sujet-123", **claims}
        self.misbehave = Misbehaviour.NONE
        self.grants.clear()
        self.token_verdicts.clear()
        self.authorize_requests.clear()

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, args=([sock],), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test OIDC provider did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
            ]
        )

    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [self.algorithm],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse(self.keys.as_dict())

    async def authorize(self, request: Request) -> Response:
        """Refuse what a real provider refuses (unknown client or redirect, no PKCE
        S256, no nonce), else send the browser back with a fresh code."""
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        if params.get("client_id") != CLIENT_ID or params.get("redirect_uri") != REDIRECT_URI:
            return PlainTextResponse("unknown client or redirect_uri", 400)
        wanted = (
            params.get("response_type") == "code",
            "openid" in params.get("scope", "").split(),
            params.get("code_challenge_method") == "S256",
            bool(params.get("code_challenge")),
            bool(params.get("nonce")),
        )
        if not all(wanted):
            return PlainTextResponse("invalid authorization request", 400)
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            REDIRECT_URI, params["nonce"], params["code_challenge"], dict(self.claims)
        )
        answer = urlencode({"code": code, "state": params.get("state", "")})
        return RedirectResponse(f"{REDIRECT_URI}?{answer}", 302)

    async def token(self, request: Request) -> Response:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        verdict = self._token_verdict(request.headers.get("authorization", ""), values)
        self.token_verdicts.append(verdict)
        if verdict != "issued":
            return JSONResponse({"error": "invalid_grant", "error_description": verdict}, 400)
        grant = self.grants.pop(values["code"])
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant),
            }
        )

    def _token_verdict(self, authorization: str, form: dict[str, str]) -> str:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {expected}":
            return "bad_client"
        grant = self.grants.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None:
            return "bad_code"
        if form.get("redirect_uri") != grant.redirect_uri:
            return "bad_redirect_uri"
        verifier = form.get("code_verifier", "")
        if not verifier or create_s256_code_challenge(verifier) != grant.challenge:
            return "bad_code_verifier"
        return "issued"

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            **grant.claims,
        }
        key = self.keys.keys[0]
        match self.misbehave:
            case Misbehaviour.WRONG_AUDIENCE:
                claims["aud"] = "un-autre-client"
            case Misbehaviour.EXTRA_AUDIENCE:
                claims["aud"] = [CLIENT_ID, "un-autre-client"]
            case Misbehaviour.WRONG_ISSUER:
                claims["iss"] = "http://127.0.0.1:1/faux"
            case Misbehaviour.EXPIRED:
                claims["iat"], claims["exp"] = now - 7200, now - 3600
            case Misbehaviour.WRONG_NONCE:
                claims["nonce"] = "pas-le-bon-nonce"
            case Misbehaviour.BAD_SIGNATURE:
                key = _new_key(self.algorithm, "k1")  # same key id, another key
            case Misbehaviour.ROTATED_KEY:
                key = _new_key(self.algorithm, f"k{len(self.keys.keys) + 1}")  # a new key id
                self.keys = KeySet([*self.keys.keys, key])
        header = {"alg": self.algorithm, "kid": key.kid}
        return jwt.encode(header, claims, key, algorithms=[self.algorithm])
