"""Entity resolution: which records of different datasets are one person, company, phone
or vehicle, with Splink (Fellegi-Sunter model, EM-trained) on DuckDB, or Spark at scale.

People and organizations are scored by Splink on features drawn from their
FollowTheMoney properties: the name folded to ASCII (``filet.search.names``) with its
tokens sorted (so "BENALI Karim" meets "Karim Benali") and their consonant skeletons
(so "Mohamed" meets "Muhammad" and Cyrillic meets Latin), birth or incorporation date,
nationality or jurisdiction, identifiers, phone numbers and addresses. A phone or a
vehicle is its number or its plate: Splink's deterministic link on the normalized
identifier, probability 1.

Each scored pair becomes a "same as" link. At or above ``accept_probability`` it is
accepted; between ``review_probability`` and that, it waits for an analyst, who decides
same, not same or undecided, each decision audited and undoable. A pair whose records
sit in two different compartments is never merged, whatever its probability: it is
kept as a cross-compartment match for deconfliction (``cross_compartment_pairs``).

The package is split along those steps: ``records`` (what is compared, the thresholds,
where a pair goes), ``rows`` (Splink's input table), ``model`` (Splink's settings,
training and scoring) and ``links`` (the store: runs, decisions, undo).
"""

from filet.network.resolution.links import (
    cross_compartment_pairs,
    decide,
    get_link,
    link_id_of,
    list_links,
    records_from_store,
    review_queue,
    store_links,
    undo,
)
from filet.network.resolution.model import duckdb_api, exact, resolve, score, splink_api
from filet.network.resolution.records import (
    EXACT_FAMILIES,
    SCORED_FAMILIES,
    Candidate,
    Decision,
    Link,
    LinkStatus,
    Progress,
    ResolutionError,
    ResolutionRecord,
    ResolutionThresholds,
    family_of,
    record_of,
    status_of,
)
from filet.network.resolution.rows import COMMON_NAME_RECORDS, feature_table, features

__all__ = [
    "COMMON_NAME_RECORDS",
    "EXACT_FAMILIES",
    "SCORED_FAMILIES",
    "Candidate",
    "Decision",
    "Link",
    "LinkStatus",
    "Progress",
    "ResolutionError",
    "ResolutionRecord",
    "ResolutionThresholds",
    "cross_compartment_pairs",
    "decide",
    "duckdb_api",
    "exact",
    "family_of",
    "feature_table",
    "features",
    "get_link",
    "link_id_of",
    "list_links",
    "record_of",
    "records_from_store",
    "resolve",
    "review_queue",
    "score",
    "splink_api",
    "status_of",
    "store_links",
    "undo",
]
