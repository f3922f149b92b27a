"""Keeping alerts in the application database and triaging them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from filet.alerts.alert import Alert, TriageStatus
from filet.store.db import insert_ignoring_duplicates
from filet.store.tables import alerts


def save_alerts(conn: sa.Connection, found: Iterable[Alert]) -> int:
    """Store new alerts; one already stored (same id) keeps its triage status.

    Returns the number of alerts that were new.
    """
    now = datetime.now(UTC)
    rows = {
        alert.id: {
            "id": alert.id,
            "detector_id": alert.detector_id,
            "detector_version": alert.detector_version,
            "score": alert.score,
            "start": alert.start,
            "end": alert.end,
            "status": alert.status.value,
            "body": alert.to_dict(),
            "created_at": now,
            "updated_at": now,
        }
        for alert in found
    }
    if not rows:
        return 0
    known = set(conn.scalars(sa.select(alerts.c.id).where(alerts.c.id.in_(list(rows)))))
    conn.execute(insert_ignoring_duplicates(conn, alerts), list(rows.values()))
    return len(set(rows) - known)


def list_alerts(
    conn: sa.Connection,
    detector_id: str | None = None,
    status: TriageStatus | None = None,
    min_score: float = 0.0,
    limit: int | None = None,
) -> list[Alert]:
    """Alerts by decreasing score, then time."""
    query = sa.select(alerts.c.body, alerts.c.status).where(alerts.c.score >= min_score)
    if detector_id is not None:
        query = query.where(alerts.c.detector_id == detector_id)
    if status is not None:
        query = query.where(alerts.c.status == status.value)
    query = query.order_by(alerts.c.score.desc(), alerts.c.start, alerts.c.id).limit(limit)
    found = []
    for body, current in conn.execute(query):
        found.append(Alert.from_dict({**body, "status": current}))
    return found


def set_status(conn: sa.Connection, alert_id: str, status: TriageStatus) -> bool:
    """Triage one alert; False when no alert has that id."""
    result = conn.execute(
        alerts.update()
        .where(alerts.c.id == alert_id)
        .values(status=status.value, updated_at=datetime.now(UTC))
    )
    return result.rowcount == 1


def matching_ids(conn: sa.Connection, prefix: str) -> list[str]:
    """Alert ids starting with ``prefix`` (at most two: enough to tell if it is unique)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = sa.select(alerts.c.id).where(alerts.c.id.like(f"{escaped}%", escape="\\")).limit(2)
    return list(conn.scalars(query))
