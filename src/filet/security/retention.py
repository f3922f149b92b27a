"""Retention: each data category is kept for its purpose and no longer.

The table (``retention.yaml``, or the file named by the ``retention_policy`` setting)
gives every category its purpose, period and legal basis. ``purge`` erases the
statements past their period, re-indexes what remains of each entity for search, and
records one erasure per category in the audit log, in the same transaction, naming
the entities touched but none of the values erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from filet import settings
from filet.search.index import index_entities
from filet.security.audit import Actor, Erasure, track_event
from filet.store.entities import load_entity
from filet.store.tables import entities, search_identifiers, search_names, search_tokens, statements

BUILT_IN = Path(__file__).with_name("retention.yaml")
_FIELDS = ("category", "purpose", "datasets", "retention_days", "legal_basis")


class RetentionError(ValueError):
    """A retention table that cannot be read: says which file, entry and field."""


@dataclass(frozen=True)
class Rule:
    category: str
    purpose: str
    datasets: tuple[str, ...]
    retention_days: int
    legal_basis: str

    def covers(self, dataset: str) -> bool:
        return any(fnmatch(dataset, pattern) for pattern in self.datasets)


@dataclass(frozen=True)
class Purge:
    """What a category lost (or would lose, in a dry run)."""

    rule: Rule
    cutoff: datetime
    statements: int
    entity_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.rule.category,
            "legal_basis": self.rule.legal_basis,
            "cutoff": self.cutoff.isoformat(),
            "statements": self.statements,
            "entities": len(self.entity_ids),
        }


def load_rules(path: Path | None = None) -> list[Rule]:
    """The retention table at ``path``, else the ``retention_policy`` setting's, else
    the built-in one."""
    path = path or Path(settings.get("retention_policy") or BUILT_IN)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RetentionError(f"{path}: {error}") from error
    if not isinstance(entries, list):
        raise RetentionError(f"{path}: une liste de catégories attendue / expected a list")
    return [_rule(path, number, entry) for number, entry in enumerate(entries, start=1)]


def _rule(path: Path, number: int, entry: Any) -> Rule:
    where = f"{path}: catégorie / category {number}"
    if not isinstance(entry, dict):
        raise RetentionError(f"{where}: un objet attendu / expected a mapping")
    missing = [name for name in _FIELDS if name not in entry]
    if missing:
        raise RetentionError(f"{where}: champ manquant / missing field {missing[0]!r}")
    days, datasets = entry["retention_days"], entry["datasets"]
    if not isinstance(days, int) or days <= 0:
        raise RetentionError(f"{where}: retention_days doit être > 0 / must be a positive int")
    if not isinstance(datasets, list) or not datasets:
        raise RetentionError(f"{where}: datasets doit être une liste / must be a list")
    return Rule(
        str(entry["category"]),
        str(entry["purpose"]),
        tuple(map(str, datasets)),
        days,
        str(entry["legal_basis"]),
    )


def uncovered_datasets(conn: sa.Connection, rules: list[Rule]) -> list[str]:
    """Datasets that no category covers: they are kept until someone classifies them."""
    known = conn.scalars(sa.select(statements.c.dataset).distinct().order_by(statements.c.dataset))
    return [name for name in known if not any(rule.covers(name) for rule in rules)]


def purge(
    conn: sa.Connection, rules: list[Rule], actor: Actor, dry_run: bool, now: datetime
) -> list[Purge]:
    """Erase (unless ``dry_run``) every statement past its category's period, inside
    the caller's transaction, with one audit entry per category that lost data."""
    datasets = list(conn.scalars(sa.select(statements.c.dataset).distinct()))
    done = []
    for rule in rules:
        covered = [name for name in datasets if rule.covers(name)]
        cutoff = now - timedelta(days=rule.retention_days)
        when = sa.func.coalesce(statements.c.collected_at, statements.c.stored_at)
        expired = sa.and_(statements.c.dataset.in_(covered), when < cutoff)
        rows = conn.execute(sa.select(statements.c.entity_id).where(expired)).all()
        if not rows:
            continue
        entity_ids = tuple(sorted({row.entity_id for row in rows}))
        done.append(Purge(rule, cutoff, len(rows), entity_ids))
        if not dry_run:
            conn.execute(statements.delete().where(expired))
            _reindex(conn, entity_ids)
            track_event(conn, _erasure(actor, done[-1]))
    return done


def _erasure(actor: Actor, done: Purge) -> Erasure:
    return Erasure(
        actor=actor,
        action="retention",
        objects=done.entity_ids,
        data_category=done.rule.category,
        legal_basis=done.rule.legal_basis,
        erased=done.statements,
    )


def _reindex(conn: sa.Connection, entity_ids: tuple[str, ...]) -> None:
    """Search rows are derived from the statements: rebuild them from what is left, and
    drop the entities left with no statement at all."""
    for table in (search_names, search_tokens, search_identifiers):
        conn.execute(table.delete().where(table.c.entity_id.in_(entity_ids)))
    remaining = [load_entity(conn, entity_id) for entity_id in entity_ids]
    index_entities(conn, [proxy for proxy in remaining if proxy is not None])
    gone = [eid for eid, proxy in zip(entity_ids, remaining, strict=True) if proxy is None]
    if gone:
        conn.execute(entities.delete().where(entities.c.id.in_(gone)))
