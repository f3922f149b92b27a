"""Keeping alerts in the application database and triaging them.

Each alert is stored with its sources (``alert_sources``): the dataset of every file its
evidence rows were read from, and the subject entities it names. The access policy reads
them to decide who may see an alert (``filet.security.policy.visible_alerts_clause``);
readers pass that condition as ``visible``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import PurePath

import sqlalchemy as sa

from filet.alerts.alert import Alert, TriageStatus
from filet.security.policy import SOURCE_DATASET, SOURCE_ENTITY, SOURCE_UNKNOWN_FILE
from filet.store.db import insert_ignoring_duplicates
from filet.store.tables import alert_sources, alerts, ingest_files


def save_alerts(conn: sa.Connection, found: Iterable[Alert]) -> int:
    """Store new alerts, and the sources of every one; an alert already stored (same id)
    keeps its triage status.

    Returns the number of alerts that were new.
    """
    now = datetime.now(UTC)
    by_id = {alert.id: alert for alert in found}
    rows = [
        {
            "id": alert_id,
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
        for alert_id, alert in by_id.items()
    ]
    if not rows:
        return 0
    known = set(conn.scalars(sa.select(alerts.c.id).where(alerts.c.id.in_(list(by_id)))))
    conn.execute(insert_ignoring_duplicates(conn, alerts), rows)
    sources = _source_rows(conn, by_id)
    if sources:
        conn.execute(insert_ignoring_duplicates(conn, alert_sources), sources)
    return len(set(by_id) - known)


def _source_rows(conn: sa.Connection, by_id: dict[str, Alert]) -> list[dict[str, str]]:
    """Evidence rows name their file as the ingest did (its base name): every dataset a
    file of that name went into is a source, so a name shared by two files never opens
    one dataset's findings to the other's readers."""
    datasets: dict[str, set[str]] = defaultdict(set)
    for path, provenance in conn.execute(sa.select(ingest_files.c.path, ingest_files.c.provenance)):
        datasets[PurePath(path).name].add(provenance["dataset"])
    sources: set[tuple[str, str, str]] = set()
    for alert_id, alert in by_id.items():
        for evidence in alert.evidence:
            name = str(evidence.key.get("source_file", ""))
            found = datasets.get(name)
            if not found:
                sources.add((alert_id, SOURCE_UNKNOWN_FILE, name[:256]))
            sources.update((alert_id, SOURCE_DATASET, dataset) for dataset in found or ())
        sources.update(
            (alert_id, SOURCE_ENTITY, subject.entity_id)
            for subject in alert.subjects
            if subject.entity_id
        )
    return [{"alert_id": a, "kind": k, "ref": r} for a, k, r in sorted(sources)]


def list_alerts(
    conn: sa.Connection,
    detector_id: str | None = None,
    status: TriageStatus | None = None,
    min_score: float = 0.0,
    limit: int | None = None,
    visible: sa.ColumnElement[bool] | None = None,
) -> list[Alert]:
    """Alerts by decreasing score, then time; only those matching ``visible`` (a row
    filter such as the access policy's) when it is given."""
    query = sa.select(alerts.c.body, alerts.c.status).where(alerts.c.score >= min_score)
    if detector_id is not None:
        query = query.where(alerts.c.detector_id == detector_id)
    if status is not None:
        query = query.where(alerts.c.status == status.value)
    if visible is not None:
        query = query.where(visible)
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


def matching_ids(
    conn: sa.Connection, prefix: str, visible: sa.ColumnElement[bool] | None = None
) -> list[str]:
    """Alert ids starting with ``prefix`` (at most two: enough to tell if it is unique),
    among those matching ``visible`` when it is given."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = sa.select(alerts.c.id).where(alerts.c.id.like(f"{escaped}%", escape="\\")).limit(2)
    if visible is not None:
        query = query.where(visible)
    return list(conn.scalars(query))
