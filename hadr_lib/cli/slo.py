"""`hadr slo`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

from ..architecture_file import load_architecture
from ..formatting import format_duration
from ..slo import (
    alert_records,
    burn_rate_alerts,
    check_service,
    parse_window,
    slo_plan,
    to_openslo,
    to_sloth,
    to_sloth_alert_windows,
)
from .common import (
    ARCH_FILE,
    Command,
    parse_availability,
    print_json,
)


def run(args) -> int:
    arch = load_architecture(args.file)
    target = parse_availability(args.target, field="target", bare_percent=True)
    check_service(args.service)
    plan = slo_plan(arch, target, parse_window(args.window))
    alerts = burn_rate_alerts(plan.window_days)
    if args.format == "openslo":
        print(to_openslo(plan, args.service), end="")
        return 0
    if args.format == "sloth":
        print(to_sloth(plan, args.service), end="")
        print(f"---\n# Alert windows for a {plan.window_days:g}-day SLO: save this document in a "
              "folder of its own and run\n# sloth generate --slo-period-windows-path FOLDER "
              f"--default-slo-period {plan.window_days:g}d ...")
        print(to_sloth_alert_windows(plan), end="")
        return 0
    if args.format == "json":
        out = {**plan.to_dict(), "alerts": alert_records(alerts)}
        print_json(out)
        return 0
    print(plan.summary())
    view = alerts[["severity", "long_window", "short_window", "burn_rate", "budget_consumed"]].copy()
    view["budget_consumed"] = [f"{x:.0%}" for x in view["budget_consumed"]]
    view["burn_rate"] = [f"{x:.4g}" for x in view["burn_rate"]]
    view["budget gone in"] = [format_duration(h * 3600) for h in alerts["time_to_exhaust_h"]]
    print()
    print(view.to_string(index=False))
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=ARCH_FILE)
    p.add_argument("--target", required=True, help="e.g. 99.95 (percent), 99.95%% or 0.9995")
    p.add_argument("--window", default="30d", help="SLO window in days, e.g. 7d, 28d, 30d, 90d")
    p.add_argument("--service", default="my-service", help="service name in the exports")


COMMAND = Command(
    "slo", run, "error budget and burn-rate alerts for an SLO on a design",
    "An SLO target against an architecture's ceiling: the error budget, the "
    "headroom, and the multiwindow burn-rate alerts.",
    formats=("table", "json", "openslo", "sloth"),
    arguments=add_arguments)
