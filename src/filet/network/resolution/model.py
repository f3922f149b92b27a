"""The Splink model: comparisons, blocking rules, training and scoring of one family.

Fellegi-Sunter weights are trained on the records being resolved: u by random sampling,
the prior from exact name and birth date or a shared identifier, m by EM on three
blockings. Only the pairs the blocking rules make are compared (see ``_settings``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from filet.engine import Engine
from filet.network.resolution.records import (
    EXACT_FAMILIES,
    Candidate,
    Progress,
    ResolutionRecord,
    ResolutionThresholds,
)
from filet.network.resolution.rows import collection_paused, feature_table

_log = logging.getLogger(__name__)
_DEFAULTS = ResolutionThresholds()

# Starting m values of the birth-date levels (exact, one typo, a month, a year, ten years,
# further): EM only moves the levels it sees among likely matches, and a level it never
# sees there (two birth dates 20 years apart on one person) must stay strong evidence
# against, not fall back to Splink's even split.
_BIRTH_DATE_M = (0.85, 0.05, 0.04, 0.03, 0.02, 0.01)
# EM compares every pair of its blocking: past this many pairs born the same day (about
# 6 s on two cores) the birth-date session also asks for the same nationality. A million
# generated records make 24 million same-day pairs, nearly all strangers, and 509,062
# true ones; with the nationality, 3.0 million and 321,860: EM sees the matches more
# clearly and precision rises (nationality is then trained by the other two sessions).
# Under it, the birth date alone: in a small file the nationality leaves too few pairs.
EM_MAX_PAIRS = 5_000_000
# Pairs drawn at random to estimate u (Splink's default is 1e6; more pairs, steadier u).
_U_MAX_PAIRS = 2e6


def _settings() -> Any:
    """Comparisons and blocking rules. A pair is compared when the two records share a
    rare name skeleton; a name skeleton and a birth date (day and month in either order)
    or an address; a birth date and an address or a name key (a word, or the first
    consonants of one); a phone; an identifier; or the first three letters of the name
    and the birth year."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_sorted", [0.97, 0.9, 0.8]),
            cl.ArrayIntersectAtSizes("name_skeletons", [2, 1]),
            cl.DateOfBirthComparison(
                "birth_date", input_is_string=True, datetime_metrics=["month", "year", "year"]
            ).configure(m_probabilities=list(_BIRTH_DATE_M)),
            cl.ExactMatch("nationality"),
            cl.ArrayIntersectAtSizes("identifiers", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.JaroWinklerAtThresholds("address", [0.9]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_block"),
            block_on("skeleton_key", "date_key"),
            block_on("skeleton_key", "address"),
            block_on("date_key", "address"),
            block_on("date_key", "name_keys", arrays_to_explode=["name_keys"]),
            block_on("first_phone"),
            block_on("first_identifier"),
            block_on("name_year_block"),
        ],
        retain_matching_columns=False,
    )


def duckdb_api() -> Any:
    from splink import DuckDBAPI

    return DuckDBAPI()


def splink_api(engine: Engine, checkpoint_dir: Path) -> Any:
    """Splink's database API on the engine Filet runs: DuckDB in process, or the Spark
    session, where Splink checkpoints intermediate tables (in ``checkpoint_dir`` unless
    the session already names a folder; on a cluster, one every executor can reach)."""
    if engine.dialect.name != "spark":
        return duckdb_api()
    from splink import SparkAPI

    from filet.engine.spark_engine import SparkEngine

    assert isinstance(engine, SparkEngine)
    context = engine.session.sparkContext
    if context.getCheckpointDir() is None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
        context.setCheckpointDir(str(checkpoint_dir))
    return SparkAPI(spark_session=engine.session)


def _registered(api: Any, table: pa.Table) -> Any:
    """The feature table in Splink's database: DuckDB reads the Arrow table in place;
    other engines get rows, as they always have."""
    from splink import DuckDBAPI

    return api.register(table if isinstance(api, DuckDBAPI) else table.to_pylist())


def score(
    records: Sequence[ResolutionRecord],
    db_api: Any | None = None,
    min_probability: float = 0.5,
    progress: Progress | None = None,
    seed: int = 7,
) -> list[Candidate]:
    """Candidate pairs of one family scored by a Splink model trained on these records.

    ``db_api`` is a Splink database API (``DuckDBAPI()`` by default, ``SparkAPI(...)`` for
    a cluster): the same settings run on both. Pairs under ``min_probability`` are left
    out. Training: u by random sampling, the prior from exact name + birth date or a
    shared identifier (assumed to find 60% of matches), m by EM (``_em_blockings``).
    Each phase is reported to ``progress`` with its duration.
    """
    from splink import Linker, block_on

    if len(records) < 2:
        return []
    family = records[0].family
    say = _Phases(family, progress)
    api = db_api if db_api is not None else duckdb_api()
    table = feature_table(records)
    say(f"{len(records):,} fiches / records: lignes / feature rows")
    linker = Linker(_registered(api, table), _settings(), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("name_sorted", "birth_date"), block_on("first_identifier")], recall=0.6
    )
    say("entraînement / training: a priori / prior")
    training.estimate_u_using_random_sampling(max_pairs=_U_MAX_PAIRS, seed=seed)
    say("entraînement / training: u")
    for fields in _em_blockings(table):
        _expectation_maximisation(training, fields, family)
        say(f"entraînement / training: EM {' + '.join(fields)}")
    predicted = linker.inference.predict(threshold_match_probability=min_probability)
    say("prédiction / prediction")
    with collection_paused():
        found = [
            _candidate(row["unique_id_l"], row["unique_id_r"], family, row["match_probability"])
            for row in predicted.as_record_list()
        ]
    say(f"{len(found):,} paires / pairs >= {min_probability}")
    return found


def _em_blockings(table: pa.Table) -> list[tuple[str, ...]]:
    """The EM sessions, each on the pairs that agree on these columns (whose own weights
    that session leaves alone): birth date (with nationality past ``EM_MAX_PAIRS``),
    identifier, phone. Not on the name: namesakes would teach the model that one
    person's birth dates often disagree."""
    counts = pc.value_counts(table["birth_date"].drop_null()).field("counts")
    same_day = pc.sum(pc.divide(pc.multiply(counts, pc.subtract(counts, 1)), 2)).as_py() or 0
    birth = ("birth_date", "nationality") if same_day > EM_MAX_PAIRS else ("birth_date",)
    return [birth, ("first_identifier",), ("first_phone",)]


class _Phases:
    """Reports each phase of a run with the seconds it took since the last one."""

    def __init__(self, family: str, progress: Progress | None) -> None:
        self.family, self.progress, self.last = family, progress, time.perf_counter()

    def __call__(self, text: str) -> None:
        now = time.perf_counter()
        if self.progress is not None:
            self.progress(f"{self.family}: {text} ({now - self.last:.1f} s)")
        self.last = now


def _expectation_maximisation(training: Any, fields: Sequence[str], family: str) -> None:
    """One EM session; one whose m probability underflows to zero is left out.

    Among pairs that share a phone, nearly all are one person, so EM drives the m of a
    level seen only on the few others (birth dates years apart) to exactly 0.0, which
    Splink refuses (from about 100,000 records of the generated world). The model then
    keeps what the other sessions trained, as it was before this one started."""
    from splink import block_on

    try:
        training.estimate_parameters_using_expectation_maximisation(
            block_on(*fields), estimate_without_term_frequencies=True
        )
    except ValueError as error:
        if "below the minimum allowed" not in str(error):
            raise
        _log.warning("%s: EM blocked on %s left out: %s", family, " + ".join(fields), error)


def exact(records: Sequence[ResolutionRecord], db_api: Any | None = None) -> list[Candidate]:
    """Phones and vehicles: pairs that share a normalized number or plate (Splink's
    deterministic link), probability 1."""
    from splink import Linker, SettingsCreator, block_on

    kept = [record for record in records if record.identifiers]
    if len(kept) < 2:
        return []
    family = kept[0].family
    api = db_api if db_api is not None else duckdb_api()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("first_identifier")],
    )
    linker = Linker(_registered(api, feature_table(kept)), settings, log_level=logging.WARNING)
    pairs = linker.inference.deterministic_link().as_record_list()
    return [_candidate(row["unique_id_l"], row["unique_id_r"], family, 1.0) for row in pairs]


def _candidate(left: str, right: str, family: str, probability: float) -> Candidate:
    first, second = sorted((str(left), str(right)))
    return Candidate(first, second, family, float(probability))


def resolve(
    records: Iterable[ResolutionRecord],
    thresholds: ResolutionThresholds = _DEFAULTS,
    db_api: Any | None = None,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Every family scored; only pairs at or above the review bound are returned."""
    by_family: dict[str, list[ResolutionRecord]] = {}
    for record in records:
        by_family.setdefault(record.family, []).append(record)
    found: list[Candidate] = []
    for family, members in sorted(by_family.items()):
        if family in EXACT_FAMILIES:
            found += exact(members, db_api)
        else:
            found += score(members, db_api, thresholds.review_probability, progress)
    return [pair for pair in found if pair.probability >= thresholds.review_probability]
