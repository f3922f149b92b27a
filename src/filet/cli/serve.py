"""``filet serve``: the workbench and its JSON API over a workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from filet.cli.common import HomeOption, console


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Adresse d'écoute / listen address.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    home: HomeOption = None,
) -> None:
    """Lancer l'établi web / start the web workbench (log in with an account of the
    workspace: `filet accounts create`). Put it behind a TLS proxy: its session cookie
    is Secure, so browsers send it over HTTPS only (and to 127.0.0.1 or localhost)."""
    import uvicorn

    from filet.web import create_app
    from filet.web.server import SERVE_OPTIONS

    app = create_app(home)
    console.print(f"Filet: http://{host}:{port}/ (Ctrl+C pour arrêter / to stop)")
    uvicorn.run(app, host=host, port=port, **SERVE_OPTIONS)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
