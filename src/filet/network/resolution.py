"""Entity resolution: which records of different datasets are one person, company, phone
or vehicle, with Splink (Fellegi-Sunter model, EM-trained) on DuckDB, or Spark at scale.

People and organizations are scored by Splink on features drawn from their
FollowTheMoney properties: the name folded to ASCII (``filet.search.names``) with its
tokens sorted (so "BENALI Karim" meets "Karim Benali") and their consonant skeletons
(so "Mohamed" meets "Muhammad" and Cyrillic meets Latin), birth or incorporation date,
nationality or jurisdiction, identifiers, phone numbers and addresses. A phone or a
vehicle is its number or its plate: Splink's deterministic link on the normalized
identifier, probability 1.

Each scored pair becomes a "same as" link. At or above ``accept_probability`` it is
accepted; between ``review_probability`` and that, it waits for an analyst, who decides
same, not same or undecided, each decision audited and undoable. A pair whose records
sit in two different compartments is never merged, whatever its probability: it is
kept as a cross-compartment match for deconfliction (``cross_compartment_pairs``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from followthemoney import EntityProxy

from filet.alerts import Thresholds, threshold
from filet.engine import Engine
from filet.model.identifiers import phone as phone_numbers
from filet.search.names import fold, skeleton
from filet.security.audit import Actor, Alteration, Combination, track_event
from filet.store.tables import compartment_datasets, resolution_decisions, resolution_links

_SPLINK_PAPER = (
    "Fellegi & Sunter 1969, JASA 64(328):1183-1210; Splink 5.0.0 docs, 'Choosing a match threshold'"
)
Progress = Callable[[str], None]
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolutionThresholds(Thresholds):
    accept_probability: float = threshold(
        0.99,
        unit="probability",
        source=(
            f"{_SPLINK_PAPER}: above the upper threshold pairs are links, between the two "
            "they go to clerical review; 0.99 is a match weight of +6.6 (99 in 100 links "
            "right if the model is calibrated)"
        ),
        help=(
            "Probabilité à partir de laquelle deux fiches sont fusionnées sans revue. / "
            "Match probability at which two records are merged without review."
        ),
    )
    review_probability: float = threshold(
        0.8,
        unit="probability",
        source=f"{_SPLINK_PAPER} (Fellegi-Sunter lower threshold, clerical review region)",
        help=(
            "Probabilité à partir de laquelle une paire attend la décision d'un analyste. / "
            "Match probability from which a pair waits for an analyst's decision."
        ),
    )


class LinkStatus(StrEnum):
    ACCEPTED = "accepted"  # fusion automatique / merged without review
    REVIEW = "review"  # en attente d'un analyste / waiting for an analyst
    CROSS_COMPARTMENT = "cross"  # deux compartiments: jamais fusionnée / never merged


class Decision(StrEnum):
    SAME = "same"  # même entité / same entity
    NOT_SAME = "not_same"  # entités distinctes / different entities
    UNDECIDED = "undecided"  # indécidable en l'état / cannot tell yet


class ResolutionError(ValueError):
    """A refused decision; the message says why, in French then English."""


# Which schema family a record is resolved in, and how.
SCORED_FAMILIES = ("Person", "Organization")
EXACT_FAMILIES = ("Phone", "Vehicle")
_IDENTIFIER_PROPS = (
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "vatCode",
    "leiCode",
    "innCode",
    "ogrnCode",
    "socialSecurityNumber",
)


@dataclass(frozen=True)
class ResolutionRecord:
    """What resolution knows of one entity: its FtM values and where they are held."""

    entity_id: str
    family: str
    dataset: str
    compartments: frozenset[str]
    names: tuple[str, ...]
    birth_date: str | None = None
    nationality: str | None = None
    identifiers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A scored pair, lower entity id first."""

    entity_a: str
    entity_b: str
    family: str
    probability: float


@dataclass(frozen=True)
class Link:
    id: str
    family: str
    entity_a: str
    entity_b: str
    probability: float
    status: LinkStatus
    decision: Decision | None
    compartments_a: tuple[str, ...]
    compartments_b: tuple[str, ...]

    @property
    def merged(self) -> bool:
        """Whether the two are one entity now: accepted and not overruled, or decided same."""
        if self.status is LinkStatus.CROSS_COMPARTMENT:
            return False
        if self.decision is not None:
            return self.decision is Decision.SAME
        return self.status is LinkStatus.ACCEPTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "family": self.family,
            "entity_a": self.entity_a,
            "entity_b": self.entity_b,
            "probability": round(self.probability, 6),
            "status": self.status.value,
            "decision": None if self.decision is None else self.decision.value,
            "merged": self.merged,
        }


def family_of(proxy: EntityProxy) -> str | None:
    """The family an entity is resolved in, or None for schemas resolution leaves alone."""
    for family in (*SCORED_FAMILIES, *EXACT_FAMILIES):
        if proxy.schema.is_a(family):
            return family
    return None


def record_of(
    proxy: EntityProxy, dataset: str, compartments: frozenset[str]
) -> ResolutionRecord | None:
    """The resolution features of an FtM entity (None when it has nothing to compare)."""
    family = family_of(proxy)
    if family is None or not proxy.id:
        return None
    if family == "Phone":
        names = tuple(proxy.get("number"))
        identifiers = tuple(_phone(value) for value in names)
    elif family == "Vehicle":
        names = tuple(proxy.get("registrationNumber"))
        identifiers = tuple(_compact(value) for value in names)
    else:
        names = tuple(proxy.get("name")) + tuple(proxy.get("alias", quiet=True))
        identifiers = tuple(
            _compact(value) for prop in _IDENTIFIER_PROPS for value in proxy.get(prop, quiet=True)
        )
    if not names and not identifiers:
        return None
    dates = proxy.get("birthDate", quiet=True) or proxy.get("incorporationDate", quiet=True)
    countries = proxy.get("nationality", quiet=True) or proxy.get("jurisdiction", quiet=True)
    return ResolutionRecord(
        entity_id=proxy.id,
        family=family,
        dataset=dataset,
        compartments=compartments,
        names=names,
        birth_date=min(dates) if dates else None,
        nationality=min(countries) if countries else None,
        identifiers=tuple(sorted(set(identifiers))),
        phones=tuple(sorted({_phone(value) for value in proxy.get("phone", quiet=True)})),
        addresses=tuple(proxy.get("address", quiet=True)),
    )


def _phone(text: str) -> str:
    try:
        return phone_numbers.normalize(text)
    except ValueError:
        return phone_numbers.compact(text)


def _compact(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


# Features and the Splink model


def features(record: ResolutionRecord) -> dict[str, Any]:
    """One Splink input row: folded, order-free name forms and the compared fields."""
    tokens, skeletons = _name_forms(record.names[0] if record.names else "")
    address = _folded_text(record.addresses[0]) if record.addresses else ""
    return {
        "unique_id": record.entity_id,
        "source_dataset_name": record.dataset,
        "name_sorted": " ".join(tokens) or None,
        "name_tokens": list(tokens) or None,
        "name_skeletons": list(skeletons) or None,
        "skeleton_key": " ".join(skeletons) or None,
        "birth_date": record.birth_date,
        "birth_year": record.birth_date[:4] if record.birth_date else None,
        "nationality": record.nationality,
        "identifiers": list(record.identifiers) or None,
        "first_identifier": record.identifiers[0] if record.identifiers else None,
        "phones": list(record.phones) or None,
        "first_phone": record.phones[0] if record.phones else None,
        "address": address or None,
    }


@lru_cache(maxsize=1 << 18)
def _name_forms(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Sorted folded tokens and their skeletons, once per distinct name: transliterating
    is most of the cost of a feature row, and names repeat across a million records."""
    tokens = tuple(sorted(fold(name).tokens))
    skeletons = tuple(sorted({form for form in map(skeleton, tokens) if len(form) >= 2}))
    return tokens, skeletons


@lru_cache(maxsize=1 << 18)
def _folded_text(text: str) -> str:
    """An address folded, once per distinct address (they repeat too)."""
    return fold(text).text


# A name key held by more records than this is not paired on alone: the pairs it makes
# grow with the square of the namesakes (a common name in a million records gives
# hundreds of millions), and a name that common cannot make a match by itself anyway.
# Its records still meet on the name with the same birth year or the same address, and
# on birth date, phone or identifier. Up to this size, blocking is what it always was.
COMMON_NAME_RECORDS = 64


def _add_name_blocks(rows: list[dict[str, Any]]) -> None:
    """Set the name blocking keys of each row, left empty where a key is common."""
    blocks = [_name_blocks(row) for row in rows]
    held = Counter(item for block in blocks for item in block.items() if item[1] is not None)
    for row, block in zip(rows, blocks, strict=True):
        for column, value in block.items():
            rare = value is not None and held[column, value] <= COMMON_NAME_RECORDS
            row[column] = value if rare else None


def _name_blocks(row: dict[str, Any]) -> dict[str, str | None]:
    """The name skeletons, and the name's first three letters with the birth year."""
    year, name = row["birth_year"], row["name_sorted"]
    return {
        "name_block": row["skeleton_key"],
        "name_year_block": f"{name[:3]}|{year}" if name and year else None,
    }


# Starting m values of the birth-date levels (exact, one typo, a month, a year, ten years,
# further): EM only moves the levels it sees among likely matches, and a level it never
# sees there (two birth dates 20 years apart on one person) must stay strong evidence
# against, not fall back to Splink's even split.
_BIRTH_DATE_M = (0.85, 0.05, 0.04, 0.03, 0.02, 0.01)


def _settings() -> Any:
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
            block_on("skeleton_key", "birth_year"),
            block_on("skeleton_key", "address"),
            block_on("birth_date"),
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
    shared identifier (assumed to find 60% of matches), m by EM on three blockings
    (birth date, identifier, phone). Not on the name: namesakes would teach the model
    that one person's birth dates often disagree.
    """
    from splink import Linker, block_on

    say = progress or (lambda _: None)
    if len(records) < 2:
        return []
    family = records[0].family
    api = db_api if db_api is not None else duckdb_api()
    rows = [features(record) for record in records]
    _add_name_blocks(rows)
    say(f"{family}: {len(rows):,} fiches / records, entraînement / training")
    linker = Linker(api.register(rows), _settings(), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("name_sorted", "birth_date"), block_on("first_identifier")], recall=0.6
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for field in ("birth_date", "first_identifier", "first_phone"):
        _expectation_maximisation(training, field, family)
    say(f"{family}: prédiction / predicting")
    predicted = linker.inference.predict(threshold_match_probability=min_probability)
    found = [
        _candidate(row["unique_id_l"], row["unique_id_r"], family, row["match_probability"])
        for row in predicted.as_record_list()
    ]
    say(f"{family}: {len(found):,} paires / pairs >= {min_probability}")
    return found


def _expectation_maximisation(training: Any, field: str, family: str) -> None:
    """One EM session; one whose m probability underflows to zero is left out.

    Among pairs that share a phone, nearly all are one person, so EM drives the m of a
    level seen only on the few others (birth dates years apart) to exactly 0.0, which
    Splink refuses (from about 100,000 records of the generated world). The model then
    keeps what the other sessions trained, as it was before this one started."""
    from splink import block_on

    try:
        training.estimate_parameters_using_expectation_maximisation(
            block_on(field), estimate_without_term_frequencies=True
        )
    except ValueError as error:
        if "below the minimum allowed" not in str(error):
            raise
        _log.warning("%s: EM blocked on %s left out: %s", family, field, error)


def exact(records: Sequence[ResolutionRecord], db_api: Any | None = None) -> list[Candidate]:
    """Phones and vehicles: pairs that share a normalized number or plate (Splink's
    deterministic link), probability 1."""
    from splink import Linker, SettingsCreator, block_on

    if len(records) < 2:
        return []
    family = records[0].family
    api = db_api if db_api is not None else duckdb_api()
    rows = [features(record) for record in records if record.identifiers]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_identifier"),
        ],
    )
    linker = Linker(api.register(rows), settings, log_level=logging.WARNING)
    pairs = linker.inference.deterministic_link().as_record_list()
    return [_candidate(row["unique_id_l"], row["unique_id_r"], family, 1.0) for row in pairs]


def _candidate(left: str, right: str, family: str, probability: float) -> Candidate:
    first, second = sorted((str(left), str(right)))
    return Candidate(first, second, family, float(probability))


def resolve(
    records: Iterable[ResolutionRecord],
    thresholds: ResolutionThresholds = ResolutionThresholds(),
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


def status_of(
    candidate: Candidate,
    compartments: dict[str, frozenset[str]],
    thresholds: ResolutionThresholds,
) -> LinkStatus:
    """Where a pair goes: records held in two different compartments are never merged."""
    held_a = compartments.get(candidate.entity_a, frozenset())
    held_b = compartments.get(candidate.entity_b, frozenset())
    if held_a and held_b and held_a != held_b:
        return LinkStatus.CROSS_COMPARTMENT
    if candidate.probability >= thresholds.accept_probability:
        return LinkStatus.ACCEPTED
    return LinkStatus.REVIEW


# Storage


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
    thresholds: ResolutionThresholds = ResolutionThresholds(),
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
