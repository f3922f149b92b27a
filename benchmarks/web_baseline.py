"""The web benchmark's baseline: a bare FastAPI app serving the workbench's own pages
from answers computed once beforehand.

Each route renders the same Jinja template with the same context the workbench used
(or sends the same JSON body), with no session, authorization, database or audit
entry, so that set beside the workbench it shows what those cost per page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from filet.web.templating import templates


@dataclass(frozen=True)
class Answer:
    """What the workbench answered on one route: a template and its context, or bytes."""

    path: str
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""
    media_type: str = "application/json"


def bare_app(answers: list[Answer]) -> FastAPI:
    """One GET route per answer, at the same path (the query string is ignored)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    for answer in answers:
        app.add_api_route(answer.path, _endpoint(answer), methods=["GET"])
    return app


def _endpoint(answer: Answer) -> Callable[[Request], Response]:
    fixed = {key: value for key, value in answer.context.items() if key != "request"}

    def serve(request: Request) -> Response:
        if answer.template is None:
            return Response(answer.body, media_type=answer.media_type)
        return templates.TemplateResponse(request, answer.template, fixed)

    return serve
