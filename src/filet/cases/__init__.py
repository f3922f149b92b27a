"""Cases (judicial cases, the compartments of kind ``case``) and what belongs to them
alone: the dossier coffre of sealed items (``filet.cases.coffre``).

The service functions here are what an interface calls on behalf of an account: each
asks the policy, records its decision and what was read or changed in the audit log.
"""

from filet.cases.coffre import (
    NOTICE,
    CoffreError,
    CoffreKey,
    Holder,
    SealedItem,
    Technique,
    grant_holder,
    holders,
    list_visible,
    not_found,
    read_item,
    revoke_holder,
    seal,
    workspace_key,
)

__all__ = [
    "NOTICE",
    "CoffreError",
    "CoffreKey",
    "Holder",
    "SealedItem",
    "Technique",
    "grant_holder",
    "holders",
    "list_visible",
    "not_found",
    "read_item",
    "revoke_holder",
    "seal",
    "workspace_key",
]
