"""How the workbench is served: uvicorn's options for ``filet serve``, and the same
server in a background thread, for the browser tests and the page benchmark, so that
what they drive and measure is served as in production.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp

# No X-Forwarded-* trusted (the login throttle counts the real peer address, see
# ``filet.web.login.client_address``) and no Server header.
SERVE_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False}


@contextmanager
def served_in_thread(app: ASGIApp, start_timeout: float = 30.0) -> Iterator[str]:
    """``app`` behind uvicorn on a free port of 127.0.0.1, in a daemon thread of this
    process, until the block ends; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **SERVE_OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("le serveur n'a pas démarré / server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
