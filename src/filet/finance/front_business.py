"""Cash-intensive front businesses (« lessiveuses »): cash takings far above sector peers.

The French Senate's inquiry into narcotrafficking (rapport n° 588, 2023-2024,
« Narcotrafic, le vrai danger », VIII.B.1.d) describes shops (kebabs, barbers, nail
bars, car washes, phone shops, bars) whose cash takings are far above what a business
of that trade and size can make: drug cash is paid in as takings. Tracfin's annual
reports and FATF's *Money Laundering Through the Physical Transportation of Cash*
(2015) give the indicator: cash deposits out of proportion to those of comparable
businesses.

Per business (SIREN, all its accounts in the ``businesses`` register together),
calendar month and currency, the cash paid in is the sum of the transfers to its
accounts whose payment format is cash. Its peers are the registered businesses with
cash paid in that month, of the same NAF code and headcount band; when fewer than
``min_peers`` share the code, those of the same NAF division (two digits) and band.
A business is flagged when its cash is above ``min_cash_amount``, at least
``min_ratio_to_peer_median`` times the median of its group, and an outlier by the
modified z-score of Iglewicz & Hoaglin (1993): ``0.6745 (x - median) / MAD``, the
median and the median absolute deviation (MAD) being those of the group, the business
included. A group whose MAD is 0 gives no z-score, and no alert.

Amounts are summed in whole cents, so that both engines add them up exactly. The
median is DuckDB's and Spark's ``median`` (exact, both interpolating between the two
middle values); the standard ``percentile_cont ... WITHIN GROUP`` is not used: SQLGlot
writes it for Spark as ``percentile_approx``, an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filet.alerts import Alert, Detector, Evidence, Subject, Thresholds, register, threshold
from filet.alerts.wording import comma
from filet.engine import Dialect, Step, sql_texts
from filet.finance.common import account_key, evidence, grouped, growing_score, money, span
from filet.finance.sirene import HEADCOUNT_BANDS

DETECTOR_ID = "finance.front_business"
VERSION = "1"
REGISTER = "businesses"
# Φ⁻¹(0.75): the MAD of a normal sample is 0.6745 standard deviations (Iglewicz & Hoaglin).
MAD_TO_Z = 0.6745
_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class FrontBusinessThresholds(Thresholds):
    min_cash_amount: float = threshold(
        10_000.0,
        unit="unité de la devise par mois civil / currency unit per calendar month",
        source=(
            "Tracfin COSI, Code monétaire et financier L.561-15-1 and D.561-31-1: cash "
            "deposits or withdrawals above €10,000 over a calendar month are reported"
        ),
        help=(
            "Espèces versées dans le mois au-delà desquelles un commerce est comparé. / "
            "Cash paid in over the month above which a business is compared."
        ),
    )
    min_ratio_to_peer_median: float = threshold(
        3.0,
        unit="ratio",
        source=(
            "décision d'analyste du 2026-12-07 (deux fois la médiane reste à la portée d'un "
            "commerce bien placé ; trois fois n'est plus un commerce de la même taille)"
        ),
        help=(
            "Espèces du mois rapportées à la médiane de ses pairs. / The month's cash over "
            "the median of its peers."
        ),
    )
    min_modified_z: float = threshold(
        3.5,
        unit="score z modifié / modified z-score",
        source=(
            "Iglewicz & Hoaglin (1993), How to Detect and Handle Outliers, ASQC Basic "
            "References in Quality Control 16: a modified z-score 0.6745 (x - median) / MAD "
            "above 3.5 labels a potential outlier"
        ),
        help=(
            "Écart robuste minimal à la médiane des pairs. / Fewest robust deviations from "
            "the peers' median."
        ),
    )
    min_peers: int = threshold(
        5,
        unit="entreprises / businesses",
        source=(
            "décision d'analyste du 2026-12-07 (sous cinq pairs, une médiane et un écart "
            "médian ne disent pas ce qui est habituel dans le secteur)"
        ),
        help=(
            "Pairs minimaux (même code NAF, sinon même division, et même tranche "
            "d'effectif). / Fewest peers (same NAF code, else division, same headcount band)."
        ),
    )
    cash_formats: str = threshold(
        "Cash",
        unit="formats de paiement, séparés par des virgules / payment formats, comma-separated",
        source=(
            "IBM AMLworld payment formats (Altman et al., NeurIPS 2023): Cash, Cheque, ACH, "
            "Wire, Credit Card, Reinvestment, Bitcoin; Cash is the one in notes and coins"
        ),
        help=(
            "Formats de paiement comptés comme espèces versées (casse ignorée). / Payment "
            "formats counted as cash paid in (case ignored)."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_cash_amount < 0 or self.min_ratio_to_peer_median < 1:
            raise ValueError("min_cash_amount >= 0 and min_ratio_to_peer_median >= 1")
        if self.min_modified_z <= 0 or self.min_peers < 2:
            raise ValueError("min_modified_z > 0 and min_peers >= 2")
        if not self.formats():
            raise ValueError("cash_formats names no payment format")

    def formats(self) -> list[str]:
        """The cash formats, trimmed and lower-cased, as the SQL compares them."""
        return [name.strip().lower() for name in self.cash_formats.split(",") if name.strip()]


def steps(thresholds: FrontBusinessThresholds, dialect: Dialect) -> list[Step]:
    """Businesses, their cash per month, the statistics of both peer groups, the flagged
    months and the deposits behind them. Each step reads the one before it once (group
    statistics are window aggregates, not joins back), so the engine plans one chain."""
    return [
        Step(_REGISTERED, "front_registered"),
        Step(_ACCOUNTS, "front_accounts"),
        Step(_cash(thresholds), "front_cash"),
        Step(_MONTHLY, "front_monthly"),
        Step(_MEDIANS, "front_medians"),
        Step(_SPREADS, "front_spreads"),
        Step(_compared(thresholds.min_peers), "front_compared"),
        Step(_flagged(thresholds), "front_flagged"),
        Step(_ROWS, "front_rows"),
    ]


# The first record of a SIREN (by file and line) gives its name, sector and size.
_REGISTERED = f"""
    SELECT siren, name, naf, substr(naf, 1, 2) AS division,
        coalesce(headcount_band, '') AS band,
        source_file AS register_file, source_line AS register_line
    FROM (
        SELECT *, row_number() OVER (PARTITION BY siren ORDER BY source_file, source_line) AS rank
        FROM {REGISTER}
    ) ranked
    WHERE rank = 1
"""
# A business's accounts, once each: an account listed without a bank (an IBAN) stands
# for every bank, so the same number listed with a bank is left out.
_ACCOUNTS = f"""
    SELECT DISTINCT b.siren, b.bank, b.account
    FROM {REGISTER} b LEFT JOIN (
        SELECT DISTINCT siren, account FROM {REGISTER} WHERE bank IS NULL
    ) any_bank ON any_bank.siren = b.siren AND any_bank.account = b.account
    WHERE b.bank IS NULL OR any_bank.siren IS NULL
"""


def _cash(thresholds: FrontBusinessThresholds) -> str:
    """Cash paid in to a registered account, in whole cents."""
    formats = sql_texts(thresholds.formats())
    return f"""
        SELECT a.siren, t.amount_paid AS amount,
            CAST(round(t.amount_paid * 100) AS BIGINT) AS cents,
            coalesce(t.payment_currency, '') AS currency, strftime(t.ts, '%Y-%m') AS month,
            t.ts, {account_key("t.to_bank", "t.to_account")} AS account,
            t.source_file, t.source_line
        FROM transactions t JOIN front_accounts a ON t.to_account = a.account
        WHERE (a.bank IS NULL OR a.bank = t.to_bank)
          AND lower(trim(t.payment_format)) IN ({formats})
    """


_MONTHLY = """
    SELECT c.siren, c.month, c.currency, sum(c.cents) AS cash, count(*) AS deposits,
        r.name, r.naf, r.division, r.band, r.register_file, r.register_line
    FROM front_cash c JOIN front_registered r ON r.siren = c.siren
    GROUP BY c.siren, c.month, c.currency, r.name, r.naf, r.division, r.band,
        r.register_file, r.register_line
    HAVING sum(c.cents) > 0
"""
_BY_NAF = "PARTITION BY month, currency, naf, band"
_BY_DIVISION = "PARTITION BY month, currency, division, band"
# Each group's size and median, then its median absolute deviation, both groups at once.
_MEDIANS = f"""
    SELECT *,
        count(*) OVER ({_BY_NAF}) AS naf_members,
        median(cash) OVER ({_BY_NAF}) AS naf_median,
        count(*) OVER ({_BY_DIVISION}) AS division_members,
        median(cash) OVER ({_BY_DIVISION}) AS division_median
    FROM front_monthly
"""
_SPREADS = f"""
    SELECT *,
        median(abs(cash - naf_median)) OVER ({_BY_NAF}) AS naf_mad,
        median(abs(cash - division_median)) OVER ({_BY_DIVISION}) AS division_mad
    FROM front_medians
"""


def _compared(min_peers: int) -> str:
    """Each business month with its group: the NAF code's if it has enough peers."""
    by_code = f"naf_members - 1 >= {min_peers}"
    return f"""
        SELECT siren, month, currency, cash, deposits, name, naf, division, band,
            register_file, register_line,
            CASE WHEN {by_code} THEN 'naf' ELSE 'division' END AS peer_level,
            CASE WHEN {by_code} THEN naf_members ELSE division_members END - 1 AS peers,
            CASE WHEN {by_code} THEN naf_median ELSE division_median END AS peer_median,
            CASE WHEN {by_code} THEN naf_mad ELSE division_mad END AS mad
        FROM front_spreads
    """


def _flagged(thresholds: FrontBusinessThresholds) -> str:
    """Months over every line; the ratio and z-score computed once MAD > 0 is known."""
    return f"""
        SELECT *, cash / peer_median AS ratio, {MAD_TO_Z} * (cash - peer_median) / mad AS z,
            concat(siren, '|', month, '|', currency) AS business_month
        FROM front_compared
        WHERE peers >= {thresholds.min_peers} AND mad > 0
          AND cash > {round(thresholds.min_cash_amount * 100)}
          AND cash >= {thresholds.min_ratio_to_peer_median} * peer_median
          AND {MAD_TO_Z} * (cash - peer_median) >= {thresholds.min_modified_z} * mad
    """


_ROWS = """
    SELECT g.business_month, g.siren, g.name, g.naf, g.division, g.band, g.month,
        g.currency, g.cash, g.deposits, g.peer_level, g.peers, g.peer_median, g.mad,
        g.ratio, g.z, g.register_file, g.register_line,
        c.account, c.amount, c.ts, c.source_file, c.source_line
    FROM front_flagged g JOIN front_cash c
      ON c.siren = g.siren AND c.month = g.month AND c.currency = g.currency
    ORDER BY g.siren, g.month, g.currency, c.ts, c.source_file, c.source_line
"""


def to_alerts(rows: list[dict[str, Any]], thresholds: FrontBusinessThresholds) -> list[Alert]:
    return [_alert(group, thresholds) for group in grouped(rows, "business_month")]


def _alert(rows: list[dict[str, Any]], thresholds: FrontBusinessThresholds) -> Alert:
    first = rows[0]
    start, end = span(rows)
    accounts = sorted({row["account"] for row in rows})
    register_row = Evidence(
        REGISTER, {"source_file": first["register_file"], "source_line": first["register_line"]}
    )
    return Alert(
        detector_id=DETECTOR_ID,
        detector_version=VERSION,
        subjects=(
            Subject("siren", first["siren"]),
            *(Subject("account", account) for account in accounts),
        ),
        start=start,
        end=end,
        score=growing_score(first["ratio"], thresholds.min_ratio_to_peer_median),
        reason_fr=_reason(first, thresholds, french=True),
        reason_en=_reason(first, thresholds, french=False),
        evidence=(register_row, *evidence(rows)),
        thresholds=thresholds.used(),
        thresholds_hash=thresholds.digest(),
    )


def _reason(row: dict[str, Any], thresholds: FrontBusinessThresholds, french: bool) -> str:
    """The business, its month's cash, its peers and how far above them it is."""
    year, month = (int(part) for part in row["month"].split("-"))
    currency = row["currency"]
    cash = f"{money(row['cash'] / 100, french)} {currency}".strip()
    median = f"{money(row['peer_median'] / 100, french)} {currency}".strip()
    name = row["name"] or row["siren"]
    fr_band, en_band = HEADCOUNT_BANDS.get(row["band"], ("tranche inconnue", "unknown band"))
    if french:
        peers = (
            "même code NAF et même tranche d'effectif"
            if row["peer_level"] == "naf"
            else f"division NAF {row['division']} et même tranche d'effectif, moins de "
            f"{thresholds.min_peers} pairs sous le code {row['naf']}"
        )
        return (
            f"{name} (SIREN {row['siren']}, NAF {row['naf']}, {fr_band}) reçoit {cash} en "
            f"espèces en {_MONTHS_FR[month - 1]} {year} ({_count(row['deposits'], 'versement')}) : "
            f"{comma(row['ratio'])} fois la médiane de ses {row['peers']} pairs ({peers}), "
            f"{median} ; score z modifié {comma(row['z'])}."
        )
    peers = (
        "same NAF code and headcount band"
        if row["peer_level"] == "naf"
        else f"NAF division {row['division']} and same headcount band, fewer than "
        f"{thresholds.min_peers} peers under code {row['naf']}"
    )
    return (
        f"{name} (SIREN {row['siren']}, NAF {row['naf']}, {en_band}) is paid {cash} in "
        f"cash in {_MONTHS_EN[month - 1]} {year} ({_count(row['deposits'], 'deposit')}): "
        f"{row['ratio']:.1f} times the median of its {row['peers']} peers ({peers}), "
        f"{median}; modified z-score {row['z']:.1f}."
    )


def _count(number: int, noun: str) -> str:
    """``1 versement``, ``14 versements``: the noun's plural takes an s in both languages."""
    return f"{number} {noun}{'s' if number > 1 else ''}"


DETECTOR = register(
    Detector(
        id=DETECTOR_ID,
        version=VERSION,
        domain="finance",
        title_fr="Commerce-lessiveuse : espèces hors de proportion avec le secteur",
        title_en="Cash-intensive front business: cash far above sector peers",
        inputs=("transactions", REGISTER),
        thresholds=FrontBusinessThresholds,
        steps=steps,
        to_alerts=to_alerts,
    )
)
