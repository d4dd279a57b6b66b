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
    u, ut = float(unavailability(availability)), float(unavailability(target))
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
    """Sentences for the ``top`` parts whose perfection saves the most downtime.

    The design's own components, its common-cause groups and the zones and regions it
    is placed in (rows of ``importance(include_groups=True)``) are ranked first; parts known only by a
    provider's SLA are ranked apart, since their figure is a contract, not something
    the owner can improve: the choice there is another tier or redundancy around them.
    """
    def share_of(row) -> str:
        return "under 1%" if row.share < 0.005 else f"{row.share:.0%}"

    def called(row) -> str:  # its label where it has one
        return getattr(row, "label", None) or row.name

    provider = importance.get("provider_sla", pd.Series(False, index=importance.index))
    kind = importance.get("kind", pd.Series("component", index=importance.index))
    lines = []
    for row in importance[~provider.astype(bool)].head(top).itertuples():
        if row.downtime_saved_per_year_s <= 0:
            continue
        saved = format_duration(row.downtime_saved_per_year_s)
        if kind[row.Index] in ("zone", "region"):
            k = kind[row.Index]
            what = called(row) if called(row) != row.name else f"{k} {row.name}"  # "zone A", or "zone zone-a"
            lines.append(
                f"Survive the loss of {what}: an outage there takes down every part "
                f"placed in it; were it never to fail, the design would save {saved} of downtime "
                f"a year ({share_of(row)} of the total). Spread the design over a second {k}.")
        elif kind[row.Index] == "common_cause":
            lines.append(
                f"Remove the shared cause behind {called(row)}: were its members to fail "
                f"independently, it would save {saved} of downtime a year ({share_of(row)} of "
                "the total).")
        else:
            lines.append(
                f"Improve or add redundancy to {called(row)}: made perfect, it would save "
                f"{saved} of downtime a year ({share_of(row)} of the total).")
    theirs = importance[provider.astype(bool) & (importance["downtime_saved_per_year_s"] > 0)]
    for row in theirs.head(top).itertuples():
        name = called(row)
        lines.append(
            f"{name[:1].upper() + name[1:]} is known only by its provider's SLA ({share_of(row)} of the downtime, "
            f"{format_duration(row.downtime_saved_per_year_s)} a year): not yours to improve; "
            "choose a higher tier or put a redundant one beside it.")
    return lines or ["No single component stands out: the design is limited by its structure."]


