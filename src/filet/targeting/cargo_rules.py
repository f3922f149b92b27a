"""Cargo rules: a weighted, cited rule set over entry summary declarations.

Customs services select containers with "rule and weight sets" (CBP ATS,
DHS/CBP/PIA-006(e)) and common risk criteria (EU ICS2): each indicator that a
consignment shows adds its weight, and a consignment whose points reach
``min_points`` is proposed for inspection, with every rule it hit. The indicators are
those the EMCDDA, Europol, the UK P&I Club and the ICS2 advisories publish
(``docs/targeting.md``); their weights are an analyst's starting point, to be tuned on
a service's own seizures (the learned score, :mod:`filet.targeting.cargo_model`, does
that from outcomes). A consignment's history (was its consignee seen before, with
which phone, from which country) counts **earlier days only**, as in the profiles of
:mod:`filet.targeting.profiles`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.engine import Dialect, Step
from filet.model.identifiers.container import looks_like_sql

DETECTOR_ID = "targeting.cargo_rules"
VERSION = "1"
_ANALYST = "Décision d'analyse Filet, 2026-12-07 / analyst decision"
_DRUG_MARKETS = "EMCDDA–Europol, EU Drug Markets: Cocaine, 2022"
_PORTS = "Europol, Criminal networks in EU ports, 2023"
_P_AND_I = "UK P&I Club, drug smuggling advisory (NVOCC bookings, new customers)"
_ICS2 = "EU ICS2 release 3 (freight payment method; DG TAXUD advisories on descriptions)"
_MICROSECONDS_PER_DAY = 86_400_000_000


def _weight(default: float, source: str, fr: str, en: str) -> Any:
    return threshold(default, unit="points", source=source, help=f"{fr} / {en}")


@dataclass(frozen=True)
class CargoRuleThresholds(Thresholds):
    min_points: float = threshold(
        8.0,
        unit="points",
        source=(
            f"{_ANALYST}: three strong indicators, or two and two weaker ones; on seeded "
            "port worlds 3-4 % of consignments reach it, within the 2-10 % a port inspects "
            "(UNODC-WCO CCP under 2 %; Europol 2023 about 10 % of South American boxes); a "
            "regular importer of Ecuadorian bananas scores 5"
        ),
        help="Points à partir desquels un envoi est proposé. / Points that propose a consignment.",
    )
    certain_points: float = threshold(
        10.0,
        unit="points",
        source=(
            f"{_ANALYST}: criteria hits that force a lane whatever the score (ASYCUDA "
            "selectivity); on seeded port worlds ten points or more were smuggling in "
            "two cases of three, above the learned score's own top 1 %"
        ),
        help=(
            "Points qui font inspecter un envoi avant tout score appris. / Points that put "
            "a consignment ahead of any learned score."
        ),
    )
    risky_countries: str = threshold(
        "CO,EC,BR,PA,PE,CR,SR,GY,VE",
        unit="ISO 3166 codes",
        source=f"{_DRUG_MARKETS}; Europol Ciconia Alba; Sénat rapport n° 588 (2023-2024)",
        help=(
            "Pays de chargement ou de transbordement à risque (codes des UN/LOCODE). / "
            "High-risk loading or transshipment countries (UN/LOCODE prefixes)."
        ),
    )
    cover_hs_prefixes: str = threshold(
        "0803,080430,0306,0804,0805",
        unit="HS prefixes",
        source=(
            "FreshFruitPortal 2022 (1.3 t in Ecuadorian bananas); AFP 2022 (Guayaquil: 96 "
            f"of 210 t seized in fruit); {_DRUG_MARKETS}"
        ),
        help=(
            "Marchandises de couverture en conteneur frigorifique (bananes, ananas, "
            "crevettes, agrumes). / Reefer cover loads (bananas, pineapple, shrimp, citrus)."
        ),
    )
    min_description_chars: int = threshold(
        12,
        unit="characters",
        source=f"{_ICS2}: « general cargo », « FAK » and the like are refused as descriptions",
        help="Description de marchandise plus courte : vague. / Shorter goods description: vague.",
    )
    min_transshipments: int = threshold(
        2,
        unit="ports",
        source=f"{_PORTS}: indirect routing to break the trail from the origin",
        help="Transbordements à partir desquels la route est indirecte. / Indirect route from.",
    )
    weight_risky_origin: float = _weight(
        3.0, _DRUG_MARKETS, "Chargé dans un pays à risque", "Loaded in a high-risk country"
    )
    weight_risky_transshipment: float = _weight(
        2.0, _DRUG_MARKETS, "Transbordé dans un pays à risque", "Transshipped in one"
    )
    weight_reefer_cover: float = _weight(
        2.0, _DRUG_MARKETS, "Couverture en frigorifique", "Reefer cover load"
    )
    weight_new_consignee: float = _weight(
        2.0, f"{_P_AND_I}; DATE Table 5", "Destinataire jamais vu", "Consignee never seen"
    )
    weight_changed_phone: float = _weight(
        3.0,
        "Australian Border Force importer identity theft case (docs/targeting.md, indicator 9)",
        "Importeur connu, autre téléphone",
        "Known importer, other phone",
    )
    weight_new_origin: float = _weight(
        1.0, f"{_P_AND_I}: change in a trader's pattern", "Nouvelle origine", "New origin"
    )
    weight_third_party_freight: float = _weight(
        2.0, _ICS2, "Fret payé par un tiers", "Freight paid by a third party"
    )
    weight_cash_freight: float = _weight(2.0, _ICS2, "Fret payé en espèces", "Cash freight")
    weight_unknown_shipper: float = _weight(
        1.0, _P_AND_I, "Réservation NVOCC, vendeur inconnu", "NVOCC booking, seller unknown"
    )
    weight_vague_description: float = _weight(
        1.0, _ICS2, "Description vague", "Vague goods description"
    )
    weight_bad_container_number: float = _weight(
        3.0, f"ISO 6346 check digit; {_PORTS}", "Numéro de conteneur invalide", "Bad number"
    )
    weight_indirect_route: float = _weight(1.0, _PORTS, "Route indirecte", "Indirect route")

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.min_points <= self.certain_points:
            raise ValueError("0 < min_points <= certain_points expected")
        for spec in fields(self):
            if spec.name.startswith("weight_") and getattr(self, spec.name) < 0:
                raise ValueError(f"{spec.name} must be >= 0")

    def countries(self) -> list[str]:
        return _codes(self.risky_countries, "risky_countries", 2)

    def cover_prefixes(self) -> list[str]:
        return _codes(self.cover_hs_prefixes, "cover_hs_prefixes", None)


def _codes(listed: str, name: str, size: int | None) -> list[str]:
    codes = [code.strip().upper() for code in listed.split(",") if code.strip()]
    bad = [c for c in codes if not c.isalnum() or (size is not None and len(c) != size)]
    if bad:
        raise ValueError(f"{name}: invalid codes {bad}")
    return codes


@dataclass(frozen=True)
class Rule:
    name: str  # the weight is the threshold ``weight_<name>``
    label_fr: str
    label_en: str


RULES: tuple[Rule, ...] = (
    Rule("risky_origin", "chargé dans un pays à risque", "loaded in a high-risk country"),
    Rule("risky_transshipment", "transbordé dans un pays à risque", "transshipped in one"),
    Rule("reefer_cover", "frigorifique et marchandise de couverture", "reefer cover load"),
    Rule("new_consignee", "destinataire jamais vu", "consignee never seen before"),
    Rule("changed_phone", "destinataire connu, téléphone nouveau", "known consignee, new phone"),
    Rule("new_origin", "destinataire connu, pays d'origine nouveau", "known consignee, new origin"),
    Rule("third_party_freight", "fret payé par un tiers", "freight paid by a third party"),
    Rule("cash_freight", "fret payé en espèces", "freight paid in cash"),
    Rule(
        "unknown_shipper", "réservé par un tiers, vendeur inconnu", "third-party booking, no seller"
    ),
    Rule("vague_description", "description de marchandise vague", "vague goods description"),
    Rule(
        "bad_container_number",
        "numéro de conteneur invalide (ISO 6346)",
        "invalid container number",
    ),
    Rule("indirect_route", "route indirecte", "indirect route"),
)
VAGUE_TERMS = ("GENERAL CARGO", "FAK", "FREIGHT ALL KINDS", "SAID TO CONTAIN", "VARIOUS", "GOODS")


def _compact(column: str) -> str:
    """The column without the spaces, dashes, dots and slashes typed inside identifiers
    (as :func:`filet.model.identifiers.container.compact`), in upper case."""
    inner = f"coalesce({column}, '')"
    for separator in (" ", "-", ".", "/"):
        inner = f"replace({inner}, '{separator}', '')"
    return f"upper(trim({inner}))"


def rule_flags(thresholds: CargoRuleThresholds) -> dict[str, str]:
    """Each rule as a SQL boolean over ``cargo_history``'s columns."""
    countries = ", ".join(f"'{c}'" for c in thresholds.countries())
    via = " OR ".join(f"route LIKE '%;{c}%'" for c in thresholds.countries()) or "FALSE"
    cover = " OR ".join(f"hs6 LIKE '{p}%'" for p in thresholds.cover_prefixes()) or "FALSE"
    vague = " OR ".join(f"description = '{term}'" for term in VAGUE_TERMS)
    party = "(freight_payer IS NOT NULL AND freight_payer <> '')"
    return {
        "risky_origin": f"substr(port_loading, 1, 2) IN ({countries})",
        "risky_transshipment": f"({via})",
        "reefer_cover": f"(substr(container_type, 3, 1) = 'R' AND ({cover}))",
        "new_consignee": "consignee_before = 0",
        "changed_phone": (
            "(consignee_before > 0 AND phone_known = 0 AND consignee_phone IS NOT NULL)"
        ),
        "new_origin": "(consignee_before > 0 AND origin_known = 0)",
        "third_party_freight": (
            f"({party} AND freight_payer <> coalesce(shipper, '') "
            "AND freight_payer <> coalesce(consignee, ''))"
        ),
        "cash_freight": "freight_payment = 'A'",
        "unknown_shipper": (
            "(booking_party IS NOT NULL AND booking_party <> coalesce(shipper, '') "
            "AND coalesce(seller, '') = '')"
        ),
        "vague_description": (
            f"(length(description) < {thresholds.min_description_chars} OR {vague})"
        ),
        "bad_container_number": f"NOT {looks_like_sql('container')}",
        "indirect_route": f"transshipments >= {thresholds.min_transshipments}",
    }


def flag_steps(thresholds: CargoRuleThresholds, dialect: Dialect) -> list[Step]:
    """Every consignment with its rule flags (0/1) and points: the rules' verdict on all
    of them, which the learned score also takes as features."""
    micros = dialect.epoch_microseconds("ts")
    rows = f"""
        SELECT consignment_id, ts, vessel_imo, port_loading, port_discharge, shipper,
            consignee, consignee_phone, booking_party, freight_payment, freight_payer,
            seller, hs6, container_type, seals, gross_mass_kg, inspection,
            {_compact("container")} AS container,
            ';' || replace(coalesce(ports_transshipment, ''), ' ', '') AS route,
            upper(trim(coalesce(goods_description, ''))) AS description,
            CAST(FLOOR({micros} / {_MICROSECONDS_PER_DAY}) AS BIGINT) AS day,
            source_file, source_line
        FROM manifests
    """
    history = """
        SELECT r.source_file, r.source_line,
            COUNT(h.source_line) AS consignee_before,
            MAX(CASE WHEN h.consignee_phone = r.consignee_phone THEN 1 ELSE 0 END)
                AS phone_known,
            MAX(CASE WHEN substr(h.port_loading, 1, 2) = substr(r.port_loading, 1, 2)
                THEN 1 ELSE 0 END) AS origin_known
        FROM cargo_rows r
        LEFT JOIN cargo_rows h ON h.consignee = r.consignee AND h.day < r.day
        GROUP BY r.source_file, r.source_line
    """
    with_history = """
        SELECT r.*, h.consignee_before, h.phone_known, h.origin_known,
            CASE WHEN r.route = ';' THEN 0
                ELSE length(r.route) - length(replace(r.route, ';', '')) END
                AS transshipments
        FROM cargo_rows r
        JOIN cargo_consignee_history h
            ON h.source_file = r.source_file AND h.source_line = r.source_line
    """
    flags = rule_flags(thresholds)
    columns = ", ".join(
        f"CASE WHEN {sql} THEN 1 ELSE 0 END AS {name}" for name, sql in flags.items()
    )
    points = " + ".join(f"{_weight_of(thresholds, name)} * {name}" for name in flags)
    flagged = f"SELECT *, {points} AS points FROM (SELECT *, {columns} FROM cargo_history) f"
    return [
        Step(rows, "cargo_rows"),
        Step(history, "cargo_consignee_history"),
        Step(with_history, "cargo_history"),
        Step(flagged, "cargo_flags"),
    ]


def steps(thresholds: CargoRuleThresholds, dialect: Dialect) -> list[Step]:
    proposed = f"""
        SELECT * FROM cargo_flags WHERE points >= {thresholds.min_points}
        ORDER BY ts, consignment_id, source_file, source_line
    """
    return [*flag_steps(thresholds, dialect), Step(proposed, "cargo_proposed")]


def _weight_of(thresholds: CargoRuleThresholds, rule: str) -> float:
    return float(getattr(thresholds, f"weight_{rule}"))


def hits(row: dict[str, Any], thresholds: CargoRuleThresholds) -> list[tuple[Rule, float]]:
    """The rules a flagged row hit, heaviest first, with their weights."""
    found = [(rule, _weight_of(thresholds, rule.name)) for rule in RULES if row[rule.name]]
    return sorted(found, key=lambda hit: -hit[1])


def to_alerts(rows: list[dict[str, Any]], thresholds: CargoRuleThresholds) -> list[Alert]:
    return [_alert(row, thresholds) for row in rows]


def _alert(row: dict[str, Any], thresholds: CargoRuleThresholds) -> Alert:
    points = float(row["points"])
    found = hits(row, thresholds)
    said_fr = "; ".join(f"{rule.label_fr} (+{weight:g})" for rule, weight in found)
    said_en = "; ".join(f"{rule.label_en} (+{weight:g})" for rule, weight in found)
    what = f"{row['consignment_id']} ({row['container'] or '-'}, {row['port_loading'] or '?'})"
    subjects = [Subject("consignment", row["consignment_id"])]
    if row["container"]:
        subjects.append(Subject("container", row["container"]))
    if row["consignee"]:
        subjects.append(Subject("consignee", row["consignee"]))
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=tuple(subjects),
        start=row["ts"],
        end=row["ts"],
        score=round(points / (points + thresholds.min_points), 3),
        reason_fr=(
            f"Envoi {what} : {points:g} points pour un seuil de "
            f"{thresholds.min_points:g} — {said_fr}."
        ),
        reason_en=(
            f"Consignment {what}: {points:g} points against a threshold of "
            f"{thresholds.min_points:g} — {said_en}."
        ),
        evidence=(
            Evidence(
                "manifests", {"source_file": row["source_file"], "source_line": row["source_line"]}
            ),
        ),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Règles de ciblage du fret",
        title_en="Cargo targeting rules",
        inputs=("manifests",),
        thresholds=CargoRuleThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
