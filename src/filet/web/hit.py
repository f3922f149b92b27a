"""``POST /api/hit``: hit/no-hit for partner services, by keyed hash only.

The asking service computes the HMAC-SHA256 of the normalized identifier under the key
the services share (``filet hit hash``, or the same computation in its own system); the
identifier itself never reaches this server. The answer is yes or no and whom to call.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from filet.security import hitnohit
from filet.security.hitnohit import HitError, RateLimited
from filet.web.deps import Conn, CurrentAccount, Now, Purpose

router = APIRouter(prefix="/api", tags=["hit"])


class HitQuestion(BaseModel):
    digest: str = Field(
        description="HMAC-SHA256 (hex) de KIND:CANONICAL / of KIND:CANONICAL",
        min_length=64,
        max_length=64,
        pattern="^[0-9a-fA-F]{64}$",
    )


class HitContact(BaseModel):
    service: str
    contact: str


class HitAnswer(BaseModel):
    hit: bool
    contacts: list[HitContact]


@router.post(
    "/hit",
    response_model=HitAnswer,
    responses={
        401: {"description": "Authentification requise / authentication required"},
        403: {"description": "Refusé / refused"},
        429: {"description": "Trop de questions / too many questions (Retry-After)"},
    },
)
def ask_hit(
    question: HitQuestion, conn: Conn, account: CurrentAccount, purpose: Purpose, now: Now
) -> HitAnswer:
    """Cet identifiant est-il connu ? / is this identifier known? Audited by its hash."""
    try:
        answer = hitnohit.ask(conn, account, question.digest, purpose, now=now)
    except RateLimited as limited:
        raise HTTPException(
            429, str(limited), headers={"Retry-After": str(int(limited.retry_after))}
        ) from None
    except HitError as error:
        raise HTTPException(403, str(error)) from None
    return HitAnswer(
        hit=answer.hit,
        contacts=[HitContact(service=c.service, contact=c.contact) for c in answer.contacts],
    )
