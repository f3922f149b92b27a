"""Parcel rules: a weighted, cited rule set over postal and express parcels.

Cocaine from French Guiana and South America, synthetic drugs and their precursors come
in by post and express as well as by container (EMCDDA-Europol, EU Drug Markets; Sénat
r19-707 on French Guiana): small items, many of them, each with its advance data. The
indicators customs apply to them are those of the documents (origin, a vague
description or one that the HS code or the weight belies, a value that does not fit a
gift or the weight) and those only many parcels together show: an address receiving
under many names (a drop address), one sender posting "gifts" to many addressees (a
reshipper), a new phone given for several names, a consignment split into parcels just
under the EU's €150 duty relief. Each rule a parcel hits adds its weight; a parcel whose
points reach ``min_points`` is an alert listing every rule hit, the parcel's row and the
rows of the other parcels that made a grouped rule hit (file and line). The weights are
an analyst's starting point, to be tuned on a service's own seizures.

The grouped rules look at parcels within ``window_days`` either side (a scan of one day's
file sees that day; a workspace its whole history), a linked seizure at earlier days
only. The SQL is in :mod:`filet.targeting.parcel_rules_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.targeting.cargo_rules import CargoRuleThresholds
from filet.targeting.parcel_goods import KIND_NAMES, rates
from filet.targeting.parcel_rules_sql import RULES, related_rows, steps

DETECTOR_ID = "targeting.parcel_rules"
VERSION = "1"
_ANALYST = "Décision d'analyse Filet, 2026-12-08 / analyst decision"
_DRUG_MARKETS = "EMCDDA–Europol, EU Drug Markets: Cocaine, 2022; Sénat rapport r19-707"
_RELIEF = "Council Regulation (EC) No 1186/2009"
_DESCRIPTIONS = "UPU-WCO Guidelines on CN 22/CN 23; DG TAXUD ICS2 guidance on goods descriptions"
# Evidence rows of other parcels an alert lists at most (its own row comes first).
MAX_RELATED_ROWS = 25
_RISKY = CargoRuleThresholds().risky_countries + ",GF"


def _weight(default: float, source: str, fr: str, en: str) -> Any:
    return threshold(default, unit="points", source=source, help=f"{fr} / {en}")


@dataclass(frozen=True)
class ParcelRuleThresholds(Thresholds):
    min_points: float = threshold(
        6.0,
        unit="points",
        source=(
            f"{_ANALYST}: two grouped indicators, or one and two of the documents; on seeded "
            "parcel worlds (seeds 1, 2, 7) 0.8-1.0 % of ordinary parcels reach it and "
            "2.2-2.4 % of all parcels are proposed"
        ),
        help="Points à partir desquels un colis est proposé. / Points that propose a parcel.",
    )
    risky_countries: str = threshold(
        _RISKY,
        unit="ISO 3166 codes",
        source=(
            "the cargo rules' list (targeting.cargo_rules.risky_countries: EMCDDA-Europol 2022, "
            "Europol Ciconia Alba, Sénat n° 588) and French Guiana (Sénat r19-707)"
        ),
        help="Pays d'origine à risque. / High-risk countries of origin.",
    )
    window_days: int = threshold(
        30,
        unit="days",
        source=f"{_ANALYST}: a drop address or a reshipper serves for weeks, not a day",
        help=(
            "Fenêtre, de part et d'autre, des règles groupées. / Window, either side, of "
            "the grouped rules."
        ),
    )
    min_address_names: int = threshold(
        3,
        unit="names",
        source=f"{_ANALYST}: a household or a couple receives under one or two surnames",
        help="Noms distincts à une adresse de dépôt. / Distinct names at a drop address.",
    )
    max_address_names: int = threshold(
        12,
        unit="names",
        source=(
            f"{_ANALYST}: above, a relay point, a company or a building without flat numbers, "
            "which receive for dozens of names"
        ),
        help=(
            "Au-delà, point relais ou entreprise, pas une adresse de dépôt. / Above, a relay "
            "point or a company, not a drop address."
        ),
    )
    min_sender_addressees: int = threshold(
        5,
        unit="addresses",
        source=(
            f"{_ANALYST}: a private sender (gifts, samples, documents) posts to family and "
            "friends, a handful of addresses; a shop's sales are not counted"
        ),
        help=(
            "Adresses distinctes d'un même expéditeur, hors ventes. / Distinct addresses of "
            "one sender, sales left out."
        ),
    )
    min_phone_names: int = threshold(
        3,
        unit="names",
        source=f"{_ANALYST}: a family phone is given for one or two names",
        help="Noms distincts donnés avec un même téléphone. / Names given with one phone.",
    )
    new_phone_days: int = threshold(
        60,
        unit="days",
        source=f"{_ANALYST}: a line bought for a network's deliveries lasts weeks",
        help=(
            "Téléphone nouveau : vu pour la première fois depuis au plus. / New phone: first "
            "seen at most this many days before."
        ),
    )
    de_minimis_eur: float = threshold(
        150.0,
        unit="EUR",
        source=(
            f"{_RELIEF}, Art. 23 (relief from import duty, consignments of negligible value "
            "up to EUR 150); Directive (EU) 2017/2455 (IOSS, EUR 150)"
        ),
        help="Seuil de franchise de droits. / Customs duty relief threshold.",
    )
    split_margin_share: float = threshold(
        0.2,
        unit="share",
        source=f"{_ANALYST}: just under the threshold, within 20 % of it (EUR 120-150)",
        help="Juste sous le seuil : à moins de cette part. / Just under: within this share.",
    )
    split_window_days: int = threshold(
        7,
        unit="days",
        source=f"{_ANALYST}: the parcels of one split consignment are posted within a week",
        help="Fenêtre des colis fractionnés. / Window of split parcels.",
    )
    min_split_parcels: int = threshold(
        3,
        unit="parcels",
        source=f"{_ANALYST}: two purchases just under EUR 150 a week happen; three are a pattern",
        help=(
            "Colis juste sous le seuil, même expéditeur et adresse. / Parcels just under the "
            "threshold, one sender, one address."
        ),
    )
    gift_max_eur: float = threshold(
        45.0,
        unit="EUR",
        source=(
            f"{_RELIEF}, Art. 25 (non-commercial consignments between private persons, EUR "
            "45); Council Directive 2006/79/EC (VAT, EUR 45)"
        ),
        help="Valeur au-delà de laquelle un cadeau n'est plus exonéré. / Gift relief limit.",
    )
    min_eur_per_kg: float = threshold(
        3.0,
        unit="EUR/kg",
        source=(
            f"{_ANALYST}: ordinary e-commerce declares tens of euros a kilo; WTO Trade "
            "Facilitation Agreement Art. 7.4 (value and weight among risk criteria)"
        ),
        help="Valeur déclarée par kilo, au moins. / Least declared value per kilogram.",
    )
    seizure_lookback_days: int = threshold(
        365,
        unit="days",
        source=f"{_ANALYST}: an address or phone of a seizure stays suspect for a year",
        help=(
            "Saisie antérieure à la même adresse ou au même téléphone, depuis. / Earlier "
            "seizure at the address or phone, within."
        ),
    )
    eur_rates: str = threshold(
        "EUR=1,USD=0.92,GBP=1.18,CNY=0.128,HKD=0.118,CHF=1.05,JPY=0.0061,CAD=0.68,TRY=0.028,"
        "MAD=0.093,BRL=0.17,COP=0.00023,PEN=0.25,XPF=0.00838",
        unit="EUR per unit",
        source=(
            "rounded ECB euro reference rates, 2024 averages (XPF: fixed parity); set the "
            "month's customs rate (Reg. (EU) 952/2013 Art. 53, Reg. (EU) 2015/2447 Art. 146)"
        ),
        help=(
            "Taux de conversion en euros (CODE=taux). / Rates to euros (CODE=rate); a "
            "currency not listed leaves the value rules silent."
        ),
    )
    weight_risky_origin: float = _weight(2.0, _DRUG_MARKETS, "Origine à risque", "High-risk origin")
    weight_vague_description: float = _weight(
        1.0, _DESCRIPTIONS, "Description vague", "Vague description"
    )
    weight_hs_mismatch: float = _weight(
        2.0, f"{_DESCRIPTIONS}; WCO HS nomenclature", "SH6 contraire à la description",
        "HS6 belies the description",
    )  # fmt: skip
    weight_heavy_for_description: float = _weight(
        2.0, f"{_ANALYST}: weight per item of what is declared", "Trop lourd pour le contenu",
        "Too heavy for its content",
    )  # fmt: skip
    weight_gift_high_value: float = _weight(
        1.0, f"{_RELIEF}, Art. 25", "Cadeau de valeur élevée", "Gift of high value"
    )
    weight_undervalued: float = _weight(
        2.0, "WTO TFA Art. 7.4", "Valeur trop basse pour le poids", "Value too low for the weight"
    )
    weight_drop_address: float = _weight(
        3.0, f"{_ANALYST}; EMCDDA–Europol, Drugs and the darknet, 2017 (delivery by post)",
        "Adresse de dépôt", "Drop address",
    )  # fmt: skip
    weight_sender_fan_out: float = _weight(
        3.0, f"{_ANALYST}: reshippers posting one network's parcels", "Expéditeur vers de "
        "nombreux destinataires", "One sender, many addressees",
    )  # fmt: skip
    weight_shared_phone: float = _weight(
        2.0, f"{_ANALYST}; docs/targeting.md indicator 9 (another phone)", "Téléphone nouveau "
        "pour plusieurs noms", "New phone for several names",
    )  # fmt: skip
    weight_split_under_threshold: float = _weight(
        3.0, f"{_RELIEF}, Art. 23 (splitting to stay under EUR 150)", "Envoi fractionné sous "
        "le seuil", "Split under the threshold",
    )  # fmt: skip
    weight_known_seizure: float = _weight(
        4.0, "DATE Table 5 (past hit rate); WTO TFA Art. 7.4 (compliance record)",
        "Adresse ou téléphone d'une saisie", "Address or phone of a seizure",
    )  # fmt: skip

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_points <= 0:
            raise ValueError("min_points must be > 0")
        if not 0 < self.min_address_names <= self.max_address_names:
            raise ValueError("0 < min_address_names <= max_address_names expected")
        if not 0 <= self.split_margin_share < 1:
            raise ValueError("split_margin_share must be in [0, 1)")
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, int | float) and value < 0:
                raise ValueError(f"{spec.name} must be >= 0, not {value}")
        self.countries()
        rates(self.eur_rates)

    def countries(self) -> list[str]:
        codes = [code.strip().upper() for code in self.risky_countries.split(",")]
        bad = [code for code in codes if len(code) != 2 or not code.isalpha()]
        if bad:
            raise ValueError(f"risky_countries: invalid codes {bad}")
        return codes

    def weights(self) -> dict[str, float]:
        """Each rule with its weight, in the order alerts list them."""
        return {rule: float(getattr(self, f"weight_{rule}")) for rule in RULES}


RULE_NAMES = {
    spec.name.removeprefix("weight_"): spec.metadata["help"].split(" / ")
    for spec in fields(ParcelRuleThresholds)
    if spec.name.startswith("weight_")
}


def to_alerts(rows: list[dict[str, Any]], thresholds: ParcelRuleThresholds) -> list[Alert]:
    """One alert a parcel: the pipeline gives a row per related parcel, grouped here."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["source_file"], row["source_line"]), []).append(row)
    return [_alert(group, thresholds) for group in grouped.values()]


def _alert(group: list[dict[str, Any]], thresholds: ParcelRuleThresholds) -> Alert:
    row = group[0]
    weights = thresholds.weights()
    hit = [rule for rule in RULES if row[rule]]
    points = float(row["points"])
    fr = "; ".join(f"{_detail(row, rule, 0, thresholds)} (+{weights[rule]:g})" for rule in hit)
    en = "; ".join(f"{_detail(row, rule, 1, thresholds)} (+{weights[rule]:g})" for rule in hit)
    related = related_rows(group)
    what = _what(row)
    evidence = [Evidence("parcels", _key(row["source_file"], row["source_line"]))]
    evidence += [Evidence("parcels", _key(f, n)) for f, n in related[:MAX_RELATED_ROWS]]
    more_fr = more_en = ""
    if len(related) > MAX_RELATED_ROWS:
        left = len(related) - MAX_RELATED_ROWS
        more_fr, more_en = f" ({left} colis liés non cités)", f" ({left} related parcels not cited)"
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=_subjects(row),
        start=row["posted_ts"],
        end=row["posted_ts"],
        score=round(points / (points + thresholds.min_points), 3),
        reason_fr=(
            f"Colis {what} : {points:g} points pour un seuil de {thresholds.min_points:g} — "
            f"{fr}.{more_fr}"
        ),
        reason_en=(
            f"Parcel {what}: {points:g} points against a threshold of "
            f"{thresholds.min_points:g} — {en}.{more_en}"
        ),
        evidence=tuple(evidence),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _key(source_file: str, source_line: int) -> dict[str, Any]:
    return {"source_file": source_file, "source_line": source_line}


def _what(row: dict[str, Any]) -> str:
    weight = row["gross_weight_kg"]
    value = row["declared_value"]
    parts = [
        f"{row['origin_country']}→{row['destination_country'] or '?'}",
        f"{weight:g} kg" if weight is not None else "? kg",
        f"« {row['content_description'] or ''} »",
        f"{value:g} {row['currency'] or ''}".strip() if value is not None else "?",
    ]
    return f"{row['item_id']} ({', '.join(parts)})"


def _subjects(row: dict[str, Any]) -> tuple[Subject, ...]:
    subjects = [Subject("parcel", row["item_id"])]
    if row["addressee_address"]:
        place = ", ".join(
            part
            for part in (row["addressee_address"], row["addressee_postcode"], row["addressee_city"])
            if part
        )
        subjects.append(Subject("address", place))
    if row["addressee_name"]:
        subjects.append(Subject("addressee", row["addressee_name"]))
    if row["sender_name"]:
        subjects.append(Subject("sender", row["sender_name"]))
    if row["shared_phone"] and row["phone_e164"]:
        subjects.append(Subject("phone", row["phone_e164"]))
    return tuple(subjects)


def _detail(row: dict[str, Any], rule: str, language: int, t: ParcelRuleThresholds) -> str:
    """The rule's name, with the values that made it hit."""
    name = RULE_NAMES[rule][language]
    fr = language == 0
    kind = KIND_NAMES.get(row["claimed"] or "")
    claimed = (kind.name_fr if fr else kind.name) if kind else ""
    value = row["value_eur"]
    details = {
        "risky_origin": row["origin_country"],
        "vague_description": f"« {row['content_description'] or ''} »",
        "hs_mismatch": (
            f"{row['hs6']}, {claimed}{' :' if fr else ':'} "
            f"{(row['claimed_chapters'] or '').strip(',')}"
        ),
        "heavy_for_description": (
            f"{row['gross_weight_kg']:g} kg, {row['item_count'] or 1} × {claimed} ≤ "
            f"{kind.max_item_kg if kind else 0:g} kg"
        ),
        "gift_high_value": f"{value or 0:.0f} EUR > {t.gift_max_eur:g}",
        "undervalued": (
            f"{value or 0:.2f} EUR, {row['gross_weight_kg']:g} kg < {t.min_eur_per_kg:g} EUR/kg"
        ),
        "drop_address": f"{row['address_names']} " + ("noms" if fr else "names"),
        "sender_fan_out": f"{row['sender_addresses']} " + ("adresses" if fr else "addresses"),
        "shared_phone": f"{row['phone_e164']}, {row['phone_names']} " + ("noms" if fr else "names"),
        "split_under_threshold": (
            f"{row['split_parcels']} "
            + ("colis" if fr else "parcels")
            + f" ≤ {t.de_minimis_eur:g} EUR"
        ),
        "known_seizure": f"×{row['linked_seizures']}",
    }
    return f"{name} ({details[rule]})"


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="targeting",
        title_fr="Règles de ciblage des colis postaux et express",
        title_en="Postal and express parcel rules",
        inputs=("parcels",),
        thresholds=ParcelRuleThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
