"""`hadr import`: see ``COMMAND.help``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import SCHEMA_VERSION, Command


def commented_yaml(doc: dict) -> str:
    """The imported design as a YAML file: a comment that counts the findings, which the
    design carries under ``findings:`` (or, when nothing could be modelled, as comments)."""
    import yaml

    counts = {s: sum(f["severity"] == s for f in doc["findings"]) for s in ("error", "warning", "info")}
    head = ("# Read by hadr import: " + ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
                                                  for s, n in counts.items())
            + " (under findings:). Check what it assumed before you rely on the figures.")
    if doc["design"] is None:
        lines = [head, "# Nothing in these files could be modelled."]
        lines += ["# " + " ".join(f"{f['severity'].upper()}: {f['message']} [{f['source']}]".split())
                  for f in doc["findings"]]
        return "\n".join(lines) + "\n"
    return head + "\n" + yaml.safe_dump(doc["design"], sort_keys=False, allow_unicode=True)


def run(args) -> int:
    from ..files import atomic_write
    from ..importers import import_paths

    doc = import_paths(args.paths)
    if args.format == "json":
        text = json.dumps({"schema_version": SCHEMA_VERSION, **doc}, indent=2, allow_nan=False) + "\n"
    else:
        text = commented_yaml(doc)
    if args.out:
        atomic_write(Path(args.out), text.encode("utf-8"))
    else:
        print(text, end="")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of infrastructure code")
    p.add_argument("--out", metavar="FILE", help="write the design there (replaced whole, never half-written)")


COMMAND = Command(
    "import", run, "a design read from infrastructure code (Kubernetes, Terraform, CloudFormation, boto3), "
    "with its traps named",
    "Read Kubernetes manifests (and CloudNativePG and Zalando Postgres clusters), Terraform (.tf files, or plans "
    "and states from terraform show -json), CloudFormation templates and boto3 code (AWS resources) into a "
    "design of the "
    "architecture file format; every value assumed or unknown and every trap is a finding. Exit 0 whatever "
    "the findings, 2 for a file that cannot be read.",
    formats=("yaml", "json"), arguments=add_arguments)
