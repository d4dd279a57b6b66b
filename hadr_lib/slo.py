"""From design to SLOs: the ceiling a design allows, error budgets, burn-rate
alerts, and OpenSLO and sloth exports.

The ceiling is the architecture's modelled availability: an SLO above it will be
missed on average, whatever the alerting. The error budget is ``(1 - target) x
window``. Alerts follow the multiwindow, multi-burn-rate recipe of the Google SRE
Workbook (chapter 5): a burn-rate threshold is ``(window x fraction of the budget
consumed) / long window``, and the short window is a twelfth of the long one.
For a 30-day window the defaults give the published table: 1 h / 5 min at 14.4
(2%), 6 h / 30 min at 6 (5%), 3 d / 6 h at 1 (10%).

Other windows scale the alert windows with the SLO window (a 7-day SLO pages on
2% of its budget burned in 14 minutes, not in an hour), so every window keeps the
thresholds 14.4, 6 and 1: each alert fires only on a burn that would spend the
whole budget within the window (the ticket at exactly the window). Keeping the
30-day windows instead would give a 7-day ticket threshold of 0.23, an alert on a
rate that never exhausts the budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import yaml

from .availability import check_availability, unavailability
from .checks import InvalidInputError
from .formatting import format_duration, format_percent

__all__ = [
    "GOOGLE_ALERT_POLICY",
    "SLO_WINDOWS_DAYS",
    "SloPlan",
    "burn_rate_alerts",
    "check_service",
    "duration_shorthand",
    "error_budget",
    "parse_window",
    "slo_plan",
    "to_openslo",
    "to_sloth",
    "to_sloth_alert_windows",
]

#: Windows offered by default [days].
SLO_WINDOWS_DAYS = (7, 28, 30, 90)

#: (severity, long window [h] for a 30-day SLO, fraction of the budget consumed) of
#: the SRE Workbook; the windows scale with the SLO window.
GOOGLE_ALERT_POLICY = (("page", 1.0, 0.02), ("page", 6.0, 0.05), ("ticket", 72.0, 0.10))

#: The SLO window [days] the policy's long windows are written for.
POLICY_WINDOW_DAYS = 30.0


def parse_window(text) -> float:
    """A window like ``30d``, ``28d`` or ``30`` to days; refuses anything else."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        days = float(text)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*d?\s*", str(text))
        if not m:
            raise InvalidInputError(f"window: {text!r} is not a number of days such as 30d")
        days = float(m.group(1))
    if not 1 <= days <= 366:
        raise InvalidInputError(f"window: {text!r} is not in [1, 366] days")
    return days


def _check_target(target) -> float:
    t = check_availability(target, "target")
    if t >= 1.0 or t <= 0.0:
        raise InvalidInputError(f"target: {target!r} is not in (0, 1): an SLO of 100% has no budget")
    return float(t)


def error_budget(target, window_days: float = 30.0) -> float:
    """Downtime an SLO allows in its window [s]: ``(1 - target) x window``."""
    _check_target(target)
    return float(unavailability(target)) * parse_window(window_days) * 86400.0


def duration_shorthand(hours: float) -> str:
    """Hours as the shortest exact shorthand: ``1h``, ``5m``, ``3d``, ``30m``, ``90s``."""
    seconds = round(hours * 3600, 6)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def alert_records(alerts: pd.DataFrame) -> list[dict]:
    """``burn_rate_alerts`` rows for JSON, windows also in seconds."""
    return [{"severity": a.severity, "long_window": a.long_window, "short_window": a.short_window,
             "long_window_s": float(a.long_window_h * 3600), "short_window_s": float(a.short_window_h * 3600),
             "burn_rate": float(a.burn_rate), "budget_consumed": float(a.budget_consumed),
             "time_to_exhaust_h": float(a.time_to_exhaust_h)}
            for a in alerts.itertuples()]


def burn_rate_alerts(window_days: float = 30.0, policy=GOOGLE_ALERT_POLICY) -> pd.DataFrame:
    """The multiwindow, multi-burn-rate alert table for an SLO window.

    The policy's long windows are for a 30-day SLO and scale with ``window_days``
    (short window = long / 12), so the thresholds are the same for every window.

    Columns: ``severity``, ``long_window``, ``short_window`` (shorthand),
    ``long_window_h``, ``short_window_h``, ``burn_rate``, ``budget_consumed``
    (fraction), ``time_to_exhaust_h`` (the whole budget at that burn rate).
    """
    days = parse_window(window_days)
    scale = days / POLICY_WINDOW_DAYS
    rows = []
    for severity, base_h, fraction in policy:
        if not (0 < fraction <= 1 and 0 < base_h <= POLICY_WINDOW_DAYS * 24 * fraction):
            raise InvalidInputError(
                f"policy: ({severity!r}, {base_h!r}, {fraction!r}) needs a fraction in (0, 1] "
                f"and a long window in (0, fraction x {POLICY_WINDOW_DAYS * 24:g}] h, so the "
                "threshold is at least 1 (the budget runs out inside the window)")
        long_h = base_h * scale
        burn = POLICY_WINDOW_DAYS * 24 * fraction / base_h  # = days x 24 x fraction / long_h
        rows.append({"severity": severity, "long_window": duration_shorthand(long_h),
                     "short_window": duration_shorthand(long_h / 12), "long_window_h": long_h,
                     "short_window_h": long_h / 12, "burn_rate": burn, "budget_consumed": fraction,
                     "time_to_exhaust_h": days * 24 / burn})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SloPlan:
    """An SLO target against the ceiling of a design, over a window."""

    name: str
    ceiling: float
    ceiling_unavailability: float
    target: float
    window_days: float
    error_budget_s: float
    expected_downtime_s: float

    @property
    def headroom_s(self) -> float:
        """Budget left after the design's expected downtime in the window [s]."""
        return self.error_budget_s - self.expected_downtime_s

    @property
    def budget_used(self) -> float:
        """Fraction of the budget the design spends on average."""
        return self.expected_downtime_s / self.error_budget_s

    @property
    def achievable(self) -> bool:
        return self.expected_downtime_s <= self.error_budget_s

    def to_dict(self) -> dict:
        """The plan's figures for JSON (durations in seconds)."""
        return {"name": self.name, "ceiling": self.ceiling,
                "ceiling_unavailability": self.ceiling_unavailability, "target": self.target,
                "window_days": self.window_days, "error_budget_s": self.error_budget_s,
                "expected_downtime_s": self.expected_downtime_s, "headroom_s": self.headroom_s,
                "achievable": self.achievable}

    def summary(self) -> str:
        """Plain words: the budget, what the design spends of it, and a warning if over."""
        window = f"{self.window_days:g} days"
        text = (f"A {format_percent(self.target)} SLO over {window} allows "
                f"{format_duration(self.error_budget_s)} of downtime. {self.name} is modelled at "
                f"{format_percent(self.ceiling)}, about {format_duration(self.expected_downtime_s)} "
                f"per {window}: {self.budget_used:.0%} of the budget.")
        if not self.achievable:
            text += (f" Warning: the target is above what the design can give; expect to miss "
                     f"it by {format_duration(-self.headroom_s)} per {window} on average.")
        return text


def slo_plan(architecture, target, window_days: float = 30.0) -> SloPlan:
    """An SLO target against a design's ceiling (an ``Architecture`` or an availability)."""
    t = _check_target(target)
    days = parse_window(window_days)
    if hasattr(architecture, "availability") and callable(architecture.availability):
        a, name = architecture.availability(), architecture.name
    else:
        a, name = architecture, "The design"
    check_availability(a, "ceiling")
    q = float(unavailability(a))
    return SloPlan(name, float(a), q, t, days, error_budget(t, days), q * days * 86400.0)


_NAME = re.compile(r"[^a-z0-9-]+")
_SERVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.:-]{0,62}")


def check_service(service) -> str:
    """A service name safe to put inside a PromQL label matcher and a YAML name:
    letters, digits, spaces and ``_ . : -``, starting with a letter or digit, at most 63 long."""
    if not isinstance(service, str) or not _SERVICE.fullmatch(service):
        shown = service if not isinstance(service, str) or len(service) <= 80 else service[:60] + "..."
        raise InvalidInputError(
            f"service: {shown!r} is not a service name; use letters, digits, spaces and _ . : - "
            "(starting with a letter or digit, at most 63 characters)")
    return service


def _dns_name(text: str) -> str:
    """An RFC 1123 label, as OpenSLO and Kubernetes want: lowercase, digits, '-', <= 63."""
    name = _NAME.sub("-", text.lower()).strip("-")[:63].strip("-")
    return name or "slo"


def to_openslo(plan: SloPlan, service: str = "my-service", *, good_query: str | None = None,
               total_query: str | None = None, alerts: pd.DataFrame | None = None) -> str:
    """The SLO and its burn-rate alerts as OpenSLO v1 YAML (several documents).

    One ``SLO`` with an inline ratio indicator and one inline ``AlertPolicy`` per
    alert (a policy holds one condition): ``lookbackWindow`` is the long window
    and ``alertAfter`` the short one.
    """
    check_service(service)
    svc = _dns_name(service)
    good_query = good_query or f'sum(rate(http_requests_total{{service="{service}",code!~"5.."}}[5m]))'
    total_query = total_query or f'sum(rate(http_requests_total{{service="{service}"}}[5m]))'
    alerts = alerts if alerts is not None else burn_rate_alerts(plan.window_days)
    name = _dns_name(f"{service}-availability")
    policies = []
    for a in alerts.itertuples():
        policies.append({
            "kind": "AlertPolicy",
            "metadata": {"name": _dns_name(f"{name}-{a.severity}-{a.long_window}")},
            "spec": {
                "description": f"{a.budget_consumed:.0%} of the budget burned in {a.long_window}",
                "alertWhenNoData": False, "alertWhenResolved": False, "alertWhenBreaching": True,
                "conditions": [{
                    "kind": "AlertCondition",
                    "metadata": {"name": _dns_name(f"{name}-burn-{a.long_window}"),
                                 # OpenSLO has one window per condition: both stated here
                                 "annotations": {"hadr-workbook/long-window": a.long_window,
                                                 "hadr-workbook/short-window": a.short_window,
                                                 "hadr-workbook/slo-window": f"{plan.window_days:g}d"}},
                    "spec": {
                        "description": (f"burn rate {a.burn_rate:g} over {a.long_window}, "
                                        f"confirmed over {a.short_window}"),
                        "severity": a.severity,
                        "condition": {"kind": "burnrate", "op": "gte",
                                      "threshold": round(float(a.burn_rate), 6),
                                      "lookbackWindow": a.long_window,
                                      "alertAfter": a.short_window},
                    },
                }],
                "notificationTargets": [{"targetRef": f"{svc}-{a.severity}"}],
            },
        })
    documents = [
        {"apiVersion": "openslo/v1", "kind": "Service", "metadata": {"name": svc},
         "spec": {"description": f"{plan.name}: modelled ceiling {format_percent(plan.ceiling)}"}},
        {"apiVersion": "openslo/v1", "kind": "SLO",
         "metadata": {"name": name, "displayName": f"{service} availability"},
         "spec": {
             "description": plan.summary()[:1050],
             "service": svc,
             "indicator": {
                 "metadata": {"name": _dns_name(f"{service}-good-requests")},
                 "spec": {"ratioMetric": {
                     "counter": True,
                     "good": {"metricSource": {"type": "Prometheus", "spec": {"query": good_query}}},
                     "total": {"metricSource": {"type": "Prometheus", "spec": {"query": total_query}}},
                 }},
             },
             "timeWindow": [{"duration": f"{plan.window_days:g}d", "isRolling": True}],
             "budgetingMethod": "Occurrences",
             "objectives": [{"displayName": f"{format_percent(plan.target)} of requests succeed",
                             "target": plan.target}],
             "alertPolicies": policies,
         }},
    ]
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)


def to_sloth_alert_windows(plan: SloPlan, alerts: pd.DataFrame | None = None) -> str:
    """The plan's window and alert windows as a sloth ``AlertWindows`` spec
    (``sloth.slok.dev/v1``), for ``sloth generate --slo-period-windows-path DIR
    --default-slo-period Nd``: without it sloth uses its own 30-day windows.

    Sloth wants a quick and a slow window per severity: the two pages are ours, and
    the ticket's quick and slow are both our one ticket alert."""
    alerts = alerts if alerts is not None else burn_rate_alerts(plan.window_days)
    pages = alerts[alerts["severity"] == "page"]
    tickets = alerts[alerts["severity"] == "ticket"]
    if len(pages) != 2 or len(tickets) != 1:
        raise InvalidInputError("alerts: sloth needs two page alerts and one ticket alert")

    def window(a) -> dict:
        return {"errorBudgetPercent": round(float(a.budget_consumed) * 100, 10),
                "shortWindow": a.short_window, "longWindow": a.long_window}

    quick, slow = (window(a) for a in pages.itertuples())
    ticket = window(next(tickets.itertuples()))
    spec = {"apiVersion": "sloth.slok.dev/v1", "kind": "AlertWindows",
            "spec": {"sloPeriod": f"{plan.window_days:g}d",
                     "page": {"quick": quick, "slow": slow},
                     "ticket": {"quick": ticket, "slow": dict(ticket)}}}
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


def to_sloth(plan: SloPlan, service: str = "my-service", *, error_query: str | None = None,
             total_query: str | None = None) -> str:
    """The SLO as a sloth ``prometheus/v1`` spec. Sloth derives its multiwindow
    burn-rate alerts from the objective and an SLO period: give it the plan's window
    and alert windows with ``to_sloth_alert_windows`` (its default is 30 days)."""
    check_service(service)
    error_query = error_query or f'sum(rate(http_requests_total{{service="{service}",code=~"5.."}}[{{{{.window}}}}]))'
    total_query = total_query or f'sum(rate(http_requests_total{{service="{service}"}}[{{{{.window}}}}]))'
    spec = {
        "version": "prometheus/v1",
        "service": service,
        "labels": {"owner": "hadr-workbook"},
        "slos": [{
            "name": "requests-availability",
            "objective": round(plan.target * 100, 10),
            "description": plan.summary(),
            "sli": {"events": {"error_query": error_query, "total_query": total_query}},
            "alerting": {
                "name": f"{re.sub(r'[^A-Za-z0-9]', '', service.title())}HighErrorRate",
                "labels": {"category": "availability"},
                "annotations": {"summary": f"{service} is burning its error budget too fast"},
                "page_alert": {"labels": {"severity": "page"}},
                "ticket_alert": {"labels": {"severity": "ticket"}},
            },
        }],
    }
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
