"""goAML reports (UNODC, format 5.0.2) as the ``goaml`` format reads them.

Financial intelligence units receive suspicious transaction reports (STR, SAR) and
other reports (CTR…) as goAML XML: one ``<report>`` per file, its ``<transaction>``s,
its indicators. The file is parsed safely (no DTD, hence no entity of any kind: an
XXE or "billion laughs" file is refused whole), every element keeping the line where it
starts, then validated against the XSD named by the ``goaml_xsd`` setting (each FIU
has its own lookups; by default the subset schema shipped in ``ingest/schemas``).

Each schema error is tied to the transaction it lies in: that transaction and its
parties go to the quarantine with every error's line and XPath in the reason, and the
other transactions are stored. An error outside any transaction (the report's code,
its date…) quarantines the whole report, each record with the reason. A file that is
not well-formed XML, or not a goAML report, is refused with its line.

The records are those of ``filet.ingest.goaml_fields``; ``goaml.yaml`` maps them.
Multi-party transactions (``involved_parties``) are not read: they are quarantined,
saying so.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import xmlschema
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from filet import settings
from filet.ingest.goaml_fields import (
    SIDES,
    Fields,
    party_records,
    report_fields,
    text,
    transaction_fields,
)
from filet.ingest.records import IngestError, RecordError, SourceRecord

XSD_SETTING = "goaml_xsd"
SHIPPED_XSD = "goaml-5.0.2-subset.xsd"
# A quarantined record is corrected field by field: its report is not in its text.
FIX_BY_FIELDS = (
    "un enregistrement goAML se corrige champ par champ (champ=valeur), pas par raw= / "
    "a goAML record is corrected field by field (field=value), not with raw="
)


class _Lined(ET.Element):
    """An element that knows the line where its start tag is (``sourceline``, the
    attribute xmlschema reads to say where an error is)."""

    sourceline: int


class _LineBuilder(ET.TreeBuilder):
    """Builds ``_Lined`` elements, reading the line from the parser as each tag starts
    (ElementTree keeps no line numbers, and the quarantine needs them)."""

    def __init__(self) -> None:
        super().__init__(element_factory=_Lined)
        self.line = lambda: 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        element.sourceline = self.line()  # type: ignore[attr-defined]
        return element


def parse_report(data: bytes, path: Path) -> ET.Element:
    """The ``<report>`` element; IngestError naming the line when the file is not
    well-formed, holds a DTD (refused: entities, external or not), or is not a report."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.line = lambda: int(parser.parser.CurrentLineNumber)
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException as error:
        raise IngestError(
            f"{path}:{builder.line()}: DTD ou entité refusée (XXE) / DTD or entity refused "
            f"(XXE): {error}"
        ) from error
    except ET.ParseError as error:
        line, column = error.position
        raise IngestError(
            f"{path}:{line}: XML mal formé / malformed XML (colonne / column {column}): {error}"
        ) from error
    if root.tag != "report":
        raise IngestError(
            f"{path}:{_line(root)}: pas un rapport goAML / not a goAML report "
            f"(racine / root <{root.tag}>, <report> attendu / expected)"
        )
    return root


def schema_path() -> Path:
    """The XSD of the ``goaml_xsd`` setting, or the subset shipped with Filet."""
    configured = settings.get(XSD_SETTING)
    if configured:
        return Path(configured)
    return Path(str(resources.files("filet.ingest") / "schemas" / SHIPPED_XSD))


def load_schema(path: Path) -> xmlschema.XMLSchema11:
    """The schema at ``path``, compiled once per version of the file."""
    try:
        return _compiled(str(path), os.stat(path).st_mtime_ns)
    except (OSError, xmlschema.XMLSchemaException, ET.ParseError) as error:
        raise IngestError(
            f"{XSD_SETTING}: {path}: schéma XSD illisible / unreadable XSD schema: {error}"
        ) from error


@lru_cache(maxsize=4)
def _compiled(path: str, mtime_ns: int) -> xmlschema.XMLSchema11:
    """XSD 1.1, which also reads 1.0 schemas; only local files may be included, and
    each is parsed defused."""
    return xmlschema.XMLSchema11(path, allow="local", defuse="always")


@dataclass(frozen=True)
class Problem:
    """One error in a report (from the schema or goAML's choices): where and why."""

    line: int
    path: str
    reason: str

    def text(self) -> str:
        return f"ligne / line {self.line}, {self.path}: {self.reason}"


def goaml_records(data: bytes, path: Path) -> Iterator[SourceRecord]:
    """The report's record, then each transaction's record followed by its parties'."""
    root = parse_report(data, path)
    by_transaction, outside = _problems(root, load_schema(schema_path()), path)
    whole = _whole_report_error(outside, _line(root))
    yield _record(_header(root), report_fields(root), _report_error(outside))
    for number, transaction in enumerate(root.findall("transaction"), start=1):
        error = whole or _transaction_error(transaction, number, by_transaction.get(number, []))
        yield _record(transaction, transaction_fields(transaction, root), error)
        inherited = _inherited(error, _line(transaction)) if error else None
        for element, fields in party_records(transaction):
            yield _record(element, fields, inherited)


def _problems(
    root: ET.Element, schema: xmlschema.XMLSchema11, path: Path
) -> tuple[dict[int, list[Problem]], list[Problem]]:
    """Errors by transaction number (1, 2…), and those outside any transaction."""
    owner = {
        id(element): number
        for number, transaction in enumerate(root.iterfind("transaction"), start=1)
        for element in transaction.iter()
    }
    by_transaction: dict[int, list[Problem]] = {}
    outside: list[Problem] = []
    for element, problem in [*_schema_problems(root, schema, path), *_rule_problems(root)]:
        number = owner.get(id(element))
        if number is None:
            outside.append(problem)
        else:
            by_transaction.setdefault(number, []).append(problem)
    for problems in [*by_transaction.values(), outside]:
        problems.sort(key=lambda problem: problem.line)
    return by_transaction, outside


def _schema_problems(
    root: ET.Element, schema: xmlschema.XMLSchema11, path: Path
) -> list[tuple[ET.Element | None, Problem]]:
    try:
        return [
            (error.elem, _problem(error, root))
            for error in schema.iter_errors(root, use_location_hints=False)
        ]
    except (xmlschema.XMLSchemaException, RecursionError) as error:
        raise IngestError(
            f"{path}: validation XSD impossible / XSD validation failed: {error}"
        ) from error


def _rule_problems(root: ET.Element) -> Iterator[tuple[ET.Element, Problem]]:
    """goAML's choices, checked here rather than by XSD assertions (half the time of
    validation): one date; one sender and one receiver, each an account, a person or
    an entity; an account known by its number or its IBAN."""
    if len([d for d in ("submission_date", "report_date") if text(root, d)]) != 1:
        reason = "une seule date / exactly one date: submission_date ou / or report_date"
        yield root, Problem(_line(root), "/report/submission_date", reason)
    for number, transaction in enumerate(root.iterfind("transaction"), start=1):
        if transaction.find("involved_parties") is None:
            yield from _party_problems(transaction, f"/report/transaction[{number}]")


def _party_problems(transaction: ET.Element, path: str) -> Iterator[tuple[ET.Element, Problem]]:
    for side in SIDES:
        parties = [transaction.find(f"t_{side}"), transaction.find(f"t_{side}_my_client")]
        found = [party for party in parties if party is not None]
        if len(found) != 1:
            reason = f"une partie / one party: t_{side} ou / or t_{side}_my_client"
            yield transaction, Problem(_line(transaction), f"{path}/t_{side}", reason)
        for party in found:
            kinds = [party.find(f"{side}_{kind}") for kind in ("account", "person", "entity")]
            present = [kind for kind in kinds if kind is not None]
            if len(present) != 1:
                reason = f"un / one of {side}_account, {side}_person, {side}_entity"
                yield party, Problem(_line(party), f"{path}/{party.tag}", reason)
            account = kinds[0]
            if account is not None and not (text(account, "account") or text(account, "iban")):
                where = f"{path}/{party.tag}/{side}_account/account"
                reason = "numéro ou IBAN manquant / no account number or IBAN"
                yield account, Problem(_line(account), where, reason)


def _problem(error: xmlschema.XMLSchemaValidationError, root: ET.Element) -> Problem:
    """The error's line and XPath, and its reason: a missing element is named in the path
    (``…/transaction[2]/amount_local``), a failed XSD assertion (in an FIU's schema)
    gives its rule."""
    path = error.path or f"/{root.tag}"
    reason = error.reason or error.message
    if isinstance(error, xmlschema.XMLSchemaChildrenValidationError):
        name = getattr(error.particle, "local_name", None)
        if error.invalid_tag is None and name:
            path, reason = f"{path}/{name}", f"élément manquant / missing element: {reason}"
    elif isinstance(error.validator, xmlschema.validators.XsdAssert):
        reason = f"règle non respectée / rule not met: {error.validator.path}"
    elif error.obj is not None and not ET.iselement(error.obj):
        reason = f"{str(error.obj)[:80]!r} refusé / rejected: {reason}"
    return Problem(error.sourceline or _line(root), path, reason)


def _report_error(outside: list[Problem]) -> RecordError | None:
    """The error of a report with errors of its own (outside its transactions)."""
    if not outside:
        return None
    listed = _listed(outside)
    return RecordError(outside[0].path, f"rapport non conforme / invalid report: {listed}")


def _whole_report_error(outside: list[Problem], line: int) -> RecordError | None:
    """The error of every other record of such a report: none of it is stored."""
    if not outside:
        return None
    return RecordError(
        outside[0].path,
        f"rapport non conforme (ligne {line}), rien n'en est stocké / invalid report (line "
        f"{line}), none of it is stored: {_listed(outside)}",
    )


def _transaction_error(
    transaction: ET.Element, number: int, problems: list[Problem]
) -> RecordError | None:
    if transaction.find("involved_parties") is not None:
        return RecordError(
            f"/report/transaction[{number}]/involved_parties",
            "transaction multipartite non lue / multi-party transaction not read",
        )
    if not problems:
        return None
    return RecordError(
        problems[0].path, f"transaction non conforme / invalid transaction: {_listed(problems)}"
    )


def _listed(problems: list[Problem]) -> str:
    return "; ".join(problem.text() for problem in problems)


def _inherited(error: RecordError, line: int) -> RecordError:
    return RecordError(
        error.field, f"transaction de la ligne {line} / transaction at line {line}: {error.reason}"
    )


def _record(element: ET.Element, fields: Fields, problem: RecordError | None) -> SourceRecord:
    """A record at the element's line; its raw text is the element as XML."""
    raw = ET.tostring(element, encoding="unicode").strip()
    return SourceRecord(_line(element), raw, dict(fields), problem)


def _header(report: ET.Element) -> ET.Element:
    """The report without its transactions: the raw text of the report's own record."""
    header = _Lined(report.tag, report.attrib)
    header.text = report.text
    header.extend(child for child in report if child.tag != "transaction")
    header.sourceline = _line(report)
    return header


def _line(element: ET.Element) -> int:
    return int(getattr(element, "sourceline", 1))
