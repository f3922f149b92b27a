"""Shared fixtures: workspaces on every database backend, the shared samples.

The ``workspace`` fixture runs a test once on SQLite and once on PostgreSQL. PostgreSQL
needs ``FILET_TEST_POSTGRES_URL`` (an account allowed to create databases), which
``.ci/run`` sets after starting a server; without it those runs are skipped, with the
reason shown in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from filet import settings
from filet.store import Workspace

POSTGRES_URL = os.environ.get("FILET_TEST_POSTGRES_URL", "")


def _fresh_postgres_database() -> tuple[str, str]:
    """Create an empty database; returns its URL and name."""
    name = f"filet_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(POSTGRES_URL).set(database=name)
    return url.render_as_string(hide_password=False), name


def _drop_postgres_database(name: str) -> None:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty application database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'filet.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: FILET_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    url, name = _fresh_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def workspace(database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    """A migrated workspace, once on SQLite and once on PostgreSQL."""
    opened = Workspace.open(tmp_path / "home", database_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A migrated workspace on SQLite only, for tests that are not about the database."""
    opened = Workspace.open(tmp_path / "home", f"sqlite:///{tmp_path / 'filet.db'}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public samples folder (setting ``shared_data``); skips when it is absent."""
    folder = settings.shared_data()
    if not folder.is_dir():
        pytest.skip(f"shared samples not found at {folder} (set FILET_SHARED_DATA)")
    return folder


# Engine fixtures (spark_session, both_engines, each_engine) and the DuckDB/Spark parity check.
pytest_plugins = ["engines"]
