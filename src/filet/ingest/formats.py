"""The formats ``filet ingest --format`` knows: a reader, and a mapping where it needs one.

``ftm`` entities validate against the model itself; tabular readers (``csv``,
``jsonl``, ``parquet``) take a YAML mapping; a named source such as
``marinecadastre`` is a tabular reader plus a mapping that ships with Filet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from filet.ingest.convert import checked_name
from filet.ingest.mapping import Mapping, parse_mapping, read_mapping
from filet.ingest.records import IngestError
from filet.ingest.validate import FtmValidator, MappingValidator, Validator
from filet.model.provenance import HandlingCode, Provenance, parse_grading

# Formats whose records are FollowTheMoney entities already: no mapping.
ENTITY_FORMATS = ("ftm", "bods")


@dataclass(frozen=True)
class Format:
    name: str
    reader: str
    help: str
    builtin_mapping: str | None = None

    @property
    def tabular(self) -> bool:
        return self.name not in ENTITY_FORMATS


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("ftm", "jsonl", "entités FollowTheMoney en JSON Lines (Aleph, OpenSanctions)"),
        Format("bods", "bods", "Bénéficiaires effectifs BODS v0.4 / ownership statements"),
        Format("csv", "csv", "CSV avec / with --mapping"),
        Format("jsonl", "jsonl", "JSON Lines d'enregistrements plats / flat records, --mapping"),
        Format("parquet", "parquet", "Parquet avec / with --mapping"),
        Format("marinecadastre", "csv", "AIS NOAA MarineCadastre (CSV)", "marinecadastre"),
        Format("gfw", "jsonl", "AIS Global Fishing Watch (gpsdio JSON Lines)", "gfw"),
        Format("amlworld", "csv", "Virements IBM AMLworld / transfers (*_Trans.csv)", "amlworld"),
        Format(
            "amlworld-accounts",
            "csv",
            "Comptes IBM AMLworld / accounts (*_accounts.csv)",
            "amlworld_accounts",
        ),
        Format("amlsim", "csv", "Virements AMLSim / transfers (transactions.csv)", "amlsim"),
        Format("goaml", "goaml", "Déclarations goAML / goAML FIU reports (STR, XML)", "goaml"),
        Format("businesses", "businesses", "Registre SIRENE / business register", "businesses"),
        Format("wallets", "wallets", "Portefeuilles crypto attribués / crypto wallets", "wallets"),
        Format("chain", "chain", "Transferts sur chaîne / on-chain transfers (CSV)", "chain"),
        Format("nmea", "nmea", "AIS NMEA 0183 brut / raw (!AIVDM, tag blocks)", "nmea"),
        Format("dma", "csv", "AIS Danish Maritime Authority (CSV)", "dma"),
        Format("sensor", "csv", "Pistes radar, avion, drone / sensor tracks (CSV)", "sensor"),
        Format("cdr", "cdr", "Fadettes / call detail records (CSV générique / generic)", "cdr"),
        Format("cells", "csv", "Listes de relais / cell-site lists (CSV)", "cells"),
        Format("contacts", "contacts", "Répertoires saisis / seized contact lists", "contacts"),
        Format("meetings", "meetings", "Rencontres (surveillance, PV) / meetings", "meetings"),
        Format(
            "meetings-edgelist",
            "edgelist",
            "Rencontres en liste d'arêtes / meetings as an edge list (a b n, Montagna)",
            "meetings",
        ),
        Format("telegram", "telegram", "Export Telegram Desktop (result.json)", "seized"),
        Format("whatsapp", "whatsapp", "Export de discussion WhatsApp / chat export", "seized"),
        Format("extraction", "extraction", "Rapports d'extraction / extraction reports", "seized"),
        Format("pv", "pv", "Procès-verbaux en texte / reports as text (.txt)", "seized"),
        Format("lookups", "csv", "Journaux de consultation / file lookup logs", "lookups"),
        Format("assignments", "csv", "Affectations aux affaires / case assignments", "assignments"),
        Format(
            "assets", "assets", "Patrimoine / asset records (immobilier, véhicules...)", "assets"
        ),
        Format("seizures", "assets", "Avoirs saisis, AGRASC / seizure registry", "seizures"),
        Format("income", "csv", "Revenus déclarés / declared income", "income"),
        Format("kcs", "csv", "Déclarations d'import KCS / KCS import declarations", "kcs"),
        Format("terminal", "terminal", "Événements de terminal / terminal events", "terminal"),
        Format("ens", "csv", "Déclarations sommaires ICS2, connaissements / ENS, B/L", "ens"),
        Format("pnr", "screening", "Dossiers passagers PNR/API / passenger records", "pnr"),
        Format("fal", "screening", "Listes FAL 5 et 6 / ship crew and passenger lists", "fal"),
        Format("watchlist", "screening", "Listes de surveillance / watchlists", "watchlist"),
        Format(
            "parcels", "parcels", "Colis postaux et express / postal and express parcels", "parcels"
        ),
    )
}


def builtin_mappings() -> list[str]:
    folder = resources.files("filet.ingest") / "mappings"
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def builtin_mapping(name: str) -> Mapping:
    entry = resources.files("filet.ingest") / "mappings" / f"{name}.yaml"
    return parse_mapping(entry.read_text(encoding="utf-8"), f"mapping intégré / built-in {name}")


@dataclass(frozen=True)
class Setup:
    """A format with its mapping, checked: everything needed to validate a record."""

    format: Format
    mapping: Mapping | None

    @property
    def delimiter(self) -> str:
        return self.mapping.delimiter if self.mapping else ","

    def validator(self, source_file: str) -> Validator:
        if self.mapping is None:
            return FtmValidator()
        return MappingValidator(self.mapping, source_file)

    def provenance(
        self,
        dataset: str | None = None,
        service: str | None = None,
        grading: str | None = None,
        handling: str | None = None,
        collected_at: datetime | None = None,
    ) -> Provenance:
        """Provenance from command-line options, falling back on the mapping's defaults."""
        defaults = self.mapping.defaults if self.mapping else {}
        try:
            base = Provenance(
                dataset=checked_name(
                    dataset or defaults.get("dataset") or self.format.name, "--dataset"
                ),
                collecting_service=checked_name(
                    service or defaults.get("collecting_service", ""), "--service"
                ),
                collected_at=_utc(collected_at or defaults.get("collected_at")),
            )
        except ValueError as error:
            raise IngestError(str(error)) from error
        try:
            grade = grading or defaults.get("grading")
            if grade:
                reliability, assessment = parse_grading(grade)
                base = replace(
                    base, source_reliability=reliability, information_assessment=assessment
                )
        except ValueError as error:
            raise IngestError(f"--grading: {error}") from error
        code = (handling or defaults.get("handling") or "H0").strip().upper()
        if code not in HandlingCode.__members__:
            raise IngestError(
                f"--handling: code inconnu / unknown handling code {handling!r} "
                f"({', '.join(HandlingCode.__members__)})"
            )
        return replace(base, handling_code=HandlingCode(code))


def _utc(value: datetime | str | None) -> datetime | None:
    """A collection date as UTC; one written without a zone is taken as UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def resolve(format: str, mapping: Path | str | None = None) -> Setup:
    """The setup for ``format``; ``mapping`` is a YAML file or a built-in mapping's name."""
    fmt = FORMATS.get(format)
    if fmt is None:
        raise IngestError(
            f"format inconnu / unknown format {format!r} (connus / known: {', '.join(FORMATS)})"
        )
    if not fmt.tabular:
        if mapping is not None:
            raise IngestError(f"le format {fmt.name} ne prend pas de mapping / takes no --mapping")
        return Setup(fmt, None)
    if mapping is None:
        if fmt.builtin_mapping is None:
            raise IngestError(f"le format {fmt.name} demande / needs --mapping FILE.yaml")
        return Setup(fmt, builtin_mapping(fmt.builtin_mapping))
    path = Path(mapping)
    if path.is_file():
        return Setup(fmt, read_mapping(path))
    if str(mapping) in builtin_mappings():
        return Setup(fmt, builtin_mapping(str(mapping)))
    raise IngestError(f"{mapping}: mapping introuvable / mapping not found")


def restore(format: str, mapping_text: str | None, mapping_name: str) -> Setup:
    """The setup a file was ingested with, from what its checkpoint kept."""
    fmt = FORMATS[format]
    if mapping_text is None:
        return Setup(fmt, None)
    return Setup(fmt, parse_mapping(mapping_text, mapping_name))
