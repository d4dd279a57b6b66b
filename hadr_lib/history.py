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
- unavailability ``lambda / (lambda + mu)`` with its interval from draws of both.

Intervals are central 90% intervals. Assumptions: exponential times to failure and to
repair, the same over the window; incidents are outages (a degraded service counts
as down).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .availability import InvalidInputError
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


def _time(text, where: str) -> pd.Timestamp:
    try:
        t = pd.Timestamp(text)
    except (ValueError, TypeError):
        raise InvalidInputError(f"{where}: {text!r} is not an ISO 8601 time") from None
    if t is pd.NaT or pd.isna(t):
        raise InvalidInputError(f"{where}: {text!r} is not an ISO 8601 time")
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
    ``end`` (default: first incident start to last incident end or start)."""
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
    rng = np.random.default_rng(seed)
    lo_p, hi_p = (1 - _LEVEL) / 2, 1 - (1 - _LEVEL) / 2
    rows = []
    for name in sorted(per):
        outages = _merge(per[name])
        n = len(outages)
        down = math.fsum(e - s for s, e, _ in outages)
        up = max(T - down, 1e-9)
        k = sum(1 for _, _, is_open in outages if not is_open)
        fail = stats.gamma(n + 0.5, scale=1 / up)
        mtbf = up / n if n else None
        row = {"component": name, "outages": n, "open": n - k, "down_h": down, "observed_h": T,
               "mtbf_h": mtbf, "mtbf_h_low": 1 / fail.ppf(hi_p), "mtbf_h_high": 1 / fail.ppf(lo_p),
               "mttr_h": down / k if k else None, "mttr_h_low": None, "mttr_h_high": None}
        lam = rng.gamma(n + 0.5, 1 / up, draws)
        if down > 0:
            repair = stats.gamma(k + 0.5, scale=1 / down)
            row["mttr_h_low"] = 1 / repair.ppf(hi_p)
            row["mttr_h_high"] = 1 / repair.ppf(lo_p)
            mu = rng.gamma(k + 0.5, 1 / down, draws)
            q_lo, q_hi = np.quantile(lam / (lam + mu), [lo_p, hi_p])
            a_low: float | None = 1 - float(q_hi)
            a_high = 1 - float(q_lo)
        else:  # never down: no repair seen, so no lower bound without assuming one
            a_low, a_high = None, 1.0
        row.update({"availability": up / T, "availability_low": a_low, "availability_high": a_high})
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


def comparison_lines(compared: pd.DataFrame) -> list[str]:
    """``designed_vs_measured`` in sentences, the figures the history contradicts first."""
    from .formatting import format_percent

    lines = []
    for r in compared.sort_values("designed_inside_interval", kind="stable").itertuples():
        low = "?" if r.measured_low is None or pd.isna(r.measured_low) else format_percent(r.measured_low)
        verdict = ("consistent with the history" if r.designed_inside_interval
                   else "outside what the history supports: revise the figure")
        lines.append(f"{r.component}: designed {format_percent(r.designed)}, measured "
                     f"{format_percent(r.measured)} (90%: {low} to "
                     f"{format_percent(r.measured_high)}), {verdict}.")
    return lines or ["No component of the design appears in the incident log."]


def with_fitted_figures(design: dict, fitted: pd.DataFrame, source: str) -> tuple[dict, list[str]]:
    """A copy of a design mapping whose components named in ``fitted`` take the fitted
    MTBF and MTTR (availability or SLA replaced), and the names so changed."""
    import copy

    out = copy.deepcopy(design)
    by_name = {r.component: r for r in fitted.itertuples()}
    changed: list[str] = []
    stack = [out.get("architecture")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            body = node.get("component")
            if isinstance(body, dict) and body.get("name") in by_name:
                r = by_name[body["name"]]
                if (r.mtbf_h is not None and r.mttr_h is not None and not pd.isna(r.mttr_h)
                        and float(r.mtbf_h) > 0):
                    for key in ("availability", "sla", "mtbf_h", "mttr_h"):
                        body.pop(key, None)
                    # ten significant digits (rounding to six decimals turned an MTBF of
                    # a few milliseconds into 0.0, which no design may have)
                    body["mtbf_h"] = float(f"{float(r.mtbf_h):.10g}")
                    body["mttr_h"] = float(f"{float(r.mttr_h):.10g}")
                    body["source"] = source
                    changed.append(body["name"])
                continue
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out, sorted(changed)


def write_fitted_design(design, fitted: pd.DataFrame, out, label: str, *, force: bool = False) -> list[str]:
    """Write ``design`` (a design file or reference name) to ``out`` with the fitted
    MTBF and MTTR of matching components; return the names changed.

    The new design is checked before anything is written (it must load), and the
    write is atomic. ``out`` may be a new file; an existing one is replaced only
    with ``force``, only if it is itself a design (a file of anything else is never
    replaced), and only after a copy of it is kept as ``OUT.bak`` (comments and all).
    """
    import yaml

    from .architecture_file import load_architecture, reference_architectures
    from .report import _atomic_write
    from .safe_load import read_yaml

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
    source = reference_architectures().get(design, design)
    data = read_yaml(Path(source))
    if not isinstance(data, dict):
        raise InvalidInputError(f"--design: {str(source)[:200]} is not a design")
    updated, changed = with_fitted_figures(data, fitted, label)
    try:
        load_architecture(updated)
    except InvalidInputError as exc:
        raise InvalidInputError(f"--write: the fitted design would not load ({exc}); nothing written") from None
    text = yaml.safe_dump(updated, sort_keys=False, allow_unicode=True).encode()
    if out.exists():
        _atomic_write(out.with_name(out.name + ".bak"), out.read_bytes())
    _atomic_write(out, text)
    return changed
