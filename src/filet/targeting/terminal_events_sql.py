"""What the container release rules share: terminal events made comparable, the
latest event of a kind in a pick-up's visit, and how an alert cites the events.

Parties and hauliers are compared in upper case without surrounding spaces, as
terminals and forwarders type them differently (``Transports Martin``, ``TRANSPORTS
MARTIN ``); times as integer microseconds, exact on DuckDB and Spark alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from filet.alerts import Evidence, Subject
from filet.engine import Dialect

MICROSECONDS_PER_MINUTE = 60_000_000
TABLE = "terminal_events"
EVENT_COLUMNS = (
    "container", "ts", "event", "terminal", "party", "haulier", "truck_plate", "pin_digest",
    "seal", "consignment_id", "source_file", "source_line",
)  # fmt: skip
# The columns of ``release_events``: the table's, the time in microseconds, the keys.
NORMALIZED_COLUMNS = (*EVENT_COLUMNS, "t_us", "party_key", "haulier_key")


def normalized_events(dialect: Dialect) -> str:
    """Every terminal event with ``t_us`` and the comparison keys of party and haulier."""
    return f"""
        SELECT {", ".join(EVENT_COLUMNS)}, {dialect.epoch_microseconds("ts")} AS t_us,
            NULLIF(UPPER(TRIM(party)), '') AS party_key,
            NULLIF(UPPER(TRIM(haulier)), '') AS haulier_key
        FROM {TABLE}
    """


def latest_in_visit(event: str, same_pin: bool = False) -> str:
    """For each pick-up (``release_pickups``), the latest ``event`` of its container in
    its visit, at a compatible terminal (either unknown, or the same); with
    ``same_pin``, only an event carrying the digest of the PIN presented."""
    pin = "AND e.pin_digest = g.pin_digest" if same_pin else ""
    return f"""
        SELECT * FROM (
            SELECT g.source_file AS g_file, g.source_line AS g_line, e.*,
                ROW_NUMBER() OVER (
                    PARTITION BY g.source_file, g.source_line
                    ORDER BY e.t_us DESC, e.source_file DESC, e.source_line DESC
                ) AS rank_in_visit
            FROM release_pickups g
            JOIN release_events e ON e.container = g.container AND e.event = '{event}'
                AND e.t_us > g.visit_us AND e.t_us <= g.t_us
                AND (e.terminal IS NULL OR g.terminal IS NULL OR e.terminal = g.terminal)
                {pin}
        ) ranked
        WHERE rank_in_visit = 1
    """


def evidence(
    row: dict[str, Any], prefixes: tuple[str, ...] = ("r", "p", "d")
) -> tuple[Evidence, ...]:
    """The pick-up's own line first, then the release, PIN and discharge lines it was
    set against, each once: the terminal log opens where it happened."""
    refs = [(row["source_file"], row["source_line"])]
    for prefix in prefixes:
        if row[f"{prefix}_file"] is not None:
            refs.append((row[f"{prefix}_file"], row[f"{prefix}_line"]))
    return tuple(
        Evidence(TABLE, {"source_file": file, "source_line": int(line)})
        for file, line in dict.fromkeys(refs)
    )


def subjects(row: dict[str, Any]) -> tuple[Subject, ...]:
    """The container, then whoever came for it, as the terminal wrote them."""
    found = [Subject("container", row["container"])]
    for kind in ("haulier", "truck_plate", "party"):
        if row[kind]:
            found.append(Subject(kind, row[kind]))
    return tuple(found)


def moment(ts: datetime) -> str:
    """A time as alerts write it: ``2024-03-05 14:02 UTC``."""
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
