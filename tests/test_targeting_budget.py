"""Inspection budget: score picks, a protected random share, a draw anyone can check."""

from __future__ import annotations

import hashlib

import numpy as np

from filet.targeting.budget import commitment, select


def test_lanes_take_top_scores_and_a_verifiable_random_share() -> None:
    ids = [f"D{i:03d}" for i in range(100)]
    scores = np.arange(100, 0, -1, dtype=np.float64)  # D000 scores highest
    picks = select(ids, scores, {"physical": 10, "documentary": 20}, seed="s3cret")
    physical = [p for p in picks if p.lane == "physical"]
    assert [p.declaration_id for p in physical if p.why == "score"] == ids[:9]
    assert [p.why for p in picks].count("random") == 1 + 2
    assert len({p.declaration_id for p in picks}) == 30
    documentary_scored = [p.declaration_id for p in picks[10:] if p.why == "score"]
    assert (
        documentary_scored == [i for i in ids if i not in {p.declaration_id for p in physical}][:18]
    )
    # Re-derived from the revealed seed: the lowest SHA-256(seed, id) not already taken.
    first_random = next(p for p in physical if p.why == "random").declaration_id
    rest = [i for i in ids if i not in ids[:9]]
    lottery = {i: hashlib.sha256(f"s3cret\x00{i}".encode()).hexdigest() for i in rest}
    assert first_random == min(rest, key=lottery.__getitem__)
    assert commitment("s3cret") == hashlib.sha256(b"s3cret").hexdigest()


def test_another_seed_draws_other_random_picks_but_keeps_score_picks() -> None:
    ids = [f"D{i:03d}" for i in range(200)]
    scores = np.linspace(1.0, 0.0, 200)
    one = select(ids, scores, {"physical": 40}, seed="a", random_share=0.5)
    two = select(ids, scores, {"physical": 40}, seed="b", random_share=0.5)
    assert [p for p in one if p.why == "score"] == [p for p in two if p.why == "score"]
    assert {p.declaration_id for p in one if p.why == "random"} != {
        p.declaration_id for p in two if p.why == "random"
    }
