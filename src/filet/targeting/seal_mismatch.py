"""Seals read at the terminal that the manifest never declared: rip-on/rip-off.

In a rip-on/rip-off the box is opened on the way or at the terminal, the drugs put in
or taken out, and a new or cloned seal fitted; the seal number then differs from the
ones the carrier declared (Europol, *Criminal networks in EU ports*, 2023: "compare
seal numbers with the bill of lading and the ENS"). Each seal the terminal recorded
(``terminal_events.seal``) is compared with the seals of the container's entry summary
declarations (``manifests.seals``, ';'-separated) filed at most
``max_manifest_age_days`` before, and of the same consignment when the event names
one. Seal numbers are compared in capitals without spaces or dashes (``ML-123 456`` is
``ML123456``). A seal read after an ``inspection`` of the container (customs opened and
resealed it) is not judged, nor a container whose manifests declare no seal.

One alert per container and undeclared seal, citing the terminal lines that read it
and the manifest lines it was compared with. It runs where both tables hold data; with
no manifest there is nothing to compare, and no alert.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.targeting.terminal_events_sql import MICROSECONDS_PER_MINUTE, TABLE, moment

DETECTOR_ID = "targeting.seal_mismatch"
VERSION = "1"
_ANALYST = "Décision d'analyse Filet, 2026-12-07 / analyst decision"


@dataclass(frozen=True)
class SealThresholds(Thresholds):
    max_manifest_age_days: int = threshold(
        60,
        unit="days",
        source=(
            f"{_ANALYST}: the ENS is filed at least 24 h before loading for deep-sea "
            "containers (Regulation (EU) 2015/2446, art. 106); a South American voyage "
            "takes two to four weeks and the import stay a week more: 60 days covers "
            "the voyage without reaching the box's previous trip"
        ),
        help=(
            "Ancienneté maximale d'un manifeste comparé à un scellé lu au terminal. / "
            "Oldest manifest a seal read at the terminal is compared with."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_manifest_age_days < 1:
            raise ValueError(
                f"max_manifest_age_days must be >= 1, not {self.max_manifest_age_days}"
            )


def _seal_key(column: str) -> str:
    """A seal number (or a ';'-separated list) in capitals, spaces and dashes dropped."""
    return f"UPPER(REPLACE(REPLACE({column}, ' ', ''), '-', ''))"


def steps(thresholds: SealThresholds, dialect: Dialect) -> list[Step]:
    """Seals read, each paired with the manifests it may belong to, then those that
    match none and were not read after an inspection."""
    age = thresholds.max_manifest_age_days * 1440 * MICROSECONDS_PER_MINUTE
    observed = f"""
        SELECT container, ts, event, terminal, seal, consignment_id, source_file,
            source_line, {dialect.epoch_microseconds("ts")} AS t_us, {_seal_key("seal")} AS seal_key
        FROM {TABLE}
        WHERE seal IS NOT NULL AND TRIM(seal) <> ''
    """
    declared = f"""
        SELECT container, consignment_id, seals, source_file, source_line,
            {dialect.epoch_microseconds("ts")} AS m_us,
            ';' || {_seal_key("seals")} || ';' AS seals_key
        FROM manifests
        WHERE seals IS NOT NULL AND TRIM(seals) <> ''
    """
    pairs = f"""
        SELECT o.*, m.consignment_id AS m_consignment, m.seals AS m_seals,
            m.source_file AS m_file, m.source_line AS m_line, m.m_us,
            CASE WHEN instr(m.seals_key, ';' || o.seal_key || ';') > 0 THEN 1 ELSE 0 END AS matched
        FROM seal_observed o
        JOIN seal_declared m ON m.container = o.container
            AND (o.consignment_id IS NULL OR m.consignment_id = o.consignment_id)
            AND m.m_us <= o.t_us AND m.m_us >= o.t_us - {age}
    """
    verdict = """
        SELECT v.source_file, v.source_line, v.any_match, COUNT(i.source_line) AS inspections
        FROM (
            SELECT source_file, source_line, container, t_us, MAX(matched) AS any_match,
                MAX(m_us) AS manifest_us
            FROM seal_pairs GROUP BY source_file, source_line, container, t_us
        ) v
        LEFT JOIN seal_inspections i ON i.container = v.container
            AND i.t_us >= v.manifest_us AND i.t_us <= v.t_us
        GROUP BY v.source_file, v.source_line, v.any_match
    """
    inspected = f"""
        SELECT container, {dialect.epoch_microseconds("ts")} AS t_us, source_line
        FROM {TABLE} WHERE event = 'inspection'
    """
    flagged = """
        SELECT p.* FROM seal_pairs p
        JOIN seal_verdict v ON v.source_file = p.source_file AND v.source_line = p.source_line
        WHERE v.any_match = 0 AND v.inspections = 0
        ORDER BY p.container, p.seal_key, p.ts, p.source_file, p.source_line, p.m_file, p.m_line
    """
    return [
        Step(observed, "seal_observed"),
        Step(declared, "seal_declared"),
        Step(pairs, "seal_pairs"),
        Step(inspected, "seal_inspections"),
        Step(verdict, "seal_verdict"),
        Step(flagged, "seal_flagged"),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: SealThresholds) -> list[Alert]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["container"], row["seal_key"])].append(row)
    return [_alert(found, thresholds) for found in grouped.values()]


def _alert(rows: list[dict[str, Any]], thresholds: SealThresholds) -> Alert:
    readings = _distinct(rows, "ts", "event", "source_file", "source_line")
    manifests = _distinct(rows, "m_consignment", "m_seals", "m_file", "m_line")
    seen = ", ".join(f"{event} {moment(ts)}" for ts, event, _, _ in readings)
    box, seal, days = rows[0]["container"], rows[0]["seal"], thresholds.max_manifest_age_days
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("container", box), Subject("seal", rows[0]["seal_key"])),
        start=min(ts for ts, _, _, _ in readings),
        end=max(ts for ts, _, _, _ in readings),
        score=round(len(readings) / (len(readings) + 1), 3),
        reason_fr=(
            f"{box} : scellé {seal} lu au terminal ({seen}), absent des scellés déclarés "
            f"({_declared(manifests, ' : ')}) dans les manifestes des {days} jours "
            "précédents, sans visite entre-temps (rip-on/rip-off ?)."
        ),
        reason_en=(
            f"{box}: seal {seal} read at the terminal ({seen}), not among the declared seals "
            f"({_declared(manifests, ': ')}) of the manifests of the previous {days} days, "
            "with no inspection since (rip-on/rip-off?)."
        ),
        evidence=_evidence(TABLE, readings) + _evidence("manifests", manifests),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _distinct(rows: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    """The rows' values of ``columns``, each combination once, in order."""
    return list(dict.fromkeys(tuple(row[column] for column in columns) for row in rows))


def _declared(manifests: list[tuple[Any, ...]], colon: str) -> str:
    """``BL-1 : ML123; ML124`` per manifest, French or English punctuation."""
    return "; ".join(f"{consignment}{colon}{seals}" for consignment, seals, _, _ in manifests)


def _evidence(table: str, found: list[tuple[Any, ...]]) -> tuple[Evidence, ...]:
    """The lines, by file and line (the last two values of each item)."""
    return tuple(
        Evidence(table, {"source_file": item[-2], "source_line": int(item[-1])}) for item in found
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Scellés non déclarés",
        title_en="Seal mismatch",
        inputs=(TABLE, "manifests"),
        thresholds=SealThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
