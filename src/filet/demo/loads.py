"""How much cocaine each smuggling consignment and each courier of the seeded worlds
carries: with the wholesale price (:data:`filet.targeting.evaluate.COCAINE_EUR_PER_KG`),
the value at stake that weighs Revenue@n%.

The weights are the worlds' own, drawn uniformly by scheme in ranges of the usual order
of magnitude (bags behind a reefer's doors for a rip-on, the load hidden in the cargo of
a stolen identity or a front, capsules swallowed or a suitcase for a courier); they are
not a service's figures. They come from a random stream of their own (the world's seed
and the word ``loads``), so that the worlds' rows and outcomes stay what they were.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

# Kilograms by cargo scheme (filet.demo.cargo).
CARGO_KILOS: dict[str, tuple[float, float]] = {
    "rip-on": (20.0, 150.0),
    "identity": (100.0, 800.0),
    "front": (200.0, 1500.0),
}
# Kilograms a courier carries (filet.demo.flights): swallowed, or in the luggage.
SWALLOWED_KILOS = (0.5, 1.2)
LUGGAGE_KILOS = (2.0, 10.0)
SWALLOWED_SHARE = 0.5


def consignments(seed: int, schemes: Mapping[str, str]) -> dict[str, float]:
    """Kilograms in each smuggling consignment (id -> scheme)."""
    rng = random.Random(f"loads-{seed}")
    return {item: round(rng.uniform(*CARGO_KILOS[schemes[item]]), 1) for item in sorted(schemes)}


def couriers(seed: int, locators: Iterable[str]) -> dict[str, float]:
    """Kilograms each courier (record locator) carries."""
    rng = random.Random(f"loads-{seed}")
    found = {}
    for locator in sorted(locators):
        swallowed = rng.random() < SWALLOWED_SHARE
        found[locator] = round(rng.uniform(*(SWALLOWED_KILOS if swallowed else LUGGAGE_KILOS)), 2)
    return found
