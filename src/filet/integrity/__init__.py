"""Integrity: officers and port workers who sell lookups or access, found in the access
logs of the files they consult (``lookups``) against their case assignments. Alerts of
this domain show to inspectors only (``filet.security.policy``)."""
