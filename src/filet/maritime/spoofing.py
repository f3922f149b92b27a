"""Spoofed or shared MMSIs: positions no ship could link, numbers no state allocated.

Two transmitters using one MMSI (a cloned or made-up number) interleave two tracks, so
the MMSI keeps jumping between places no ship could link at sea speed; the ``416000000``
sample shows 146 such jumps in a month. One bad fix makes two jumps (out and back), so
an alert needs more. An MMSI whose Maritime Identification Digits are allocated to no
administration (ITU-R M.585) is made up or mistyped: either way the vessel cannot be
identified by it.

A jump is a pair of consecutive positions further apart than the segmenter of Global
Fishing Watch would link. Over ``t`` minutes the distance allowed is
``max_speed_knots × (1 + max_speed_multiplier / (t + 1) ** max_speed_exponent) ×
(t + 1) / 60`` nautical miles: GFW's defaults, with the tolerance GFW gives short
intervals (where position noise dominates) written as Filet's expression, the extra
minute covering reports stamped the same second. That is 8 nm at 0 min, 9 nm at 10 min,
33 nm at 1 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.model.identifiers import mmsi as mmsi_ids

DETECTOR_ID = "maritime.spoofing"
VERSION = "1"
_US_PER_MINUTE = 60_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEGMENTER = "pipe-segment @b72a869 cli/commands/segment.py"
# AIS-SART, man-overboard and EPIRB devices (970, 972, 974) carry no MID by design.
_DEVICES_WITHOUT_MID = ("970", "972", "974")


@dataclass(frozen=True)
class SpoofingThresholds(Thresholds):
    max_speed_knots: float = threshold(
        30.0,
        unit="kn",
        source=f"{_SEGMENTER}, max_speed 30",
        help="Vitesse au-delà de laquelle deux positions ne se suivent pas. / "
        "Speed beyond which two positions cannot follow each other.",
    )
    max_speed_multiplier: float = threshold(
        15.0,
        unit="",
        source=f"{_SEGMENTER}, max_speed_multiplier 15",
        help="Tolérance des intervalles courts (bruit de position). / "
        "Tolerance for short intervals (position noise).",
    )
    max_speed_exponent: float = threshold(
        1.3,
        unit="",
        source=f"{_SEGMENTER}, max_speed_exponent 1.3",
        help="Décroissance de cette tolérance avec le temps. / How fast that tolerance decays.",
    )
    min_jumps: int = threshold(
        3,
        unit="jumps",
        source=(
            "Filet: one bad fix makes two jumps, out and back, which the GFW segmenter "
            "treats as noise; three or more mean two transmitters (gpsdio-segment "
            "@8109193 tests/data/416000000.json: 146 jumps over 30 kn)"
        ),
        help="Nombre minimal de sauts impossibles pour un MMSI. / "
        "Fewest impossible jumps for one MMSI.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_speed_knots <= 0 or self.min_jumps < 1:
            raise ValueError("max_speed_knots must be positive and min_jumps at least 1")


def steps(thresholds: SpoofingThresholds, dialect: Dialect) -> list[Step]:
    """Flag jumps, then one row per MMSI: counts, its first position, its first jump."""
    order = "ORDER BY ts, source_file, source_line"
    window = f"OVER (PARTITION BY mmsi {order})"
    epoch = dialect.epoch_microseconds("ts")
    distance = dialect.distance_m("lat", "lon", "next_lat", "next_lon")
    minutes_plus_one = f"((next_us - ts_us) / {_US_PER_MINUTE} + 1)"
    allowed_nm = (
        f"{thresholds.max_speed_knots} * (1 + {thresholds.max_speed_multiplier} / "
        f"power({minutes_plus_one}, {thresholds.max_speed_exponent})) * {minutes_plus_one} / 60"
    )
    pairs = f"""
        SELECT *, {distance} / {METRES_PER_NAUTICAL_MILE} AS distance_nm,
            {distance} / {METRES_PER_NAUTICAL_MILE} > {allowed_nm} AS is_jump
        FROM (
            SELECT mmsi, lat, lon, source_file, source_line, {epoch} AS ts_us,
                ROW_NUMBER() {window} AS position_rank,
                LEAD({epoch}) {window} AS next_us,
                LEAD(lat) {window} AS next_lat, LEAD(lon) {window} AS next_lon,
                LEAD(source_file) {window} AS next_file, LEAD(source_line) {window} AS next_line
            FROM ais_positions
        ) AS consecutive
    """
    # The pairs are read three times, through one CTE: DuckDB then computes their
    # window over every position once, where three reads of a view plan it three times.
    summary = """
        WITH pairs AS (SELECT * FROM spoofing_pairs),
        first_jumps AS (
            SELECT * FROM (
                SELECT mmsi, ts_us AS jump_us, distance_nm AS jump_nm, next_us AS jump_end_us,
                    source_file AS jump_file, source_line AS jump_line,
                    next_file AS jump_next_file, next_line AS jump_next_line,
                    ROW_NUMBER() OVER (PARTITION BY mmsi ORDER BY position_rank) AS jump_rank
                FROM pairs WHERE is_jump
            ) AS ranked
            WHERE jump_rank = 1
        )
        SELECT s.*, f.source_file AS first_file, f.source_line AS first_line,
            j.jump_us, j.jump_end_us, ROUND(j.jump_nm, 1) AS jump_nm, j.jump_file,
            j.jump_line, j.jump_next_file, j.jump_next_line
        FROM (
            SELECT mmsi, COUNT(*) AS positions, MIN(ts_us) AS start_us, MAX(ts_us) AS end_us,
                CAST(SUM(CASE WHEN is_jump THEN 1 ELSE 0 END) AS BIGINT) AS jumps
            FROM pairs GROUP BY mmsi
        ) AS s
        JOIN pairs AS f ON f.mmsi = s.mmsi AND f.position_rank = 1
        LEFT JOIN first_jumps AS j ON j.mmsi = s.mmsi
        ORDER BY s.mmsi
    """
    return [Step(pairs, "spoofing_pairs"), Step(summary, "spoofing_mmsis")]


def mid_problem(mmsi: str) -> tuple[str, str] | None:
    """Why the MMSI names no flag (French, English), or None when its MID is allocated."""
    try:
        digits = mmsi_ids.normalize(mmsi)
    except ValueError:
        return ("n'a pas la forme d'un MMSI (9 chiffres)", "is not shaped like an MMSI (9 digits)")
    if digits.startswith(_DEVICES_WITHOUT_MID) or mmsi_ids.flag_country(digits) is not None:
        return None
    return (
        "a un préfixe MID attribué à aucun État (UIT-R M.585)",
        "has a MID prefix allocated to no administration (ITU-R M.585)",
    )


def to_alerts(rows: list[dict[str, Any]], thresholds: SpoofingThresholds) -> list[Alert]:
    alerts = []
    for row in rows:
        problem = mid_problem(row["mmsi"])
        if problem is not None or row["jumps"] >= thresholds.min_jumps:
            alerts.append(_alert(row, thresholds, problem))
    return alerts


def score(jumps: int, min_jumps: int, bad_mid: bool) -> float:
    """0.5 for a bad MID alone (a typo looks the same); jumps: 0.5 at the threshold, up."""
    jump_score = 1 - 2 ** (-jumps / min_jumps) if jumps >= min_jumps else 0.0
    return round(max(jump_score, 0.5 if bad_mid else 0.0), 3)


def _alert(
    row: dict[str, Any], thresholds: SpoofingThresholds, problem: tuple[str, str] | None
) -> Alert:
    mmsi, jumps = row["mmsi"], row["jumps"]
    fr, en = [], []
    evidence = [
        Evidence(
            "ais_positions", {"source_file": row["first_file"], "source_line": row["first_line"]}
        )
    ]
    if problem is not None:
        fr.append(f"le MMSI {mmsi} {problem[0]}")
        en.append(f"MMSI {mmsi} {problem[1]}")
    if jumps >= thresholds.min_jumps:
        minutes = (row["jump_end_us"] - row["jump_us"]) / _US_PER_MINUTE
        fr.append(
            f"{jumps} sauts impossibles sur {row['positions']} positions (le premier : "
            f"{comma(row['jump_nm'])} milles en {minutes:.0f} min), deux émetteurs probables"
        )
        en.append(
            f"{jumps} impossible jumps in {row['positions']} positions (the first: "
            f"{row['jump_nm']:.1f} nm in {minutes:.0f} min), likely two transmitters"
        )
        evidence = [
            Evidence(
                "ais_positions", {"source_file": row["jump_file"], "source_line": row["jump_line"]}
            ),
            Evidence(
                "ais_positions",
                {"source_file": row["jump_next_file"], "source_line": row["jump_next_line"]},
            ),
        ]
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("mmsi", mmsi),),
        start=_EPOCH + timedelta(microseconds=row["start_us"]),
        end=_EPOCH + timedelta(microseconds=row["end_us"]),
        score=score(jumps, thresholds.min_jumps, problem is not None),
        reason_fr="Identité douteuse : " + " ; ".join(fr) + ".",
        reason_en="Doubtful identity: " + "; ".join(en) + ".",
        evidence=tuple(evidence),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="maritime",
        title_fr="MMSI usurpé ou partagé",
        title_en="Spoofed or shared MMSI",
        inputs=("ais_positions",),
        thresholds=SpoofingThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
