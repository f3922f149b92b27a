"""Tables of the application database (SQLite by default, PostgreSQL in production).

Entities are stored as FollowTheMoney statements, one row per value, so that every
value keeps its own provenance and grading. Migrations in ``migrations/`` create
these tables; a test checks that the two never drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("schema", sa.String(64), nullable=False, index=True),
    sa.Column("caption", sa.Unicode(512), nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

statements = sa.Table(
    "statements",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("entity_id", sa.String(128), nullable=False, index=True),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("prop", sa.String(64), nullable=False),
    sa.Column("prop_type", sa.String(32), nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.Column("original_value", sa.UnicodeText, nullable=True),
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("dataset", sa.String(128), nullable=False, index=True),
    sa.Column("source_record", sa.Unicode(512), nullable=False),
    sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("collecting_service", sa.Unicode(128), nullable=False),
    sa.Column("source_reliability", sa.String(1), nullable=False),
    sa.Column("information_assessment", sa.String(1), nullable=False),
    sa.Column("handling_code", sa.String(2), nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("detector_id", sa.String(128), nullable=False, index=True),
    sa.Column("detector_version", sa.String(32), nullable=False),
    sa.Column("score", sa.Float, nullable=False, index=True),
    sa.Column("start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("end", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Ingestion

ingest_files = sa.Table(
    "ingest_files",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("path", sa.Unicode(1024), nullable=False),
    sa.Column("format", sa.String(64), nullable=False),
    sa.Column("mapping", sa.UnicodeText, nullable=True),
    sa.Column("columns", sa.JSON, nullable=True),
    sa.Column("provenance", sa.JSON, nullable=False),
    sa.Column("batches_done", sa.Integer, nullable=False),
    sa.Column("records_done", sa.Integer, nullable=False),
    sa.Column("rows_stored", sa.Integer, nullable=False),
    sa.Column("rows_quarantined", sa.Integer, nullable=False),
    sa.Column("entities_stored", sa.Integer, nullable=False),
    sa.Column("event_rows", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("file_path", sa.Unicode(1024), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("field", sa.Unicode(256), nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("raw", sa.UnicodeText, nullable=False),
    sa.Column("record", sa.JSON, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("note", sa.UnicodeText, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Search index (filet.search): names folded to ASCII, the entities holding each token
# and each pair of adjacent tokens ("a|b"), lookup keys of each distinct token, and
# identifiers under their normalized form. Derived from the statements.

search_names = sa.Table(
    "search_names",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("entity_id", sa.String(128), nullable=False, index=True),
    sa.Column("prop", sa.String(64), nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.Column("folded", sa.UnicodeText, nullable=False),
    sa.Column("skeleton", sa.UnicodeText, nullable=False),
)

search_tokens = sa.Table(
    "search_tokens",
    metadata,
    sa.Column("token", sa.String(100), primary_key=True),
    sa.Column("entity_id", sa.String(128), primary_key=True),
    sqlite_with_rowid=False,
)

search_keys = sa.Table(
    "search_keys",
    metadata,
    sa.Column("key", sa.String(56), primary_key=True),
    sa.Column("token", sa.String(48), primary_key=True),
    sqlite_with_rowid=False,
)

search_identifiers = sa.Table(
    "search_identifiers",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("value", sa.String(128), primary_key=True),
    sa.Column("entity_id", sa.String(128), primary_key=True),
    sa.Column("prop", sa.String(64), primary_key=True),
    sa.Column("original", sa.UnicodeText, nullable=False),
    sqlite_with_rowid=False,
)
# The statement each indexed identifier was read from: joins the index to its provenance.
identifier_statement = sa.and_(
    statements.c.entity_id == search_identifiers.c.entity_id,
    statements.c.prop == search_identifiers.c.prop,
    statements.c.value == search_identifiers.c.original,
)

# Audit (filet.security.audit): one row per audit entry, in leaf order. ``entry`` holds the
# canonical JSON that was hashed into ``leaf_hash`` (RFC 9162 leaf); the other columns
# repeat some of its fields for queries and are checked against it.

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("category", sa.String(16), nullable=False, index=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor", sa.Unicode(256), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("entry", sa.UnicodeText, nullable=False),
    sa.Column("leaf_hash", sa.String(64), nullable=False),
)

# Accounts and compartments (filet.security): local and service accounts, their hashed
# API tokens, compartments (a case or an operation), who is a member of which (granted
# by someone entitled to, with a reason and an expiry) and which datasets each holds.

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("name", sa.Unicode(128), primary_key=True),
    sa.Column("display_name", sa.Unicode(256), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("clearance", sa.Integer, nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=True),
    sa.Column("totp_secret", sa.String(64), nullable=True),
    sa.Column("totp_last_step", sa.BigInteger, nullable=True),
    sa.Column("failed_logins", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.Unicode(128), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("account", sa.Unicode(128), nullable=False, index=True),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

compartments = sa.Table(
    "compartments",
    metadata,
    sa.Column("name", sa.Unicode(128), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.Unicode(512), nullable=False),
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("clearance", sa.Integer, nullable=False),
    sa.Column("created_by", sa.Unicode(128), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

compartment_members = sa.Table(
    "compartment_members",
    metadata,
    sa.Column("compartment", sa.Unicode(128), primary_key=True),
    sa.Column("account", sa.Unicode(128), primary_key=True, index=True),
    sa.Column("granted_by", sa.Unicode(128), nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_by", sa.Unicode(128), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

compartment_datasets = sa.Table(
    "compartment_datasets",
    metadata,
    sa.Column("dataset", sa.String(128), primary_key=True),
    sa.Column("compartment", sa.Unicode(128), nullable=False, index=True),
    sa.Column("assigned_by", sa.Unicode(128), nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
)

# Where each alert's findings come from (filet.alerts.store): the dataset of every file its
# evidence rows were read from, and every subject entity it names; the access policy shows
# an alert only to an account that may read all of them (visible_alerts_clause).

alert_sources = sa.Table(
    "alert_sources",
    metadata,
    sa.Column("alert_id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("ref", sa.Unicode(256), primary_key=True),
    sqlite_with_rowid=False,
)

# The workbench's server-side sessions (filet.web.sessions): only the SHA-256 of the id the
# browser holds is stored, so a copy of the database opens no session; and the login
# attempts per client address, for the throttle that comes on top of the account lockout.

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_sha256", sa.String(64), primary_key=True),
    sa.Column("account", sa.Unicode(128), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

web_login_attempts = sa.Table(
    "web_login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# The dossier coffre (filet.cases): items sealed in a case, kept out of the procedure file
# and of every export. ``sealed`` is AES-GCM ciphertext (nonce first) of the item's
# technique, title and content under the workspace's coffre key; only the case and who
# sealed it when stay in clear. Named holders read an item besides the case's magistrates.

coffre_items = sa.Table(
    "coffre_items",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("compartment", sa.Unicode(128), nullable=False, index=True),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
    sa.Column("sealed_by", sa.Unicode(128), nullable=False),
    sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
)

# Authorizations of special investigative techniques and custody, and their deadlines
# (filet.cases.deadlines): the period is computed from the technique's article.
case_deadlines = sa.Table(
    "case_deadlines",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("compartment", sa.Unicode(128), nullable=False, index=True),
    sa.Column("technique", sa.String(64), nullable=False),
    sa.Column("target", sa.Unicode(256), nullable=False),
    sa.Column("authorized_by", sa.Unicode(256), nullable=False),
    sa.Column("authorized_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("renewals", sa.Integer, nullable=False),
    sa.Column("recorded_by", sa.Unicode(128), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

coffre_holders = sa.Table(
    "coffre_holders",
    metadata,
    sa.Column("item_id", sa.String(32), primary_key=True),
    sa.Column("account", sa.Unicode(128), primary_key=True, index=True),
    sa.Column("granted_by", sa.Unicode(128), nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_by", sa.Unicode(128), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

# Entity resolution (filet.network.resolution): one row per scored pair of entities, lower
# id first, with its match probability and where the run put it (accepted, review, or
# cross-compartment: never merged); and every analyst decision on a link, kept for undo.

resolution_links = sa.Table(
    "resolution_links",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("family", sa.String(32), nullable=False),
    sa.Column("entity_a", sa.String(128), nullable=False, index=True),
    sa.Column("entity_b", sa.String(128), nullable=False, index=True),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("decision", sa.String(16), nullable=True),
    sa.Column("compartments_a", sa.UnicodeText, nullable=False),
    sa.Column("compartments_b", sa.UnicodeText, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

resolution_decisions = sa.Table(
    "resolution_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("link_id", sa.String(40), nullable=False, index=True),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("previous", sa.String(16), nullable=True),
    sa.Column("actor", sa.Unicode(256), nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
)

# Deconfliction (filet.security.deconfliction): a notice tells a compartment's members that
# one of their entities matches something another service holds, and who to call; the
# other compartment is kept for idempotency, never shown. The hit/no-hit index holds keyed
# hashes of normalized identifiers (never the identifiers), and the request budget of each
# account that asks.

deconfliction_notices = sa.Table(
    "deconfliction_notices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("compartment", sa.Unicode(128), nullable=False, index=True),
    sa.Column("own_entity", sa.String(128), nullable=False),
    sa.Column("other_compartment", sa.Unicode(128), nullable=False),
    sa.Column("match_kind", sa.String(32), nullable=False),
    sa.Column("other_service", sa.String(32), nullable=False),
    sa.Column("other_contact", sa.Unicode(256), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

hit_index = sa.Table(
    "hit_index",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("compartment", sa.Unicode(128), primary_key=True),
    sa.Column("service", sa.String(32), nullable=False),
    sa.Column("contact", sa.Unicode(256), nullable=False),
    sqlite_with_rowid=False,
)

hit_buckets = sa.Table(
    "hit_buckets",
    metadata,
    sa.Column("account", sa.Unicode(128), primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
