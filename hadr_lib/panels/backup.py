"""The backup tab: a schedule in; storage, cost, RPO, restore time and warnings out."""

from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as widgets

from ..backup import ASSUMPTIONS as BACKUP_ASSUMPTIONS
from ..backup import BackupPlan, describe_backups, plan_backups
from ..formatting import DURATION_STEPS_S, format_duration, format_price
from ..plots import restore_timeline_figure
from ..scenario import BACKUP_FIELDS
from .base import (
    LABEL_STYLE,
    WIDE,
    Panel,
    assumptions,
    chart,
    hours_slider,
    set_hours,
    set_snapped,
    show_value,
    snap_slider,
    update_figure,
)
from .tabs import AppTab

__all__ = ["BackupPanel"]


def _amount(unit: str):
    return lambda v: f"{v:,.6g} {unit}"


def _hours(h: float) -> str:
    return format_duration(h * 3600)


class BackupPanel(Panel):
    """A backup schedule in; storage, monthly cost, RPO, restore timeline and
    warnings out. Keyword arguments are ``BackupPlan`` fields. With a ``workspace``,
    the targets are the scenario's for corrupted data (what backups are for) and,
    where the scenario counts data in GB, the daily change follows its write rate."""

    def __init__(self, workspace=None, **plan):
        super().__init__(workspace)
        kept = dict(workspace.scenario.backup or {}) if workspace is not None else {}
        self.base = BackupPlan(**{"data_gb": 1000.0, "daily_change": 0.05, **plan, **kept})
        b = self.base
        wide, style = dict(WIDE), LABEL_STYLE
        self.controls = {
            "data_gb": snap_slider(b.data_gb, *self._snap("data_gb"), "Data"),
            "daily_change": widgets.FloatSlider(value=b.daily_change, min=0, max=1, step=0.005,
                                                description="Changed per day (fraction)",
                                                continuous_update=False, layout=wide, style=style),
            "full_every_days": widgets.FloatSlider(value=b.full_every_days, min=1, max=35, step=1,
                                                   description="Full backup every (days)",
                                                   continuous_update=False, layout=wide, style=style),
            "incremental_every_h": widgets.FloatSlider(
                value=b.incremental_every_h or 24, min=1, max=168, step=1,
                description="Then every (hours)", continuous_update=False, layout=wide, style=style),
            "mode": widgets.Dropdown(options=["incremental", "differential"], value=b.mode,
                                     description="Kind", style=style),
            # Unindented and as wide as their words: an indented checkbox's label is cut to
            # the indent's width and wrapped over the next control.
            "log_shipping": widgets.Checkbox(value=b.log_shipping_every_s is not None,
                                             description="Ship logs (point-in-time recovery)",
                                             indent=False, layout={"width": "auto"}),
            "log_shipping_every_s": widgets.SelectionSlider(
                options=[(format_duration(v), v) for v in sorted(
                    {float(x) for x in DURATION_STEPS_S if x <= 86400} | {float(b.log_shipping_every_s or 300)})],
                value=float(b.log_shipping_every_s or 300), description="Log segment every",
                continuous_update=False, layout=wide, style=style),
            "retention_days": widgets.FloatSlider(value=b.retention_days, min=1, max=400, step=1,
                                                  description="Keep backups (days)",
                                                  continuous_update=False, layout=wide, style=style),
            "restore_gb_per_h": snap_slider(b.restore_gb_per_h, *self._snap("restore_gb_per_h"), "Restore rate"),
            "backup_gb_per_h": snap_slider(b.backup_gb_per_h, *self._snap("backup_gb_per_h"), "Backup rate"),
            "cross_region_copy": widgets.Checkbox(value=b.cross_region_copy,
                                                  description="Copy to another region",
                                                  indent=False, layout={"width": "auto"}),
            "copy_lag_h": widgets.FloatSlider(value=b.copy_lag_h, min=0, max=24, step=0.25,
                                              description="Copy lag (hours)",
                                              continuous_update=False, layout=wide, style=style),
            "price_per_gb_month": snap_slider(b.price_per_gb_month, *self._snap("price_per_gb_month"),
                                              "Storage price"),
            "rto_h": hours_slider(b.rto_h or 8, 0.01, 168, "Restore within (RTO)"),
            "rpo_h": hours_slider(b.rpo_h or 24, 1e-3, 168, "Lose at most (RPO)"),
        }
        self.controls["rto_h"].add_class("hadr-backup-rto")
        self.controls["rpo_h"].add_class("hadr-backup-rpo")
        self.source = widgets.HTML()
        self.summary = widgets.HTML()
        self.summary.add_class("hadr-backup-summary")
        self.warnings = widgets.HTML()
        if workspace is not None:
            with self.hold():
                self.from_workspace(None)
        self.result = plan_backups(self.plan())
        self.chart = chart(restore_timeline_figure(self.result))
        for name, control in self.controls.items():
            control.observe(self.update if name in ("rto_h", "rpo_h") else self._moved, names="value")
        self.update()
        self.widget = widgets.VBox([self.source, *self.controls.values(), self.summary,
                                    self.warnings, self.chart, self.message,
                                    assumptions(BACKUP_ASSUMPTIONS)])

    def _moved(self, change=None) -> None:
        """A setting moved: the scenario keeps the schedule (its file, the link, the report)."""
        if self._holding:
            return
        if self.workspace is not None:
            try:
                self.ws.what_if(origin=self, backup=self.schedule())
            except Exception as exc:  # shown, never lost
                self.message.value = f"Could not keep that schedule: {html.escape(str(exc))}"
        self.update()

    def schedule(self) -> dict:
        """The schedule as a scenario keeps it (``scenario.BACKUP_FIELDS``)."""
        plan = self.plan()
        return {k: getattr(plan, k) for k in BACKUP_FIELDS}

    def _show_schedule(self, kept) -> None:
        """Show a schedule the scenario keeps on the controls."""
        c = self.controls
        for name in ("data_gb", "restore_gb_per_h", "backup_gb_per_h", "price_per_gb_month"):
            if kept.get(name) is not None:
                set_snapped(c[name], float(kept[name]), *self._snap(name))
        for name in ("daily_change", "full_every_days", "incremental_every_h", "retention_days", "copy_lag_h"):
            if kept.get(name) is not None:
                c[name].max = max(c[name].max, float(kept[name]))
                c[name].value = float(kept[name])
        if kept.get("mode") is not None:
            c["mode"].value = kept["mode"]
        if "log_shipping_every_s" in kept:
            every = kept["log_shipping_every_s"]
            c["log_shipping"].value = every is not None
            if every is not None:
                show_value(c["log_shipping_every_s"], float(every),
                           lambda v: [(format_duration(x), x) for x in sorted(
                               {float(x) for x in DURATION_STEPS_S if x <= 86400} | {v})])
        if kept.get("cross_region_copy") is not None:
            c["cross_region_copy"].value = bool(kept["cross_region_copy"])
        if kept.get("log_replay_gb_per_h") is not None:
            self.base = replace(self.base, log_replay_gb_per_h=float(kept["log_replay_gb_per_h"]))

    def _snap(self, name: str) -> tuple:
        """(low, high, read-out) of the snapping slider ``name``: sizes and rates in GB, the
        storage price in the scenario's currency ($0.023 per GB-month)."""
        if name == "price_per_gb_month":
            currency = self._currency()
            return 1e-4, 1, lambda v: f"{format_price(v, currency)} per GB-month"
        return (1, 1e6, _amount("GB")) if name == "data_gb" else (1, 1e5, _amount("GB/h"))

    def from_workspace(self, change) -> None:
        sc = self.ws.scenario
        price = self.controls["price_per_gb_month"]
        set_snapped(price, float(price.value), *self._snap("price_per_gb_month"))  # a switch may change currency
        if sc.backup is not None and (change is None or change.scenario):
            self._show_schedule(sc.backup)
        rto, rpo = sc.rto_targets["data_corruption"], sc.rpo_targets["data_corruption"]
        set_hours(self.controls["rto_h"], rto, 0.01, 168)
        set_hours(self.controls["rpo_h"], max(rpo, 1e-3), 1e-3, 168)
        note = (f"Targets from <b>{html.escape(sc.name)}</b> for corrupted data (what backups "
                f"restore from): back within {_hours(rto)}, losing at most {_hours(rpo)}.")
        if sc.data_unit == "GB" and self.controls["data_gb"].value > 0 and sc.backup is None:
            per_day = sc.data_written_per_hour * 24
            self.controls["daily_change"].value = min(1.0, round(per_day / self.controls["data_gb"].value, 3))
            note += f" It writes about {per_day:,.3g} GB a day."
        self.source.value = f"<p><small>{note}</small></p>"

    def plan(self) -> BackupPlan:
        v = {k: w.value for k, w in self.controls.items()}
        return BackupPlan(
            data_gb=float(v["data_gb"]), daily_change=float(v["daily_change"]),
            full_every_days=float(v["full_every_days"]),
            incremental_every_h=float(v["incremental_every_h"]), mode=v["mode"],
            log_shipping_every_s=float(v["log_shipping_every_s"]) if v["log_shipping"] else None,
            retention_days=float(v["retention_days"]), backup_gb_per_h=float(v["backup_gb_per_h"]),
            restore_gb_per_h=float(v["restore_gb_per_h"]),
            log_replay_gb_per_h=self.base.log_replay_gb_per_h,
            cross_region_copy=bool(v["cross_region_copy"]), copy_lag_h=float(v["copy_lag_h"]),
            price_per_gb_month=float(v["price_per_gb_month"]), rto_h=float(v["rto_h"]),
            rpo_h=float(v["rpo_h"]))

    def _currency(self) -> str:
        """The workspace scenario's currency (USD without a workspace)."""
        ws = self.workspace
        return ws.scenario.currency if ws is not None and ws.scenario is not None else "USD"

    def refresh(self) -> None:
        r = self.result = plan_backups(self.plan())
        self.summary.value = ("<p style='font-size:1.1em'>" +
                              "<br>".join(html.escape(x) for x in describe_backups(r, self._currency())) + "</p>")
        items = "".join(f"<li>{html.escape(w)}</li>" for w in r.warnings)
        self.warnings.value = f"<ul style='color:#a60'>{items}</ul>" if items else ""
        update_figure(self.chart, restore_timeline_figure(r))


#: The app's tab (see ``panels.tabs``).
TAB = AppTab(
    "backup", "Backup",
    lambda ctx: BackupPanel(workspace=ctx.workspace),
    ready=".hadr-backup-summary",
    about="a backup schedule: storage, monthly cost, RPO and the restore timeline",
)
