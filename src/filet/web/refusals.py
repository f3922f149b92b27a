"""The one way a view refuses: ``Refused`` carries the status code.

``NOT_FOUND`` is the answer when the policy refuses an object (an entity, an alert):
the reader cannot tell it from an object that does not exist. ``FORBIDDEN`` is for an
action the account's role never allows (an analyst reading the audit log).
"""

from __future__ import annotations

from fastapi import HTTPException


class Refused(HTTPException):
    """An HTTP refusal whose audit entries the request's transaction still commits."""


def not_found() -> Refused:
    return Refused(404, "introuvable / not found")


def forbidden() -> Refused:
    return Refused(403, "refusé / denied")
