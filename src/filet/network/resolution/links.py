"""Links in the store: one row per scored pair, the status a run gave it, and the
analyst's decisions (audited, undoable). A reader only sees links whose two records they
may read; a cross-compartment match is never decided here but goes to deconfliction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from filet.network.resolution.records import (
    EXACT_FAMILIES,
    SCORED_FAMILIES,
    Candidate,
    Decision,
    Link,
    LinkStatus,
    ResolutionError,
    ResolutionRecord,
    ResolutionThresholds,
    record_of,
    status_of,
)
from filet.security.audit import Actor, Alteration, Combination, track_event
from filet.store.tables import compartment_datasets, resolution_decisions, resolution_links

_DEFAULTS = ResolutionThresholds()


def records_from_store(conn: sa.Connection) -> list[ResolutionRecord]:
    """One record per entity of a resolved family, with the compartments of its datasets.

    Resolution runs over the whole store, as deconfliction needs: who may see a link is
    decided when it is read (``list_links`` takes the reader's filter)."""
    from filet.store.entities import iter_entities

    holders = {
        row.dataset: row.compartment
        for row in conn.execute(
            sa.select(compartment_datasets.c.dataset, compartment_datasets.c.compartment)
        )
    }
    found: list[ResolutionRecord] = []
    for family in (*SCORED_FAMILIES, *EXACT_FAMILIES):
        for entity in iter_entities(conn, schema=family):
            datasets = sorted(entity.datasets)
            held = frozenset(holders[name] for name in datasets if name in holders)
            record = record_of(entity, datasets[0] if datasets else "", held)
            if record is not None and record.family == family:
                found.append(record)
    return found


def store_links(
    conn: sa.Connection,
    candidates: Iterable[Candidate],
    compartments: dict[str, frozenset[str]],
    actor: Actor,
    thresholds: ResolutionThresholds = _DEFAULTS,
) -> dict[LinkStatus, int]:
    """Record the pairs of a run, keeping earlier analyst decisions; audited as one
    combination of datasets. Returns how many links went to each status."""
    now = datetime.now(UTC)
    counts = dict.fromkeys(LinkStatus, 0)
    stored: list[str] = []
    for candidate in candidates:
        status = status_of(candidate, compartments, thresholds)
        counts[status] += 1
        link_id = link_id_of(candidate.entity_a, candidate.entity_b)
        stored.append(link_id)
        values = {
            "probability": candidate.probability,
            "status": status.value,
            "compartments_a": ",".join(sorted(compartments.get(candidate.entity_a, ()))),
            "compartments_b": ",".join(sorted(compartments.get(candidate.entity_b, ()))),
            "updated_at": now,
        }
        known = conn.execute(
            resolution_links.update().where(resolution_links.c.id == link_id).values(**values)
        )
        if not known.rowcount:
            conn.execute(
                resolution_links.insert().values(
                    id=link_id,
                    family=candidate.family,
                    entity_a=candidate.entity_a,
                    entity_b=candidate.entity_b,
                    decision=None,
                    created_at=now,
                    **values,
                )
            )
    event = Combination(
        actor=actor,
        action="resolve.run",
        objects=tuple(stored),
        engine="splink",
        alerts_found=len(stored),
        alerts_new=counts[LinkStatus.ACCEPTED],
    )
    track_event(conn, event)
    return counts


def link_id_of(entity_a: str, entity_b: str) -> str:
    first, second = sorted((entity_a, entity_b))
    return hashlib.sha256(f"{first}\x1f{second}".encode()).hexdigest()[:40]


def list_links(
    conn: sa.Connection,
    status: LinkStatus | None = None,
    undecided_only: bool = False,
    readable: sa.Select[Any] | None = None,
    limit: int | None = None,
) -> list[Link]:
    """Links, most probable first; ``readable`` (a select of entity ids) keeps only
    those whose two entities the reader may see, so a link never discloses a record."""
    query = sa.select(resolution_links).order_by(
        resolution_links.c.probability.desc(), resolution_links.c.id
    )
    if status is not None:
        query = query.where(resolution_links.c.status == status.value)
    if undecided_only:
        query = query.where(
            sa.or_(
                resolution_links.c.decision.is_(None),
                resolution_links.c.decision == Decision.UNDECIDED.value,
            )
        )
    if readable is not None:
        query = query.where(
            resolution_links.c.entity_a.in_(readable), resolution_links.c.entity_b.in_(readable)
        )
    if limit is not None:
        query = query.limit(limit)
    return [_link(row) for row in conn.execute(query).mappings()]


def review_queue(
    conn: sa.Connection, readable: sa.Select[Any] | None = None, limit: int | None = None
) -> list[Link]:
    """Pairs waiting for an analyst: in the review band and not yet decided."""
    return list_links(conn, LinkStatus.REVIEW, True, readable, limit)


def get_link(conn: sa.Connection, link_id: str) -> Link | None:
    matches = list(
        conn.execute(
            sa.select(resolution_links).where(resolution_links.c.id.startswith(link_id))
        ).mappings()
    )
    return _link(matches[0]) if len(matches) == 1 else None


def decide(
    conn: sa.Connection, link_id: str, decision: Decision, actor: Actor, reason: str = ""
) -> Link:
    """Record an analyst's decision on a link (audited); the earlier one is kept for undo.

    A cross-compartment match cannot be decided here: the two cases must deconflict."""
    link = _existing(conn, link_id)
    if link.status is LinkStatus.CROSS_COMPARTMENT:
        raise ResolutionError(
            "paire entre compartiments: passer par la déconfliction / "
            "cross-compartment pair: goes through deconfliction"
        )
    now = datetime.now(UTC)
    conn.execute(
        resolution_decisions.insert().values(
            link_id=link.id,
            decision=decision.value,
            previous=None if link.decision is None else link.decision.value,
            actor=actor.name,
            reason=reason,
            decided_at=now,
            undone_at=None,
        )
    )
    _set_decision(conn, link.id, decision.value, now)
    change = f"{None if link.decision is None else link.decision.value} -> {decision.value}"
    track_event(
        conn,
        Alteration(actor=actor, action="resolve.decide", objects=_objects(link), change=change),
    )
    return _existing(conn, link.id)


def undo(conn: sa.Connection, link_id: str, actor: Actor) -> Link:
    """Take back the last decision still standing on a link (audited)."""
    link = _existing(conn, link_id)
    last = conn.execute(
        sa.select(resolution_decisions)
        .where(
            resolution_decisions.c.link_id == link.id,
            resolution_decisions.c.undone_at.is_(None),
        )
        .order_by(resolution_decisions.c.id.desc())
        .limit(1)
    ).first()
    if last is None:
        raise ResolutionError(f"aucune décision à annuler / no decision to undo on {link.id}")
    now = datetime.now(UTC)
    conn.execute(
        resolution_decisions.update()
        .where(resolution_decisions.c.id == last.id)
        .values(undone_at=now)
    )
    _set_decision(conn, link.id, last.previous, now)
    change = f"undo {last.decision} -> {last.previous}"
    track_event(
        conn, Alteration(actor=actor, action="resolve.undo", objects=_objects(link), change=change)
    )
    return _existing(conn, link.id)


def cross_compartment_pairs(
    conn: sa.Connection, min_probability: float = 0.0
) -> list[tuple[str, str, float]]:
    """(entity_a, entity_b, probability) of every match whose records sit in two
    compartments: what deconfliction turns into notices. Nothing here was merged."""
    query = (
        sa.select(
            resolution_links.c.entity_a,
            resolution_links.c.entity_b,
            resolution_links.c.probability,
        )
        .where(
            resolution_links.c.status == LinkStatus.CROSS_COMPARTMENT.value,
            resolution_links.c.probability >= min_probability,
        )
        .order_by(resolution_links.c.probability.desc(), resolution_links.c.id)
    )
    return [(row.entity_a, row.entity_b, float(row.probability)) for row in conn.execute(query)]


def _existing(conn: sa.Connection, link_id: str) -> Link:
    link = get_link(conn, link_id)
    if link is None:
        raise ResolutionError(f"lien inconnu ou ambigu / unknown or ambiguous link: {link_id}")
    return link


def _set_decision(conn: sa.Connection, link_id: str, value: str | None, now: datetime) -> None:
    conn.execute(
        resolution_links.update()
        .where(resolution_links.c.id == link_id)
        .values(decision=value, updated_at=now)
    )


def _objects(link: Link) -> tuple[str, ...]:
    return (link.id, link.entity_a, link.entity_b)


def _link(row: Any) -> Link:
    return Link(
        id=row["id"],
        family=row["family"],
        entity_a=row["entity_a"],
        entity_b=row["entity_b"],
        probability=float(row["probability"]),
        status=LinkStatus(row["status"]),
        decision=None if row["decision"] is None else Decision(row["decision"]),
        compartments_a=tuple(filter(None, row["compartments_a"].split(","))),
        compartments_b=tuple(filter(None, row["compartments_b"].split(","))),
    )
