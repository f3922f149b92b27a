"""Migrations and table definitions never drift apart, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from filet.store import Workspace
from filet.store.tables import metadata


def test_migrations_create_exactly_the_declared_tables(workspace: Workspace) -> None:
    with workspace.db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_migrating_twice_is_harmless(workspace: Workspace) -> None:
    reopened = Workspace.open(
        workspace.home, workspace.db.url.render_as_string(hide_password=False)
    )
    reopened.close()
