"""The tamper-evident audit log (Directive (EU) 2016/680, art. 25).

Every audited action builds one typed event and hands it to ``track_event`` inside the
transaction that performs the action, so the action and its record commit together.
"""

from filet.security.audit.events import (
    Actor,
    Alteration,
    AuditEvent,
    Authentication,
    Authorization,
    Collection,
    Combination,
    Consultation,
    Deconfliction,
    Disclosure,
    Erasure,
)
from filet.security.audit.log import track_event

__all__ = [
    "Actor",
    "Alteration",
    "AuditEvent",
    "Authentication",
    "Authorization",
    "Collection",
    "Combination",
    "Consultation",
    "Deconfliction",
    "Disclosure",
    "Erasure",
    "track_event",
]
