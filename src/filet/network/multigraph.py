"""Calls, meetings and payments as one network of people, for the path to the top.

Each source ties identifiers: calls two phone lines, meetings the participants a
surveillance report names (a line or a name), payments two bank accounts. Once each
identifier is lifted to the party it resolves to (``filet.network.parties``: the holder
of the line or the account when one is known), the ties between two parties are one
edge of an undirected graph, whose weight is their contacts of every kind, and which
keeps per kind the count and the first record (``paths.Tie``), so that a chain from a
seller's phone to the organiser can say "appel, then rencontre, then paiement" and cite
the fadette line, the surveillance report line and the bank statement line.

The SQL half (``meeting_steps``, ``payment_steps``; calls use ``edges.edge_steps``)
reduces each table to one row per pair, or per meeting, in plain SQL run alike on
DuckDB and Spark; drawing a meeting's pairs and building the graph is Python, on rows
as few as the pairs that met.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

import igraph as ig

from filet.engine import Step
from filet.network.graph import call_graph
from filet.network.meetings import participants_of
from filet.network.numbers import e164
from filet.network.paths import Tie

# Sources the graph can take (``--via``), the table each reads, and the kind of tie it
# gives, in the order ties are listed on a link.
SOURCES = {"calls": "calls", "meetings": "meetings", "payments": "transactions"}
KINDS = {"calls": "appel", "meetings": "rencontre", "payments": "paiement"}
_ORDER = {kind: index for index, kind in enumerate(KINDS.values())}


@dataclass(frozen=True)
class Ref:
    """An identifier as an event table writes it: ``phone`` (E.164 or as written),
    ``account`` (account number or IBAN) or ``name`` (a meeting participant)."""

    kind: str
    value: str


@dataclass(frozen=True)
class Contact:
    """Contacts of one kind between two identifiers, with the first one's record."""

    kind: str
    a: Ref
    b: Ref
    count: int
    first: datetime | None
    source_file: str
    source_line: int
    amount: float | None = None

    def sort_key(self) -> tuple[bool, datetime | str, str, int]:
        """Earliest first, undated last, then by ``file:line`` so that runs agree."""
        return (self.first is None, self.first or "", self.source_file, self.source_line)


@dataclass(frozen=True)
class Party:
    """Who an identifier stands for: ``id`` is the entity it resolved to (the line's
    or the account's holder, else the identifier's own entity), or the identifier
    itself when the workspace has no entity for it; ``label`` is what to show."""

    id: str
    label: str


def meeting_steps() -> list[Step]:
    """The meetings, one row each (their pairs are drawn in Python)."""
    query = """
        SELECT participants, start_ts, meetings, source_file, source_line
        FROM meetings
        ORDER BY source_file, source_line
    """
    return [Step(query, "meeting_rows")]


def payment_steps() -> list[Step]:
    """One row per (payer, payee) account: payments, total paid, first payment's line.

    The first payment is chosen by time, then source file and line, as ``edge_steps``
    chooses the first call, so both engines point at the same row.
    """
    window = "PARTITION BY from_account, to_account"
    numbered = f"""
        SELECT
            from_account, to_account, ts, source_file, source_line,
            COUNT(*) OVER ({window}) AS payments,
            SUM(amount_paid) OVER ({window}) AS amount,
            ROW_NUMBER() OVER ({window} ORDER BY ts, source_file, source_line) AS n
        FROM transactions
        WHERE from_account <> to_account
    """
    pairs = """
        SELECT from_account, to_account, payments, amount, ts AS first_ts,
               source_file, source_line
        FROM payment_pairs_numbered
        WHERE n = 1
        ORDER BY from_account, to_account
    """
    return [Step(numbered, "payment_pairs_numbered"), Step(pairs, "payment_pairs")]


def call_contacts(rows: Iterable[dict[str, Any]]) -> list[Contact]:
    """Contacts from the rows of ``edges.edge_steps`` (one per ordered pair of lines)."""
    return [
        Contact(
            KINDS["calls"],
            Ref("phone", row["caller"]),
            Ref("phone", row["callee"]),
            int(row["calls"]),
            row["first_ts"],
            str(row["source_file"]),
            int(row["source_line"]),
        )
        for row in rows
    ]


def meeting_contacts(rows: Iterable[dict[str, Any]]) -> list[Contact]:
    """One contact per pair of participants of each meeting row, counted as many times
    as the row's ``meetings``."""
    found = []
    for row in rows:
        names = [_participant(name) for name in participants_of(row["participants"])]
        for a, b in combinations(names, 2):
            found.append(
                Contact(
                    KINDS["meetings"],
                    a,
                    b,
                    int(row["meetings"]),
                    row["start_ts"],
                    str(row["source_file"]),
                    int(row["source_line"]),
                )
            )
    return found


def payment_contacts(rows: Iterable[dict[str, Any]]) -> list[Contact]:
    """Contacts from the rows of ``payment_steps``."""
    return [
        Contact(
            KINDS["payments"],
            Ref("account", row["from_account"]),
            Ref("account", row["to_account"]),
            int(row["payments"]),
            row["first_ts"],
            str(row["source_file"]),
            int(row["source_line"]),
            float(row["amount"]) if row["amount"] is not None else None,
        )
        for row in rows
    ]


def _participant(stored: str) -> Ref:
    """A participant stored in E.164 is a phone line; any other is a name."""
    return Ref("phone", stored) if e164(stored) == stored else Ref("name", stored)


def party_graph(contacts: Iterable[Contact], parties: Mapping[Ref, Party]) -> ig.Graph:
    """The undirected graph of parties: an edge per pair tied by any contact, weighted
    by their contacts of every kind, with ``ties`` (a ``Tie`` per kind), ``calls`` (the
    contacts, as the call graph names its strength) and the first evidence's record.
    Contacts between identifiers of one party (two lines of one holder) are dropped."""
    by_pair: dict[tuple[str, str], dict[str, list[Contact]]] = {}
    labels: dict[str, str] = {}
    for contact in contacts:
        a, b = parties[contact.a].id, parties[contact.b].id
        labels[a], labels[b] = parties[contact.a].label, parties[contact.b].label
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        by_pair.setdefault(pair, {}).setdefault(contact.kind, []).append(contact)
    ties = {pair: _ties(kinds) for pair, kinds in by_pair.items()}
    graph = call_graph((a, b, float(sum(t.count for t in held))) for (a, b), held in ties.items())
    graph.vs["label"] = [labels[name] for name in graph.vs["name"]] if graph.vcount() else []
    held = [ties[_pair(graph, edge)] for edge in graph.es]
    first = [min(tied, key=_tie_key) for tied in held]
    graph.es["ties"] = held
    graph.es["calls"] = [sum(tie.count for tie in tied) for tied in held]
    graph.es["first_call"] = [tie.first for tie in first]
    graph.es["source_file"] = [tie.source_file for tie in first]
    graph.es["source_line"] = [tie.source_line for tie in first]
    return graph


def _pair(graph: ig.Graph, edge: ig.Edge) -> tuple[str, str]:
    a, b = graph.vs[edge.source]["name"], graph.vs[edge.target]["name"]
    return (a, b) if a < b else (b, a)


def _ties(kinds: dict[str, list[Contact]]) -> list[Tie]:
    """Per kind: the contacts summed, the earliest one's time and record."""
    tied = []
    for kind in sorted(kinds, key=_ORDER.__getitem__):
        contacts = kinds[kind]
        first = min(contacts, key=Contact.sort_key)
        amounts = [c.amount for c in contacts if c.amount is not None]
        tied.append(
            Tie(
                kind=kind,
                count=sum(c.count for c in contacts),
                first=first.first.isoformat() if first.first else None,
                source_file=first.source_file,
                source_line=first.source_line,
                amount=round(sum(amounts), 2) if amounts else None,
            )
        )
    return tied


def _tie_key(tie: Tie) -> tuple[bool, str, str, int]:
    return (tie.first is None, tie.first or "", tie.source_file, tie.source_line)
