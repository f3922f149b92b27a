"""Profile features: each declaration's history of its importer, declarant, goods...

A past hit rate per importer, declarant, HS6 x origin or office is the strongest
targeting signal in the literature (DATE's ``find_risk_profile``; Kim et al., KDD 2020)
and a compliance record is what WTO TFA Art. 7.4 asks risk management to use. It leaks
if computed on the rows it scores, so every value here is computed **only from
declarations dated on an earlier day**: a declaration sees neither its own outcome nor
those of same-day declarations, whose inspections are not closed when it is scored.
A declaration without an outcome (``fraud`` empty: not inspected yet, or the split
being evaluated, whose labels are removed beforehand) adds to the volume seen but not
to the hit counts. The same query therefore builds training features and scores new
declarations, with nothing to keep in step between the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class Profile:
    """A key whose history becomes features; ``columns`` together form the key."""

    name: str
    columns: tuple[str, ...]
    label_fr: str
    label_en: str


PROFILES: tuple[Profile, ...] = (
    Profile("importer", ("importer",), "importateur", "importer"),
    Profile("declarant", ("declarant",), "déclarant", "declarant"),
    Profile("seller", ("seller",), "vendeur", "seller"),
    Profile("courier", ("courier",), "transporteur express", "courier"),
    Profile("office", ("office",), "bureau", "office"),
    Profile("hs6", ("hs6",), "code SH6", "HS6 code"),
    Profile("hs6_origin", ("hs6", "origin_country"), "SH6 x origine", "HS6 x origin"),
    Profile("importer_hs6", ("importer", "hs6"), "importateur x SH6", "importer x HS6"),
)


def profile_features(
    declarations: pa.Table,
    prior: float,
    weight: float,
    keys: tuple[Profile, ...] = PROFILES,
    label: str = "fraud",
) -> pa.Table:
    """Per declaration, in input order: for each profile of ``keys``, declarations seen
    on earlier days (``<name>_seen``) and their smoothed hit rate (``<name>_rate``) of
    the boolean outcome ``label``.

    The rate is shrunk towards ``prior`` with ``weight`` pseudo-declarations
    (Micci-Barreca 2001, "A preprocessing scheme for high-cardinality categorical
    attributes"), so a key seen twice with one hit does not read as a 50% risk.
    """
    connection = duckdb.connect()
    try:
        needed = sorted({"ts", label, *(c for p in keys for c in p.columns)})
        connection.register("d", declarations.select(needed))
        return connection.sql(_query(prior, weight, keys, label)).to_arrow_table()
    finally:
        connection.close()


def feature_names(keys: tuple[Profile, ...] = PROFILES) -> list[str]:
    return [f"{p.name}_{kind}" for p in keys for kind in ("seen", "rate")]


def _query(prior: float, weight: float, keys: tuple[Profile, ...], label: str) -> str:
    ctes = ["rows AS (SELECT *, CAST(ts AS DATE) AS day, row_number() OVER () AS rid FROM d)"]
    joins, selects = [], []
    for profile in keys:
        key = _key(profile, "")
        name = f"p_{profile.name}"
        ctes.append(
            f"{name} AS (SELECT k, day, "
            f"coalesce(sum(count(*)) OVER w, 0) AS seen, "
            f"coalesce(sum(count({label})) OVER w, 0) AS labelled, "
            f"coalesce(sum(count(*) FILTER (WHERE {label})) OVER w, 0) AS hits "
            f"FROM (SELECT {key} AS k, day, {label} FROM rows) GROUP BY k, day "
            f"WINDOW w AS (PARTITION BY k ORDER BY day "
            f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))"
        )
        joins.append(
            f"LEFT JOIN {name} ON {name}.k = {_key(profile, 'rows.')} AND {name}.day = rows.day"
        )
        selects.append(f"CAST({name}.seen AS DOUBLE) AS {profile.name}_seen")
        selects.append(
            f"({name}.hits + {weight} * {prior}) / ({name}.labelled + {weight}) "
            f"AS {profile.name}_rate"
        )
    return (
        f"WITH {', '.join(ctes)} SELECT {', '.join(selects)} FROM rows "
        f"{' '.join(joins)} ORDER BY rows.rid"
    )


def _key(profile: Profile, prefix: str) -> str:
    return " || '|' || ".join(f"coalesce({prefix}{c}, '')" for c in profile.columns)
