"""Reading entities through the access policy: decided, filtered in SQL, recorded.

These are the read functions an interface calls on behalf of an account. Each asks
the policy first (the decision is audited) and then reads with the policy's row
filter in the query itself, so values outside the account's compartments never leave
the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from followthemoney import StatementEntity

from filet.security.identity import Account
from filet.security.policy import (
    Action,
    Resource,
    authorize,
    visible_statements_clause,
)
from filet.store.entities import StoredValue, iter_entities, load_entity, values_with_provenance


def load_visible_entity(
    conn: sa.Connection, account: Account, entity_id: str, purpose: str = ""
) -> StatementEntity | None:
    """The entity built from the values ``account`` may read; ``None`` when refused or
    absent, the two being indistinguishable on purpose."""
    if not authorize(conn, account, Action.READ, Resource.entity(entity_id), purpose):
        return None
    return load_entity(conn, entity_id, visible=visible_statements_clause(account))


def visible_values(
    conn: sa.Connection, account: Account, entity_id: str, purpose: str = ""
) -> list[StoredValue]:
    """Each readable value of the entity with its provenance."""
    if not authorize(conn, account, Action.READ, Resource.entity(entity_id), purpose):
        return []
    return values_with_provenance(conn, entity_id, visible=visible_statements_clause(account))


def iter_visible_entities(
    conn: sa.Connection, account: Account, schema: str | None = None, purpose: str = ""
) -> Iterator[StatementEntity]:
    """Every entity ``account`` may read, each with its readable values only."""
    if not authorize(conn, account, Action.READ, Resource.all_entities(), purpose):
        return iter(())
    return iter_entities(conn, schema, visible=visible_statements_clause(account))
