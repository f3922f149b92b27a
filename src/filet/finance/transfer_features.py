"""What the learned model knows of each transfer, computed in SQL on the engine.

Features in the spirit of the Graph Feature Preprocessor that Altman et al. (NeurIPS
2023) feed to LightGBM: the transfer itself (amount, currency mismatch, payment format,
hour, cross-bank), then, for its sender and its receiver, transfers out and in, the
amounts and the distinct counterparties over the past day and the past week, and
whether the transfer takes part in a typology of the detectors (fan-in, fan-out,
gather-scatter, cycle, scatter-gather, pass-through, structuring) under their own
default thresholds (:mod:`filet.finance.transfer_typologies`).

Every feature is **time-respecting**: it reads only transfers at or before the
transfer's time, so a later transfer never changes an earlier one's features, and a
transfer is scored as it could have been when it was made. The label
``is_laundering`` is never read here. The SQL is written once in DuckDB's dialect and
also runs on Spark.
"""

from __future__ import annotations

from dataclasses import dataclass

from filet.alerts import Thresholds, threshold
from filet.engine import Dialect, Step
from filet.finance import transfer_typologies
from filet.finance.common import MICROSECONDS_PER_DAY, TABLE, account_key

_ALTMAN = "Altman et al. 2023 (NeurIPS Datasets and Benchmarks), graph features of GFP"


@dataclass(frozen=True)
class FeatureSettings(Thresholds):
    short_window_days: float = threshold(
        1.0,
        unit="jours / days",
        source=f"décision d'analyste du 2026-12-07 (l'activité d'une journée); {_ALTMAN}",
        help=(
            "Fenêtre courte des degrés, montants et contreparties. / Short window of the "
            "degrees, amounts and counterparties."
        ),
    )
    long_window_days: float = threshold(
        7.0,
        unit="jours / days",
        source=f"décision d'analyste du 2026-12-07 (une semaine d'activité); {_ALTMAN}",
        help=(
            "Fenêtre longue des degrés, montants et contreparties. / Long window of the "
            "degrees, amounts and counterparties."
        ),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.short_window_days < self.long_window_days:
            raise ValueError("0 < short_window_days < long_window_days")

    def windows(self) -> dict[str, int]:
        """Each window's name in the feature names, and its length in microseconds."""
        return {
            f"{days:g}d": round(days * MICROSECONDS_PER_DAY)
            for days in (self.short_window_days, self.long_window_days)
        }


CATEGORICAL: tuple[str, ...] = ("payment_format", "currency")
TRANSFER: tuple[str, ...] = (
    "amount", "log_amount", "currency_mismatch", "cross_bank", "self_transfer", "hour",
)  # fmt: skip
_SIDE_COUNTS = ("out_n", "in_n", "out_amount", "in_amount")
_SIDE_PARTIES = ("out_parties", "in_parties")
# The transfer's own columns that come out beside the features, to name it again.
IDENTITY: tuple[str, ...] = ("source_file", "source_line", "ts", "ts_us", "src", "dst")
_LABELS: dict[str, tuple[str, str]] = {
    "payment_format": ("moyen de paiement", "payment format"),
    "currency": ("devise du paiement", "payment currency"),
    "amount": ("montant payé", "amount paid"),
    "log_amount": ("montant payé (log)", "amount paid (log)"),
    "currency_mismatch": ("devise reçue différente", "received in another currency"),
    "cross_bank": ("entre deux banques", "between two banks"),
    "self_transfer": ("virement à soi-même", "transfer to oneself"),
    "hour": ("heure (UTC)", "hour (UTC)"),
    **transfer_typologies.LABELS,
}
_SIDE_LABELS = {"sender": ("émetteur", "sender"), "receiver": ("bénéficiaire", "receiver")}
_MEASURE_LABELS = {
    "out_n": ("virements émis", "transfers out"),
    "in_n": ("virements reçus", "transfers in"),
    "out_amount": ("montant émis", "amount out"),
    "in_amount": ("montant reçu", "amount in"),
    "out_parties": ("bénéficiaires distincts", "distinct payees"),
    "in_parties": ("payeurs distincts", "distinct payers"),
}


def label(name: str) -> tuple[str, str]:
    """How a reason names a feature to an analyst: (French, English)."""
    if name in _LABELS:
        return _LABELS[name]
    side, rest = name.split("_", 1)
    measure, _, window = rest.rpartition("_")
    (side_fr, side_en), (fr, en) = _SIDE_LABELS[side], _MEASURE_LABELS[measure]
    return f"{side_fr} : {fr}, {window[:-1]} j", f"{side_en}: {en}, {window[:-1]} d"


def graph_features(settings: FeatureSettings) -> list[str]:
    return [
        f"{side}_{name}_{window}"
        for window in settings.windows()
        for side in ("sender", "receiver")
        for name in (*_SIDE_COUNTS, *_SIDE_PARTIES)
    ]


def names(settings: FeatureSettings) -> list[str]:
    """Every feature, in the model's column order."""
    return [
        *CATEGORICAL,
        *TRANSFER,
        *graph_features(settings),
        *transfer_typologies.FLAGS,
        *transfer_typologies.COUNTS,
    ]


def steps(settings: FeatureSettings, dialect: Dialect) -> list[Step]:
    """One row per transfer: :data:`IDENTITY`, then :func:`names`."""
    windows = settings.windows()
    pattern_windows = set(transfer_typologies.windows_us().values()) - set(windows.values())
    every = {**windows, **{f"w{us}": us for us in sorted(pattern_windows)}}
    out = [_base(dialect), _sides(), _counts(windows), _pair_times()]
    for tag, window_us in every.items():
        out += _parties(tag, window_us)
    out.append(_side_features(windows, every))
    out += transfer_typologies.steps(dialect)
    out.append(_final(settings, every))
    return out


def labels() -> Step:
    """The labels, apart: the model learns from them, the features never read them."""
    return Step(f"SELECT source_file, source_line, is_laundering FROM {TABLE}", "fm_labels")


def _base(dialect: Dialect) -> Step:
    sql = f"""
        SELECT
            {account_key("from_bank", "from_account")} AS src,
            {account_key("to_bank", "to_account")} AS dst,
            amount_paid AS amount,
            coalesce(payment_currency, '') AS currency,
            coalesce(payment_format, '') AS payment_format,
            CASE WHEN coalesce(receiving_currency, payment_currency, '')
                <> coalesce(payment_currency, '') THEN 1 ELSE 0 END AS currency_mismatch,
            CASE WHEN coalesce(from_bank, '') <> coalesce(to_bank, '') THEN 1 ELSE 0 END
                AS cross_bank,
            ts, {dialect.epoch_microseconds("ts")} AS ts_us, source_file, source_line
        FROM {TABLE}
    """
    return Step(sql, "fm_tx")


def _sides() -> Step:
    """Each transfer twice: once as its sender's ``out``, once as its receiver's ``in``."""
    sql = """
        SELECT src AS account, dst AS party, 'out' AS direction, amount, ts_us,
            source_file, source_line
        FROM fm_tx
        UNION ALL
        SELECT dst AS account, src AS party, 'in' AS direction, amount, ts_us,
            source_file, source_line
        FROM fm_tx
    """
    return Step(sql, "fm_sides")


def _past(window_us: int, partition: str = "account") -> str:
    """The window of an account's transfers from ``window_us`` before up to now."""
    return (
        f"OVER (PARTITION BY {partition} ORDER BY ts_us "
        f"RANGE BETWEEN {window_us} PRECEDING AND CURRENT ROW)"
    )


def _counts(windows: dict[str, int]) -> Step:
    columns = []
    for tag, window_us in windows.items():
        for direction in ("out", "in"):
            one = f"CASE WHEN direction = '{direction}' THEN 1 ELSE 0 END"
            money = f"CASE WHEN direction = '{direction}' THEN amount ELSE 0 END"
            columns.append(f"CAST(sum({one}) {_past(window_us)} AS DOUBLE) AS {direction}_n_{tag}")
            columns.append(
                f"round(CAST(sum({money}) {_past(window_us)} AS DOUBLE), 2) "
                f"AS {direction}_amount_{tag}"
            )
    sql = f"SELECT source_file, source_line, direction, {', '.join(columns)} FROM fm_sides"
    return Step(sql, "fm_counts")


def _pair_times() -> Step:
    sql = "SELECT DISTINCT account, direction, party, ts_us FROM fm_sides"
    return Step(sql, "fm_pair_times")


def _parties(tag: str, window_us: int) -> list[Step]:
    """Distinct counterparties in and out over the past window, for every side row.

    A pair of accounts is active while one of its transfers lies within the window: its
    transfers closer than the window form a spell, active from the first to the last
    plus the window. Counting spells opened minus spells closed, in time order, gives
    the distinct counterparties at each transfer without a self-join (an account paid
    by thousands costs a sort, not millions of pairs) and without DISTINCT in a window
    function, which Spark lacks.
    """
    opens = f"""
        SELECT account, direction, party, ts_us,
            CASE WHEN ts_us - lag(ts_us) OVER (
                PARTITION BY account, direction, party ORDER BY ts_us
            ) <= {window_us} THEN 0 ELSE 1 END AS opens
        FROM fm_pair_times
    """
    numbered = f"""
        SELECT account, direction, party, sum(opens) OVER (
            PARTITION BY account, direction, party ORDER BY ts_us
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS spell, ts_us
        FROM fm_opens_{tag}
    """
    spells = f"""
        SELECT account, direction, min(ts_us) AS opened_us, max(ts_us) + {window_us} + 1
            AS closed_us
        FROM fm_numbered_{tag} GROUP BY account, direction, party, spell
    """
    inbound = "CASE WHEN direction = 'in' THEN {} ELSE 0 END"
    outbound = "CASE WHEN direction = 'out' THEN {} ELSE 0 END"
    events = f"""
        SELECT account, opened_us AS at_us, {inbound.format(1)} AS in_delta,
            {outbound.format(1)} AS out_delta, CAST(NULL AS VARCHAR) AS source_file,
            CAST(NULL AS BIGINT) AS source_line, CAST(NULL AS VARCHAR) AS side
        FROM fm_spells_{tag}
        UNION ALL
        SELECT account, closed_us AS at_us, {inbound.format(-1)} AS in_delta,
            {outbound.format(-1)} AS out_delta, CAST(NULL AS VARCHAR) AS source_file,
            CAST(NULL AS BIGINT) AS source_line, CAST(NULL AS VARCHAR) AS side
        FROM fm_spells_{tag}
        UNION ALL
        SELECT account, ts_us AS at_us, 0 AS in_delta, 0 AS out_delta, source_file,
            source_line, direction AS side
        FROM fm_sides
    """
    running = (
        "OVER (PARTITION BY account ORDER BY at_us "
        "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    )
    counted = f"""
        SELECT source_file, source_line, side AS direction, in_parties, out_parties FROM (
            SELECT source_file, source_line, side,
                CAST(sum(in_delta) {running} AS DOUBLE) AS in_parties,
                CAST(sum(out_delta) {running} AS DOUBLE) AS out_parties
            FROM fm_events_{tag}
        ) WHERE side IS NOT NULL
    """
    return [
        Step(opens, f"fm_opens_{tag}"),
        Step(numbered, f"fm_numbered_{tag}"),
        Step(spells, f"fm_spells_{tag}"),
        Step(events, f"fm_events_{tag}"),
        Step(counted, f"fm_parties_{tag}"),
    ]


def _side_features(windows: dict[str, int], every: dict[str, int]) -> Step:
    """Counts, amounts and counterparties of each side row, in one row."""
    counts = [f"c.{d}_{n}_{tag}" for tag in windows for d in ("out", "in") for n in ("n", "amount")]
    parties = [f"p_{tag}.{name} AS {name}_{tag}" for tag in every for name in _SIDE_PARTIES]
    joins = " ".join(
        f"JOIN fm_parties_{tag} p_{tag} ON p_{tag}.source_file = c.source_file "
        f"AND p_{tag}.source_line = c.source_line AND p_{tag}.direction = c.direction"
        for tag in every
    )
    sql = f"""
        SELECT c.source_file, c.source_line, c.direction, {", ".join(counts + parties)}
        FROM fm_counts c {joins}
    """
    return Step(sql, "fm_side")


def _final(settings: FeatureSettings, every: dict[str, int]) -> Step:
    windows = settings.windows()
    sides = [
        f"{alias}.{name}_{tag} AS {side}_{name}_{tag}"
        for tag in windows
        for side, alias in (("sender", "s"), ("receiver", "r"))
        for name in (*_SIDE_COUNTS, *_SIDE_PARTIES)
    ]
    parties = {name: _tag(every, us) for name, us in transfer_typologies.windows_us().items()}
    typologies = transfer_typologies.columns(parties)
    joins = " ".join(
        f"LEFT JOIN {table} {alias} ON {alias}.source_file = t.source_file "
        f"AND {alias}.source_line = t.source_line"
        for alias, table in transfer_typologies.JOINED.items()
    )
    sql = f"""
        SELECT t.source_file, t.source_line, t.ts, t.ts_us, t.src, t.dst,
            t.payment_format, t.currency, t.amount, ln(1 + t.amount) AS log_amount,
            t.currency_mismatch, t.cross_bank,
            CASE WHEN t.src = t.dst THEN 1 ELSE 0 END AS self_transfer,
            CAST(floor((t.ts_us % {MICROSECONDS_PER_DAY}) / 3600000000) AS INT) AS hour,
            {", ".join(sides + typologies)}
        FROM fm_tx t
        JOIN fm_side s ON s.source_file = t.source_file AND s.source_line = t.source_line
         AND s.direction = 'out'
        JOIN fm_side r ON r.source_file = t.source_file AND r.source_line = t.source_line
         AND r.direction = 'in'
        {joins}
    """
    return Step(sql, "fm_features")


def _tag(every: dict[str, int], window_us: int) -> str:
    return next(tag for tag, us in every.items() if us == window_us)
