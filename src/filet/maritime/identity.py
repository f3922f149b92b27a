"""Identity changes: an MMSI that takes a new name, call sign or IMO; an IMO under a new MMSI.

A vessel that changes name, call sign or flag (a new flag means a new MMSI) between two
voyages leaves its history behind; traffickers rename and reflag hulls to shed a record.
The IMO number stays with the hull for life (SOLAS XI-1/3), so one IMO seen under a new
MMSI is a reflagging, or a second ship copying the number. GFW tracks the same changes
(``gfw-api-python-client`` #57 asks for flag changes in vessel info).

Static reports come from AIS messages 5 and 24 (``ais_static``). A message can arrive
garbled or with a part missing (pyais #37, #160), so a new value counts only once it is
reported ``min_confirming_reports`` times in a row; a one-off value in between is ignored
and the value before it compared with the next confirmed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.model.identifiers import mmsi as mmsi_ids

DETECTOR_ID = "maritime.identity_change"
VERSION = "1"
# A change alone proves nothing (ships are sold and renamed lawfully): half way, for the
# analyst to weigh with the vessel's other alerts.
SCORE = 0.5
# (key kind, key column, field, value column): what may change under which identifier.
_TRACKED = (
    ("mmsi", "mmsi", "name", "upper(trim(name))"),
    ("mmsi", "mmsi", "call_sign", "upper(trim(call_sign))"),
    ("mmsi", "mmsi", "imo", "trim(imo)"),
    ("imo", "trim(imo)", "mmsi", "mmsi"),
)
_FIELD_NAMES = {
    "name": ("le nom", "name"),
    "call_sign": ("l'indicatif d'appel", "call sign"),
    "imo": ("le numéro IMO", "IMO number"),
    "mmsi": ("le MMSI", "MMSI"),
}


@dataclass(frozen=True)
class IdentityThresholds(Thresholds):
    min_confirming_reports: int = threshold(
        2,
        unit="reports",
        source=(
            "Filet: one type 5 message can be garbled or lose a part (pyais issues #37, "
            "#160); a second identical report confirms the value"
        ),
        help=(
            "Nombre de messages statiques consécutifs qui confirment une nouvelle valeur. "
            "/ Consecutive static reports that confirm a new value."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_confirming_reports < 1:
            raise ValueError("min_confirming_reports must be at least 1")


def steps(thresholds: IdentityThresholds, dialect: Dialect) -> list[Step]:
    """Runs of equal values per identifier and field; confirmed runs that differ."""
    values = "\nUNION ALL\n".join(
        f"""SELECT '{kind}' AS key_kind, {key} AS key, '{field}' AS field, {value} AS value,
            ts, source_file, source_line
        FROM ais_static
        WHERE {key} IS NOT NULL AND {key} <> '' AND {value} IS NOT NULL AND {value} <> ''"""
        for kind, key, field, value in _TRACKED
    )
    series = "PARTITION BY key_kind, key, field"
    # The number and the previous value share one window (one sort of the reports).
    in_order = f"OVER ({series} ORDER BY ts, source_file, source_line)"
    flagged = f"""
        SELECT *, SUM(CASE WHEN value = previous THEN 0 ELSE 1 END) OVER (
            {series} ORDER BY seq ROWS UNBOUNDED PRECEDING) AS run_id
        FROM (
            SELECT *, ROW_NUMBER() {in_order} AS seq, LAG(value) {in_order} AS previous
            FROM identity_values
        ) AS numbered
    """
    runs = f"""
        SELECT key_kind, key, field, MIN(value) AS value, MIN(seq) AS first_seq,
            MIN(ts) AS first_ts, MAX(ts) AS last_ts,
            ARG_MIN(source_file, seq) AS first_file, ARG_MIN(source_line, seq) AS first_line,
            ARG_MAX(source_file, seq) AS last_file, ARG_MAX(source_line, seq) AS last_line
        FROM identity_flagged
        GROUP BY key_kind, key, field, run_id
        HAVING COUNT(*) >= {thresholds.min_confirming_reports}
    """
    window = f"OVER ({series} ORDER BY first_seq)"
    changes = f"""
        SELECT * FROM (
            SELECT key_kind, key, field, value AS new_value, first_ts AS new_ts,
                first_file AS new_file, first_line AS new_line,
                LAG(value) {window} AS old_value, LAG(last_ts) {window} AS old_ts,
                LAG(last_file) {window} AS old_file, LAG(last_line) {window} AS old_line
            FROM identity_runs
        ) AS paired
        WHERE old_value IS NOT NULL AND old_value <> new_value
        ORDER BY key_kind, key, field, new_ts
    """
    return [
        Step(values, "identity_values"),
        Step(flagged, "identity_flagged"),
        Step(runs, "identity_runs"),
        Step(changes, "identity_changes"),
    ]


def to_alerts(rows: list[dict[str, Any]], thresholds: IdentityThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: IdentityThresholds) -> Alert:
    kind, key, old, new = row["key_kind"], row["key"], row["old_value"], row["new_value"]
    what_fr, what_en = _FIELD_NAMES[row["field"]]
    when = f"{row['old_ts']:%Y-%m-%d %H:%M} → {row['new_ts']:%Y-%m-%d %H:%M} UTC"
    subjects = [Subject(kind, key)]
    flags_fr = flags_en = ""
    if row["field"] == "mmsi":
        subjects += [Subject("mmsi", old), Subject("mmsi", new)]
        flags = [_flag(old), _flag(new)]
        if flags[0] != flags[1]:
            flags_fr = f", pavillon {flags[0]} → {flags[1]}"
            flags_en = f", flag {flags[0]} → {flags[1]}"
    label = f"{kind.upper()} {key}"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=tuple(subjects),
        start=row["old_ts"],
        end=row["new_ts"],
        score=SCORE,
        reason_fr=f"Changement d'identité : {label}, {what_fr} « {old} » devient « {new} » "
        f"({when}{flags_fr}).",
        reason_en=f"Identity change: {label}, {what_en} {old!r} becomes {new!r} "
        f"({when}{flags_en}).",
        evidence=(
            Evidence(
                "ais_static", {"source_file": row["old_file"], "source_line": row["old_line"]}
            ),
            Evidence(
                "ais_static", {"source_file": row["new_file"], "source_line": row["new_line"]}
            ),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _flag(mmsi: str) -> str:
    try:
        return (mmsi_ids.flag_country(mmsi) or "?").upper()
    except ValueError:
        return "?"


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="Changement d'identité",
        title_en="Identity change",
        inputs=("ais_static",),
        thresholds=IdentityThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
