"""The path to the top over a workspace: its calls, meetings and payments, as people.

``filet network path ID --via calls,meetings,payments`` reads the chosen event tables
(those the workspace holds), lifts each identifier to its party
(``filet.network.parties``), ranks the parties by the key-player score of
``filet.network.ranking`` on that combined graph (so a leader who only meets and pays
ranks by the ties he has), and walks ``filet.network.paths`` from the party of ``ID``:
a phone number as written, an account number or IBAN, a name written in a meeting
report, or an entity id (the person, the line, the account).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from filet.engine import Engine
from filet.network.edges import edge_steps
from filet.network.multigraph import (
    SOURCES,
    Contact,
    Ref,
    call_contacts,
    meeting_contacts,
    meeting_steps,
    party_graph,
    payment_contacts,
    payment_steps,
)
from filet.network.numbers import e164
from filet.network.parties import identifier_refs, resolve_parties
from filet.network.paths import Chain, UnknownNumber, paths_to_top
from filet.network.ranking import rank


class NoSource(ValueError):
    """None of the chosen sources has a table in the workspace."""


@dataclass(frozen=True)
class TopPaths:
    start: str  # the party the identifier resolved to
    start_label: str
    via: tuple[str, ...]  # the sources read (those of --via the workspace holds)
    chains: list[Chain]


def parse_via(text: str) -> tuple[str, ...]:
    """``calls,meetings,payments`` (any of them, in any order) as the sources' order."""
    asked = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(asked - set(SOURCES))
    if unknown or not asked:
        raise ValueError(f"--via {text!r}: sources connues / known sources: {', '.join(SOURCES)}")
    return tuple(source for source in SOURCES if source in asked)


def read_contacts(
    engine: Engine, tables: set[str], via: Sequence[str]
) -> tuple[tuple[str, ...], list[Contact]]:
    """The contacts of each source in ``via`` whose table is registered in ``engine``."""
    read = tuple(source for source in via if SOURCES[source] in tables)
    if not read:
        wanted = ", ".join(SOURCES[source] for source in via)
        raise NoSource(
            f"aucune table / no table among {wanted} (filet ingest --format cdr, meetings, "
            "amlworld…)"
        )
    contacts: list[Contact] = []
    if "calls" in read:
        contacts += call_contacts(engine.run(edge_steps()))
    if "meetings" in read:
        contacts += meeting_contacts(engine.run(meeting_steps()))
    if "payments" in read:
        contacts += payment_contacts(engine.run(payment_steps()))
    return read, contacts


def start_refs(identifier: str) -> list[Ref]:
    """What ``identifier`` may be, most specific first: an entity id or a name, a phone
    number (E.164 where it parses), an account number or IBAN (spaces dropped)."""
    text = identifier.strip()
    refs = [Ref("name", text)]
    number = e164(text)
    refs += [Ref("phone", number)] if number else []
    compact = text.replace(" ", "").upper()
    return [*refs, Ref("phone", text), Ref("account", text), Ref("account", compact)]


def top_paths(
    conn: sa.Connection,
    visible: sa.ColumnElement[bool] | None,
    contacts: list[Contact],
    identifier: str,
    via: tuple[str, ...],
    top: int = 3,
) -> TopPaths:
    """Chains from the party of ``identifier`` to the ``top`` best-ranked parties."""
    candidates = start_refs(identifier)
    candidates += identifier_refs(conn, identifier.strip(), visible)
    refs = {ref for contact in contacts for ref in (contact.a, contact.b)}
    parties = resolve_parties(conn, refs | set(candidates), visible)
    graph = party_graph(contacts, parties)
    names = set(graph.vs["name"]) if graph.vcount() else set()
    start = next((parties[ref] for ref in candidates if parties[ref].id in names), None)
    if start is None:
        shown = e164(identifier) or identifier.strip()
        raise UnknownNumber(f"{shown}: absent du réseau / not in the network")
    chains = paths_to_top(graph, rank(graph), start.id, top)
    return TopPaths(start.id, start.label, via, chains)
