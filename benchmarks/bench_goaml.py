"""goAML reports: Filet's reader against xmlschema validating the same file alone.

One generated report (seeded) of ``size`` transactions, alternately a cash deposit from
a person's account (IBAN, one signatory) to a company's account, and a transfer from a
company to a person; amounts and transaction numbers drawn at random. Filet reads it as
``filet ingest --format goaml`` does (``goaml_records``: parsed without DTD, every
element with its line, validated against the shipped subset XSD, goAML's choices
checked, records built for the mapping); the baseline is what validation alone costs:
``XMLSchema11.iter_errors`` on the same bytes with xmlschema's own parser, the same
schema, no records. Transactions per second; two runs each.
"""

from __future__ import annotations

import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Comparison

from filet.ingest.goaml import goaml_records, load_schema, schema_path

DEFAULT_SIZE = 10_000
RUNS = 2
SEED = 20261207
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<report>
  <rentity_id>1042</rentity_id>
  <submission_code>E</submission_code>
  <report_code>STR</report_code>
  <entity_reference>BENCH-1</entity_reference>
  <submission_date>2024-03-04T09:30:00</submission_date>
  <currency_code_local>EUR</currency_code_local>
  <reason>Dépôts d'espèces fractionnés</reason>
"""
PERSON = """<first_name>Jean</first_name><last_name>Dupont{n}</last_name>
        <birthdate>1980-05-02T00:00:00</birthdate><nationality1>FR</nationality1>"""
COMPANY = """<name>Sud Import {n}</name><incorporation_number>81234{n}</incorporation_number>
        <incorporation_country_code>FR</incorporation_country_code>"""


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    data = generate(size)
    schema = load_schema(schema_path())
    comparisons = []
    for attempt in range(1, RUNS + 1):
        filet = size / _seconds(lambda: sum(1 for _ in goaml_records(data, Path("b.xml"))))
        alone = size / _seconds(lambda: sum(1 for _ in schema.iter_errors(io.BytesIO(data))))
        print(
            f"goaml run {attempt} ({size:,} transactions, {len(data):,} bytes): "
            f"Filet {filet:,.0f} tx/s, xmlschema alone {alone:,.0f} tx/s",
            file=sys.stderr,
        )
        comparisons.append(
            Comparison(
                f"run {attempt}: transactions read/s (parse, validate, records)",
                "tx/s",
                filet,
                "xmlschema iter_errors alone (its parser, same XSD, no records)",
                alone,
                higher_is_better=True,
            )
        )
    return comparisons


def generate(size: int) -> bytes:
    """A valid report of ``size`` transactions between 50 persons and 20 companies."""
    rng = random.Random(SEED)
    parts = [HEADER]
    for number in range(size):
        person = PERSON.format(n=rng.randrange(50))
        company = COMPANY.format(n=rng.randrange(20))
        amount = f"{rng.uniform(10, 20_000):.2f}"
        day = f"2024-02-{number % 28 + 1:02d}T{number % 24:02d}:00:00"
        if number % 2 == 0:
            sides = f"""<t_from_my_client><from_funds_code>CASH</from_funds_code><from_account>
      <swift>BVPOFRPP</swift><account>{rng.randrange(10**10)}</account>
      <signatory><t_person>{person}</t_person><role>A</role></signatory></from_account>
    </t_from_my_client>
    <t_to><to_funds_code>ELCFT</to_funds_code><to_entity>{company}</to_entity></t_to>"""
        else:
            sides = f"""<t_from><from_funds_code>ELCFT</from_funds_code><from_entity>{company}
    </from_entity></t_from>
    <t_to_my_client><to_funds_code>CASH</to_funds_code><to_person>{person}</to_person>
    </t_to_my_client>"""
        parts.append(
            f"""  <transaction>
    <transactionnumber>TX-{number}</transactionnumber>
    <date_transaction>{day}</date_transaction>
    <transmode_code>BO</transmode_code>
    <amount_local>{amount}</amount_local>
    {sides}
  </transaction>
"""
        )
    parts.append("</report>\n")
    return "".join(parts).encode("utf-8")


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start
