"""Python code that builds AWS resources with boto3, read with ``ast`` and never run.

Read: ``run_instances`` (``MinCount`` instances, the zone of ``Placement``),
``create_db_instance`` (``MultiAZ``, ``BackupRetentionPeriod``) and
``create_db_instance_read_replica`` (its source's disaster-recovery copy when the source
is created here; the client's literal ``region_name`` gives each database's region),
``create_auto_scaling_group`` (capacity and zones), ``create_health_check`` and
``change_resource_record_sets`` (failover records and the health checks they use), as
the Terraform importer reads their AWS equivalents. Arguments are read when they are
literals (numbers, strings, lists, dicts, a conditional between two literals);
anything computed is unknown. A call inside ``for`` runs once per item when the loop
runs over a literal list, or over a list of region names written elsewhere in the
file (said as an assumption); instances launched once per region are redundant
across those regions (failure domains). Each block's ``source`` is the file and line.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..checks import InvalidInputError
from . import Finding, Imported, Importer, assumed_region, printable, whole
from .terraform import ASSUMED, ZONE, AwsReader

__all__ = ["IMPORTER"]

UNKNOWN = object()
MAX_CALLS = 5_000
MAX_LOOP = 50
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
REGION_OUTAGE = assumed_region("the code does not say")


def _claims(path: str, text: str) -> bool:
    return path.endswith(".py") and "boto3" in text[:1_000_000]


class _Choice(list):
    """Either of two literal values (``a if cond else b``)."""


def _literal(node: ast.AST, names: dict, depth: int = 0) -> Any:
    if depth > 40:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Dict):
        out = {}
        for k, v in zip(node.keys, node.values):
            key = _literal(k, names, depth + 1) if k is not None else UNKNOWN
            if isinstance(key, str):
                out[key] = _literal(v, names, depth + 1)
        return out
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(x, names, depth + 1) for x in node.elts]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and isinstance(
                    names.get(v.value.id), (str, int)) and v.format_spec is None:
                parts.append(str(names[v.value.id]))
            else:
                parts.append("{?}")
        return "".join(parts)
    if isinstance(node, ast.IfExp):
        return _Choice([_literal(node.body, names, depth + 1), _literal(node.orelse, names, depth + 1)])
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    return UNKNOWN


def _text(kw: dict, key: str, otherwise: str | None) -> str | None:
    """``kw[key]`` when the code gives it as a literal string, else ``otherwise``."""
    value = kw.get(key)
    return value if isinstance(value, str) else otherwise


def _runtime(call: ast.Call, key: str) -> str:
    """What the code passes as ``key`` when it is no literal: the expression as written
    (bounded), said to be known only when the code runs."""
    node = next((k.value for k in call.keywords if k.arg == key), None)
    if node is None:
        return "a source not given"
    try:
        written = ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - a node ast itself made
        written = "an expression"
    return f"{printable(written, 60)} (a value known only when the code runs)"


def _kwargs(call: ast.Call, names: dict) -> dict:
    return {k.arg: _literal(k.value, names) for k in call.keywords if k.arg}


class _Code:
    def __init__(self, path: str, tree: ast.Module):
        self.path, self.tree = path, tree
        self.findings: list[Finding] = []
        self.names: dict[str, Any] = {}
        for stmt in tree.body:  # module-level NAME = literal
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = _literal(stmt.value, {})
                if value is not UNKNOWN:
                    self.names[stmt.targets[0].id] = value
        self.region_lists: list[tuple[list[str], int]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.List) and node.elts and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) and REGION.match(e.value)
                    for e in node.elts):
                self.region_lists.append(([e.value for e in node.elts], node.lineno))  # type: ignore[attr-defined]
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
        # NAME = boto3.client(SERVICE, region_name=LITERAL) (or self.NAME = ...): the region it calls
        self.client_region: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "client":
                region = _kwargs(node.value, self.names).get("region_name")
                target = node.targets[0]
                name = target.id if isinstance(target, ast.Name) else (
                    target.attr if isinstance(target, ast.Attribute) else None)
                if name and isinstance(region, str) and REGION.match(region):
                    self.client_region.setdefault(name, region)

    def region_of(self, call: ast.Call) -> str | None:
        """The region of the client a call is made on (``rds.create_...``), when it was
        made with a literal ``region_name``."""
        on = call.func.value if isinstance(call.func, ast.Attribute) else None
        name = on.id if isinstance(on, ast.Name) else (on.attr if isinstance(on, ast.Attribute) else None)
        return self.client_region.get(name) if name else None

    def loops(self, node: ast.AST) -> list[tuple[list | None, str, Any]]:
        """The ``for`` loops around ``node``, innermost first: (items, how, bind), items
        None when the loop's length cannot be read; ``bind(i)`` gives the names the
        loop's target takes on run ``i``."""
        out: list = []
        p = self.parents.get(id(node))
        while p is not None:
            if isinstance(p, ast.For):
                it, target, counted = p.iter, p.target, False
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and it.args:
                    it, counted = it.args[0], True
                items = _literal(it, self.names)
                if isinstance(items, list):
                    how = f"the list at line {p.lineno}"
                elif self.region_lists:
                    regions, line = self.region_lists[0]
                    items = regions
                    how = f"the regions listed at line {line} (assumed: the loop at line {p.lineno} runs over them)"
                else:
                    out.append((None, f"the loop at line {p.lineno}", lambda i: {}))
                    p = self.parents.get(id(p))
                    continue
                items = items[:MAX_LOOP]
                out.append((items, how, _binder(target, items, counted)))
            p = self.parents.get(id(p))
        return out

    def calls(self, method: str) -> list[ast.Call]:
        found = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == method]
        return found[:MAX_CALLS]


def _binder(target: ast.AST, items: list, counted: bool):
    """The names a ``for`` target takes on run ``i``: ``for x in items`` binds x, ``for
    i, x in enumerate(items)`` binds both."""
    def bind(i: int) -> dict:
        item = items[i] if i < len(items) else UNKNOWN
        if counted and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            a, b = target.elts
            out: dict = {a.id: i} if isinstance(a, ast.Name) else {}
            if isinstance(b, ast.Name):
                out[b.id] = item
            return out
        return {target.id: item} if isinstance(target, ast.Name) else {}
    return bind


def _at(path: str, call: ast.Call, i: int | None = None) -> str:
    return f"{path}:{call.lineno}" + ("" if i is None else f" (run {i + 1})")


def _read(path: str, text: str) -> Imported:
    if not text.strip():
        return Imported()
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise InvalidInputError(f"{path}: Python syntax error at line {exc.lineno}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise InvalidInputError(f"{path}: nested too deeply or not Python text; refused") from None
    code = _Code(path, tree)
    resources: list[dict] = []
    out_blocks: list[dict] = []
    regions: dict[str, dict] = {}
    zone_domains: dict[str, dict] = {}

    def times(call: ast.Call) -> tuple[int, list | None, str, Any]:
        loops = code.loops(call)
        if not loops:
            return 1, None, "", lambda i: {}
        items, how, bind = loops[0]
        if items is None:
            code.findings.append(Finding("info", f"a call in {how}: how often it runs is not known; read as once",
                                         _at(path, call)))
            return 1, None, how, bind
        return max(len(items), 1), items, how, bind

    def args(call: ast.Call, bind: Any, i: int) -> dict:
        return _kwargs(call, {**code.names, **bind(i)})

    for call in code.calls("run_instances"):
        n, items, how, bind = times(call)
        kw = args(call, bind, 0)
        count = whole(kw.get("MinCount")) or 1
        zone = kw.get("Placement", {}).get("AvailabilityZone") if isinstance(kw.get("Placement"), dict) else None
        if isinstance(zone, str):
            code.findings.append(Finding("warning", f"run_instances puts all {count} instances in one zone ({zone}"
                                         f"{' in each run' if n > 1 else ''}): losing it loses them all",
                                         _at(path, call), "Placement.AvailabilityZone"))
        mtbf, mttr, assumed = ASSUMED["instance"]
        comp = {"mtbf_h": mtbf, "mttr_h": mttr, **({"count": count} if count > 1 else {})}
        in_regions = items is not None and all(isinstance(r, str) and REGION.match(r) for r in items)
        if in_regions and n > 1:
            members = []
            for i, r in enumerate(items or []):
                regions.setdefault(str(r), dict(REGION_OUTAGE))
                member: dict = {"region": str(r), "component": {
                    "name": f"instances@{r} (line {call.lineno})", **comp, "source": f"{_at(path, call)}; {assumed}"}}
                z = (args(call, bind, i).get("Placement") or {}).get("AvailabilityZone")
                if isinstance(z, str) and "{?}" not in z:
                    zone_domains[z] = {**ZONE, "region": str(r)}
                    member = {"zone": z, **member}
                members.append(member)
            code.findings.append(Finding("info", f"instances launched once per region ({how}): redundant across "
                                         "the regions, each region a failure domain", _at(path, call)))
            out_blocks.append({"parallel": members})
        else:
            out_blocks.append({"component": {"name": f"instances (line {call.lineno})",
                                             **({"count": count * n} if count * n > 1 else {}),
                                             "mtbf_h": mtbf, "mttr_h": mttr,
                                             "source": f"{_at(path, call)}; {assumed}"}})
            if count * n == 1:
                code.findings.append(Finding("warning", "one instance: any failure of it is an outage until it is "
                                             "replaced", _at(path, call), "MinCount"))

    for call in code.calls("create_db_instance"):
        n, _, _, bind = times(call)
        for i in range(n):
            kw = args(call, bind, i)
            multi = kw.get("MultiAZ", False)
            resources.append({"address": f"create_db_instance (line {call.lineno})", "type": "aws_db_instance",
                              "where": _at(path, call, i if n > 1 else None), "values": {
                                  "identifier": _text(kw, "DBInstanceIdentifier", f"db (line {call.lineno})"),
                                  "multi_az": multi if isinstance(multi, bool) else None,
                                  "backup_retention_period": whole(kw.get("BackupRetentionPeriod", 1)),
                                  "availability_zone": _text(kw, "AvailabilityZone", None),
                                  "region": code.region_of(call)}})
    for call in code.calls("create_db_instance_read_replica"):
        kw = _kwargs(call, code.names)
        resources.append({"address": f"create_db_instance_read_replica (line {call.lineno})",
                          "type": "aws_db_instance", "where": _at(path, call), "values": {
                              "identifier": _text(kw, "DBInstanceIdentifier", f"replica (line {call.lineno})"),
                              "replicate_source_db": _text(kw, "SourceDBInstanceIdentifier", _runtime(
                                  call, "SourceDBInstanceIdentifier")),
                              "region": code.region_of(call)}})
    for call in code.calls("create_auto_scaling_group"):
        kw = _kwargs(call, code.names)
        zones = kw.get("AvailabilityZones")
        resources.append({"address": f"create_auto_scaling_group (line {call.lineno})",
                          "type": "aws_autoscaling_group", "where": _at(path, call), "values": {
                              "name": _text(kw, "AutoScalingGroupName", f"group (line {call.lineno})"),
                              "min_size": whole(kw.get("MinSize")),
                              "desired_capacity": whole(kw.get("DesiredCapacity")),
                              "availability_zones": [z for z in zones if isinstance(z, str)]
                              if isinstance(zones, list) else []}})
    checks: list[dict] = []
    for call in code.calls("create_health_check"):
        cfg = _kwargs(call, code.names).get("HealthCheckConfig")
        cfg = cfg if isinstance(cfg, dict) else {}
        checks.append({"address": f"create_health_check (line {call.lineno})", "type": "aws_route53_health_check",
                       "where": _at(path, call), "values": {
                           "id": f"health check (line {call.lineno})",
                           "request_interval": whole(cfg.get("RequestInterval")),
                           "failure_threshold": whole(cfg.get("FailureThreshold"))}})
    resources += checks
    for call in code.calls("change_resource_record_sets"):
        kw = _kwargs(call, code.names)
        changes = kw.get("ChangeBatch", {}).get("Changes") if isinstance(kw.get("ChangeBatch"), dict) else None
        n, _, how, _ = times(call)
        for change in changes if isinstance(changes, list) else []:
            rrs = change.get("ResourceRecordSet") if isinstance(change, dict) else None
            if not isinstance(rrs, dict) or "Failover" not in rrs:
                continue
            for i in range(n):
                role = rrs["Failover"]
                if isinstance(role, _Choice):  # 'PRIMARY' if idx == 0 else 'SECONDARY': the first run takes
                    role = role[0] if i == 0 else role[1]  # the first branch, the later ones the second
                hc = rrs.get("HealthCheckId")
                resources.append({
                    "address": f"record {rrs.get('Name')} (line {call.lineno})", "type": "aws_route53_record",
                    "where": _at(path, call, i if n > 1 else None), "values": {
                        "zone_id": _text(kw, "HostedZoneId", "?"),
                        "name": _text(rrs, "Name", f"record (line {call.lineno})"),
                        "type": rrs.get("Type") if isinstance(rrs.get("Type"), str) else "?",
                        # a health check made in the same loop: the one of this run
                        "health_check_id": (checks[min(i, len(checks) - 1)]["values"]["id"] if checks and hc is not None
                                            else None),
                        "ttl": whole(rrs.get("TTL")), "alias": rrs.get("AliasTarget"),
                        "failover_routing_policy": [{"type": role if isinstance(role, str) else "?"}]}})
            if n > 1:
                code.findings.append(Finding("info", f"failover records written once per run of {how}",
                                             _at(path, call)))
    reader = _Boto3Reader(path, {}, resources)
    out = reader.read()
    out.blocks[:0] = out_blocks
    out.regions.update(regions)
    out.zones.update(zone_domains)
    out.findings[:0] = code.findings
    seen: set = set()
    kept = []
    for f in out.findings:  # a call run once per region says each thing once, at its first run
        key = (f.severity, f.message, f.field)
        if key not in seen:
            seen.add(key)
            kept.append(f)
    out.findings = kept
    if len(out.blocks) > 1 and not any("joined in series" in f.message for f in out.findings):
        out.findings.append(Finding("info", "resources joined in series: each is taken as needed for the whole "
                                    "(the files do not say which calls which)", path))
    return out


class _Boto3Reader(AwsReader):
    def where(self, r: dict) -> str:
        return str(r.get("where") or self.path)


IMPORTER = Importer("boto3", "Python code that creates AWS resources with boto3 (read with ast, never run)",
                    _claims, _read)
