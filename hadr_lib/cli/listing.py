"""`hadr list`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse

import pandas as pd

from ..architecture_file import load_architecture
from ..scenario import load_scenario
from .common import (
    Command,
    print_json,
)


def run(args) -> int:
    from ..architecture_file import reference_architectures
    from ..catalog import cloud_slas
    from ..dr import load_strategies
    from ..scenario import reference_scenarios

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
        print_json({"designs": designs, "scenarios": scenarios, "slas": slas,
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


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


COMMAND = Command(
    "list", run, "the reference designs, scenarios, cloud SLAs and DR strategies",
    "What ships with hadr-workbook: reference designs and scenarios to use by name, "
    "the cloud SLA ids a component may cite, and the DR strategies priced.",
    arguments=add_arguments)
