"""Cell sites (format ``cells``) and where each number was when it called.

An operator answers a requisition for its cell sites with a list: the cell id (CGI,
as the call records' ``cell_start``/``cell_end`` write it), the antenna's position,
its azimuth (degrees from north) and reach, the operator and the site's address.
The ``cells`` format reads it as a CSV with a header ``cell_id``, ``lat``, ``lon``,
``azimuth``, ``range_m``, ``operator``, ``address`` (decimal degrees, WGS 84) into
the ``cell_sites`` table; a row whose position is not a latitude in [-90, 90] and a
longitude in [-180, 180] goes to the quarantine with its line and column.

``position_steps`` joins the calls to the cell sites in SQL that runs alike on DuckDB
and Spark. A cell site is where the antenna is, not where the phone was: the phone
was within ``range_m`` of it, in the direction of ``azimuth``.
"""

from __future__ import annotations

import re
from typing import Any

from filet.engine import Engine, Step

# How an operator or a user writes a number: E.164, national, masked, a short code.
NUMBER_CHARS = "0-9A-Za-z+*#()./ -"
NUMBER_WRITTEN = re.compile(f"[{NUMBER_CHARS}]{{1,32}}")


def position_steps(number: str | None = None) -> list[Step]:
    """One row per call and cell site found: the caller (``number``), whom it called,
    when, ``moment`` (``start`` or ``end`` of the call) and the site, with the call's and
    the site's source lines, by number and time; only ``number``'s calls when given.

    The cells of the generic call-record layout are taken as the caller's. A cell
    listed twice (two lists, or an update) takes its first row by file and line, so
    each call end has one position and both engines choose the same.
    """
    only = "" if number is None else f"AND caller = {_text(number)}"
    sites = """
        SELECT cell_id, lat, lon, azimuth, range_m, operator, address,
            source_file AS site_file, source_line AS site_line,
            ROW_NUMBER() OVER (PARTITION BY cell_id ORDER BY source_file, source_line) AS n
        FROM cell_sites
    """
    ends = f"""
        SELECT caller AS number, callee AS contact, start_ts, 'start' AS moment, 0 AS end_order,
            cell_start AS cell_id, source_file, source_line
        FROM calls WHERE cell_start IS NOT NULL {only}
        UNION ALL
        SELECT caller, callee, start_ts, 'end', 1, cell_end, source_file, source_line
        FROM calls WHERE cell_end IS NOT NULL {only}
    """
    positions = """
        SELECT e.number, e.contact, e.start_ts, e.moment, e.cell_id, s.lat, s.lon, s.azimuth,
            s.range_m, s.operator, s.address, e.source_file, e.source_line,
            s.site_file, s.site_line
        FROM call_cell_ends AS e
        JOIN call_cell_sites AS s ON s.cell_id = e.cell_id AND s.n = 1
        ORDER BY e.number, e.start_ts, e.source_file, e.source_line, e.end_order
    """
    return [
        Step(sites, "call_cell_sites"),
        Step(ends, "call_cell_ends"),
        Step(positions, "call_positions"),
    ]


def call_positions(engine: Engine) -> list[dict[str, Any]]:
    """Where each number was when calling, on an engine with ``calls`` and
    ``cell_sites`` registered (``EventStore.register``)."""
    return engine.run(position_steps())


def _text(value: str) -> str:
    """A SQL string literal that means the same on DuckDB and Spark: only the characters
    a number is written with (digits, letters, ``+*#()./-`` and spaces) are accepted, so
    no quote or backslash needs escaping."""
    if not NUMBER_WRITTEN.fullmatch(value):
        raise ValueError(f"{value!r}: pas un numéro / not a phone number")
    return f"'{value}'"
