"""Backup plans: storage under retention, what it costs, the RPO it gives and how
long a restore takes.

Assumptions, stated in the result's ``assumptions``: changes are spread evenly
over the day and do not overlap (so an incremental holds ``data x daily change x
interval / 24`` and a differential grows linearly until the next full, capped at
the data size); log volume equals the changed data; a backup reflects the data at
the moment it starts; the worst restore is the one just before the next full
(the longest chain); throughputs are sustained rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .checks import InvalidInputError, check_number
from .formatting import format_duration, format_money

__all__ = ["ASSUMPTIONS", "BackupPlan", "BackupResult", "describe_backups", "plan_backups"]

_MODES = ("incremental", "differential")

#: What every result assumes, for people reading it.
ASSUMPTIONS = (
    "Changes are spread evenly over the day and do not overlap; log volume equals the "
    "changed data; a backup reflects the data when it starts; the worst restore is the "
    "one just before the next full; throughputs are sustained rates.")


def _check(name: str, value, *, low=0.0, low_open=False, high=math.inf, allow_none=False):
    if value is None and allow_none:
        return None
    return check_number(name, value, low, high, low_open=low_open)


@dataclass(frozen=True)
class BackupPlan:
    """A backup schedule and the figures needed to price and time it.

    Parameters
    ----------
    data_gb : float
        Size of the data [GB].
    daily_change : float
        Fraction of the data changed per day [fraction/day].
    full_every_days : float
        Days between full backups [days].
    incremental_every_h : float or None
        Hours between incremental or differential backups [h]; None for fulls only.
    mode : str
        ``incremental`` (changes since the last backup) or ``differential`` (since the last full).
    log_shipping_every_s : float or None
        Continuous log shipping or point-in-time recovery: seconds between shipped
        log segments [s]; None for none.
    retention_days : float
        How long backups are kept [days].
    backup_gb_per_h, restore_gb_per_h : float
        Sustained backup and restore throughput [GB/h].
    log_replay_gb_per_h : float or None
        Log replay rate [GB/h]; the restore rate when None.
    cross_region_copy : bool
        Whether every backup is copied to another region.
    copy_lag_h : float
        How far that copy trails [h].
    price_per_gb_month : float
        Storage price [currency per GB-month], applied to every copy.
    rto_h, rpo_h : float or None
        Targets to check the plan against [h].
    """

    data_gb: float
    daily_change: float
    full_every_days: float = 7.0
    incremental_every_h: float | None = 24.0
    mode: str = "incremental"
    log_shipping_every_s: float | None = None
    retention_days: float = 30.0
    backup_gb_per_h: float = 500.0
    restore_gb_per_h: float = 250.0
    log_replay_gb_per_h: float | None = None
    cross_region_copy: bool = False
    copy_lag_h: float = 0.0
    price_per_gb_month: float = 0.023
    rto_h: float | None = None
    rpo_h: float | None = None

    def __post_init__(self):
        _check("data_gb", self.data_gb, low_open=True)
        _check("daily_change", self.daily_change, high=1.0)
        _check("full_every_days", self.full_every_days, low_open=True, high=3650)
        _check("incremental_every_h", self.incremental_every_h, low_open=True, allow_none=True)
        if self.mode not in _MODES:
            raise InvalidInputError(f"mode: {self.mode!r} is not a backup mode; use one of {', '.join(_MODES)}")
        _check("log_shipping_every_s", self.log_shipping_every_s, low_open=True, allow_none=True)
        _check("retention_days", self.retention_days, low_open=True, high=36500)
        _check("backup_gb_per_h", self.backup_gb_per_h, low_open=True)
        _check("restore_gb_per_h", self.restore_gb_per_h, low_open=True)
        _check("log_replay_gb_per_h", self.log_replay_gb_per_h, low_open=True, allow_none=True)
        if not isinstance(self.cross_region_copy, bool):
            raise InvalidInputError(f"cross_region_copy: {self.cross_region_copy!r} is not true or false")
        _check("copy_lag_h", self.copy_lag_h)
        _check("price_per_gb_month", self.price_per_gb_month)
        _check("rto_h", self.rto_h, low_open=True, allow_none=True)
        _check("rpo_h", self.rpo_h, allow_none=True)


@dataclass(frozen=True)
class BackupResult:
    """What a plan gives. Sizes in GB, times in hours, cost per month."""

    storage_gb: float
    monthly_cost: float
    fulls_kept: int
    chain_length: int
    rpo_worst_h: float
    rpo_average_h: float
    region_rpo_worst_h: float
    restore_stages: tuple  # (name, start_h, duration_h)
    restore_h: float
    meets_rto: bool | None
    meets_rpo: bool | None
    warnings: tuple
    assumptions: str = field(default="")


def plan_backups(plan: BackupPlan) -> BackupResult:
    """Storage, monthly cost, RPO, restore timeline and warnings of a backup plan."""
    p = plan
    change_gb_h = p.data_gb * p.daily_change / 24.0
    cycle_h = p.full_every_days * 24.0
    if p.incremental_every_h is not None and p.incremental_every_h < cycle_h:
        step_h = p.incremental_every_h
        per_cycle = max(int(math.ceil(cycle_h / step_h - 1e-9)) - 1, 0)  # backups between fulls
    else:
        step_h, per_cycle = cycle_h, 0
    inc_gb = change_gb_h * step_h
    if p.mode == "incremental":
        sizes = [inc_gb] * per_cycle
    else:
        sizes = [min(p.data_gb, inc_gb * k) for k in range(1, per_cycle + 1)]
    fulls_kept = int(math.ceil(p.retention_days / p.full_every_days - 1e-9)) + 1
    logs_gb = 0.0
    if p.log_shipping_every_s is not None:
        logs_gb = change_gb_h * 24.0 * (p.retention_days + p.full_every_days)
    copies = 2 if p.cross_region_copy else 1
    storage = copies * (fulls_kept * (p.data_gb + sum(sizes)) + logs_gb)
    monthly = storage * p.price_per_gb_month

    if p.log_shipping_every_s is not None:
        rpo_worst = p.log_shipping_every_s / 3600.0
    else:
        rpo_worst = step_h
    rpo_avg = rpo_worst / 2
    region_rpo = rpo_worst + p.copy_lag_h if p.cross_region_copy else math.inf

    stages, t = [], 0.0

    def stage(name, hours):
        nonlocal t
        stages.append((name, t, hours))
        t += hours

    stage("restore the full backup", p.data_gb / p.restore_gb_per_h)
    if per_cycle:
        if p.mode == "incremental":
            stage(f"apply {per_cycle} incrementals", sum(sizes) / p.restore_gb_per_h)
        else:
            stage("apply the differential", sizes[-1] / p.restore_gb_per_h)
    if p.log_shipping_every_s is not None:
        replay = p.log_replay_gb_per_h or p.restore_gb_per_h
        stage("replay logs since the last backup", change_gb_h * step_h / replay)
    restore_h = t

    warnings = []
    if p.retention_days < p.full_every_days:
        warnings.append(
            f"Retention ({p.retention_days:g} days) is shorter than the full-backup cycle "
            f"({p.full_every_days:g} days): the full that the oldest {p.mode}s depend on is "
            "deleted first, so those restore points cannot be restored.")
    if p.mode == "incremental" and per_cycle > 48:
        warnings.append(
            f"A chain of up to {per_cycle} incrementals: one damaged link breaks every later "
            "restore point of its cycle; consider more frequent fulls or differentials.")
    if p.data_gb / p.backup_gb_per_h > cycle_h:
        warnings.append("A full backup takes longer than the time between fulls.")
    if per_cycle and (sizes[-1] / p.backup_gb_per_h) > step_h:
        warnings.append(f"An {p.mode} backup takes longer than the {format_duration(step_h * 3600)} between them.")
    if not p.cross_region_copy:
        warnings.append("No copy outside the region: a region loss loses every backup.")
    meets_rto = None if p.rto_h is None else restore_h <= p.rto_h
    meets_rpo = None if p.rpo_h is None else rpo_worst <= p.rpo_h
    if p.rto_h is not None and not meets_rto:
        warnings.append(f"The worst restore ({format_duration(restore_h * 3600)}) is slower than "
                        f"the RTO ({format_duration(p.rto_h * 3600)}).")
    if p.rpo_h is not None and not meets_rpo:
        warnings.append(f"The worst-case RPO ({format_duration(rpo_worst * 3600)}) is above "
                        f"the target ({format_duration(p.rpo_h * 3600)}).")
    return BackupResult(storage, monthly, fulls_kept, per_cycle, rpo_worst, rpo_avg, region_rpo,
                        tuple(stages), restore_h, meets_rto, meets_rpo, tuple(warnings),
                        ASSUMPTIONS)


def describe_backups(result: BackupResult, currency: str = "") -> list[str]:
    """The result in sentences: storage and cost (in ``currency``, e.g. a scenario's
    ``"EUR"``; a bare amount without one), RPO, worst restore."""
    yes = {True: "meets", False: "misses", None: "no target for"}
    region = ("" if result.region_rpo_worst_h == math.inf else
              f"; after a region loss {format_duration(result.region_rpo_worst_h * 3600)}")
    cost = format_money(result.monthly_cost, currency) if currency else f"{result.monthly_cost:,.2f}"
    return [
        f"Storage kept: {result.storage_gb:,.0f} GB ({result.fulls_kept} fulls, chains of "
        f"{result.chain_length}), about {cost} a month.",
        f"RPO: at worst {format_duration(result.rpo_worst_h * 3600)}, on average "
        f"{format_duration(result.rpo_average_h * 3600)}{region} ({yes[result.meets_rpo]} the RPO).",
        f"Worst restore: {format_duration(result.restore_h * 3600)} ({yes[result.meets_rto]} the RTO).",
    ]
