"""Downtime budgets: what a target availability allows, per period, and back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .availability import (
    DAYS_PER_YEAR,
    availability_for_downtime,
    downtime,
    finite_or_none,
    nines,
    period_info,
    unavailability,
)
from .catalog import DATA_DIR
from .checks import InvalidInputError
from .formatting import format_duration, format_percent

__all__ = [
    "downtime_records",
    "BUDGET_PERIODS",
    "NINES_TIERS",
    "TARGET_PRESETS",
    "budget_summary",
    "downtime_table",
    "format_downtime_table",
    "required_availability",
    "seed_article_comparison",
    "target_summary",
]

_DATA = DATA_DIR

#: The usual tiers of nines, as fractions.
NINES_TIERS = (0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999)

#: Targets people actually set, for sliders and pickers (fractions).
TARGET_PRESETS = (
    0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99995, 0.99999,
    0.999995, 0.999999,
)

#: Periods shown in a downtime budget, longest first.
BUDGET_PERIODS = ("year", "quarter", "month", "week", "day")


def downtime_records(availabilities, periods=BUDGET_PERIODS, *, year_days: float = DAYS_PER_YEAR) -> list[dict]:
    """Per availability: its unavailability, nines (None for 100%: JSON has no
    infinity) and the downtime it allows per period [s], as JSON takes them."""
    return [{"availability": a, "unavailability": unavailability(a), "nines": finite_or_none(nines(a)),
             "downtime_s": {p: float(downtime(a, p, year_days=year_days)) for p in periods}}
            for a in availabilities]


def downtime_table(availabilities=NINES_TIERS, periods=BUDGET_PERIODS, *,
                   year_days: float = DAYS_PER_YEAR) -> pd.DataFrame:
    """Allowed downtime [s] for each availability (rows) in each period (columns).

    Vectorised: one multiplication per period, so a million availabilities take
    milliseconds. The index holds the availabilities, a ``nines`` column their
    nines; ``df.attrs["basis"]`` maps each period to the length it used.
    """
    a = np.atleast_1d(np.asarray(availabilities, dtype=float))
    if a.ndim != 1 or a.size == 0:
        raise InvalidInputError(
            f"availabilities: {availabilities!r} is not a non-empty list of availabilities")
    q = unavailability(a)
    columns = {"nines": nines(a)}
    basis = {}
    for name in periods:
        p = period_info(name, year_days=year_days)
        columns[name] = q * p.seconds
        basis[name] = p.basis
    df = pd.DataFrame(columns, index=pd.Index(a, name="availability"))
    df.attrs["basis"] = basis
    return df


def format_downtime_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table of ``downtime_table`` in words: ``99.9%`` and ``8.77 hours``."""
    out = pd.DataFrame(
        {col: [format_duration(s) for s in table[col]] for col in table.columns
         if col != "nines"},
        index=pd.Index([format_percent(a) for a in table.index], name="availability"),
    )
    out.insert(0, "nines", [f"{n:g}" for n in np.round(table["nines"].to_numpy(), 2)])
    out.attrs = dict(table.attrs)
    return out


def required_availability(budget_seconds, period: str = "month", *,
                          year_days: float = DAYS_PER_YEAR):
    """The availability [fraction] needed to stay within a downtime budget [s]."""
    return availability_for_downtime(budget_seconds, period, year_days=year_days)


def target_summary(target, period: str = "month", *, year_days: float = DAYS_PER_YEAR) -> str:
    """One sentence: what a target allows per period, stating the period's basis."""
    d = downtime(target, period, year_days=year_days)
    p = period_info(period, year_days=year_days)
    return (f"A target of {format_percent(target)} allows {format_duration(d)} of "
            f"downtime per {p.name} ({p.basis}).")


def budget_summary(budget_seconds, period: str = "month", *,
                   year_days: float = DAYS_PER_YEAR) -> str:
    """One sentence: the availability a downtime budget [s] per period needs."""
    need = required_availability(budget_seconds, period, year_days=year_days)
    p = period_info(period, year_days=year_days)
    return (f"{format_duration(budget_seconds)} of downtime per {p.name} ({p.basis}) "
            f"needs an availability of at least {format_percent(need, significant=4)} "
            f"({nines(need):.2f} nines).")


def seed_article_comparison(*, year_days: float = DAYS_PER_YEAR) -> pd.DataFrame:
    """The source article's "Uptime Tiers" table against the correct figures.

    Reads ``data/seed_article_uptime_tiers.csv`` (what the article printed, with
    its source) and adds the correct downtime per year [s] and the factor by which
    the article is off (about 60 at every tier: it prints minutes for hours).
    """
    rows = pd.read_csv(_DATA / "seed_article_uptime_tiers.csv")
    a = rows["availability_percent"].to_numpy() / 100
    correct = downtime(a, "year", year_days=year_days)
    return pd.DataFrame({
        "availability": [format_percent(x) for x in a],
        "article says": rows["published_downtime_per_year"].to_numpy(),
        "correct": [format_duration(s) for s in correct],
        "off by": np.round(correct / rows["published_seconds_per_year"].to_numpy(), 1),
    })
