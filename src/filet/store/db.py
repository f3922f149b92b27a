"""Connecting to the application database and bringing its schema up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite

MIGRATIONS = Path(__file__).parent / "migrations"


def connect(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _begin_immediate)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by ``_begin_immediate``, not by the driver.
    dbapi_connection.isolation_level = None
    # WAL lets readers (the CLI listing alerts) work while an ingest writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(conn: sa.Connection) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write.

    Nearly every transaction writes (each read adds an audit entry), and a deferred
    transaction that read first cannot take the lock once another writer committed: it
    fails at once with "database is locked" instead of waiting its turn, which
    concurrent web requests hit. The SQLAlchemy recipe: pysqlite's own transaction
    handling is turned off (``_sqlite_pragmas``) and the BEGIN is ours.
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: sa.Engine) -> None:
    """Apply every Alembic migration not yet applied."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def insert_ignoring_duplicates(engine_or_conn: sa.Engine | sa.Connection, table: sa.Table) -> Any:
    """An INSERT that skips rows whose primary key exists: re-ingesting adds nothing."""
    if engine_or_conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
