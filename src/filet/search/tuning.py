"""The knobs of name search, with the reasons for their defaults.

Defaults were set on the search benchmark (``benchmarks/bench_search.py``, 1,000,000
generated persons, companies and vessels on SQLite, 2 cores): they keep the 95th
percentile of a name query under 50 ms there while typo and transliterated queries
still find their target in the top ten. Pass another ``SearchTuning`` to
``search_entities`` to trade speed for recall.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchTuning:
    # Most postings read for one name query: a token or pair held by more entities
    # than this is counted only up to it, and a query made only of such common words
    # rescores that many of their holders. 0.2 % of 1M entities.
    postings_budget: int = 2000
    # Postings of the next most selective units added to those of the most selective
    # one, so that one wrong guess (a rare misreading of a typo) does not lose the
    # answer, while a selective query rescores a few hundred names, not thousands.
    extra_postings: int = 300
    # Vocabulary tokens a query token may expand to (typos, sound-alikes, skeletons);
    # the closest by edit similarity are kept.
    expansions_per_token: int = 8
    # Vocabulary tokens read per lookup key; a short Metaphone code is shared by many.
    tokens_per_key: int = 200
    # Lowest score (0-1) returned; below it the names share little more than a token.
    min_score: float = 0.5
    # Weight of a consonant-skeleton match against a spelled match: weaker evidence.
    skeleton_weight: float = 0.9


DEFAULT_TUNING = SearchTuning()
