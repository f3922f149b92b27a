"""Browser protections on every response, and the cross-site request check.

Headers: a Content Security Policy allowing only this origin's files and no inline
script (scripts live in ``static/``), no framing (``frame-ancestors``, X-Frame-Options),
no MIME sniffing, no referrer, and no caching of pages that hold case data (OWASP ASVS
5.0 3.4, 14.3.2).

Cross-site request forgery: a state-changing request (anything but GET, HEAD, OPTIONS)
that carries no API token must come from this origin: ``Sec-Fetch-Site`` is
``same-origin`` (or ``none``, typed by the user), or else ``Origin`` names this host.
A request with neither header is refused too: every browser this serves sends one.
A Bearer token is not sent by the browser on its own, so it needs no such check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def same_origin(request: Request) -> bool:
    """Whether a state-changing browser request comes from this very origin."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return False
    return urlsplit(origin).netloc == request.headers.get("host", "")


def needs_origin_check(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return False
    return not request.headers.get("authorization", "").lower().startswith("bearer ")


async def protect(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: refuse cross-site writes, then add the headers to whatever answers."""
    if needs_origin_check(request) and not same_origin(request):
        response: Response = PlainTextResponse(
            "requête d'une autre origine refusée / cross-origin request refused", 403
        )
    else:
        response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
