"""Numbers in alert reasons, written as each language's readers expect."""


def comma(value: float) -> str:
    """One decimal with a decimal comma, as French readers expect (``7,2``)."""
    return f"{value:.1f}".replace(".", ",")
