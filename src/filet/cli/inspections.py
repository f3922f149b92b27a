"""``filet targeting commit`` and ``filet targeting select``: the day's inspections,
drawn with a seed committed in the audit log beforehand (filet.targeting.selection)."""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import sqlalchemy as sa
import typer

from filet.cli.audit import ActorOption, PurposeOption
from filet.cli.common import (
    HomeOption,
    JsonOption,
    acting_account,
    console,
    fail,
    print_json,
    readable_workspace,
    workspace,
)
from filet.security.audit import Alteration, Disclosure, track_event
from filet.store.events import EventStore
from filet.store.tables import audit_entries
from filet.targeting.budget import DEFAULT_RANDOM_SHARE, commitment
from filet.targeting.cargo_rules import CargoRuleThresholds
from filet.targeting.selection import (
    Assigned,
    Pool,
    draw,
    fit,
    pending,
    pending_trust,
    periods_drift,
    score,
)

COMMIT_ACTION = "targeting.commit"
KINDS = ("consignments", "passengers")


def header(pool: Pool) -> list[str]:
    """The CSV's columns: the pick's id and detail, how it was drawn, its parties."""
    parties = [f"{party.name}{end}" for party in pool.parties for end in ("", "_record")]
    return [
        pool.id_column, pool.detail_column, "lane", "why", "officer", "priority", "points",
        "reasons", *parties,
    ]  # fmt: skip


def commit(
    actor: ActorOption = None, purpose: PurposeOption = None, home: HomeOption = None
) -> None:
    """Engager une graine / draw a secret seed and record its SHA-256 in the audit log
    before the draw. Keep the seed secret until `filet targeting select --seed` reveals it."""
    seed = secrets.token_hex(16)
    with workspace(home) as ws:
        who, _ = acting_account(ws, actor, purpose)
        with ws.db.begin() as conn:
            event = Alteration(
                actor=who, action=COMMIT_ACTION, objects=(commitment(seed),), change="commitment"
            )
            track_event(conn, event)
    console.print(f"engagement / commitment: {commitment(seed)}", highlight=False, soft_wrap=True)
    console.print(
        f"graine, à garder secrète / seed, keep it secret: {seed}", highlight=False, soft_wrap=True
    )


def select(
    seed: Annotated[str, typer.Option("--seed", help="The seed `commit` gave.")],
    out: Annotated[Path, typer.Option("--out", help="CSV of the inspections drawn.")],
    budget: Annotated[
        list[str],
        typer.Option("--budget", help="lane=count, most intrusive first (repeatable)."),
    ],
    officer: Annotated[
        list[str],
        typer.Option("--officer", help="lane=name, an officer of a lane (repeatable)."),
    ],
    random_share: Annotated[
        float, typer.Option("--random-share", min=0.0, max=1.0, help="Share drawn at random.")
    ] = DEFAULT_RANDOM_SHARE,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="What is drawn: consignments (manifests, cargo rules) or passengers (PNR, "
            "courier rules).",
        ),
    ] = "consignments",
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
) -> None:
    """Tirer les contrôles / score the consignments (or, with --kind passengers, the
    boarded passengers) not yet inspected (rules and the score learned from past
    inspections), spend each lane's budget with its random share, and deal the picks to
    the lane's officers by lottery. The seed must have been committed in this workspace's
    audit log; the draw is recorded with the seed revealed."""
    budgets = {lane: _count(value) for lane, value in _pairs(budget, "--budget").items()}
    lanes: dict[str, list[str]] = {}
    for lane, name in _pairs_list(officer):
        lanes.setdefault(lane, []).append(name)
    missing = [lane for lane in budgets if lane not in lanes]
    if missing:
        fail(f"--officer: aucun agent pour / no officer for {', '.join(missing)}")
    if kind not in KINDS:
        fail(f"--kind {kind!r} : attendu / expected {' or '.join(KINDS)}")
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        with ws.db.connect() as conn:
            committed = _committed_at(conn, commitment(seed))
        if committed is None:
            fail("graine non engagée / seed not committed here: run `filet targeting commit`")
        readable = readable_workspace(ws, who, account)
        try:
            rows, pool = _rows(readable.events, kind)
            waiting = pending(rows)
            if waiting.num_rows == 0:
                raise ValueError(f"rien en attente / no {kind[:-1]} awaits a decision")
            model = fit(rows, pool)
            trust = pending_trust(rows, pool, model.prior)
            drawn = draw(score(model, waiting, trust, pool), budgets, lanes, seed, random_share)
        except ValueError as error:
            fail(str(error))
        body = _write(out, drawn, pool)
        with ws.db.begin() as conn:
            track_event(
                conn,
                Disclosure(
                    actor=who,
                    action="targeting.select",
                    objects=(commitment(seed), seed, *(a.pick.declaration_id for a in drawn)),
                    recipient=str(out),
                    records=len(drawn),
                    sha256=hashlib.sha256(body).hexdigest(),
                ),
            )
    console.print(
        f"{len(drawn)} contrôles tirés / inspections drawn -> {out} (graine engagée le / seed "
        f"committed at {committed})",
        highlight=False,
    )


def _committed_at(conn: sa.Connection, digest: str) -> str | None:
    query = sa.select(audit_entries.c.at, audit_entries.c.entry).where(
        audit_entries.c.action == COMMIT_ACTION
    )
    for at, entry in conn.execute(query):
        if digest in json.loads(entry)["objects"]:
            return str(at)
    return None


def _rows(events: EventStore, kind: str) -> tuple[pa.Table, Pool]:
    """The flagged rows of ``kind`` and how to draw them."""
    if kind == "passengers":
        from filet.targeting import flight_model

        return flight_model.flagged(events), flight_model.POOL
    from filet.targeting import cargo_model

    rules = CargoRuleThresholds()
    return cargo_model.flagged(events, rules), cargo_model.pool(rules)


def _write(out: Path, drawn: list[Assigned], pool: Pool) -> bytes:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header(pool))
        for item in drawn:
            reasons = "; ".join(
                f"{r.label_fr} / {r.label_en} = {r.value} (+{r.contribution:.2f})"
                for r in item.scored.reasons
            )
            records = []
            for party in pool.parties:
                known = item.scored.trust.get(party.name)
                records += [known.name, known.said()] if known else ["", ""]
            writer.writerow(
                [item.pick.declaration_id, item.scored.detail, item.pick.lane, item.pick.why,
                 item.officer, f"{item.scored.priority:.4f}", f"{item.scored.points:g}", reasons,
                 *records]
            )  # fmt: skip
    return out.read_bytes()


def _count(value: str) -> int:
    if not value.isdigit():
        fail(f"--budget: {value!r} n'est pas un nombre de contrôles / is not a count")
    return int(value)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    return dict(_pairs_list(values, option))


def _pairs_list(values: list[str], option: str = "--officer") -> list[tuple[str, str]]:
    found = []
    for value in values:
        key, equals, setting = value.partition("=")
        if not (equals and key.strip() and setting.strip()):
            fail(f"{option} {value!r} : attendu / expected lane=value")
        found.append((key.strip(), setting.strip()))
    return found


def drift_command(
    days: Annotated[int, typer.Option("--days", min=7, help="Days in each period.")] = 28,
    actor: ActorOption = None,
    purpose: PurposeOption = None,
    home: HomeOption = None,
    json_output: JsonOption = False,
) -> None:
    """Dérive du ciblage / train the learned score on everything before the last two
    periods of ``--days``, then compare the last period with the one before: population
    stability of the scores, and seizure rate of the inspected consignments."""
    with workspace(home) as ws:
        who, account = acting_account(ws, actor, purpose)
        readable = readable_workspace(ws, who, account)
        try:
            rows, pool = _rows(readable.events, "consignments")
            found = periods_drift(rows, days, pool)
        except ValueError as error:
            fail(str(error))
    if json_output:
        print_json({"days": days, **asdict(found)})
        return
    z = "-" if found.hit_rate_z is None else f"{found.hit_rate_z:+.2f}"
    console.print(
        f"PSI score appris / learned score {found.psi_score:.3f}, points des règles / rule "
        f"points {found.psi_points:.3f} ({LEVELS[found.psi_level]}); "
        f"taux de saisie / seizure rate: {_percent(found.reference_hit_rate)} -> "
        f"{_percent(found.recent_hit_rate)} (z = {z}"
        + (", écart significatif / significant change)" if found.hit_rate_moved else ")"),
        highlight=False,
    )


LEVELS = {
    "stable": "stable",
    "watch": "à surveiller / watch",
    "shifted": "déplacé / shifted",
}


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"
