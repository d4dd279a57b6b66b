"""`hadr evaluate`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import assumptions as said
from ..architecture_file import load_architecture
from ..availability import period_info
from ..checks import InvalidInputError
from ..formatting import format_duration, format_percent
from ..model import importance_records
from ..verdict import improvement_advice
from .common import (
    ARCH_FILE,
    Command,
    flag_names,
    parse_availability,
    print_json,
    year_days_argument,
)


def _uncertainty(args, arch):
    """The --uncertainty draws, or None when not asked for."""
    if args.uncertainty is None:
        return None
    from ..uncertainty import propagate

    target = (None if args.target is None
              else parse_availability(args.target, field="target", bare_percent=True))
    try:
        return propagate(arch, args.uncertainty, args.seed, target=target,
                         default_error_factor=args.error_factor, year_days=args.year_days)
    except InvalidInputError as exc:
        raise flag_names(exc, {"draws": "--uncertainty", "seed": "--seed",
                                "error_factor": "--error-factor"}) from None


def run(args) -> int:
    arch = load_architecture(args.file)
    e = arch.evaluate(year_days=args.year_days)
    imp = arch.importance(year_days=args.year_days, include_groups=True)
    unc = _uncertainty(args, arch)
    if args.format == "json":
        out = {"name": arch.name, **e.to_dict(), "year_days": args.year_days,
               "components": importance_records(imp), "cost_per_year": arch.cost_per_year}
        if unc is not None:
            out["uncertainty"] = unc.to_dict()
        print_json(out)
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
        # what the sentences below call it, when the file gives it a label
        **({"label": imp["label"]} if (imp["label"] != imp["name"]).any() else {}),
        "kind": ["common cause" if k == "common_cause" else k if k in ("zone", "region")
                 else "provider SLA" if p else "yours" for k, p in zip(imp["kind"], imp["provider_sla"])],
        "birnbaum": ["" if b != b else f"{b:.4g}" for b in imp["birnbaum"]],
        "saved per year": [format_duration(x) for x in imp["downtime_saved_per_year_s"]],
    })
    table.index = range(1, len(table) + 1)
    print(table.to_string())
    print()
    print("\n".join(improvement_advice(imp)))
    print(f"\n{said.MODEL} {said.SLA}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=ARCH_FILE)
    year_days_argument(p)
    p.add_argument("--uncertainty", type=int, metavar="N",
                   help="propagate the components' error factors with N seeded draws")
    p.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    p.add_argument("--error-factor", type=float, metavar="EF",
                   help="error factor of components that give none (default: certain)")
    p.add_argument("--target", help="availability target for the chance of meeting it")


COMMAND = Command(
    "evaluate", run, "availability, downtime and importance of an architecture file",
    "Evaluate an architecture file (YAML) or a reference architecture by name, "
    "e.g. multi_az_postgres.",
    arguments=add_arguments)
