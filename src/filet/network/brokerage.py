"""Brokerage roles (Gould & Fernandez 1989): how a number sits between groups.

Betweenness says that paths go through someone, not between whom. Gould & Fernandez
(1989, *Sociological Methodology* 19:89-126) split brokerage by the groups of the three
people of a relay: ``v`` brokers between ``a`` and ``c`` when both talk to ``v`` and
never to each other. By the groups of ``a``, ``v`` and ``c``:

- coordinator: all three in one group (a cell's internal relay);
- itinerant (consultant): ``a`` and ``c`` in one group, ``v`` from another (an outside
  go-between, e.g. a courier between two members of a cell);
- gatekeeper or representative: ``v`` in the group of one end only (who lets the outside
  in, or speaks for the group outside: the buyer of a cell facing a supplier);
- liaison: three different groups (the pure broker between organisations).

Gould & Fernandez define the roles on directed ties, where gatekeeper (``a`` outside)
and representative (``c`` outside) differ. A call is a conversation: the line that
dials says who called, not which way the drugs, the money or the orders went, so a tie
here is a call either way, each relay is counted once per pair of ends, and the two
roles are one, as UCINET does for symmetric data.

Groups here are the Leiden communities of the call graph, since investigators rarely
know the organisations in advance (Morselli 2009, *Inside Criminal Networks*, ch. 6,
uses the same roles on CAVIAR).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    ITINERANT = "itinerant"
    GATEKEEPER = "gatekeeper/representative"
    LIAISON = "liaison"


ROLE_LABELS_FR = {
    Role.COORDINATOR: "coordinateur",
    Role.ITINERANT: "itinérant",
    Role.GATEKEEPER: "portier/représentant",
    Role.LIAISON: "agent de liaison",
}


@dataclass(frozen=True)
class Brokerage:
    """How many open relays a number brokers, by role."""

    name: str
    counts: dict[Role, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def between_groups(self) -> int:
        """Relays that cross a group boundary: every role but coordinator."""
        return self.total - self.counts.get(Role.COORDINATOR, 0)

    def main_roles(self, limit: int = 2) -> list[tuple[Role, int]]:
        """The most frequent roles, most first, ties in the order of ``Role``."""
        order = list(Role)
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], order.index(item[0])))
        return [(role, count) for role, count in ranked[:limit] if count]


def role_of(a: int, v: int, c: int) -> Role:
    """The role of ``v`` relaying between ``a`` and ``c``, from the three groups."""
    if a == v == c:
        return Role.COORDINATOR
    if a == c:
        return Role.ITINERANT
    if v in (a, c):
        return Role.GATEKEEPER
    return Role.LIAISON


def brokerage_roles(
    calls: Iterable[tuple[str, str]], group: Mapping[str, int]
) -> dict[str, Brokerage]:
    """Every number's open relays ``a - v - c`` (``a`` and ``c`` never in a call), by role.

    ``calls`` are (caller, callee) pairs, repeated or not, either way round; a number
    calling itself is ignored. Each relay counts once per pair of ends.
    """
    ties: dict[str, set[str]] = {}
    for caller, callee in calls:
        if caller != callee:
            ties.setdefault(caller, set()).add(callee)
            ties.setdefault(callee, set()).add(caller)
    found = {}
    for v, around in sorted(ties.items()):
        ends = sorted(around)
        counts: dict[Role, int] = {}
        for i, a in enumerate(ends):
            for c in ends[i + 1 :]:
                if c not in ties[a]:
                    role = role_of(group[a], group[v], group[c])
                    counts[role] = counts.get(role, 0) + 1
        found[v] = Brokerage(v, counts)
    return found
