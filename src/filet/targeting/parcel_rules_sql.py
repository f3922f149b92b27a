"""The parcel rules' SQL pipeline (DuckDB's dialect, run by DuckDB or Spark).

Each grouped rule first lists the pairs of parcels it relates (same address, same phone,
same sender, the same address and sender just under the threshold, an earlier seizure
at the address or phone); the counts come from those pairs, and the pairs of the rules
a flagged parcel hit are its evidence. A parcel is one of its own pairs, so it counts
itself among the names, addresses and parcels of its group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from filet.engine import Dialect, Step
from filet.targeting.parcel_goods import (
    chapters_sql,
    claimed_sql,
    max_kg_sql,
    vague_sql,
    value_eur_sql,
)

if TYPE_CHECKING:
    from filet.targeting.parcel_rules import ParcelRuleThresholds

_DAY_US = 86_400_000_000
RULES = (
    "risky_origin", "vague_description", "hs_mismatch", "heavy_for_description",
    "gift_high_value", "undervalued", "drop_address", "sender_fan_out", "shared_phone",
    "split_under_threshold", "known_seizure",
)  # fmt: skip
# The grouped rules, with the pairs table that relates a parcel to the others.
GROUPED = {
    "drop_address": "parcel_address_pairs",
    "sender_fan_out": "parcel_sender_pairs",
    "shared_phone": "parcel_phone_pairs",
    "split_under_threshold": "parcel_split_pairs",
    "known_seizure": "parcel_seized_pairs",
}
_PAIR = "a.source_file, a.source_line, b.source_file AS b_file, b.source_line AS b_line"
_NOT_SALE = "coalesce({side}.category, '') <> 'sale'"


def steps(thresholds: ParcelRuleThresholds, dialect: Dialect) -> list[Step]:
    """Every parcel with its rule flags and points, then those with enough points, one
    row per related parcel of the rules they hit."""
    return [*flag_steps(thresholds, dialect), Step(_proposed(thresholds), "parcel_proposed")]


def flag_steps(thresholds: ParcelRuleThresholds, dialect: Dialect) -> list[Step]:
    """The rules' verdict on every parcel (0/1 columns and ``points``)."""
    micros = dialect.epoch_microseconds("posted_ts")
    value = value_eur_sql("declared_value", "currency", thresholds.eur_rates)
    rows = f"""
        SELECT *, CAST(FLOOR({micros} / {_DAY_US}) AS BIGINT) AS day, {value} AS value_eur,
            {claimed_sql("description_words", "category")} AS claimed
        FROM parcels
    """
    goods = f"""
        SELECT *, {chapters_sql("claimed")} AS claimed_chapters,
            {max_kg_sql("claimed")} AS claimed_max_kg
        FROM parcel_rows
    """
    return [
        Step(rows, "parcel_rows"),
        Step(goods, "parcel_goods"),
        *_pair_steps(thresholds),
        Step(_counts(), "parcel_counts"),
        Step(_flags(thresholds), "parcel_flags"),
        Step(_points(thresholds), "parcel_points"),
    ]


def _pair_steps(t: ParcelRuleThresholds) -> list[Step]:
    near = f"ABS(a.day - b.day) <= {t.window_days}"
    high = t.de_minimis_eur
    low = high * (1 - t.split_margin_share)
    band = "{side}.value_eur > " + f"{low!r}" + " AND {side}.value_eur <= " + f"{high!r}"
    joined = "FROM parcel_goods a JOIN parcel_goods b ON"
    earlier = (
        f"b.inspection = 'seizure' AND b.day < a.day AND a.day - b.day <= {t.seizure_lookback_days}"
    )
    seized = f"""
        SELECT {_PAIR} {joined} a.address_key = b.address_key AND {earlier}
        UNION
        SELECT {_PAIR} {joined} a.phone_e164 = b.phone_e164 AND {earlier}
    """
    return [
        Step(
            f"SELECT {_PAIR}, b.addressee_folded AS b_name {joined} "
            f"a.address_key = b.address_key AND {near}",
            "parcel_address_pairs",
        ),
        Step(
            f"SELECT {_PAIR}, b.addressee_folded AS b_name, b.day AS b_day {joined} "
            f"a.phone_e164 = b.phone_e164 AND {near}",
            "parcel_phone_pairs",
        ),
        Step(
            f"SELECT {_PAIR}, b.address_key AS b_address {joined} a.sender_key = b.sender_key "
            f"AND {near} AND {_NOT_SALE.format(side='a')} AND {_NOT_SALE.format(side='b')}",
            "parcel_sender_pairs",
        ),
        Step(
            f"SELECT {_PAIR} {joined} a.address_key = b.address_key "
            f"AND a.sender_key = b.sender_key AND ABS(a.day - b.day) <= {t.split_window_days} "
            f"AND {band.format(side='a')} AND {band.format(side='b')}",
            "parcel_split_pairs",
        ),
        Step(seized, "parcel_seized_pairs"),
    ]


def _counts() -> str:
    # Correlated subqueries would not run on Spark: each count is a grouped join.
    groups = {
        "address_names": ("b_name", "parcel_address_pairs"),
        "phone_names": ("b_name", "parcel_phone_pairs"),
        "sender_addresses": ("b_address", "parcel_sender_pairs"),
        "split_parcels": ("b_file || ':' || CAST(b_line AS VARCHAR)", "parcel_split_pairs"),
        "linked_seizures": ("b_file || ':' || CAST(b_line AS VARCHAR)", "parcel_seized_pairs"),
    }
    joins = []
    picks = []
    for name, (expression, table) in groups.items():
        alias = f"c_{name}"
        joins.append(
            f"LEFT JOIN (SELECT source_file, source_line, COUNT(DISTINCT {expression}) AS n "
            f"FROM {table} GROUP BY source_file, source_line) {alias} "
            f"ON {alias}.source_file = g.source_file AND {alias}.source_line = g.source_line"
        )
        picks.append(f"COALESCE({alias}.n, 0) AS {name}")
    first_seen = (
        "LEFT JOIN (SELECT phone_e164 AS phone, MIN(day) AS first_day FROM parcel_goods "
        "WHERE phone_e164 IS NOT NULL GROUP BY phone_e164) f ON f.phone = g.phone_e164"
    )
    return f"""
        SELECT g.*, {", ".join(picks)}, g.day - f.first_day AS phone_age_days
        FROM parcel_goods g {" ".join(joins)} {first_seen}
    """


def rule_flags(t: ParcelRuleThresholds) -> dict[str, str]:
    """Each rule as a SQL boolean over ``parcel_counts``' columns."""
    countries = ", ".join(f"'{code}'" for code in t.countries())
    return {
        "risky_origin": f"origin_country IN ({countries})",
        "vague_description": vague_sql("description_words"),
        "hs_mismatch": (
            "claimed_chapters IS NOT NULL AND hs6 IS NOT NULL "
            "AND strpos(claimed_chapters, ',' || substr(hs6, 1, 2) || ',') = 0"
        ),
        "heavy_for_description": (
            "claimed_max_kg IS NOT NULL "
            "AND gross_weight_kg > claimed_max_kg * GREATEST(COALESCE(item_count, 1), 1)"
        ),
        "gift_high_value": f"category = 'gift' AND value_eur > {t.gift_max_eur!r}",
        "undervalued": (
            "category IN ('gift', 'sale', 'sample') AND gross_weight_kg > 0 "
            f"AND value_eur < {t.min_eur_per_kg!r} * gross_weight_kg"
        ),
        "drop_address": (
            f"address_names >= {t.min_address_names} AND address_names <= {t.max_address_names}"
        ),
        "sender_fan_out": (
            f"sender_addresses >= {t.min_sender_addressees} AND {_NOT_SALE.format(side='p')}"
        ),
        "shared_phone": (
            f"phone_names >= {t.min_phone_names} AND phone_age_days <= {t.new_phone_days}"
        ),
        "split_under_threshold": f"split_parcels >= {t.min_split_parcels}",
        "known_seizure": "linked_seizures >= 1",
    }


def _flags(t: ParcelRuleThresholds) -> str:
    flags = rule_flags(t)
    columns = ", ".join(f"CASE WHEN {flags[rule]} THEN 1 ELSE 0 END AS {rule}" for rule in RULES)
    return f"SELECT p.*, {columns} FROM parcel_counts p"


def _points(t: ParcelRuleThresholds) -> str:
    points = " + ".join(f"{rule} * {weight!r}" for rule, weight in t.weights().items())
    return f"SELECT *, {points} AS points FROM parcel_flags"


def _proposed(t: ParcelRuleThresholds) -> str:
    related = " UNION ALL ".join(
        f"SELECT source_file, source_line, '{rule}' AS rule, b_file, b_line FROM {table}"
        for rule, table in GROUPED.items()
    )
    hit = " OR ".join(f"(e.rule = '{rule}' AND f.{rule} = 1)" for rule in GROUPED)
    return f"""
        SELECT f.*, e.rule AS related_rule, e.b_file AS related_file, e.b_line AS related_line
        FROM (SELECT * FROM parcel_points WHERE points >= {t.min_points!r}) f
        LEFT JOIN ({related}) e
            ON e.source_file = f.source_file AND e.source_line = f.source_line
            AND NOT (e.b_file = f.source_file AND e.b_line = f.source_line) AND ({hit})
        ORDER BY f.posted_ts, f.item_id, f.source_file, f.source_line, e.rule, e.b_file, e.b_line
    """


def related_rows(group: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The other parcels of a flagged parcel's rows, in the order of the rules, once each."""
    order = {rule: index for index, rule in enumerate(RULES)}
    found = sorted(
        (order[row["related_rule"]], row["related_file"], row["related_line"])
        for row in group
        if row["related_rule"] is not None
    )
    seen: dict[tuple[str, int], None] = {}
    for _, source_file, source_line in found:
        seen.setdefault((source_file, source_line), None)
    return list(seen)
