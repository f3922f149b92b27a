"""Unexplained wealth: a person who spends and buys far more in a year than they declared.

The offence of « non-justification de ressources » (Code pénal art. 321-6) reaches
whoever cannot justify resources matching their way of life while in regular contact
with people who commit crimes; the injunction for unexplained wealth the Senate's 2024
commission of inquiry asked for would turn the gap into a question the person must
answer. An inquiry puts side by side what the file knows a person acquired (asset
records: land, cars, boats, company shares, less what a declared loan paid) and spent
(transfers out of their accounts to anyone but themselves) in a calendar year, and the
income they declared for it.

Only the year's declared income is set against it: savings, loans and inheritances are
what the person is asked to show, and amounts in another currency than the income's
are left out rather than converted. A year without an income record is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Engine, Step, sql_texts
from filet.finance.common import account_key, growing_score, money

DETECTOR_ID = "finance.unexplained_wealth"
VERSION = "1"


@dataclass(frozen=True)
class UnexplainedWealthThresholds(Thresholds):
    min_gap: float = threshold(
        50_000.0,
        unit="unité de la devise / currency unit",
        source=(
            "Proceeds of Crime Act 2002 s.362B(2)(b), inserted by the Criminal Finances Act "
            "2017 s.1 (unexplained wealth order: property above £50,000); Code pénal "
            "art. 321-6 sets no amount"
        ),
        help=(
            "Écart minimal entre dépenses et acquisitions d'une année et revenu déclaré. / "
            "Smallest gap between a year's spending and acquisitions and declared income."
        ),
    )
    min_ratio: float = threshold(
        2.0,
        unit="ratio",
        source=(
            "décision d'analyste du 2026-12-07 (un train de vie au moins double du revenu "
            "déclaré ; un écart plus faible s'explique souvent par l'épargne)"
        ),
        help=(
            "Dépenses et acquisitions au moins ce multiple du revenu déclaré. / Spending "
            "and acquisitions at least this multiple of declared income."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_gap <= 0 or self.min_ratio < 1:
            raise ValueError("min_gap > 0 and min_ratio >= 1")


def steps(thresholds: UnexplainedWealthThresholds, dialect: Dialect) -> list[Step]:
    """Per person and year: income, acquisitions, spending; then the evidence rows of
    each person-year whose gap passes both thresholds."""
    return [
        Step(_income(), "uw_income"),
        Step(_ACQUIRED, "uw_acquired"),
        Step(_SPENT, "uw_spent"),
        Step(_years(thresholds), "uw_years"),
        Step(_EVIDENCE, "unexplained_wealth"),
    ]


def _income(where: str = "") -> str:
    return f"""
        SELECT owner_id, max(owner_name) AS owner_name, year,
               sum(declared_income) AS income, coalesce(max(currency), '') AS currency
        FROM declared_income {where}
        GROUP BY owner_id, year
    """


_ACQUIRED = """
    SELECT a.owner_id, i.year,
           a.acquisition_price - least(coalesce(a.loan_amount, 0), a.acquisition_price) AS amount,
           a.kind,
           coalesce(a.description, a.asset_id) AS what,
           'assets' AS evidence_table, a.source_file, a.source_line
    FROM assets a
    JOIN uw_income i
      ON i.owner_id = a.owner_id AND i.year = CAST(year(a.acquired_on) AS BIGINT)
    WHERE a.acquisition_price > coalesce(a.loan_amount, 0)
      AND (a.currency IS NULL OR i.currency = '' OR a.currency = i.currency)
"""
# Transfers out of a person's accounts, except to another account of theirs.
_SPENT = f"""
    WITH owned AS (
        SELECT DISTINCT owner_id, {account_key("bank", "account")} AS account
        FROM assets WHERE kind = 'bank_account' AND account IS NOT NULL
    )
    SELECT o.owner_id, i.year, t.amount_paid AS amount, 'transfer' AS kind,
           {account_key("t.to_bank", "t.to_account")} AS what,
           'transactions' AS evidence_table, t.source_file, t.source_line
    FROM transactions t
    JOIN owned o ON o.account = {account_key("t.from_bank", "t.from_account")}
    JOIN uw_income i ON i.owner_id = o.owner_id AND i.year = CAST(year(t.ts) AS BIGINT)
    LEFT JOIN owned own_account
      ON own_account.owner_id = o.owner_id
     AND own_account.account = {account_key("t.to_bank", "t.to_account")}
    WHERE own_account.owner_id IS NULL
      AND (t.payment_currency IS NULL OR i.currency = '' OR t.payment_currency = i.currency)
"""
_EVIDENCE = """
    SELECT y.owner_id, y.owner_name, y.year, y.income, y.currency, y.acquired, y.spent,
           e.evidence_table, e.source_file, e.source_line, e.amount, e.kind, e.what
    FROM uw_years y
    JOIN (
        SELECT owner_id, year, amount, kind, what, evidence_table, source_file, source_line
        FROM uw_acquired
        UNION ALL
        SELECT owner_id, year, amount, kind, what, evidence_table, source_file, source_line
        FROM uw_spent
        UNION ALL
        SELECT d.owner_id, d.year, d.declared_income AS amount, 'income' AS kind,
               coalesce(d.income_source, '') AS what, 'declared_income' AS evidence_table,
               d.source_file, d.source_line
        FROM declared_income d
    ) e ON e.owner_id = y.owner_id AND e.year = y.year
"""


def _years(thresholds: UnexplainedWealthThresholds) -> str:
    return f"""
        SELECT i.owner_id, i.owner_name, i.year, i.income, i.currency,
               coalesce(a.total, 0) AS acquired, coalesce(s.total, 0) AS spent
        FROM uw_income i
        LEFT JOIN (SELECT owner_id, year, sum(amount) AS total FROM uw_acquired
                   GROUP BY owner_id, year) a
          ON a.owner_id = i.owner_id AND a.year = i.year
        LEFT JOIN (SELECT owner_id, year, sum(amount) AS total FROM uw_spent
                   GROUP BY owner_id, year) s
          ON s.owner_id = i.owner_id AND s.year = i.year
        WHERE coalesce(a.total, 0) + coalesce(s.total, 0) - i.income >= {thresholds.min_gap}
          AND coalesce(a.total, 0) + coalesce(s.total, 0) >= {thresholds.min_ratio} * i.income
    """


@dataclass(frozen=True)
class YearStatement:
    """One year of a person's file: income against what was bought and spent."""

    year: int
    currency: str
    income: float
    acquisitions: tuple[tuple[str, float, str], ...]  # (what, amount, source)
    spending: tuple[tuple[str, float], ...]  # (payee, total), largest first

    @property
    def used(self) -> float:
        return sum(a for _, a, _ in self.acquisitions) + sum(a for _, a in self.spending)

    @property
    def gap(self) -> float:
        return self.used - self.income

    def flagged(self, thresholds: UnexplainedWealthThresholds) -> bool:
        return self.gap >= thresholds.min_gap and self.used >= thresholds.min_ratio * self.income


def statement(engine: Engine, owner_id: str) -> list[YearStatement]:
    """Each year ``owner_id`` declared an income for, with the detector's own figures:
    the basis of a patrimonial inquiry, whether or not the thresholds are passed."""
    person = f"WHERE owner_id IN ({sql_texts([owner_id])})"
    incomes = engine.run([Step(_income(person), "uw_income")])
    acquired = engine.run([Step(_ACQUIRED, "uw_acquired")])
    spent = engine.run([Step(_SPENT, "uw_spent")])
    years = []
    for income in sorted(incomes, key=lambda row: row["year"]):
        year = income["year"]
        payees: dict[str, float] = {}
        for row in spent:
            if row["year"] == year:
                payees[row["what"]] = payees.get(row["what"], 0.0) + row["amount"]
        years.append(
            YearStatement(
                year=int(year),
                currency=income["currency"],
                income=float(income["income"]),
                acquisitions=tuple(
                    (
                        row["what"],
                        float(row["amount"]),
                        f"{row['source_file']}:{row['source_line']}",
                    )
                    for row in acquired
                    if row["year"] == year
                ),
                spending=tuple(sorted(payees.items(), key=lambda item: -item[1])),
            )
        )
    return years


def to_alerts(rows: list[dict[str, Any]], thresholds: UnexplainedWealthThresholds) -> list[Alert]:
    years: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        years.setdefault((row["owner_id"], row["year"]), []).append(row)
    return [_alert(years[key], thresholds) for key in sorted(years)]


def _alert(rows: list[dict[str, Any]], thresholds: UnexplainedWealthThresholds) -> Alert:
    first = rows[0]
    year, income, currency = int(first["year"]), float(first["income"]), first["currency"]
    used = float(first["acquired"]) + float(first["spent"])
    gap = used - income
    ratio = used / income if income > 0 else None
    name = first["owner_name"] or first["owner_id"]
    unit = f" {currency}" if currency else ""
    times_fr = (
        f", {ratio:.1f} fois le revenu".replace(".", ",") if ratio else ", sans revenu déclaré"
    )
    times_en = f", {ratio:.1f} times the income" if ratio else ", with no declared income"
    ordered = sorted(rows, key=lambda row: (row["evidence_table"], row["source_line"]))
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(Subject("person", first["owner_id"]),),
        start=datetime(year, 1, 1, tzinfo=UTC),
        end=datetime(year, 12, 31, 23, 59, 59, tzinfo=UTC),
        score=growing_score(ratio or 4 * thresholds.min_ratio, thresholds.min_ratio),
        reason_fr=(
            f"{name} a acquis {money(float(first['acquired']))}{unit} de biens et dépensé "
            f"{money(float(first['spent']))}{unit} en {year} pour un revenu déclaré de "
            f"{money(income)}{unit} : écart de {money(gap)}{unit}{times_fr}."
        ),
        reason_en=(
            f"{name} acquired {money(float(first['acquired']), False)}{unit} of assets and "
            f"spent {money(float(first['spent']), False)}{unit} in {year} against a declared "
            f"income of {money(income, False)}{unit}: a gap of {money(gap, False)}{unit}"
            f"{times_en}."
        ),
        evidence=tuple(
            Evidence(
                row["evidence_table"],
                {"source_file": row["source_file"], "source_line": row["source_line"]},
            )
            for row in ordered
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="finance",
        title_fr="Richesse inexpliquée",
        title_en="Unexplained wealth",
        inputs=("declared_income", "assets"),
        optional_inputs=("transactions",),
        thresholds=UnexplainedWealthThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
