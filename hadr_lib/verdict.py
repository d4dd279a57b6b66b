"""Plain-language verdicts for managers: a design against a target, and what to fix first."""

from __future__ import annotations

import pandas as pd

from .availability import DAYS_PER_YEAR, check_availability, unavailability
from .formatting import format_duration, format_percent

__all__ = ["improvement_advice", "target_verdict"]


def target_verdict(availability, target: float, name: str = "The design") -> tuple[str, str]:
    """(status, sentence): ``green`` when the design meets the target with a
    margin (its unavailability at most half the target's), ``amber`` when it
    meets it narrowly, ``red`` when it misses it."""
    check_availability(target, "target")
    u, ut = unavailability(availability), unavailability(target)
    got, want = format_percent(availability), format_percent(target)
    if u <= ut / 2:
        return "green", f"{name} gives {got}, comfortably above the {want} target."
    if u <= ut:
        return "amber", f"{name} gives {got}, just meeting the {want} target: little margin."
    if got == want:  # rounds to the target, yet misses it: show the digits that differ
        got = _digits_apart(1 - u, 1 - ut)
        short = format_duration((u - ut) * DAYS_PER_YEAR * 86400)
        return "red", (f"{name} gives {got}, short of the {want} target by {short} of downtime "
                       "a year (within rounding, but a miss).")
    return "red", f"{name} gives {got}, short of the {want} target."


def _digits_apart(a: float, target: float) -> str:
    """``a`` as a percentage with enough decimals to differ from ``target``'s."""
    for d in range(2, 16):
        text = f"{a * 100:.{d}f}%"
        if text != f"{target * 100:.{d}f}%":
            return text
    return f"{a * 100:.15f}%"


def improvement_advice(importance: pd.DataFrame, top: int = 3) -> list[str]:
    """Sentences for the ``top`` components whose perfection saves the most downtime."""
    lines = []
    for row in importance.head(top).itertuples():
        if row.downtime_saved_per_year_s <= 0:
            continue
        share = "under 1%" if row.share < 0.005 else f"{row.share:.0%}"
        lines.append(
            f"Improve or add redundancy to {row.name}: made perfect, it would save "
            f"{format_duration(row.downtime_saved_per_year_s)} of downtime a year "
            f"({share} of the total).")
    return lines or ["No single component stands out: the design is limited by its structure."]
