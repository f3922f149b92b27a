"""Passengers and crews screened against the watchlist, with names that do not spell alike.

Directive (EU) 2016/681 has passenger data compared against "databases relevant for
the purposes of preventing, detecting, investigating and prosecuting terrorist
offences and serious crime" (Art. 6(3)(a)), and every positive match reviewed "by
non-automated means" (Art. 6(5)): a hit is a lead for an officer, never a decision.

Candidates come from SQL, on either engine, by three blocks (keys from
:mod:`filet.targeting.screening`, made at ingest):

- **name**: a shared pair of token skeletons (``mhmd|svsnk``), which survives
  transliteration, accents, doubled letters and a surname/given names swap; kept when
  the birth dates agree on the year or one of them is unknown;
- **birth date**: the same date and a surname within ``max_surname_edits`` edits of the
  entry's surname (or of its given names, swapped): a typo the skeleton does not absorb;
- **document**: the same travel document number, letters and digits only.

Each candidate is then scored in Python (rapidfuzz, :func:`screening.name_score`) and
is a hit when its name score reaches the threshold for what else agrees: the document
(``min_name_score_with_document``), the date of birth (``min_name_score``), or nothing
else known (``min_name_score_alone``). A different date of birth, without the same
document, is no hit. The alert's score ranks hits: 0.6 × name score / 100, plus 0.25
when the date of birth is the same and 0.15 when the document is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.targeting.screening import name_score

DETECTOR_ID = "targeting.watchlist_hits"
VERSION = "1"
_ANALYST = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
_PERSON = ("surname", "given_names", "birth_date", "document_number", "nationality")
_PASSENGER = ("kind", "voyage", "departure_ts", "origin", "destination", "record_locator")
_ENTRY = ("entry_id", "list_name", "reason")
_BLOCKS = {"name": "nom", "birth": "date de naissance", "document": "document"}


@dataclass(frozen=True)
class WatchlistThresholds(Thresholds):
    min_name_score: float = threshold(
        88.0,
        unit="score 0-100",
        source=(
            f"{_ANALYST}: with the same date of birth, Mohammed Ali/Muhammad Ali (91.7) and "
            "Chevtchenko/Shevchenko (95.5) pass, Mahmoud Ali/Mohammed Ali (84.8) does not"
        ),
        help=(
            "Score de nom minimal quand la date de naissance concorde. / Lowest name "
            "score for a hit when the date of birth is the same."
        ),
    )
    min_name_score_alone: float = threshold(
        94.0,
        unit="score 0-100",
        source=(
            f"{_ANALYST}: with no date of birth on one side the name is the only "
            "evidence; Directive (EU) 2016/681 Art. 6(5) has every hit reviewed by hand"
        ),
        help=(
            "Score de nom minimal quand une date de naissance manque. / Lowest name score "
            "for a hit when either date of birth is unknown."
        ),
    )
    min_name_score_with_document: float = threshold(
        60.0,
        unit="score 0-100",
        source=(
            f"{_ANALYST}: the same document number is strong evidence; the name need "
            "only not be another person's (ICAO Doc 9303 romanizations differ)"
        ),
        help=(
            "Score de nom minimal quand le numéro de document concorde. / Lowest name "
            "score for a hit when the document number is the same."
        ),
    )
    max_surname_edits: int = threshold(
        2,
        unit="edits",
        source=(
            "Damerau 1964, Commun. ACM 7(3): over 80 % of misspellings are one insertion, "
            f"deletion, substitution or transposition; {_ANALYST}: 2 for transliterations"
        ),
        help=(
            "Écart maximal (Levenshtein) des noms pour un candidat de même date de "
            "naissance. / Most edits between surnames for a candidate born the same day."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("min_name_score", "min_name_score_alone", "min_name_score_with_document"):
            value = getattr(self, name)
            if not 0 <= value <= 100:
                raise ValueError(f"{name} must be within [0, 100], not {value}")
        if self.max_surname_edits < 0:
            raise ValueError(f"max_surname_edits must be >= 0, not {self.max_surname_edits}")


def steps(thresholds: WatchlistThresholds, dialect: Dialect) -> list[Step]:
    """Keys unnested, the three blocks, each pair once with the blocks that found it,
    then both rows' fields."""
    return [
        Step(_keys("passengers"), "screen_passenger_keys"),
        Step(_keys("watchlist"), "screen_watchlist_keys"),
        Step(_blocks(thresholds), "screen_blocks"),
        Step(_pairs(), "screen_pairs"),
        Step(_candidates(), "screen_candidates"),
    ]


def _keys(table: str) -> str:
    return f"""
        SELECT source_file, source_line, UNNEST(string_split(name_keys, ' ')) AS name_key
        FROM {table} WHERE name_keys IS NOT NULL
    """


def _blocks(thresholds: WatchlistThresholds) -> str:
    edits = thresholds.max_surname_edits
    close = (
        f"(levenshtein(lower(p.surname), lower(w.surname)) <= {edits} OR "
        f"levenshtein(lower(p.surname), lower(COALESCE(w.given_names, ''))) <= {edits})"
    )
    pair = "p.source_file AS p_file, p.source_line AS p_line, w.source_file AS w_file, "
    pair += "w.source_line AS w_line"
    return f"""
        SELECT {pair}, 1 AS by_name, 0 AS by_birth, 0 AS by_document
        FROM screen_passenger_keys p JOIN screen_watchlist_keys w ON p.name_key = w.name_key
        UNION ALL
        SELECT {pair}, 0 AS by_name, 1 AS by_birth, 0 AS by_document
        FROM passengers p JOIN watchlist w ON p.birth_date = w.birth_date
        WHERE {close}
        UNION ALL
        SELECT {pair}, 0 AS by_name, 0 AS by_birth, 1 AS by_document
        FROM passengers p JOIN watchlist w ON p.document_key = w.document_key
    """


def _pairs() -> str:
    return """
        SELECT p_file, p_line, w_file, w_line, MAX(by_name) AS by_name,
            MAX(by_birth) AS by_birth, MAX(by_document) AS by_document
        FROM screen_blocks GROUP BY p_file, p_line, w_file, w_line
    """


def _candidates() -> str:
    passenger = ", ".join(f"p.{c} AS p_{c}" for c in (*_PERSON, *_PASSENGER, "document_key"))
    entry = ", ".join(f"w.{c} AS w_{c}" for c in (*_PERSON, *_ENTRY, "document_key"))
    same_year = "year(p.birth_date) = year(w.birth_date)"
    return f"""
        SELECT c.p_file, c.p_line, c.w_file, c.w_line, c.by_name, c.by_birth,
            c.by_document, {passenger}, {entry}
        FROM screen_pairs c
        JOIN passengers p ON p.source_file = c.p_file AND p.source_line = c.p_line
        JOIN watchlist w ON w.source_file = c.w_file AND w.source_line = c.w_line
        WHERE c.by_birth = 1 OR c.by_document = 1 OR p.birth_date IS NULL
            OR w.birth_date IS NULL OR {same_year}
        ORDER BY c.p_file, c.p_line, w.entry_id, c.w_file, c.w_line
    """


@dataclass(frozen=True)
class Match:
    """How a candidate compares, field by field, and the threshold it was held to."""

    name: float
    birth: str  # same, different or unknown
    document: bool
    rule: str
    needed: float

    @property
    def hit(self) -> bool:
        return self.name >= self.needed and (self.document or self.birth != "different")

    @property
    def score(self) -> float:
        value = 0.6 * self.name / 100 + 0.25 * (self.birth == "same") + 0.15 * self.document
        return round(min(1.0, value), 3)


def compare(row: dict[str, Any], thresholds: WatchlistThresholds) -> Match:
    """Score one candidate pair (``p_``/``w_`` columns) against the thresholds."""
    name = name_score(row["p_surname"], row["p_given_names"], row["w_surname"],
                      row["w_given_names"])  # fmt: skip
    birth = _birth(row["p_birth_date"], row["w_birth_date"])
    document = row["p_document_key"] is not None and row["p_document_key"] == row["w_document_key"]
    if document:
        return Match(name, birth, True, "min_name_score_with_document",
                     thresholds.min_name_score_with_document)  # fmt: skip
    if birth == "unknown":
        return Match(name, birth, False, "min_name_score_alone", thresholds.min_name_score_alone)
    return Match(name, birth, False, "min_name_score", thresholds.min_name_score)


def _birth(passenger: datetime | None, entry: datetime | None) -> str:
    if passenger is None or entry is None:
        return "unknown"
    return "same" if passenger == entry else "different"


def to_alerts(rows: list[dict[str, Any]], thresholds: WatchlistThresholds) -> list[Alert]:
    alerts = []
    for row in rows:
        match = compare(row, thresholds)
        if match.hit:
            alerts.append(_alert(row, match, thresholds))
    return alerts


def _alert(row: dict[str, Any], match: Match, thresholds: WatchlistThresholds) -> Alert:
    who = _name(row, "p_")
    listed = _name(row, "w_")
    trip = _trip(row)
    entry = row["w_entry_id"]
    source = row["w_list_name"] or "?"
    motive = f" ({row['w_reason']})" if row["w_reason"] else ""
    fr, en = _fields(row, match)
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("passenger", who), Subject("watchlist_entry", entry)),
        start=row["p_departure_ts"],
        end=row["p_departure_ts"],
        score=match.score,
        reason_fr=(
            f"{who} ({trip}) correspond à l'entrée {entry} « {listed} » de la liste "
            f"{source}{motive} : {fr} ; seuil {match.rule} = {match.needed:g}."
        ),
        reason_en=(
            f"{who} ({trip}) matches entry {entry} “{listed}” of list {source}{motive}: "
            f"{en}; threshold {match.rule} = {match.needed:g}."
        ),
        evidence=(
            Evidence("passengers", {"source_file": row["p_file"], "source_line": row["p_line"]}),
            Evidence("watchlist", {"source_file": row["w_file"], "source_line": row["w_line"]}),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _fields(row: dict[str, Any], match: Match) -> tuple[str, str]:
    """What matched, in French and in English."""
    fr = [f"nom {match.name:g}/100"]
    en = [f"name {match.name:g}/100"]
    born = row["p_birth_date"].date().isoformat() if row["p_birth_date"] else "?"
    listed = row["w_birth_date"].date().isoformat() if row["w_birth_date"] else "?"
    words = {"same": ("identique", "same"), "different": ("différente", "different"),
             "unknown": ("inconnue", "unknown")}[match.birth]  # fmt: skip
    fr.append(f"date de naissance {words[0]} ({born} / {listed})")
    en.append(f"date of birth {words[1]} ({born} / {listed})")
    if match.document:
        fr.append(f"même document {row['p_document_number']}")
        en.append(f"same document {row['p_document_number']}")
    blocks = [b for b in _BLOCKS if row[f"by_{b}"]]
    fr.append("trouvé par " + ", ".join(_BLOCKS[b] for b in blocks))
    en.append("found by " + ", ".join(blocks))
    return ", ".join(fr), ", ".join(en)


def _name(row: dict[str, Any], prefix: str) -> str:
    given = row[f"{prefix}given_names"]
    return f"{row[f'{prefix}surname']} {given}" if given else row[f"{prefix}surname"]


def _trip(row: dict[str, Any]) -> str:
    route = f"{row['p_origin'] or '?'}→{row['p_destination'] or '?'}"
    return f"{row['p_kind']} {row['p_voyage']} {route} {row['p_departure_ts']:%Y-%m-%d}"


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Passagers et équipages sur liste de surveillance",
        title_en="Passengers and crews on a watchlist",
        inputs=("passengers", "watchlist"),
        thresholds=WatchlistThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
