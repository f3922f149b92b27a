"""The rule for the dossier coffre (``filet.cases.coffre``, loi n° 2025-532).

Items sealed in a case, out of the procedure file, have their own rule, apart from the
rule for data (``filet.security.policy``): membership alone opens nothing, and neither
does any role but the case's magistrate. Every decision is recorded in the audit log,
as the policy's are.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from filet.security.audit import Authorization, track_event
from filet.security.identity import Account, Role
from filet.security.policy import Action, Decision, allowed_actions, as_utc, compartment_access
from filet.store.tables import coffre_holders, coffre_items, compartment_members, compartments

_CASE_KIND = "case"  # CompartmentKind.CASE; filet.security.compartments imports this module


def may_keep_coffre(
    conn: sa.Connection,
    account: Account,
    compartment: str,
    purpose: str = "",
    now: datetime | None = None,
) -> Decision:
    """Whether ``account`` keeps the case's dossier coffre (seals items, names and removes
    their holders): a magistrate with an active membership of the case and its clearance
    (rule 3). An operation has no coffre. The decision is recorded in the audit log."""
    moment = now or datetime.now(UTC)
    decision = _keeper(conn, account, compartment, moment)
    _record_sealed(conn, account, "keep", f"compartment:{compartment}", decision, purpose)
    return decision


def may_open_coffre(
    conn: sa.Connection,
    account: Account,
    compartment: str,
    purpose: str = "",
    now: datetime | None = None,
) -> Decision:
    """Whether the case's dossier coffre shows to ``account`` at all (the workbench's
    tab): it keeps it (``may_keep_coffre``'s rule), or it is a named holder of one of its
    items (``visible_sealed_clause``). Recorded like every decision; what then shows is
    still only what ``visible_sealed_clause`` opens."""
    moment = now or datetime.now(UTC)
    decision = _keeper(conn, account, compartment, moment)
    if not decision:
        held = sa.exists().where(
            coffre_items.c.compartment == compartment, visible_sealed_clause(account, moment)
        )
        decision = Decision(
            False, "ni magistrat du dossier ni détenteur / neither magistrate nor holder"
        )
        if conn.scalar(sa.select(held)):
            decision = Decision(True, "détenteur désigné / named holder of an item of the case")
    _record_sealed(conn, account, "open", f"compartment:{compartment}", decision, purpose)
    return decision


def may_read_sealed(
    conn: sa.Connection,
    account: Account,
    item_id: str,
    purpose: str = "",
    now: datetime | None = None,
) -> Decision:
    """Whether ``account`` may read the sealed item ``item_id``: its role reads data, its
    clearance is at least the case's, and it is either a magistrate of the case (active
    membership) or a holder the magistrate named, neither revoked nor expired. The
    decision is recorded; the caller answers a refusal exactly as it answers an unknown
    id. ``visible_sealed_clause`` is the same rule in SQL."""
    moment = now or datetime.now(UTC)
    decision = _sealed_reader(conn, account, item_id, moment)
    _record_sealed(conn, account, "read", f"coffre-item:{item_id}", decision, purpose)
    return decision


def may_keep_sealed(
    conn: sa.Connection,
    account: Account,
    item_id: str,
    purpose: str = "",
    now: datetime | None = None,
) -> Decision:
    """``may_keep_coffre`` for the case that holds the sealed item ``item_id`` (naming or
    removing its holders); an unknown id is refused like any other refusal."""
    case = conn.scalar(sa.select(coffre_items.c.compartment).where(coffre_items.c.id == item_id))
    if case is None:
        decision = Decision(False, "pièce inconnue / no such sealed item")
    else:
        decision = _keeper(conn, account, case, now or datetime.now(UTC))
    _record_sealed(conn, account, "keep", f"coffre-item:{item_id}", decision, purpose)
    return decision


def visible_sealed_clause(account: Account, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """``may_read_sealed`` as a WHERE condition on ``coffre_items``."""
    if _data_refusal(account, Action.READ) is not None:
        return sa.false()
    moment = now or datetime.now(UTC)
    cleared = sa.select(compartments.c.name).where(
        compartments.c.clearance <= int(account.clearance)
    )
    named = sa.select(coffre_holders.c.item_id).where(
        coffre_holders.c.account == account.name,
        coffre_holders.c.revoked_at.is_(None),
        coffre_holders.c.expires_at > moment,
    )
    reader: sa.ColumnElement[bool] = coffre_items.c.id.in_(named)
    if account.role is Role.MAGISTRATE:
        member = sa.select(compartment_members.c.compartment).where(
            compartment_members.c.account == account.name,
            compartment_members.c.revoked_at.is_(None),
            compartment_members.c.expires_at > moment,
        )
        reader = sa.or_(reader, coffre_items.c.compartment.in_(member))
    return sa.and_(coffre_items.c.compartment.in_(cleared), reader)


def _data_refusal(account: Account, action: Action) -> Decision | None:
    if account.disabled:
        return Decision(False, "compte désactivé / account disabled")
    if action not in allowed_actions(account):
        return Decision(
            False, f"le rôle / role {account.role.value} ne permet pas / may not {action.value}"
        )
    return None


def _keeper(conn: sa.Connection, account: Account, compartment: str, now: datetime) -> Decision:
    refused = _data_refusal(account, Action.GRANT)
    if refused is not None:
        return refused
    if account.role is not Role.MAGISTRATE:
        return Decision(False, "réservé au magistrat du dossier / the case's magistrate only")
    kind = conn.scalar(sa.select(compartments.c.kind).where(compartments.c.name == compartment))
    if kind is not None and kind != _CASE_KIND:
        return Decision(False, f"pas une affaire / not a case: {compartment} has no coffre")
    return compartment_access(conn, account, compartment, now)


def _sealed_reader(conn: sa.Connection, account: Account, item_id: str, now: datetime) -> Decision:
    refused = _data_refusal(account, Action.READ)
    if refused is not None:
        return refused
    case = conn.execute(
        sa.select(coffre_items.c.compartment, compartments.c.clearance)
        .join(compartments, compartments.c.name == coffre_items.c.compartment)
        .where(coffre_items.c.id == item_id)
    ).first()
    if case is None:
        return Decision(False, "pièce inconnue / no such sealed item")
    if account.clearance < case.clearance:
        return Decision(
            False, f"habilitation insuffisante / clearance {account.clearance} < {case.clearance}"
        )
    if account.role is Role.MAGISTRATE:
        membership = compartment_access(conn, account, case.compartment, now)
        if membership:
            return Decision(True, f"magistrat du dossier / magistrate: {membership.reason}")
    holder = conn.execute(
        sa.select(coffre_holders.c.expires_at, coffre_holders.c.revoked_at).where(
            coffre_holders.c.item_id == item_id, coffre_holders.c.account == account.name
        )
    ).first()
    if holder is None:
        return Decision(
            False, "ni magistrat du dossier ni détenteur / neither magistrate nor holder"
        )
    if holder.revoked_at is not None:
        return Decision(False, "désignation révoquée / holder designation revoked")
    expires = as_utc(holder.expires_at)
    if expires <= now:
        return Decision(
            False, f"désignation expirée / holder designation expired {expires:%Y-%m-%d}"
        )
    return Decision(True, f"détenteur désigné / named holder until {expires:%Y-%m-%d}")


def _record_sealed(
    conn: sa.Connection, account: Account, verb: str, label: str, decision: Decision, purpose: str
) -> None:
    event = Authorization(
        actor=account.actor(purpose),
        action=f"policy.coffre.{verb}",
        objects=(label,),
        allowed=decision.allowed,
        reason=decision.reason,
    )
    track_event(conn, event)
