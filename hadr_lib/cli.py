"""The ``hadr`` command line: thin subcommands over the library.

Bad input exits with status 2 and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from . import __version__
from .architecture_file import load_architecture
from .availability import DAYS_PER_YEAR, PERIODS, downtime, nines, period_info, unavailability
from .budget import BUDGET_PERIODS, downtime_table, format_downtime_table
from .catalog import SLA_DISCLAIMER
from .checks import InvalidInputError
from .dr import (
    break_even_table,
    format_strategy_table,
    recommend,
    recommendation_sentence,
    strategy_table,
)
from .formatting import format_duration, format_percent
from .scenario import load_scenario
from .slo import (
    burn_rate_alerts,
    check_service,
    parse_window,
    slo_plan,
    to_openslo,
    to_sloth,
    to_sloth_alert_windows,
)
from .verdict import improvement_advice


def parse_availability(text: str, field: str = "availability", bare_percent: bool = False) -> float:
    """``99.95%`` or ``0.9995`` to a fraction, keeping the typed decimal (so
    ``99.9999999%`` is exactly 1e-9 short of 1). With ``bare_percent``, a bare number
    above 1 is a percentage (``--target 99.95``)."""
    t = text.strip()
    percent = t.endswith("%")
    try:
        value = Decimal(t[:-1] if percent else t)
    except InvalidOperation:
        raise InvalidInputError(
            f"{field}: {text!r} is not a number (write 99.95% or 0.9995)") from None
    if not value.is_finite():
        raise InvalidInputError(
            f"{field}: {text!r} is not a finite number (write 99.95% or 0.9995)")
    if bare_percent and not percent and value > 1:
        percent = True
    if percent:
        value = value / 100
    if not value.is_finite() or not 0 <= value <= 1:
        raise InvalidInputError(
            f"{field}: {text!r} is not in [0, 1] or [0%, 100%] (write 99.95% or 0.9995)")
    return float(value)


def _cmd_downtime(args) -> int:
    values = [parse_availability(t) for t in args.availability]
    table = downtime_table(values, args.periods, year_days=args.year_days)
    if args.format == "json":
        rows = []
        for a in values:
            rows.append({
                "availability": a,
                "unavailability": unavailability(a),
                "nines": nines(a),
                "downtime_s": {p: float(downtime(a, p, year_days=args.year_days))
                               for p in args.periods},
            })
        _print_json({"year_days": args.year_days, "basis": table.attrs["basis"], "rows": rows})
    else:
        print(format_downtime_table(table).to_string())
        for p, basis in table.attrs["basis"].items():
            print(f"  {p}: {basis}")
    return 0


#: Version of the JSON the commands print: raised when a key is renamed or removed.
SCHEMA_VERSION = 1


def _print_json(out: dict) -> None:
    """One JSON document on stdout: ``schema_version`` first, no NaN or infinity
    (a value that has none is null)."""
    doc = {"schema_version": SCHEMA_VERSION, **out}
    print(json.dumps(doc, indent=2, allow_nan=False))


def _json_rows(rows) -> list[dict]:
    """Records for JSON: a float that is NaN or infinite becomes null."""
    return [{k: (_finite(v) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]


def _flag_names(exc: InvalidInputError, flags: dict[str, str]) -> InvalidInputError:
    """The library's error with the flag the user typed in place of the parameter
    (``repair_sigma: ...`` -> ``--repair-sigma: ...``)."""
    text = str(exc)
    for param, flag in flags.items():
        if text.startswith(f"{param}:"):
            return InvalidInputError(flag + text[len(param):])
    return exc


def _finite(x):
    """JSON has no infinity: a perfect system's nines become null."""
    return None if x is None or not math.isfinite(x) else float(x)


def _uncertainty(args, arch):
    """The --uncertainty draws, or None when not asked for."""
    if args.uncertainty is None:
        return None
    from .uncertainty import propagate

    target = (None if args.target is None
              else parse_availability(args.target, field="target", bare_percent=True))
    try:
        return propagate(arch, args.uncertainty, args.seed, target=target,
                         default_error_factor=args.error_factor, year_days=args.year_days)
    except InvalidInputError as exc:
        raise _flag_names(exc, {"draws": "--uncertainty", "seed": "--seed",
                                "error_factor": "--error-factor"}) from None


def _cmd_evaluate(args) -> int:
    arch = load_architecture(args.file)
    e = arch.evaluate(year_days=args.year_days)
    imp = arch.importance(year_days=args.year_days, include_groups=True)
    unc = _uncertainty(args, arch)
    if args.format == "json":
        out = {
            "name": arch.name,
            "availability": float(e.availability),
            "unavailability": e.unavailability,
            "nines": _finite(e.nines),
            "downtime_per_year_s": e.downtime_per_year_s,
            "downtime_per_month_s": e.downtime_per_month_s,
            "outages_per_year": _finite(e.outages_per_year),
            "mean_outage_s": _finite(e.mean_outage_s),
            "year_days": args.year_days,
            "components": [
                {"name": r.name, "kind": r.kind, "provider_sla": bool(r.provider_sla),
                 "birnbaum": _finite(float(r.birnbaum)),
                 "downtime_saved_per_year_s": float(r.downtime_saved_per_year_s)}
                for r in imp.itertuples()
            ],
            "cost_per_year": arch.cost_per_year,
        }
        if unc is not None:
            out["uncertainty"] = {
                "draws": unc.draws, "seed": unc.seed, **unc.summary(),
                "learn_more_about": [{"name": r.name, "kind": r.kind, "error_factor": r.error_factor,
                                      "share": float(r.share)} for r in unc.sensitivity.itertuples()],
            }
        _print_json(out)
        return 0
    year, month = period_info("year", year_days=args.year_days), period_info("month", year_days=args.year_days)
    print(arch.name)
    print(f"  availability   {format_percent(e.availability)}  "
          f"(unavailability {e.unavailability:.4g}, {e.nines:.2f} nines)")
    print(f"  downtime       {format_duration(e.downtime_per_year_s)} per year ({year.basis}); "
          f"{format_duration(e.downtime_per_month_s)} per month ({month.basis})")
    if e.outages_per_year is not None and e.mean_outage_s is not None:
        print(f"  outages        {e.outages_per_year:.3g} per year, "
              f"{format_duration(e.mean_outage_s)} on average")
    elif e.outages_per_year is not None:
        print("  outages        none (the design never goes down)")
    else:
        print("  outages        unknown (needs mtbf_h and mttr_h on every component)")
    if unc is not None:
        sm = unc.summary()
        d = sm["downtime_per_year_s"]
        print(f"  uncertainty    {unc.draws:,} draws (seed {unc.seed}): downtime per year "
              f"p5 {format_duration(d['p5'])}, median {format_duration(d['p50'])}, "
              f"p95 {format_duration(d['p95'])}, mean {format_duration(d['mean'])}")
        if sm["p_meet_target"] is not None:
            print(f"                 chance of meeting {format_percent(unc.target)}: "
                  f"{sm['p_meet_target']:.1%}")
        if len(unc.sensitivity):
            top = ", ".join(f"{r.name} ({r.share:.0%})" for r in unc.sensitivity.head(3).itertuples())
            print(f"                 learn more about: {top}")
        else:
            print("                 no figure has an error factor (give error_factor, "
                  "beta_error_factor or failover_error_factor in the design, or --error-factor)")
    print("\nWhat to improve first (downtime saved per year if the part were perfect, or the "
          "group's failures independent):")
    table = pd.DataFrame({
        "part": imp["name"],
        "kind": ["common cause" if k == "common_cause" else "provider SLA" if p else "yours"
                 for k, p in zip(imp["kind"], imp["provider_sla"])],
        "birnbaum": ["" if b != b else f"{b:.4g}" for b in imp["birnbaum"]],
        "saved per year": [format_duration(x) for x in imp["downtime_saved_per_year_s"]],
    })
    table.index = range(1, len(table) + 1)
    print(table.to_string())
    print()
    print("\n".join(improvement_advice(imp)))
    print(f"\nAssumes independent failures except inside common-cause groups. {SLA_DISCLAIMER}")
    return 0


def _cmd_dr(args) -> int:
    scenario = load_scenario(args.scenario)
    table = strategy_table(scenario)
    rec, reason = recommend(table)
    if args.format == "json":
        out = {
            "scenario": scenario.name,
            "currency": scenario.currency,
            "strategies": [
                {"name": r.strategy, "label": r.label, "annual_cost": float(r.annual_cost),
                 "expected_loss": float(r.expected_loss), "worst_case_loss": float(r.worst_case_loss),
                 "total_cost": float(r.total_cost),
                 "data_lost_per_year": float(r.data_lost_per_year),
                 "data_lost_per_year_worst": float(r.data_lost_per_year_worst),
                 "downtime_per_year_h": float(r.downtime_per_year_h),
                 "meets_rto": bool(r.meets_rto), "meets_rpo": bool(r.meets_rpo)}
                for r in table.itertuples()
            ],
            "recommended": rec,
            "reason": reason,
            "break_even": [
                {"from": r["from"], "to": r["to"],
                 "downtime_cost_per_hour": _finite(r["break_even_cost_per_hour"])}
                for _, r in break_even_table(scenario, table).iterrows()
            ],
        }
        _print_json(out)
        return 0
    view = format_strategy_table(scenario, table)
    view.index = range(1, len(view) + 1)
    print(f"{scenario.name} (money in {scenario.currency} per year)")
    print(view.to_string())
    print()
    print(recommendation_sentence(scenario, table))
    return 0


def _cmd_slo(args) -> int:
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
        out = {
            "name": arch.name,
            "ceiling": plan.ceiling,
            "ceiling_unavailability": plan.ceiling_unavailability,
            "target": plan.target,
            "window_days": plan.window_days,
            "error_budget_s": plan.error_budget_s,
            "expected_downtime_s": plan.expected_downtime_s,
            "headroom_s": plan.headroom_s,
            "achievable": plan.achievable,
            "alerts": [
                {"severity": a.severity, "long_window": a.long_window,
                 "short_window": a.short_window, "long_window_s": float(a.long_window_h * 3600),
                 "short_window_s": float(a.short_window_h * 3600),
                 "burn_rate": float(a.burn_rate),
                 "budget_consumed": float(a.budget_consumed),
                 "time_to_exhaust_h": float(a.time_to_exhaust_h)}
                for a in alerts.itertuples()
            ],
        }
        _print_json(out)
        return 0
    print(plan.summary())
    view = alerts[["severity", "long_window", "short_window", "burn_rate", "budget_consumed"]].copy()
    view["budget_consumed"] = [f"{x:.0%}" for x in view["budget_consumed"]]
    view["burn_rate"] = [f"{x:.4g}" for x in view["burn_rate"]]
    view["budget gone in"] = [format_duration(h * 3600) for h in alerts["time_to_exhaust_h"]]
    print()
    print(view.to_string(index=False))
    return 0


def _cmd_simulate(args) -> int:
    from .simulation import simulate

    arch = load_architecture(args.file)
    sla = parse_availability(args.sla, "--sla", bare_percent=True)
    try:
        result = simulate(arch, years=args.years, runs=args.runs, seed=args.seed, sla=sla,
                          repair=args.repair, repair_sigma=args.repair_sigma,
                          default_mttr_h=args.default_mttr_h, start_year=args.start_year,
                          workers=args.workers, progress=not args.quiet)
    except KeyboardInterrupt:
        print("hadr simulate: interrupted; nothing was written", file=sys.stderr)
        return 130
    except InvalidInputError as exc:
        raise _flag_names(exc, {p: "--" + p.replace("_", "-") for p in (
            "years", "runs", "seed", "workers", "repair_sigma", "default_mttr_h", "start_year",
            "repair")}) from None
    if args.format == "json":
        _print_json(result.to_dict())
        return 0
    print(arch.name)
    table = result.summary_table()
    print(table.to_string(index=False, header=False))
    print("\nAssumes independent failures except inside common-cause groups, one repair crew "
          f"per component, {args.repair} repairs; components known only by an SLA get a "
          f"{args.default_mttr_h:g} h repair time. {SLA_DISCLAIMER}")
    return 0


def _cmd_compare(args) -> int:
    from .compare import changed_blocks, compare, format_compare_table

    designs = [load_architecture(f) for f in args.files]
    table = compare(designs, year_days=args.year_days)
    changes = {d.name: changed_blocks(designs[0], d) for d in designs[1:]}
    if args.format == "json":
        _print_json({"year_days": args.year_days,
                     "designs": _json_rows(table.to_dict(orient="records")),
                     "changes_from_first": changes})
        return 0
    print(format_compare_table(table).to_string())
    for name, lines in changes.items():
        print(f"\n{designs[0].name} -> {name}:")
        print("\n".join(f"  {line}" for line in lines) or "  no change in components")
    print(f"\nAssumes independent failures except inside common-cause groups. {SLA_DISCLAIMER}")
    return 0


def _cmd_optimize(args) -> int:
    from .compare import best_sentence, optimize, parse_vary

    arch = load_architecture(args.file)
    target = parse_availability(args.target, field="target", bare_percent=True)
    result = optimize(arch, target, parse_vary(args.vary), year_days=args.year_days)
    varied = result.varied
    if args.format == "json":
        frontier = [{**{n: int(r[n]) for n in varied}, "cost_per_year": float(r["cost_per_year"]),
                     "unavailability": float(r["unavailability"]), "nines": _finite(r["nines"]),
                     "meets_target": bool(r["meets_target"])}
                    for _, r in result.frontier.iterrows()]
        best = None if result.best is None else _json_rows([result.best])[0]
        _print_json({"name": arch.name, "target": target, "combinations": len(result.table),
                     "best": best, "frontier": frontier})
        return 0
    print(f"{arch.name}: {len(result.table):,} combinations of replica counts")
    print(best_sentence(result, args.year_days))
    view = result.frontier.copy()
    view["nines"] = [f"{x:.3f}" for x in view["nines"]]
    view["downtime/year"] = [format_duration(x) for x in view["downtime_per_year_s"]]
    view["cost/year"] = [f"{c:,.0f}" for c in view["cost_per_year"]]
    view["meets target"] = ["yes" if m else "no" for m in view["meets_target"]]
    print("\nCost against nines (no other combination is both cheaper and better):")
    print(view[[*varied, "nines", "downtime/year", "cost/year", "meets target"]]
          .to_string(index=False))
    return 0


def _cmd_fit(args) -> int:
    from .history import (
        comparison_lines,
        designed_vs_measured,
        fit_incidents,
        read_incidents,
        write_fitted_design,
    )

    incidents = read_incidents(args.file, args.input_format)
    table = fit_incidents(incidents, start=args.start, end=args.end, seed=args.seed)
    compared = None
    if args.design:
        compared = designed_vs_measured(load_architecture(args.design), table).to_dict(orient="records")
    if args.write:
        if not args.design:
            raise InvalidInputError("--write: needs --design (the design to update)")
        changed = write_fitted_design(args.design, table, args.write,
                                      f"fitted from {Path(args.file).name}, {len(incidents)} incidents",
                                      force=args.force)
    if args.format == "json":
        doc: dict = {"components": _json_rows(table.to_dict(orient="records"))}
        if compared is not None:
            doc["designed_vs_measured"] = _json_rows(compared)
        _print_json(doc)
        return 0
    view = pd.DataFrame({
        "component": table["component"],
        "outages": table["outages"],
        "MTBF (90%)": [_interval(r.mtbf_h, r.mtbf_h_low, r.mtbf_h_high, "h") for r in table.itertuples()],
        "MTTR (90%)": [_interval(r.mttr_h, r.mttr_h_low, r.mttr_h_high, "h") for r in table.itertuples()],
        "availability (90%)": [
            f"{format_percent(r.availability)} ["
            f"{'?' if pd.isna(r.availability_low) else format_percent(r.availability_low)}, "
            f"{format_percent(r.availability_high)}]" for r in table.itertuples()],
        "open": table["open"],
    })
    print(view.to_string(index=False))
    if compared is not None:
        print("\nDesigned against measured:")
        print("\n".join(f"  {line}" for line in comparison_lines(pd.DataFrame(compared))))
    if args.write:
        print(f"\nwrote {args.write} (fitted: {', '.join(changed) or 'no component matched'})")
    print("\nAssumes exponential times to failure and repair; 90% intervals with Jeffreys priors.")
    return 0


def _interval(x, lo, hi, unit: str) -> str:
    def f(v):
        return "?" if v is None or v != v else f"{v:.3g}"
    return f"{f(x)} [{f(lo)}, {f(hi)}] {unit}"


def _cmd_list(args) -> int:
    from .architecture_file import reference_architectures
    from .catalog import cloud_slas
    from .dr import load_strategies
    from .scenario import reference_scenarios

    designs = []
    for key, path in reference_architectures().items():
        arch = load_architecture(path)
        designs.append({"id": key, "name": arch.name, "components": len(arch.components)})
    scenarios = [{"id": key, "name": load_scenario(path).name}
                 for key, path in reference_scenarios().items()]
    slas = [{"id": r.id, "provider": r.provider, "service": r.service,
             "deployment": r.deployment, "sla_percent": str(r.sla_percent)}
            for r in cloud_slas().itertuples()]
    strategies = [{"id": s.id, "label": s.label, "rto_h": s.rto_h, "rpo_h": s.rpo_h}
                  for s in load_strategies()]
    if args.format == "json":
        _print_json({"designs": designs, "scenarios": scenarios, "slas": slas,
                     "dr_strategies": strategies})
        return 0
    sections = [
        ("Reference designs (hadr evaluate NAME)", designs, ("id", "name", "components")),
        ("Scenarios (hadr dr NAME, hadr report NAME)", scenarios, ("id", "name")),
        ("Cloud SLAs (component: {sla: ID})", slas, ("id", "provider", "service", "sla_percent")),
        ("DR strategies (a scenario's strategy_costs)", strategies, ("id", "label", "rto_h", "rpo_h")),
    ]
    for i, (title, rows, cols) in enumerate(sections):
        print(("\n" if i else "") + title)
        print(pd.DataFrame(rows, columns=list(cols)).to_string(index=False))
    return 0


def _cmd_report(args) -> int:
    from .report import build_reports

    shared = True if args.shared_plotly else False if args.inline_plotly else None
    target = (None if args.target is None
              else parse_availability(args.target, field="target", bare_percent=True))
    options = dict(target=target, fmt=args.format, jobs=args.jobs, shared_plotly=shared,
                   progress=not args.quiet, incidents=args.incidents)
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise InvalidInputError("--scheduler: needs dask.distributed "
                                    "(pip install 'hadr-workbook[dask]')") from None
        try:
            client = Client(args.scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidInputError(f"--scheduler: cannot reach {args.scheduler!r} ({exc})") from None
        with client:
            results = build_reports(args.scenario, args.out, executor=client.get_executor(),
                                    **options)
    else:
        results = build_reports(args.scenario, args.out, **options)
    written = [r for r in results if r.ok and r.path is not None and r.path.is_file()]
    for r in written:
        print(f"wrote {r.path}")
    for r in results:
        if r not in written:
            print(f"hadr report: error: {r.scenario}: {r.error or 'no file was written'}",
                  file=sys.stderr)
    print(f"{len(written)} of {len(results)} reports written; index: "
          f"{Path(args.out) / 'index.html'}")
    return 0 if len(written) == len(results) else 1


_ARCH_FILE = "architecture YAML file, or a name in data/architectures"


def _command(sub, name: str, func, help: str, description: str, *,
             formats: tuple[str, ...] | None = ("table", "json")) -> argparse.ArgumentParser:
    """A subcommand running ``func``, with a ``--format`` choice when ``formats`` is given."""
    p = sub.add_parser(name, help=help, description=description)
    p.set_defaults(func=func)
    if formats:
        p.add_argument("--format", choices=formats, default=formats[0])
    return p


def _year_days(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year-days", type=float, default=DAYS_PER_YEAR,
                   help="days in a year (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hadr",
        description="HA/DR planning workbook: nines, downtime budgets and more.",
    )
    parser.add_argument("--version", action="version", version=f"hadr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    d = _command(sub, "downtime", _cmd_downtime, "allowed downtime per period for availabilities",
                 "Allowed downtime per period, computed from the exact unavailability.")
    d.add_argument("availability", nargs="+", help="e.g. 99.95%% or 0.9995")
    d.add_argument("--periods", nargs="+", default=list(BUDGET_PERIODS), choices=PERIODS,
                   help="periods to show (default: %(default)s)")
    _year_days(d)
    ev = _command(sub, "evaluate", _cmd_evaluate,
                  "availability, downtime and importance of an architecture file",
                  "Evaluate an architecture file (YAML) or a reference architecture by name, "
                  "e.g. multi_az_postgres.")
    ev.add_argument("file", help=_ARCH_FILE)
    _year_days(ev)
    ev.add_argument("--uncertainty", type=int, metavar="N",
                    help="propagate the components' error factors with N seeded draws")
    ev.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    ev.add_argument("--error-factor", type=float, metavar="EF",
                    help="error factor of components that give none (default: certain)")
    ev.add_argument("--target", help="availability target for the chance of meeting it")
    dr = _command(sub, "dr", _cmd_dr, "price DR strategies against a business scenario",
                  "Annual cost, expected loss and total per DR strategy, and the cheapest that "
                  "meets the scenario's RTO and RPO.")
    dr.add_argument("scenario", help="scenario YAML file, or a name in data/scenarios")
    slo = _command(sub, "slo", _cmd_slo, "error budget and burn-rate alerts for an SLO on a design",
                   "An SLO target against an architecture's ceiling: the error budget, the "
                   "headroom, and the multiwindow burn-rate alerts.",
                   formats=("table", "json", "openslo", "sloth"))
    slo.add_argument("file", help=_ARCH_FILE)
    slo.add_argument("--target", required=True, help="e.g. 99.95 (percent), 99.95%% or 0.9995")
    slo.add_argument("--window", default="30d", help="SLO window in days, e.g. 7d, 28d, 30d, 90d")
    slo.add_argument("--service", default="my-service", help="service name in the exports")
    sim = _command(sub, "simulate", _cmd_simulate,
                   "Monte Carlo: the spread of downtime, and a check of the analytic model",
                   "Simulate failures and repairs of an architecture over many years: downtime "
                   "per year (mean and percentiles), outages, the chance of meeting an SLA per "
                   "calendar month, and the 99% confidence interval of the unavailability "
                   "against the analytic value.")
    sim.add_argument("file", help=_ARCH_FILE)
    sim.add_argument("--years", type=int, default=10, help="calendar years per run (default 10)")
    sim.add_argument("--runs", type=int, default=1000, help="independent runs (default 1000)")
    sim.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sim.add_argument("--workers", type=int, default=None,
                     help="local processes (default: one per CPU; 1 runs in this process)")
    sim.add_argument("--sla", default="99.95", help="availability promised per calendar month "
                                                   "(default 99.95%%)")
    sim.add_argument("--repair", choices=("exponential", "lognormal"), default="exponential",
                     help="repair time distribution, mean MTTR either way")
    sim.add_argument("--repair-sigma", type=float, default=1.0, help="lognormal shape (default 1)")
    sim.add_argument("--default-mttr-h", type=float, default=1.0,
                     help="repair time [h] of a component known only by its SLA (default 1)")
    sim.add_argument("--start-year", type=int, default=2027, help="first calendar year (default 2027)")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    cmp = _command(sub, "compare", _cmd_compare, "designs side by side: availability, downtime, "
                   "outages, cost, and what changed",
                   "Evaluate two or more designs with the same assumptions; the deltas and the "
                   "changed components are against the first.")
    cmp.add_argument("files", nargs="+", metavar="FILE", help=_ARCH_FILE)
    _year_days(cmp)
    opt = _command(sub, "optimize", _cmd_optimize, "the cheapest replica counts meeting a target",
                   "Try every combination of replica counts in the given ranges (components "
                   "need cost_per_year): the cheapest meeting the target, and the cost-versus-"
                   "nines frontier.")
    opt.add_argument("file", help=_ARCH_FILE)
    opt.add_argument("--target", required=True, help="e.g. 99.99 (percent), 99.99%% or 0.9999")
    opt.add_argument("--vary", nargs="+", required=True, metavar="NAME=MIN..MAX",
                     help="a component's replica counts to try, e.g. app=2..6")
    _year_days(opt)
    fit = _command(sub, "fit", _cmd_fit, "MTBF, MTTR and availability from incident history",
                   "Fit each component's MTBF, MTTR and availability, with 90% intervals, from "
                   "an incident log: a CSV with component,start,end (ISO 8601; empty end = open), "
                   "a Statuspage incidents.json or a PagerDuty incident CSV.")
    fit.add_argument("file", help="incident log")
    fit.add_argument("--input-format", choices=("csv", "statuspage", "pagerduty"),
                     help="the log's format (default: recognised)")
    fit.add_argument("--from", dest="start", help="start of the observation window (ISO 8601)")
    fit.add_argument("--to", dest="end", help="end of the observation window (ISO 8601)")
    fit.add_argument("--design", help="a design to compare with (" + _ARCH_FILE + ")")
    fit.add_argument("--write", metavar="OUT.yaml",
                     help="write --design with the fitted MTBF and MTTR of matching components "
                          "(a new file; see --force)")
    fit.add_argument("--force", action="store_true",
                     help="let --write replace an existing design file, keeping a copy as OUT.yaml.bak")
    fit.add_argument("--seed", type=int, default=0,
                     help="unused: the availability interval is exact (kept for old scripts)")
    _command(sub, "list", _cmd_list, "the reference designs, scenarios, cloud SLAs and DR strategies",
             "What ships with hadr-workbook: reference designs and scenarios to use by name, "
             "the cloud SLA ids a component may cite, and the DR strategies priced.")
    rep = _command(sub, "report", _cmd_report, "self-contained HTML (or PDF) reports for scenarios",
                   "Execute notebooks/report.ipynb for each scenario with papermill and export "
                   "it without code; writes index.html.", formats=("html", "pdf"))
    rep.add_argument("scenario", nargs="*", help="scenario files or names (default: all in data/scenarios)")
    rep.add_argument("--out", required=True, help="output folder")
    rep.add_argument("--jobs", type=int, default=1, help="scenarios run in parallel processes")
    rep.add_argument("--target", help="availability promised (default: each scenario's "
                                      "availability_target, else 99.95%%)")
    rep.add_argument("--incidents", metavar="FILE",
                     help="an incident log (CSV, Statuspage JSON, PagerDuty CSV): each report sets "
                          "its design's figures against those fitted from it")
    rep.add_argument("--scheduler", metavar="ADDRESS",
                     help="run the reports on a Dask cluster (tcp://host:8786); its workers "
                          "must share the output folder")
    group = rep.add_mutually_exclusive_group()
    group.add_argument("--shared-plotly", action="store_true",
                       help="load plotly.min.js from beside the reports (default for a batch)")
    group.add_argument("--inline-plotly", action="store_true",
                       help="inline plotly.js in every report (default for one report)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _terminate(signum, frame):
    """SIGTERM ends a run the way Ctrl-C does: workers stopped, no partial file."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except InvalidInputError as exc:
        print(f"hadr {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"hadr {args.command}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `hadr ... | head`: the reader left; not an error
        sys.stdout = None
        return 0
    except (MemoryError, RecursionError) as exc:
        print(f"hadr {args.command}: error: the input is too large or too deeply nested "
              f"({type(exc).__name__})", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("HADR_DEBUG"):
            raise
        print(f"hadr {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(a bug: please report it; HADR_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 70
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
