"""Name matching: expand query tokens, read the postings of the most selective, rescore.

1. Each query token expands to the vocabulary tokens sharing a lookup key with it
   (typos, sound, skeleton; see ``filet.search.names``), the closest few kept.
2. Each query token, and each pair of adjacent query tokens, is a *unit*: the
   postings of its expansions. Posting counts are read (capped, so a frequent token
   costs no more than a rare one); the smallest unit gives the candidates, and the
   next smallest add theirs while few, in case the smallest was a wrong guess. A pair
   is selective where its two words are common ("Thomas Export"), a rare word is
   selective on its own.
3. The names of every candidate are rescored with rapidfuzz against the query, as
   spelled and as consonant skeletons.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz

from filet.search.names import fold, pair_key, token_keys
from filet.search.tuning import SearchTuning
from filet.store.tables import search_keys, search_names, search_tokens, statements

# Weight of a vocabulary token reached through a sound or skeleton key only.
_SOUND_WEIGHT = 0.8
# Bonus per extra kind of key (deletion, sound, skeleton) two tokens share.
_AGREEMENT = 0.05
# Expansions of each side combined into pair units (4 x 4 pair keys at most).
_PAIR_SIDE = 4


@dataclass(frozen=True)
class NameMatch:
    entity_id: str
    score: float
    prop: str
    value: str


def match_names(
    conn: sa.Connection,
    query: str,
    tuning: SearchTuning,
    visible: sa.ColumnElement[bool] | None = None,
) -> list[NameMatch]:
    """Entities whose names match ``query``, best first, scores in [min_score, 1]; with
    ``visible`` (a row filter on ``statements``), only names held by a passing statement
    are scored."""
    form = fold(query)
    if not form.tokens:
        return []
    expansions = _expand(conn, form.tokens, tuning)
    units = [set(weights) for weights in expansions]
    for left, right in itertools.pairwise(expansions):
        units.append(
            {pair_key(a, b) for a in list(left)[:_PAIR_SIDE] for b in list(right)[:_PAIR_SIDE]}
        )
    counts = _posting_counts(conn, set().union(*units), tuning)
    candidates = _candidates(conn, units, counts, tuning)
    return _rescore(conn, form.text, form.skeleton, candidates, tuning, visible)


def _expand(
    conn: sa.Connection, tokens: tuple[str, ...], tuning: SearchTuning
) -> list[dict[str, float]]:
    """For each query token, the vocabulary tokens it may stand for, closest first."""
    keys = {key for token in tokens for key in token_keys(token)}
    by_key: dict[str, list[str]] = defaultdict(list)
    if keys:
        parts = [
            sa.select(search_keys.c.key, search_keys.c.token)
            .where(search_keys.c.key == key)
            .limit(tuning.tokens_per_key)
            for key in sorted(keys)
        ]
        for key, token in conn.execute(_union(parts)):
            by_key[key].append(token)
    expansions = []
    for token in tokens:
        kinds: dict[str, set[str]] = defaultdict(set)
        for key in token_keys(token):
            for found in by_key.get(key, []):
                kinds[found].add(key[:2])
        weights = {token: 1.0}
        for found, matched in kinds.items():
            weight = fuzz.ratio(token, found) / 100
            if matched & {"m:", "s:"}:
                weight = max(weight, _SOUND_WEIGHT)
            # Close in spelling and in sound: more likely the same name than either alone.
            weights[found] = max(weights.get(found, 0.0), weight + _AGREEMENT * (len(matched) - 1))
        best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        expansions.append(dict(best[: tuning.expansions_per_token]))
    return expansions


def _posting_counts(conn: sa.Connection, tokens: set[str], tuning: SearchTuning) -> dict[str, int]:
    """How many entities hold each token, counted up to the postings budget plus one."""
    parts = [
        sa.select(
            sa.literal(token).label("token"),
            sa.select(sa.func.count())
            .select_from(
                sa.select(search_tokens.c.entity_id)
                .where(search_tokens.c.token == token)
                .limit(tuning.postings_budget + 1)
                .subquery()
            )
            .scalar_subquery()
            .label("n"),
        )
        for token in sorted(tokens)
    ]
    return {token: int(count) for token, count in conn.execute(_union(parts)) if count}


def _candidates(
    conn: sa.Connection, units: list[set[str]], counts: dict[str, int], tuning: SearchTuning
) -> list[str]:
    """Entities holding the most selective units, within the postings budget."""
    sized = sorted(
        (sum(counts.get(token, 0) for token in unit), sorted(unit & counts.keys()))
        for unit in units
    )
    chosen: set[str] = set()
    spent = 0
    for size, tokens in sized:
        if size == 0:
            continue
        if chosen and spent + size > tuning.extra_postings:
            break
        chosen.update(tokens)
        spent += size
    if not chosen:
        return []
    statement = (
        sa.select(search_tokens.c.entity_id)
        .where(search_tokens.c.token.in_(sorted(chosen)))
        .limit(tuning.postings_budget)
    )
    return list(dict.fromkeys(conn.execute(statement).scalars()))


def _rescore(
    conn: sa.Connection,
    text: str,
    skeleton: str,
    candidates: list[str],
    tuning: SearchTuning,
    visible: sa.ColumnElement[bool] | None,
) -> list[NameMatch]:
    best: dict[str, NameMatch] = {}
    names = search_names.c
    for start in range(0, len(candidates), 900):
        statement = sa.select(
            names.entity_id, names.prop, names.value, names.folded, names.skeleton
        ).where(names.entity_id.in_(candidates[start : start + 900]))
        if visible is not None:
            statement = statement.where(
                held_value(names.entity_id, names.prop, names.value, visible)
            )
        rows = conn.execute(statement)
        for entity_id, prop, value, folded, folded_skeleton in rows:
            score = name_similarity(
                (text, skeleton), (folded, folded_skeleton), tuning.skeleton_weight
            )
            held = best.get(entity_id)
            if score >= tuning.min_score and (held is None or score > held.score):
                best[entity_id] = NameMatch(entity_id, score, prop, value)
    return sorted(best.values(), key=lambda match: (-match.score, match.entity_id))


def held_value(
    entity_id: sa.ColumnElement[str],
    prop: sa.ColumnElement[str],
    value: sa.ColumnElement[str],
    visible: sa.ColumnElement[bool],
) -> sa.ColumnElement[bool]:
    """An index row whose value is held by a statement passing ``visible``."""
    return sa.exists().where(
        statements.c.entity_id == entity_id,
        statements.c.prop == prop,
        statements.c.value == value,
        visible,
    )


def name_similarity(query: tuple[str, str], name: tuple[str, str], skeleton_weight: float) -> float:
    """Similarity in [0, 1] of two folded names (text, skeleton), spelled or sounded.

    The mean of rapidfuzz's token-sort ratio (whole names, any word order) and
    token-set ratio (one name inside the other) ranks the full name above a longer
    name that merely contains the query.
    """
    spelled = fuzz.token_sort_ratio(query[0], name[0]) + fuzz.token_set_ratio(query[0], name[0])
    sounded = fuzz.token_sort_ratio(query[1], name[1]) + fuzz.token_set_ratio(query[1], name[1])
    return round(max(spelled, sounded * skeleton_weight) / 200, 4)


def _union(parts: list[sa.Select[Any]]) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """One statement for many small limited selects (each wrapped, as SQLite requires)."""
    wrapped = [sa.select(part.subquery()) for part in parts]
    return wrapped[0] if len(wrapped) == 1 else sa.union_all(*wrapped)
