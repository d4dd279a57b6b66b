"""Evidence from history: MTBF, MTTR and availability fitted from incident logs.

Three inputs are read: a CSV with ``component,start,end`` (ISO 8601 times; an empty
``end`` is an incident still open), an Atlassian Statuspage ``incidents.json`` export,
and a PagerDuty incident CSV export (``service_name``, ``created_on``,
``resolved_on``). Overlapping incidents of one component count as one outage.

The estimates, per component, over an observation window of ``T`` hours with ``n``
outages, ``D`` hours down and ``k`` outages that ended inside the window:

- failure rate per hour up: Jeffreys posterior ``Gamma(n + 1/2, T - D)``, so zero
  failures still give a finite bound (MTBF >= (T - D) / Gamma.ppf(0.95, 1/2));
- repair rate: ``Gamma(k + 1/2, D)``, the open incidents' time so far counting as
  censored repair time;
- unavailability ``q = lambda / (lambda + mu)``: with ``X = lambda (T - D)`` and
  ``Y = mu D`` independent Gamma variates, ``B = X / (X + Y)`` is
  ``Beta(n + 1/2, k + 1/2)`` and ``q = B D / (B D + (1 - B)(T - D))`` grows with ``B``,
  so the interval of ``q`` is the Beta interval mapped through it: exact, no draws
  (it replaced 200,000 draws a component, which took 13.5 ms each; a log of 20,000
  components now fits in well under a second).

Intervals are central 90% intervals. Assumptions: exponential times to failure and to
repair, the same over the window; incidents are outages (a degraded service counts
as down).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .checks import InvalidInputError
from .model import Architecture
from .safe_load import check_text, read_text

__all__ = ["FORMATS", "Incident", "comparison_lines", "designed_vs_measured", "fit_incidents",
           "read_incidents", "with_fitted_figures", "write_fitted_design"]

FORMATS = ("csv", "statuspage", "pagerduty")
_LEVEL = 0.90
_MAX_INCIDENTS = 1_000_000


@dataclass(frozen=True)
class Incident:
    """One outage of one component (``end`` None: still open)."""

    component: str
    start: pd.Timestamp
    end: pd.Timestamp | None


#: ISO 8601 date or date-time, as the formats read here write them: 2026-01-31,
#: 2026-01-31T09:30, 2026-01-31 09:30:00.123+01:00, 2026-01-31T09:30:00Z.
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
                       r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")


def _time(text, where: str) -> pd.Timestamp:
    """A time in ISO 8601 (``YYYY-MM-DD``, optionally ``THH:MM[:SS[.fff]]`` and a zone;
    no zone is UTC). Anything else is refused, not guessed: ``01/02/2026`` is the 2nd of
    January to some and the 1st of February to others."""
    shown = repr(text) if len(repr(text)) <= 60 else repr(text)[:50] + "..."
    if not isinstance(text, str) or not _ISO_TIME.fullmatch(text.strip()):
        raise InvalidInputError(f"{where}: {shown} is not an ISO 8601 time (write 2026-01-31 or "
                                "2026-01-31T09:30:00Z)")
    try:
        t = pd.Timestamp(text.strip().replace(",", "."))
    except (ValueError, TypeError, OverflowError):
        raise InvalidInputError(f"{where}: {shown} is not a valid time (write 2026-01-31 or "
                                "2026-01-31T09:30:00Z)") from None
    if t is pd.NaT or pd.isna(t):
        raise InvalidInputError(f"{where}: {shown} is not an ISO 8601 time")
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _incident(component, start, end, where: str) -> Incident:
    name = check_text(f"{where}.component", component, max_len=200).strip()
    if not name:
        raise InvalidInputError(f"{where}.component: empty")
    s = _time(start, f"{where}.start")
    e = None if end in (None, "") else _time(end, f"{where}.end")
    if e is not None and e < s:
        raise InvalidInputError(f"{where}: ends ({e.isoformat()}) before it starts ({s.isoformat()})")
    return Incident(name, s, e)


def _sniff(text: str) -> str:
    head = text.lstrip()[:1]
    if head in "[{":
        return "statuspage"
    first = text.splitlines()[0].lower() if text.strip() else ""
    return "pagerduty" if "service_name" in first and "created_on" in first else "csv"


def read_incidents(source, fmt: str | None = None) -> list[Incident]:
    """Incidents from a file (or text with ``fmt`` given): ``csv``, ``statuspage`` or
    ``pagerduty``; the format is recognised when ``fmt`` is None."""
    if isinstance(source, (str, Path)) and (fmt is None or Path(str(source)).exists()):
        origin, text = str(source), read_text(Path(source))
    else:
        origin, text = "incidents", str(source)
    fmt = fmt or _sniff(text)
    if fmt not in FORMATS:
        raise InvalidInputError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "statuspage":
        return _statuspage(text, origin)
    reader = csv.DictReader(io.StringIO(text))
    cols = {"csv": ("component", "start", "end"),
            "pagerduty": ("service_name", "created_on", "resolved_on")}[fmt]
    missing = [c for c in cols if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInputError(f"{origin}: missing columns {', '.join(missing)} (a {fmt} file has "
                                f"{', '.join(cols)})")
    out = []
    for i, row in enumerate(reader, start=2):
        if i > _MAX_INCIDENTS:
            raise InvalidInputError(f"{origin}: more than {_MAX_INCIDENTS:,} incidents")
        out.append(_incident(row[cols[0]], row[cols[1]], row[cols[2]], f"{origin}:{i}"))
    return out


def _statuspage(text: str, origin: str) -> list[Incident]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidInputError(f"{origin}: not JSON (a Statuspage incidents.json)") from None
    items = data.get("incidents") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InvalidInputError(f"{origin}: no list of incidents")
    out = []
    for i, inc in enumerate(items[:_MAX_INCIDENTS]):
        where = f"{origin}: incidents[{i}]"
        if not isinstance(inc, dict):
            raise InvalidInputError(f"{where}: not an incident")
        start = inc.get("started_at") or inc.get("created_at")
        if start is None:
            raise InvalidInputError(f"{where}: no started_at or created_at")
        comps = inc.get("components") or [{"name": "service"}]
        if not isinstance(comps, list):
            raise InvalidInputError(f"{where}.components: not a list")
        for c in comps:
            name = c.get("name") if isinstance(c, dict) else None
            out.append(_incident(name, start, inc.get("resolved_at"), where))
    return out


def _merge(intervals: list[tuple[float, float, bool]]) -> list[tuple[float, float, bool]]:
    """Overlapping (start, end, open) intervals in hours merged into outages."""
    merged: list[list] = []
    for s, e, is_open in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2] = merged[-1][2] or is_open
        else:
            merged.append([s, e, is_open])
    return [(s, e, o) for s, e, o in merged]


def fit_incidents(incidents: Iterable[Incident], *, start=None, end=None, seed: int = 0,
                  draws: int = 200_000) -> pd.DataFrame:
    """Per component: outages, hours down, MTBF and MTTR [h] and availability, each
    with a 90% interval (see the module docstring), over the window ``start`` to
    ``end`` (default: first incident start to last incident end or start).
    The intervals are exact (see the module docstring): ``seed`` and ``draws``, which
    set the draws of an earlier version, are accepted and unused."""
    from scipy import stats  # only here: importing hadr_lib stays quick

    incs = list(incidents)
    if not incs:
        raise InvalidInputError("incidents: none to fit")
    t0 = _time(start, "--from") if start is not None else min(i.start for i in incs)
    ends = [i.end or i.start for i in incs]
    t1 = _time(end, "--to") if end is not None else max(ends + [i.start for i in incs])
    if t1 <= t0:
        raise InvalidInputError(f"--to: {t1.isoformat()} is not after --from ({t0.isoformat()})")
    T = (t1 - t0).total_seconds() / 3600.0
    per: dict[str, list[tuple[float, float, bool]]] = {}
    for i in incs:
        s = (i.start - t0).total_seconds() / 3600.0
        e = T if i.end is None else (i.end - t0).total_seconds() / 3600.0
        if e <= 0 or s >= T:
            continue  # outside the window
        per.setdefault(i.component, []).append((max(s, 0.0), min(e, T), i.end is None or e > T))
    for i in incs:
        per.setdefault(i.component, [])
    lo_p, hi_p = (1 - _LEVEL) / 2, 1 - (1 - _LEVEL) / 2
    names = sorted(per)
    outages = [_merge(per[name]) for name in names]
    n = np.array([len(o) for o in outages], dtype=float)
    down = np.array([math.fsum(e - s for s, e, _ in o) for o in outages])
    k = np.array([sum(1 for _, _, is_open in o if not is_open) for o in outages], dtype=float)
    up = np.maximum(T - down, 1e-9)
    # One call each for every component (frozen distributions cost ~1 ms apiece).
    mtbf_low = 1 / stats.gamma.ppf(hi_p, n + 0.5, scale=1 / up)
    mtbf_high = 1 / stats.gamma.ppf(lo_p, n + 0.5, scale=1 / up)
    seen = down > 0
    safe_down = np.where(seen, down, 1.0)
    mttr_low = 1 / stats.gamma.ppf(hi_p, k + 0.5, scale=1 / safe_down)
    mttr_high = 1 / stats.gamma.ppf(lo_p, k + 0.5, scale=1 / safe_down)
    b_lo = stats.beta.ppf(lo_p, n + 0.5, k + 0.5)
    b_hi = stats.beta.ppf(hi_p, n + 0.5, k + 0.5)

    def q(b):  # unavailability for the Beta variate b (increasing in b)
        return b * safe_down / (b * safe_down + (1 - b) * up)

    q_lo, q_hi = q(b_lo), q(b_hi)
    rows = []
    for j, name in enumerate(names):
        ni, ki = int(n[j]), int(k[j])
        row = {"component": name, "outages": ni, "open": ni - ki, "down_h": float(down[j]),
               "observed_h": T, "mtbf_h": float(up[j]) / ni if ni else None,
               "mtbf_h_low": float(mtbf_low[j]), "mtbf_h_high": float(mtbf_high[j]),
               "mttr_h": float(down[j]) / ki if ki else None, "mttr_h_low": None, "mttr_h_high": None}
        if seen[j]:
            row["mttr_h_low"], row["mttr_h_high"] = float(mttr_low[j]), float(mttr_high[j])
            a_low: float | None = 1 - float(q_hi[j])
            a_high = 1 - float(q_lo[j])
        else:  # never down: no repair seen, so no lower bound without assuming one
            a_low, a_high = None, 1.0
        row.update({"availability": float(up[j]) / T, "availability_low": a_low,
                    "availability_high": a_high})
        rows.append(row)
    return pd.DataFrame(rows)


def designed_vs_measured(architecture, fitted: pd.DataFrame) -> pd.DataFrame:
    """Each fitted component that the design has: its designed availability (one
    replica), the measured one with its 90% interval, and whether the designed figure
    lies inside that interval (an unknown lower bound counts as 0)."""
    designed = {c.name: 1 - c.replica_unavailability for c in architecture.components}
    rows = []
    for r in fitted.itertuples():
        if r.component in designed:
            low = 0.0 if r.availability_low is None or pd.isna(r.availability_low) else r.availability_low
            rows.append({"component": r.component, "designed": designed[r.component],
                         "measured": r.availability, "measured_low": r.availability_low,
                         "measured_high": r.availability_high,
                         "designed_inside_interval": bool(low <= designed[r.component]
                                                          <= r.availability_high)})
    return pd.DataFrame(rows, columns=["component", "designed", "measured", "measured_low",
                                       "measured_high", "designed_inside_interval"])


_NO_MATCH = "No component of the design appears in the incident log."


def comparison_lines(compared: pd.DataFrame) -> list[str]:
    """``designed_vs_measured`` in sentences, the figures the history contradicts first."""
    from .formatting import format_percent

    if compared.empty or "designed_inside_interval" not in compared:
        return [_NO_MATCH]  # (an empty frame from records has no columns at all)
    lines = []
    for r in compared.sort_values("designed_inside_interval", kind="stable").itertuples():
        low = "?" if r.measured_low is None or pd.isna(r.measured_low) else format_percent(r.measured_low)
        verdict = ("consistent with the history" if r.designed_inside_interval
                   else "outside what the history supports: revise the figure")
        lines.append(f"{r.component}: designed {format_percent(r.designed)}, measured "
                     f"{format_percent(r.measured)} (90%: {low} to "
                     f"{format_percent(r.measured_high)}), {verdict}.")
    return lines or [_NO_MATCH]


def with_fitted_figures(design, fitted: pd.DataFrame, source: str) -> tuple[Architecture, list[str]]:
    """``design`` (an ``Architecture``, or anything ``load_architecture`` reads) with the
    components named in ``fitted`` taking the fitted MTBF and MTTR (their availability
    or SLA replaced) and ``source``; and the names so changed. The model is changed,
    so the result is checked as any design is (an MTBF of 0 is refused)."""
    from .architecture_file import load_architecture

    arch = design if isinstance(design, Architecture) else load_architecture(design)
    names = {c.name for c in arch.components}
    changes = {}
    for r in fitted.itertuples():
        if (r.component in names and r.mtbf_h is not None and r.mttr_h is not None
                and not pd.isna(r.mttr_h) and float(r.mtbf_h) > 0):
            # ten significant digits (rounding to six decimals turned an MTBF of a few
            # milliseconds into 0.0, which no design may have)
            changes[r.component] = {"mtbf_h": float(f"{float(r.mtbf_h):.10g}"),
                                    "mttr_h": float(f"{float(r.mttr_h):.10g}"), "source": source}
    return arch.with_changes(changes), sorted(changes)


def write_fitted_design(design, fitted: pd.DataFrame, out, label: str, *, force: bool = False) -> list[str]:
    """Write ``design`` (a design file or reference name) to ``out`` with the fitted
    MTBF and MTTR of matching components; return the names changed.

    The new design is checked before anything is written (it must load), and the
    write is atomic. ``out`` may be a new file; an existing one is replaced only
    with ``force``, only if it is itself a design (a file of anything else is never
    replaced), and only after a copy of it is kept as ``OUT.bak`` (comments and all).
    """
    import yaml

    from .architecture_file import architecture_yaml, load_architecture
    from .files import atomic_write

    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInputError(f"--write: folder {str(out.parent)[:200]!r} does not exist")
    if out.exists() or out.is_symlink():
        if not out.is_file():
            raise InvalidInputError(f"--write: {str(out)[:200]} exists and is not a regular file; not replaced")
        try:
            load_architecture(out)
        except InvalidInputError as exc:
            raise InvalidInputError(f"--write: {str(out)[:200]} exists and is not a design ({str(exc)[:200]}); "
                                    "not replaced: write to a new file") from None
        if not force:
            raise InvalidInputError(f"--write: {str(out)[:200]} exists; add --force to replace it (a copy "
                                    f"is kept as {out.name}.bak), or write to a new file")
    try:
        arch = load_architecture(design)  # a file, or a reference name
    except InvalidInputError as exc:
        raise InvalidInputError(f"--design: {exc}") from None
    try:
        updated, changed = with_fitted_figures(arch, fitted, label)
        text = architecture_yaml(updated).encode()
        load_architecture(yaml.safe_load(text))  # what is written reads back
    except InvalidInputError as exc:
        raise InvalidInputError(f"--write: the fitted design would not load ({exc}); nothing written") from None
    if out.exists():
        atomic_write(out.with_name(out.name + ".bak"), out.read_bytes())
    atomic_write(out, text)
    return changed
