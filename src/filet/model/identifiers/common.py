"""What the identifier modules share: the error they raise and the separators they drop."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-./:_()]+")


def invalid(label: str, text: str, reason: str) -> ValueError:
    """The error every ``normalize`` raises, naming the kind, the input and the reason."""
    return ValueError(f"{label} invalide / invalid {label}: {text[:80]!r}: {reason}")


def strip_separators(text: str) -> str:
    """Drop the spaces, dashes, dots and slashes people type inside identifiers."""
    return _SEPARATORS.sub("", text.strip())
