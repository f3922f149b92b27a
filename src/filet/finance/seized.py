"""The registry of frozen, seized, confiscated and allocated assets.

Each decision is a row of the ``seizures`` table (``--format seizures``); an asset's
standing is its latest decision, and its history stays on file. This is what an
investigator asks before a search (what is already seized?), what a magistrate needs
at sentencing (what can be confiscated?) and what AGRASC reports on (what was
allocated to which service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from filet.engine import Engine, Step, sql_texts


@dataclass(frozen=True)
class Decision:
    status: str
    decided_on: datetime
    authority: str | None
    legal_basis: str | None
    case_reference: str
    source: str


@dataclass(frozen=True)
class SeizedAsset:
    """An asset with its decisions, oldest first; its standing is the last one."""

    asset_id: str
    kind: str
    description: str | None
    owner_id: str | None
    owner_name: str | None
    value: float | None
    currency: str | None
    decisions: tuple[Decision, ...]

    @property
    def status(self) -> str:
        return self.decisions[-1].status

    @property
    def cases(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(decision.case_reference for decision in self.decisions))


def registry(
    engine: Engine, case: str | None = None, owner_id: str | None = None
) -> list[SeizedAsset]:
    """Every asset with a decision (in ``case``, of ``owner_id`` when given)."""
    filters = []
    if case is not None:
        filters.append(
            f"asset_id IN (SELECT asset_id FROM seizures WHERE case_reference IN "
            f"({sql_texts([case])}))"
        )
    if owner_id is not None:
        filters.append(f"owner_id IN ({sql_texts([owner_id])})")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    rows = engine.run([Step(f"SELECT * FROM seizures {where}", "seized_rows")])
    by_asset: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda row: (row["decided_on"], row["source_line"])):
        by_asset.setdefault((row["kind"], row["asset_id"]), []).append(row)
    return [_asset(decisions) for _, decisions in sorted(by_asset.items())]


def _asset(rows: list[dict[str, Any]]) -> SeizedAsset:
    def latest(column: str) -> Any:
        return next((row[column] for row in reversed(rows) if row[column] is not None), None)

    return SeizedAsset(
        asset_id=rows[0]["asset_id"],
        kind=rows[0]["kind"],
        description=latest("description"),
        owner_id=latest("owner_id"),
        owner_name=latest("owner_name"),
        value=latest("value"),
        currency=latest("currency"),
        decisions=tuple(
            Decision(
                row["status"],
                row["decided_on"],
                row["authority"],
                row["legal_basis"],
                row["case_reference"],
                f"{row['source_file']}:{row['source_line']}",
            )
            for row in rows
        ),
    )


def totals(assets: list[SeizedAsset]) -> dict[tuple[str, str], float]:
    """Value by standing and currency: what is frozen, seized, confiscated, allocated."""
    summed: dict[tuple[str, str], float] = {}
    for asset in assets:
        if asset.value is not None:
            slot = (asset.status, asset.currency or "")
            summed[slot] = summed.get(slot, 0.0) + asset.value
    return summed
