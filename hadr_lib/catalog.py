"""Reference data shipped in ``data/``: cloud SLAs and running costs, each row with its
source and date.

An SLA is a contractual floor below which the provider pays service credits, not a
measured uptime; some are measured over time, others per request (``measured_as``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .checks import InvalidInputError

__all__ = ["DATA_DIR", "SLA_DISCLAIMER", "cloud_slas", "running_costs", "sla_availability"]

#: The reference data shipped inside the package (``hadr_lib/data``, the repository's
#: ``data/``), found through ``importlib.resources`` so a wheel works from any folder.
DATA_DIR = Path(str(resources.files("hadr_lib").joinpath("data")))

SLA_DISCLAIMER = ("An SLA is a contractual floor below which the provider pays credits, "
                  "not a measured uptime.")

_REQUIRED = ("id", "provider", "service", "deployment", "sla_percent", "measured_as",
             "source_url", "read_on")


#: The columns every row of ``data/running_costs.csv`` fills.
_COST_REQUIRED = ("id", "provider", "item", "price_usd", "unit", "units_per_year", "cost_per_year_usd",
                  "source_url", "price_date")


@lru_cache(maxsize=4)
def _read(path: str, required: tuple[str, ...] = _REQUIRED) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"sla_percent": str, "price_date": str})
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InvalidInputError(f"{path}: missing columns {missing}")
    blank = df[list(required)].isna().any(axis=1)
    if blank.any():
        row = int(blank.idxmax())
        raise InvalidInputError(f"{path}: row {row + 2} lacks one of {list(required)}")
    return df


def running_costs(path: str | Path | None = None) -> pd.DataFrame:
    """The running-cost catalogue (``data/running_costs.csv``): one row per priced item,
    its list price (``price_usd`` per ``unit``), ``units_per_year``, the resulting
    ``cost_per_year_usd``, where the price comes from and its date. The shipped designs'
    ``cost_per_year`` figures name their row in ``cost_source``. A row's cost a year that
    is not its price times its units is refused (a typo in the file, said at once)."""
    df = _read(str(path or DATA_DIR / "running_costs.csv"), _COST_REQUIRED).copy()
    for _, r in df.iterrows():
        expected = round(float(r["price_usd"]) * float(r["units_per_year"]), 2)
        if abs(expected - float(r["cost_per_year_usd"])) > 0.005:
            raise InvalidInputError(
                f"running_costs.csv: {r['id']}: cost_per_year_usd {r['cost_per_year_usd']} is not "
                f"price_usd x units_per_year ({expected:.2f})")
    return df


def cloud_slas(path: str | Path | None = None) -> pd.DataFrame:
    """The cloud SLA catalogue (``data/cloud_slas.csv``), one row per commitment.

    ``sla_percent`` is kept as the published text (a decimal), so ``99.995`` is
    exactly what the provider wrote; ``sla_availability`` turns it into a fraction.
    """
    return _read(str(path or DATA_DIR / "cloud_slas.csv")).copy()


def sla_availability(sla_id: str, path: str | Path | None = None) -> tuple[float, str]:
    """(availability [fraction], source text) of a catalogue row, by its ``id``."""
    df = _read(str(path or DATA_DIR / "cloud_slas.csv"))
    rows = df[df["id"] == sla_id]
    if rows.empty:
        import difflib

        close = difflib.get_close_matches(str(sla_id), list(df["id"]), n=3, cutoff=0.6)
        maybe = f"did you mean {' or '.join(close)}? " if close else ""
        raise InvalidInputError(
            f"sla: {sla_id!r} is not in the cloud SLA catalogue; {maybe}"
            f"(hadr list shows them all: {', '.join(df['id'])})")
    r = rows.iloc[0]
    from decimal import Decimal
    availability = float(Decimal(r["sla_percent"]) / 100)
    source = (f"{r['provider']} {r['service']} ({r['deployment']}) SLA {r['sla_percent']}%, "
              f"{r['source_url']}, read {r['read_on']}")
    return availability, source
