"""Entity search at scale: name and identifier queries over generated entities.

Loads ``size`` seeded entities (``benchmarks/search_corpus.py``) through the real store
path (``put_entities`` in batches of 2,000, SQLite), then times ``search_entities``
against baselines run in the same process on the same data:

- names: ``rapidfuzz.process.extract`` (WRatio) scanning every name, already folded to
  ASCII in memory, so the baseline gets the same transliteration for free;
- identifiers: a SQL scan of the statement table for the value as typed (what one does
  without a search index), and a Python dict of normalized values in memory.

A name query is answered when one of the first ten results is the target or carries
its name (many people share a common name: any of them is a right answer; the Latin
spelling of a name stored in Arabic or Cyrillic script counts as its name).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from benchmarks.common import Comparison
from benchmarks.search_corpus import Corpus
from rapidfuzz import fuzz, process

from filet.model import Provenance, identifiers
from filet.search import search_entities
from filet.search.fields import IDENTIFIER_PROPS, index_value
from filet.search.names import fold
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.tables import search_names, statements

DEFAULT_SIZE = 1_000_000
BATCH = 2000
QUERIES = 200  # per group, for Filet
BASELINE_QUERIES = 20  # per group: a full scan costs about a second at 1M entities
NAME_BASELINE = "rapidfuzz extract (WRatio), full scan of folded names"
SCAN_BASELINE = "SQL scan of statements, value as typed"
DICT_BASELINE = "Python dict of normalized values"
Answer = Callable[[str], set[str]]


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    with tempfile.TemporaryDirectory(prefix="filet-bench-search-") as folder:
        workspace = Workspace.open(Path(folder), f"sqlite:///{folder}/filet.db")
        try:
            corpus = Corpus(size)
            rate = load(workspace, corpus)
            megabytes = sum(path.stat().st_size for path in Path(folder).glob("filet.db*")) / 1e6
            _log(f"{size:,} entities loaded through put_entities at {rate:,.0f}/s\n")
            _log(f"SQLite database: {megabytes:,.0f} MB (statements and search index)\n")
            with workspace.db.connect() as conn:
                return _names(conn, corpus) + _identifiers(conn, corpus)
        finally:
            workspace.close()


def load(workspace: Workspace, corpus: Corpus) -> float:
    """Store every entity through ``put_entities``; returns entities per second."""
    provenance = Provenance(dataset="bench", collecting_service="benchmark")
    started = time.perf_counter()
    batch = []
    for count, proxy in enumerate(corpus.entities(), start=1):
        batch.append((proxy, provenance.at_record(proxy.id or "")))
        if len(batch) == BATCH or count == corpus.size:
            with workspace.db.begin() as conn:
                put_entities(conn, batch)
            batch = []
            _log(f"\rloaded {count:,}")
    return corpus.size / (time.perf_counter() - started)


def _names(conn: sa.Connection, corpus: Corpus) -> list[Comparison]:
    rows = conn.execute(sa.select(search_names.c.entity_id, search_names.c.folded)).all()
    choices = [folded for _, folded in rows]
    truth: dict[str, set[str]] = {}
    for entity_id, folded in rows:
        truth.setdefault(entity_id, {entity_id}).add(folded)
    for entity_id, latin in corpus.translit.items():
        truth[entity_id].add(fold(latin).text)

    def filet(query: str) -> set[str]:
        hits = search_entities(conn, query, kind="name", limit=10)
        return {hit.entity_id for hit in hits} | {fold(hit.value).text for hit in hits}

    def scan(query: str) -> set[str]:
        found = process.extract(fold(query).text, choices, scorer=fuzz.WRatio, limit=10)
        return {rows[index][0] for _, _, index in found} | {text for text, _, _ in found}

    results = []
    for group, queries in corpus.name_queries(QUERIES).items():
        results += _compare(group, queries, truth, filet, (NAME_BASELINE, scan))
    return results


def _identifiers(conn: sa.Connection, corpus: Corpus) -> list[Comparison]:
    kinds = IDENTIFIER_PROPS | {"phone": identifiers.phone.KIND}
    table: dict[tuple[str, str], set[str]] = {}
    for entity_id, prop, value in corpus.ids:
        kind = kinds[prop]
        table.setdefault((kind, index_value(kind, value)), set()).add(entity_id)
    queries = corpus.identifier_queries(QUERIES)
    truth = {target: {target} for _, target in queries}

    def filet(query: str) -> set[str]:
        return {hit.entity_id for hit in search_entities(conn, query, limit=10)}

    def scan(query: str) -> set[str]:
        statement = sa.select(statements.c.entity_id).where(statements.c.value == query)
        return set(conn.execute(statement).scalars())

    def in_memory(query: str) -> set[str]:
        kinds_found = identifiers.detect(query)
        return set().union(
            *(table.get((kind, index_value(kind, query)), set()) for kind in kinds_found)
        )

    results = _compare("identifier", queries, truth, filet, (SCAN_BASELINE, scan))
    return results + _compare("identifier", queries, truth, filet, (DICT_BASELINE, in_memory))


def _compare(
    group: str,
    queries: list[tuple[str, str]],
    truth: dict[str, set[str]],
    filet: Answer,
    baseline: tuple[str, Answer],
) -> list[Comparison]:
    """p50, p95 and share answered, for Filet and for one baseline, on one query group."""
    name, answer = baseline
    for query, _ in queries[:10]:
        filet(query)  # warm the page cache and the memoized phonetics
    ours, our_found = _timed(filet, queries, truth)
    sample = queries if name == DICT_BASELINE else queries[:BASELINE_QUERIES]
    theirs, their_found = _timed(answer, sample, truth)
    _log(
        f"{group}: Filet p95 {_p95(ours):.2f} ms, found {_share(our_found):.3f} of "
        f"{len(queries)}; {name}: p95 {_p95(theirs):.2f} ms, found "
        f"{_share(their_found):.3f} of {len(sample)}\n"
    )
    return [
        Comparison(
            f"{group}: p50", "ms", statistics.median(ours), name, statistics.median(theirs), False
        ),
        Comparison(f"{group}: p95", "ms", _p95(ours), name, _p95(theirs), False),
        # Found shares compare the same queries: those the baseline ran.
        Comparison(
            f"{group}: found in top 10",
            "share",
            _share(our_found[: len(sample)]),
            name,
            _share(their_found),
            True,
        ),
    ]


def _timed(
    answer: Answer, queries: list[tuple[str, str]], truth: dict[str, set[str]]
) -> tuple[list[float], list[bool]]:
    """Latency in ms of each query, and whether its answer holds the target or its name."""
    latencies, found = [], []
    for query, target in queries:
        started = time.perf_counter()
        answered = answer(query)
        latencies.append((time.perf_counter() - started) * 1000)
        found.append(bool(answered & truth[target]))
    return latencies, found


def _share(found: list[bool]) -> float:
    return sum(found) / len(found)


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def _log(message: str) -> None:
    sys.stderr.write(f"[search] {message}" if message.endswith("\n") else message)
    sys.stderr.flush()
