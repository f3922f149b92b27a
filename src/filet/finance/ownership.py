"""Beneficial owners: who, through chains of companies, owns or controls an entity.

A beneficial owner is a natural person who owns, directly or indirectly, more than 25 %
of the shares or voting rights (EU Directive 2015/849, art. 3(6)(a)(i); Code monétaire
et financier art. R.561-1: "plus de 25 % du capital ou des droits de vote"), or who
controls the entity by other means (R.561-1 2°, AMLD art. 3(6)(a)(i) "control via
other means"). Indirect ownership is the product of the shares along a chain, summed
over every chain from the person to the entity.

The graph is FollowTheMoney's: ``Ownership`` (owner -> asset, ``percentage`` as text),
``Control`` (controller -> controlled) and ``Directorship`` (director -> organization).
Chains are simple paths: a holding that comes back to an entity already on the chain
is a cycle, reported and not followed, so a walk always ends, no sum passes 100 % and
no entity is its own owner. A share is an interval (a range "25-50 %", or 0-100 % when
unknown), so a possible owner is told apart from a certain one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from filet.store.entities import load_entity
from filet.store.tables import statements

# EU Directive 2015/849 art. 3(6)(a)(i), CMF art. R.561-1: more than 25 %.
DEFAULT_THRESHOLD_PERCENT = 25.0
MAX_CHAIN = 12  # levels of holdings walked: a work bound, above any declared group
MAX_CHAINS = 100_000  # chains enumerated: dense cross-holdings grow exponentially
# How an entity says that its beneficial owner is declared unknown (the BODS v0.4
# ``unspecifiedReason`` codelist): a note "BODS unspecifiedReason: <code> — <text>".
DECLARED_UNKNOWN = "BODS unspecifiedReason: "
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_AT_LEAST = re.compile(r"(>|plus de|more than|over|au moins|at least)", re.IGNORECASE)


@dataclass(frozen=True)
class Share:
    """A holding in percent, as an interval: exact shares have ``low == high``."""

    low: float
    high: float


UNKNOWN_SHARE = Share(0.0, 100.0)


def parse_percentage(text: str) -> Share | None:
    """ "75", "75 %", "12,5%", "25-50%", "> 25 %" as a share; None when unreadable."""
    numbers = [float(n.replace(",", ".")) for n in _NUMBER.findall(text)]
    if not numbers or len(numbers) > 2 or any(n > 100 for n in numbers):
        return None
    if len(numbers) == 2:
        return Share(min(numbers), max(numbers))
    if _AT_LEAST.search(text):
        return Share(numbers[0], 100.0)
    return Share(numbers[0], numbers[0])


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    schema: str
    notes: tuple[str, ...] = ()
    # ISO codes, upper case: where it is registered, or its nationalities.
    countries: tuple[str, ...] = ()

    @property
    def is_person(self) -> bool:
        return self.schema == "Person"


@dataclass(frozen=True)
class Link:
    """One relation from ``source`` (owner, controller) to ``target`` (what it holds)."""

    id: str
    source: str
    target: str
    schema: str
    share: Share | None = None
    kind: str = ""


@dataclass
class Graph:
    parties: dict[str, Party] = field(default_factory=dict)
    owners_of: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))
    controllers_of: dict[str, list[Link]] = field(default_factory=lambda: defaultdict(list))
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def load_graph(
    conn: sa.Connection,
    subject: str,
    max_chain: int = MAX_CHAIN,
    visible: sa.ColumnElement[bool] | None = None,
) -> Graph:
    """The relations above ``subject``, read level by level from the statements that
    match ``visible`` (the access policy's row filter; ``None``: all of them). A holding
    recorded in a case the reader cannot see is then simply not on the chain."""
    graph = Graph()
    frontier, seen = {subject}, {subject}
    for _ in range(max_chain):
        query = sa.select(statements.c.entity_id).distinct()
        query = query.where(
            statements.c.prop.in_(["asset", "controlled", "organization"]),
            statements.c.schema.in_(["Ownership", "Control", "Directorship"]),
            statements.c.value.in_(sorted(frontier)),
        )
        if visible is not None:
            query = query.where(visible)
        links = [_link(conn, row.entity_id, graph, visible) for row in conn.execute(query)]
        for link in filter(None, links):
            held = graph.owners_of if link.schema == "Ownership" else graph.controllers_of
            held[link.target].append(link)
        frontier = {link.source for link in links if link and link.schema == "Ownership"} - seen
        seen |= frontier | {link.source for link in links if link}
        if not frontier:
            break
    for party_id in sorted(seen):
        entity = load_entity(conn, party_id, visible=visible)
        if entity is not None:
            notes = tuple(entity.get("notes", quiet=True))
            countries = tuple(
                dict.fromkeys(
                    code.upper()
                    for prop in ("jurisdiction", "country", "nationality", "mainCountry")
                    for code in entity.get(prop, quiet=True)
                )
            )
            graph.parties[party_id] = Party(
                party_id, entity.caption, entity.schema.name, notes, countries
            )
    return graph


def _link(
    conn: sa.Connection, link_id: str, graph: Graph, visible: sa.ColumnElement[bool] | None
) -> Link | None:
    entity = load_entity(conn, link_id, visible=visible)
    if entity is None:
        return None
    source_prop, target_prop = entity.schema.edge_source, entity.schema.edge_target
    sources, targets = entity.get(source_prop or ""), entity.get(target_prop or "")
    if not sources or not targets:
        return None
    if entity.schema.name != "Ownership":
        kind = entity.first("controlType", quiet=True) or entity.first("role", quiet=True) or ""
        return Link(link_id, sources[0], targets[0], entity.schema.name, kind=kind)
    text = entity.first("percentage")
    share = parse_percentage(text) if text else UNKNOWN_SHARE
    if share is None:
        graph.unreadable.append((link_id, text or ""))
        share = UNKNOWN_SHARE
    kind = entity.first("ownershipType") or ""
    return Link(link_id, sources[0], targets[0], "Ownership", share, kind)


@dataclass(frozen=True)
class Holding:
    """An owner's effective share of the subject, and the chains that make it."""

    party: Party
    share: Share
    chains: tuple[tuple[str, ...], ...]
    status: str  # "above", "possible" (a range or unknown share straddles it), "below"


@dataclass(frozen=True)
class Report:
    subject: str
    threshold: float
    holdings: tuple[Holding, ...]
    controllers: tuple[tuple[Party, Link], ...]
    declared_unknown: tuple[tuple[str, str], ...]  # (entity id, reason and text)
    cycles: tuple[tuple[str, ...], ...]
    unresolved: tuple[str, ...]  # entities on a chain with no owner on file
    unreadable: tuple[tuple[str, str], ...]
    truncated: bool = False  # MAX_CHAINS reached: shares are lower bounds

    @property
    def beneficial_owners(self) -> tuple[Holding, ...]:
        return tuple(h for h in self.holdings if h.party.is_person and h.status != "below")

    @property
    def missing(self) -> bool:
        """No ownership, no control and no declaration at all: a gap in the data."""
        return not (self.holdings or self.controllers or self.declared_unknown)


def _pair_share(links: list[Link]) -> Share:
    """Several interests of one owner in one asset: same kind adds up, kinds do not.

    Shares and voting rights measure the same holding twice (BODS keeps both): the
    larger one counts. Two blocks of shares of the same kind add up.
    """
    per_kind: dict[str, Share] = defaultdict(lambda: Share(0.0, 0.0))
    for link in links:
        share = link.share or UNKNOWN_SHARE
        total = per_kind[link.kind.lower()]
        per_kind[link.kind.lower()] = Share(total.low + share.low, total.high + share.high)
    return Share(
        min(100.0, max(s.low for s in per_kind.values())),
        min(100.0, max(s.high for s in per_kind.values())),
    )


def beneficial_owners(
    graph: Graph, subject: str, threshold: float = DEFAULT_THRESHOLD_PERCENT
) -> Report:
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    chains: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    cycles: set[tuple[str, ...]] = set()
    unresolved: set[str] = set()

    count = [0]

    def walk(chain: tuple[str, ...], low: float, high: float) -> None:
        by_owner: dict[str, list[Link]] = defaultdict(list)
        for link in graph.owners_of.get(chain[-1], []):
            by_owner[link.source].append(link)
        if not by_owner and len(chain) > 1 and not _is_person(graph, chain[-1]):
            unresolved.add(chain[-1])
        for owner, links in sorted(by_owner.items()):
            if owner in chain:
                cycles.add((*chain[chain.index(owner) :], owner))
                continue
            share = _pair_share(links)
            step = (low * share.low / 100, high * share.high / 100)
            sums[owner][0] += step[0]
            sums[owner][1] += step[1]
            chains[owner].append((*chain, owner))
            count[0] += 1
            if len(chain) < MAX_CHAIN and count[0] < MAX_CHAINS:
                walk((*chain, owner), *step)

    walk((subject,), 100.0, 100.0)
    holdings = [
        _holding(graph, owner, Share(min(100.0, lo), min(100.0, hi)), chains[owner], threshold)
        for owner, (lo, hi) in sums.items()
    ]
    holdings.sort(key=lambda h: (-h.share.low, -h.share.high, h.party.id))
    return Report(
        subject=subject,
        threshold=threshold,
        holdings=tuple(holdings),
        controllers=_controllers(graph, subject, holdings),
        declared_unknown=_declared_unknown(graph, [subject, *sums]),
        cycles=tuple(sorted(cycles)),
        unresolved=tuple(sorted(unresolved - {p for p in graph.parties if _declares(graph, p)})),
        unreadable=tuple(graph.unreadable),
        truncated=count[0] >= MAX_CHAINS,
    )


def _is_person(graph: Graph, party_id: str) -> bool:
    party = graph.parties.get(party_id)
    return party is not None and party.is_person


def _party(graph: Graph, party_id: str) -> Party:
    return graph.parties.get(party_id) or Party(party_id, party_id, "LegalEntity")


def _holding(
    graph: Graph, owner: str, share: Share, chains: list[tuple[str, ...]], threshold: float
) -> Holding:
    status = "above" if share.low > threshold else "possible" if share.high > threshold else "below"
    return Holding(_party(graph, owner), share, tuple(chains), status)


def _controllers(
    graph: Graph, subject: str, holdings: list[Holding]
) -> tuple[tuple[Party, Link], ...]:
    """Control of the subject, or of a company holding a majority of it, by a non-owner."""
    owners = {h.party.id for h in holdings if h.status == "above"}
    over = [subject] + [h.party.id for h in holdings if h.share.low > 50 and not h.party.is_person]
    found = [
        (_party(graph, link.source), link)
        for target in over
        for link in graph.controllers_of.get(target, [])
        if link.source not in owners
    ]
    return tuple(sorted(found, key=lambda item: (item[1].target, item[0].id)))


def _declares(graph: Graph, party_id: str) -> bool:
    party = graph.parties.get(party_id)
    return party is not None and any(n.startswith(DECLARED_UNKNOWN) for n in party.notes)


def _declared_unknown(graph: Graph, party_ids: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (party_id, note.removeprefix(DECLARED_UNKNOWN))
        for party_id in party_ids
        if party_id in graph.parties
        for note in graph.parties[party_id].notes
        if note.startswith(DECLARED_UNKNOWN)
    )


def held_accounts(
    conn: sa.Connection, entity_id: str, visible: sa.ColumnElement[bool] | None = None
) -> list[str]:
    """The numbers (account number, IBAN) of a bank account, or of those an entity owns,
    from the statements that match ``visible`` (the access policy's row filter)."""
    entity = load_entity(conn, entity_id, visible=visible)
    if entity is None:
        return []
    if entity.schema.name == "BankAccount":
        return sorted({*entity.get("accountNumber"), *entity.get("iban")})
    owned = sa.select(statements.c.entity_id).where(
        statements.c.schema == "Ownership",
        statements.c.prop == "owner",
        statements.c.value == entity_id,
    )
    if visible is not None:
        owned = owned.where(visible)
    numbers: set[str] = set()
    for row in conn.execute(owned):
        edge = load_entity(conn, row.entity_id, visible=visible)
        for asset in edge.get("asset") if edge is not None else []:
            account = load_entity(conn, asset, visible=visible)
            if account is not None and account.schema.name == "BankAccount":
                numbers |= {*account.get("accountNumber"), *account.get("iban")}
    return sorted(numbers)


def owned_subjects(conn: sa.Connection) -> list[str]:
    """Entities that something holds, controls or declares unknown owners of: those a
    file of ownership statements is about (its ultimate holders are not asked for)."""
    held = sa.select(statements.c.value).where(
        statements.c.prop.in_(["asset", "controlled"]),
        statements.c.schema.in_(["Ownership", "Control"]),
    )
    unknown = sa.select(statements.c.entity_id).where(
        statements.c.prop == "notes", statements.c.value.startswith(DECLARED_UNKNOWN)
    )
    return sorted(set(conn.execute(held).scalars()) | set(conn.execute(unknown).scalars()))
