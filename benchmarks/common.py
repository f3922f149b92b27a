"""What every benchmark returns: Filet and a named baseline, measured in the same run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """One metric measured on Filet and on a baseline doing the same work."""

    metric: str
    unit: str
    filet: float
    baseline_name: str
    baseline: float
    higher_is_better: bool

    @property
    def ratio(self) -> float:
        """How many times better Filet is than the baseline (> 1 means better)."""
        if self.higher_is_better:
            return self.filet / self.baseline
        return self.baseline / self.filet
