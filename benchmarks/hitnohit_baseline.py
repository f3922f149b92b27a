"""The hit/no-hit benchmark's baseline: a bare FastAPI app answering from one indexed
SELECT on the hit index of the database in ``FILET_BENCH_DB`` (no authentication,
policy, question budget or audit entry)."""

from __future__ import annotations

import os
import sqlite3
import threading

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
_local = threading.local()


class Question(BaseModel):
    digest: str


def _db() -> sqlite3.Connection:
    if not hasattr(_local, "db"):
        _local.db = sqlite3.connect(os.environ["FILET_BENCH_DB"], check_same_thread=False)
    db: sqlite3.Connection = _local.db
    return db


@app.post("/api/hit")
def ask(question: Question) -> dict[str, object]:
    rows = (
        _db()
        .execute(
            "SELECT DISTINCT service, contact FROM hit_index WHERE digest = ?", (question.digest,)
        )
        .fetchall()
    )
    return {"hit": bool(rows), "contacts": [{"service": s, "contact": c} for s, c in rows]}
