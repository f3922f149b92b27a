"""Temporal phases: how the ranking changes over time, and who takes over at the top.

Arrests and seizures do not end a network; somebody takes over. In CAVIAR (Morselli &
Petit 2007; Morselli 2009, *Inside Criminal Networks*, ch. 5) the wiretaps ran in
eleven phases of about two months; after the seizures of phases 4 to 8, the main
lieutenant n3 overtakes the organiser n1 in phase 9, n1 is back in phase 10 and n41,
a trafficker from outside the top ten, leads phase 11. Ranking each phase on its own
shows that succession; ranking the whole period hides it.

The calls are cut into phases of ``phase_days`` from the first call, each phase's
numbers are ranked with :func:`filet.network.ranking.rank`, and a number is flagged in
a phase when it reaches rank ``top_rank`` or better while it ranked worse (or did not
call at all) in the previous phase that had calls. Phases with fewer than
``min_phase_numbers`` numbers are too small to rank and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.network.edges import graph_from_rows
from filet.network.ranking import Ranked, rank

DETECTOR_ID = "network.succession"
VERSION = "1"
_MICROSECONDS_PER_DAY = 86_400_000_000
_CAVIAR = (
    "Morselli & Petit 2007, Global Crime 8(2):109-130; Morselli 2009, Inside Criminal "
    "Networks, ch. 5: CAVIAR's 11 wiretap phases of about two months"
)
_ANALYST_RULE = "Décision d'analyse Filet, 2026-12-07 (issue 7) / analyst decision"


@dataclass(frozen=True)
class SuccessionThresholds(Thresholds):
    phase_days: float = threshold(
        60.0,
        unit="days",
        source=_CAVIAR,
        help=(
            "Durée d'une phase, comptée depuis le premier appel. / Length of a phase, counted "
            "from the first call."
        ),
    )
    top_rank: int = threshold(
        1,
        unit="rank",
        source=(
            f"{_CAVIAR}: the succession shows as a change of the best-ranked participant "
            "(n1, then n3 in phase 9, n41 in phase 11)"
        ),
        help=(
            "Rang à atteindre pour être signalé (1 : la tête du réseau). / Rank a number must "
            "reach to be flagged (1: the head of the network)."
        ),
    )
    min_phase_numbers: int = threshold(
        10,
        unit="numbers",
        source=f"{_ANALYST_RULE}: under ten numbers, one call more or less reorders the ranking",
        help=(
            "Nombre minimal de numéros pour classer une phase. / Fewest numbers a phase needs "
            "to be ranked."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.phase_days <= 0:
            raise ValueError(f"phase_days must be positive, not {self.phase_days}")
        if self.top_rank < 1:
            raise ValueError(f"top_rank must be at least 1, not {self.top_rank}")


@dataclass(frozen=True)
class Phase:
    """One period's calls, ranked on their own."""

    index: int  # 0 for the phase of the first call
    start: datetime
    end: datetime
    ranked: tuple[Ranked, ...]
    rows: tuple[dict[str, Any], ...]  # the phase's edge list, for evidence

    def rank_of(self, number: str) -> int | None:
        return next((person.rank for person in self.ranked if person.name == number), None)


@dataclass(frozen=True)
class Rise:
    """A number that reached the top in a phase, and where it stood in the previous one."""

    number: str
    phase: Phase
    rank: int
    previous: Phase
    previous_rank: int | None  # None: no call in the previous phase
    displaced: str  # the best-ranked number of the previous phase


def steps(thresholds: SuccessionThresholds, dialect: Dialect) -> list[Step]:
    """One row per phase and ordered pair: calls, first and last call, first call's line.

    Phases are whole multiples of ``phase_days`` in integer microseconds from the first
    call, so both engines put a call on a boundary in the same phase.
    """
    length = round(thresholds.phase_days * _MICROSECONDS_PER_DAY)
    start = dialect.epoch_microseconds("start_ts")
    phased = f"""
        SELECT caller, callee, start_ts, source_file, source_line, origin_us,
            CAST(FLOOR(({start} - origin_us) / {length}) AS BIGINT) AS phase
        FROM calls
        CROSS JOIN (SELECT MIN({start}) AS origin_us FROM calls) origin
        WHERE caller <> callee
    """
    window = "PARTITION BY phase, caller, callee"
    numbered = f"""
        SELECT phase, origin_us, caller, callee, start_ts, source_file, source_line,
            COUNT(*) OVER ({window}) AS calls,
            MAX(start_ts) OVER ({window}) AS last_ts,
            ROW_NUMBER() OVER ({window} ORDER BY start_ts, source_file, source_line) AS n
        FROM phased_calls
    """
    pairs = """
        SELECT phase, origin_us, caller, callee, calls, start_ts AS first_ts, last_ts,
            source_file, source_line
        FROM phased_pairs_numbered
        WHERE n = 1
        ORDER BY phase, caller, callee
    """
    return [
        Step(phased, "phased_calls"),
        Step(numbered, "phased_pairs_numbered"),
        Step(pairs, "phased_pairs"),
    ]


def phases(rows: list[dict[str, Any]], thresholds: SuccessionThresholds) -> list[Phase]:
    """Each phase with calls and at least ``min_phase_numbers`` numbers, ranked, in order."""
    by_phase: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_phase.setdefault(int(row["phase"]), []).append(row)
    length = timedelta(days=thresholds.phase_days)
    found = []
    for index, members in sorted(by_phase.items()):
        ranked = tuple(rank(graph_from_rows(members)))
        if len(ranked) < thresholds.min_phase_numbers:
            continue
        origin = datetime.fromtimestamp(0, UTC) + timedelta(
            microseconds=int(members[0]["origin_us"])
        )
        start = origin + index * length
        found.append(Phase(index, start, start + length, ranked, tuple(members)))
    return found


def rises(ranked_phases: list[Phase], top_rank: int) -> list[Rise]:
    """Numbers at ``top_rank`` or better that ranked worse in the previous phase."""
    found = []
    for previous, phase in pairwise(ranked_phases):
        for person in phase.ranked[:top_rank]:
            before = previous.rank_of(person.name)
            if before is None or before > top_rank:
                found.append(
                    Rise(person.name, phase, person.rank, previous, before, previous.ranked[0].name)
                )
    return found


def to_alerts(rows: list[dict[str, Any]], thresholds: SuccessionThresholds) -> list[Alert]:
    ranked = phases(rows, thresholds)
    return [_alert(rise, thresholds) for rise in rises(ranked, thresholds.top_rank)]


def _alert(rise: Rise, thresholds: SuccessionThresholds) -> Alert:
    phase, before = rise.phase.index + 1, rise.previous.index + 1
    was_fr = f"{rise.previous_rank}e" if rise.previous_rank else "absent"
    was_en = f"rank {rise.previous_rank}" if rise.previous_rank else "absent"
    displaced_now = rise.phase.rank_of(rise.displaced)
    now_fr = f"{displaced_now}e" if displaced_now else "absent"
    now_en = f"rank {displaced_now}" if displaced_now else "absent"
    gain = (rise.previous_rank or len(rise.previous.ranked) + 1) - rise.rank
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("phone", rise.number), Subject("phone", rise.displaced)),
        start=rise.phase.start,
        end=rise.phase.end,
        score=round(gain / (gain + 1), 3),  # one place climbed: 0.5; from nowhere: near 1
        reason_fr=(
            f"Relève probable : {rise.number} passe {rise.rank}e en phase {phase} "
            f"({was_fr} en phase {before}) ; {rise.displaced}, 1er en phase {before}, "
            f"est {now_fr}."
        ),
        reason_en=(
            f"Likely succession: {rise.number} ranks {rise.rank} in phase {phase} "
            f"({was_en} in phase {before}); {rise.displaced}, first in phase {before}, is "
            f"{now_en}."
        ),
        evidence=_evidence(rise),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _evidence(rise: Rise) -> tuple[Evidence, ...]:
    """The first call of the riser's three busiest pairs in the phase it took over."""
    own = [row for row in rise.phase.rows if rise.number in (row["caller"], row["callee"])]
    busiest = sorted(own, key=lambda r: (-r["calls"], r["source_file"], r["source_line"]))
    return tuple(
        Evidence("calls", {"source_file": r["source_file"], "source_line": r["source_line"]})
        for r in busiest[:3]
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="network",
        title_fr="Relève à la tête du réseau",
        title_en="Succession at the top of the network",
        inputs=("calls",),
        thresholds=SuccessionThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
