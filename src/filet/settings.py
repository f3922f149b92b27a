"""Every run-time setting of Filet, in one table.

Each setting is read from an environment variable (``FILET_`` + upper-cased name)
so that a deployment is configured without editing files; the table doubles as the
reference documentation (``docs/settings.md`` is checked against it by the tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env_var(self) -> str:
        return "FILET_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "home",
        "filet-workspace",
        "Workspace folder: the SQLite application database, the Parquet event tables and "
        "the ingest checkpoints live here.",
    ),
    Setting(
        "database_url",
        "",
        "SQLAlchemy URL of the application database. Empty means SQLite in the workspace "
        "(sqlite:///HOME/filet.db); use postgresql+psycopg://user@host/db in production.",
    ),
    Setting(
        "engine",
        "duckdb",
        "Analytics engine that runs the detectors: duckdb (embedded) or spark.",
    ),
    Setting(
        "spark_master",
        "local[2]",
        "Spark master URL when the engine is spark, e.g. spark://host:7077 for a cluster.",
    ),
    Setting(
        "shared_data",
        "../shared/data",
        "Folder of the public samples used by tests and benchmarks; tests that need it "
        "are skipped with a reason when it is absent.",
    ),
    Setting(
        "ingest_batch_rows",
        "2000",
        "Rows committed per ingest batch. A killed ingest resumes from the last "
        "committed batch, so smaller batches lose less work and cost more commits.",
    ),
    Setting(
        "nmea_fast",
        "true",
        "Decode the bulk NMEA AIS messages (types 1, 2, 3, 5, 18, 19, 24) with the vectorized "
        "fast path and map them column by column (format nmea): the same rows, entities and "
        "quarantine as pyais record by record, several times faster. false sends every "
        "sentence through pyais.",
    ),
    Setting(
        "goaml_xsd",
        "",
        "XSD that goAML reports are validated against (format goaml), e.g. the FIU's own "
        "goAMLSchema.xsd with its lookups. Empty means the subset schema shipped with Filet "
        "(filet/ingest/schemas/goaml-5.0.2-subset.xsd).",
    ),
    Setting(
        "lexicon",
        "",
        "YAML slang lexicon that flags seized messages and procès-verbaux (formats telegram, "
        "whatsapp, extraction, pv): a version and terms, each with term, lang and category. "
        "Empty means the lexicon shipped with Filet (filet/network/slang.yaml).",
    ),
    Setting(
        "pin_key_file",
        "",
        "File holding the service's secret key (at least 16 bytes) for the keyed digests of "
        "container release PINs (format terminal); share it between workspaces that must "
        "compare PINs. Empty means each workspace's own key, HOME/secrets/pin.key.",
    ),
    Setting(
        "audit_actor",
        "",
        "Name recorded as the actor of audited actions when a command gets no --actor. "
        "Empty means the operating-system user.",
    ),
    Setting(
        "audit_purpose",
        "",
        "Case or purpose recorded as the justification of audited actions when a command "
        "gets no --purpose (Directive 2016/680 art. 25).",
    ),
    Setting(
        "audit_checkpoint_dir",
        "",
        "Folder where signed audit checkpoints and their leaf hashes are written, each file "
        "once and read-only. Empty means HOME/audit/checkpoints; use a write-once mount or "
        "a folder synced off the machine.",
    ),
    Setting(
        "retention_policy",
        "",
        "YAML retention table: each data category's datasets, purpose, retention period in "
        "days and legal basis. Empty means the built-in table (filet/security/retention.yaml).",
    ),
    Setting(
        "oidc_issuer",
        "",
        "Issuer URL of the service's OpenID Connect provider (https). Empty means no "
        "login through a provider: /login/oidc does not exist.",
    ),
    Setting("oidc_client_id", "", "Client id Filet is registered under at the provider."),
    Setting(
        "oidc_client_secret_file",
        "",
        "File holding the client secret (e.g. a mounted secret); it wins over oidc_client_secret.",
    ),
    Setting(
        "oidc_client_secret",
        "",
        "Client secret, when it is not in a file (oidc_client_secret_file).",
    ),
    Setting(
        "oidc_redirect_uri",
        "",
        "Callback URL registered at the provider: https://HOST/login/oidc/callback.",
    ),
    Setting(
        "oidc_scopes",
        "openid profile email",
        "Scopes asked of the provider, space-separated; must include openid.",
    ),
    Setting(
        "oidc_account_claim",
        "preferred_username",
        "ID-token claim matched against account names (e.g. preferred_username, email). "
        "An email counts only when email_verified is true; accounts are never created.",
    ),
)


def get(name: str) -> str:
    """Current value of a setting: its environment variable, else its default."""
    for setting in SETTINGS:
        if setting.name == name:
            return os.environ.get(setting.env_var, setting.default)
    raise KeyError(f"unknown setting {name!r}")


def home() -> Path:
    return Path(get("home"))


def database_url(home_dir: Path | None = None) -> str:
    url = get("database_url")
    if url:
        return url
    folder = home_dir if home_dir is not None else home()
    return f"sqlite:///{folder / 'filet.db'}"


def shared_data() -> Path:
    return Path(get("shared_data"))


def ingest_batch_rows() -> int:
    return int(get("ingest_batch_rows"))


def nmea_fast() -> bool:
    return get("nmea_fast").strip().lower() not in ("false", "0", "no", "off")
