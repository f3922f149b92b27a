"""Identifier value types: one module per kind, each with ``normalize`` and ``looks_like``.

``normalize`` gives the one canonical spelling under which a value is stored and looked
up, so that ``FR76 3000 6000 0112 3456 7890 189`` and ``fr7630006000011234567890189``
are the same account; it raises ``ValueError`` with the reason when the value is not
valid. ``compact`` drops separators and prefixes without checking anything: the key
under which an invalid value is still kept. ``looks_like`` guesses the kind of a
free-text query.
"""

from __future__ import annotations

from types import ModuleType

from filet.model.identifiers import container, crypto, iban, imo, mmsi, phone

KINDS: dict[str, ModuleType] = {
    module.KIND: module for module in (imo, mmsi, iban, phone, crypto, container)
}


def normalize(kind: str, text: str) -> str:
    """``text`` normalized as an identifier of ``kind``; ValueError if invalid."""
    try:
        module = KINDS[kind]
    except KeyError:
        raise ValueError(
            f"type d'identifiant inconnu / unknown identifier kind {kind!r}; "
            f"known: {', '.join(KINDS)}"
        ) from None
    return str(module.normalize(text))


def detect(text: str) -> list[str]:
    """The kinds ``text`` could be, in the order of ``KINDS`` (a query may be several)."""
    return [kind for kind, module in KINDS.items() if module.looks_like(text)]


__all__ = ["KINDS", "container", "crypto", "detect", "iban", "imo", "mmsi", "normalize", "phone"]
