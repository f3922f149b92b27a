"""The JSON API against its own OpenAPI description, with Schemathesis: responses
conform (status codes, content types, headers, bodies), nothing answers 500, no
operation ignores its declared authentication, and the token of one case never reads
an object of the other (``object_level_authorization``, ``use_after_free``).

Schemathesis runs as its command line against a real server, the way a CI job would;
the two identities are a Web Fuzzing Commons document with one token per case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from filet.store import Workspace
from web_support import World, seed_world, served

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",
    "use_after_free",
    "object_level_authorization",
)


@pytest.mark.slow
def test_api_conforms_and_keeps_cases_apart(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    world: World = seed_world(sqlite_workspace, tmp_path)
    identities = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
            for name, token in (("case-a", world.token_a), ("case-b", world.token_b))
        ]
    }
    (tmp_path / "identities.json").write_text(json.dumps(identities), encoding="utf-8")
    (tmp_path / "schemathesis.toml").write_text(
        f'[auth.wfc]\npath = "{tmp_path / "identities.json"}"\npeers = ["case-a", "case-b"]\n',
        encoding="utf-8",
    )
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with served(world) as base:
        done = subprocess.run(
            [
                str(schemathesis),
                "--config-file",
                str(tmp_path / "schemathesis.toml"),
                "run",
                f"{base}/openapi.json",
                "--checks",
                ",".join(CHECKS),
                "--max-examples",
                "25",
                "--workers",
                "1",
                "--seed",
                "7",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
