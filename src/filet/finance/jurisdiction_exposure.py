"""Exposure to high-risk jurisdictions, through payments and through ownership.

Banks must apply enhanced due diligence to business relationships and transactions
involving a high-risk third country (Directive (EU) 2015/849 art. 18a; FATF
Recommendation 19; Code monétaire et financier art. L.561-10). An analyst wants the
same view over the file: which accounts send money to, or get it from, accounts in a
listed country, and which companies are held through an entity registered in one.

A transfer's country is that of its counterparty's IBAN (its first two letters) or,
failing that, of its bank's BIC (letters 5 and 6); accounts named by a bare number
(AMLworld, AMLSim) have no country and are never exposed. The lists are dated and
cite their publication (``high_risk_jurisdictions.yaml``): which ones apply, and a
service's own copy of the file, are thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from filet.alerts import Alert, Detector, Subject, Thresholds, register, threshold
from filet.alerts.alert import ThresholdUsed
from filet.engine import Dialect, Step, sql_texts
from filet.finance.common import account_key, evidence, growing_score, money, span
from filet.finance.ownership import Graph, Report

DETECTOR_ID = "finance.jurisdiction_exposure"
VERSION = "1"
IBAN_PATTERN = "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"
BIC_PATTERN = "^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$"


@dataclass(frozen=True)
class JurisdictionThresholds(Thresholds):
    jurisdictions_file: str = threshold(
        "",
        unit="path",
        source="Filet high_risk_jurisdictions.yaml (dated lists: FATF, 13 June 2025)",
        help=(
            "Fichier YAML des listes de juridictions ; vide : celui fourni avec Filet. / "
            "YAML file of jurisdiction lists; empty: the one shipped with Filet."
        ),
    )
    lists: str = threshold(
        "fatf_call_for_action,fatf_increased_monitoring",
        unit="noms de listes / list names",
        source=(
            "Directive (EU) 2015/849 art. 18a; FATF Recommendation 19; Code monétaire et "
            "financier L.561-10 (vigilance renforcée, pays à haut risque)"
        ),
        help=(
            "Listes du fichier qui s'appliquent, séparées par des virgules. / Lists of the "
            "file that apply, comma-separated."
        ),
    )
    min_total: float = threshold(
        10_000.0,
        unit="unité de la devise / currency unit",
        source=(
            "décision d'analyste du 2026-12-07 (la directive ne fixe pas de montant ; la "
            "ligne des 10 000 de finance.structuring)"
        ),
        help=(
            "Total minimal échangé avec les juridictions listées, par compte et devise. / "
            "Smallest total exchanged with listed jurisdictions, per account and currency."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_total < 0 or not self.lists.strip():
            raise ValueError("min_total >= 0 and at least one list")


@dataclass(frozen=True)
class JurisdictionList:
    name: str
    label_fr: str
    label_en: str
    as_of: str
    source: str
    countries: frozenset[str]


def load_lists(path: str = "") -> dict[str, JurisdictionList]:
    """The lists of a file (empty: the shipped one); ValueError naming file and field."""
    if path:
        return _parse(Path(path).read_text(encoding="utf-8"), path)
    shipped = resources.files("filet.finance") / "high_risk_jurisdictions.yaml"
    return _shipped(shipped.read_text(encoding="utf-8"))


@cache
def _shipped(text: str) -> dict[str, JurisdictionList]:
    return _parse(text, "high_risk_jurisdictions.yaml")


def _parse(text: str, where: str) -> dict[str, JurisdictionList]:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("lists"), dict):
        raise ValueError(f"{where}: a mapping with 'lists' expected")
    lists = {}
    for name, entry in document["lists"].items():
        for field in ("label_fr", "label_en", "as_of", "source", "countries"):
            if not entry.get(field):
                raise ValueError(f"{where}: lists.{name}.{field} is missing")
        countries = [str(code).upper() for code in entry["countries"]]
        wrong = [code for code in countries if len(code) != 2 or not code.isalpha()]
        if wrong:
            raise ValueError(f"{where}: lists.{name}.countries: not ISO 3166 alpha-2: {wrong}")
        lists[name] = JurisdictionList(
            name, entry["label_fr"], entry["label_en"], str(entry["as_of"]),
            " ".join(str(entry["source"]).split()), frozenset(countries),
        )  # fmt: skip
    return lists


def applied(thresholds: JurisdictionThresholds) -> list[JurisdictionList]:
    lists = load_lists(thresholds.jurisdictions_file)
    names = [name.strip() for name in thresholds.lists.split(",") if name.strip()]
    unknown = [name for name in names if name not in lists]
    if unknown:
        raise ValueError(f"lists: {unknown} not in {thresholds.jurisdictions_file or 'shipped'}")
    return [lists[name] for name in names]


def country(bank: str, account: str) -> str:
    """SQL: the ISO country of an account, from its IBAN or its bank's BIC."""
    compact = f"upper(replace({account}, ' ', ''))"
    return f"""CASE
        WHEN regexp_matches({compact}, '{IBAN_PATTERN}') THEN substr({compact}, 1, 2)
        WHEN regexp_matches(upper({bank}), '{BIC_PATTERN}') THEN substr(upper({bank}), 5, 2)
    END"""


def steps(thresholds: JurisdictionThresholds, dialect: Dialect) -> list[Step]:
    """Both sides of every transfer whose counterparty is in a listed country; then, per
    account and currency, those that reach the minimal total."""
    listed = sorted(set().union(*(entry.countries for entry in applied(thresholds))))
    sides = " UNION ALL ".join(
        f"""SELECT {account_key(f"{me}_bank", f"{me}_account")} AS account,
                   {account_key(f"{other}_bank", f"{other}_account")} AS counterparty,
                   {country(f"{other}_bank", f"{other}_account")} AS country,
                   '{direction}' AS direction, amount_paid AS amount,
                   coalesce(payment_currency, '') AS currency, ts, source_file, source_line
            FROM transactions"""
        for me, other, direction in (("from", "to", "out"), ("to", "from", "in"))
    )
    exposed = f"SELECT * FROM ({sides}) sides WHERE country IN ({sql_texts(listed)})"
    totals = f"""
        SELECT e.* FROM exposed_sides e
        JOIN (SELECT account, currency FROM exposed_sides GROUP BY account, currency
              HAVING sum(amount) >= {thresholds.min_total}) big
          ON big.account = e.account AND big.currency = e.currency
    """
    return [Step(exposed, "exposed_sides"), Step(totals, "jurisdiction_exposure")]


def to_alerts(rows: list[dict[str, Any]], thresholds: JurisdictionThresholds) -> list[Alert]:
    lists = applied(thresholds)
    by_account: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_account.setdefault((row["account"], row["currency"]), []).append(row)
    return [_alert(by_account[key], thresholds, lists) for key in sorted(by_account)]


def _alert(
    rows: list[dict[str, Any]], thresholds: JurisdictionThresholds, lists: list[JurisdictionList]
) -> Alert:
    rows.sort(key=lambda row: (row["ts"], row["source_file"], row["source_line"]))
    account, currency = rows[0]["account"], rows[0]["currency"]
    total = sum(row["amount"] for row in rows)
    countries = sorted({row["country"] for row in rows})
    named_fr = "; ".join(f"{c} ({', '.join(_labels(c, lists, 'fr'))})" for c in countries)
    named_en = "; ".join(f"{c} ({', '.join(_labels(c, lists, 'en'))})" for c in countries)
    counterparties = sorted({row["counterparty"] for row in rows})
    start, end = span(rows)
    alert = Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(
            Subject("account", account),
            *(Subject("account", other) for other in counterparties),
        ),
        start=start,
        end=end,
        score=growing_score(total, thresholds.min_total),
        reason_fr=(
            f"Le compte {account} échange {len(rows)} virements, {money(total)} {currency}, "
            f"avec {len(counterparties)} comptes de juridictions listées : {named_fr}."
        ),
        reason_en=(
            f"Account {account} exchanges {len(rows)} transfers, {money(total, False)} "
            f"{currency}, with {len(counterparties)} accounts in listed jurisdictions: "
            f"{named_en}."
        ),
        evidence=evidence(rows),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )
    versions = tuple(
        ThresholdUsed(f"{entry.name}_as_of", entry.as_of, "date", entry.source) for entry in lists
    )
    return replace(alert, thresholds=(*alert.thresholds, *versions))


def _labels(code: str, lists: list[JurisdictionList], language: str) -> list[str]:
    return [
        f"{entry.label_fr if language == 'fr' else entry.label_en}, {entry.as_of}"
        for entry in lists
        if code in entry.countries
    ]


@dataclass(frozen=True)
class OwnershipExposure:
    """A listed jurisdiction on one of an entity's chains of holdings."""

    party_id: str
    party_name: str
    country: str
    lists: tuple[str, ...]
    chain: tuple[str, ...]


def ownership_exposure(
    report: Report, graph: Graph, lists: list[JurisdictionList]
) -> list[OwnershipExposure]:
    """Every party on a chain of the report (the subject included) registered in, or a
    national of, a listed country: a holding through Panama is seen from the top."""
    found: dict[tuple[str, str], OwnershipExposure] = {}
    chains = [chain for holding in report.holdings for chain in holding.chains]
    for chain in chains or [(report.subject,)]:
        for party_id in chain:
            party = graph.parties.get(party_id)
            for code in party.countries if party else ():
                names = tuple(entry.name for entry in lists if code in entry.countries)
                if names and (party_id, code) not in found:
                    found[(party_id, code)] = OwnershipExposure(
                        party_id, party.name if party else party_id, code, names, chain
                    )
    return list(found.values())


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="finance",
        title_fr="Exposition à des juridictions à haut risque",
        title_en="Exposure to high-risk jurisdictions",
        inputs=("transactions",),
        thresholds=JurisdictionThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
