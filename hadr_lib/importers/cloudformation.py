"""CloudFormation templates (YAML with short-form tags such as ``!Ref``, or JSON).

Parameters take their defaults and Conditions are evaluated with them (``Fn::Equals``,
``Fn::Not``, ``Fn::And``, ``Fn::Or``, ``Condition``); a resource whose condition is false
is not read, and one whose condition cannot be evaluated (a parameter without a default,
a pseudo parameter) is read and said to depend on it; ``Fn::If`` takes the branch its
condition gives, or the first with a finding. ``Ref`` to a parameter gives its default,
to a resource its logical id; ``Fn::FindInMap`` looks in ``Mappings``; other functions
(``Fn::GetAtt``, ``Fn::Sub``, ...) are unknown values.

The resources are read as the Terraform importer reads their AWS equivalents (RDS,
Auto Scaling, Route 53 failover records and health checks, ElastiCache, S3
replication), with CloudFormation's own defaults (``BackupRetentionPeriod`` 1,
``MultiAZ`` false); each block's ``source`` is the file, line and logical id.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..checks import InvalidInputError
from ..safe_load import read_yaml_documents
from . import Finding, Imported, Importer, as_mapping, printable
from .terraform import AwsReader

__all__ = ["IMPORTER"]

UNKNOWN = object()
MAX_EVAL_DEPTH = 30


def _claims(path: str, text: str) -> bool:
    head = text[:200_000]
    return bool(re.search(r'(^|[{,])\s*"?(AWSTemplateFormatVersion|Resources)"?\s*:', head, re.M)) and bool(
        re.search(r'"?Type"?\s*:\s*"?AWS::', head))


class _Template:
    def __init__(self, path: str, doc: dict, lines: dict):
        self.path, self.doc, self.lines = path, doc, lines
        self.findings: list[Finding] = []
        params = as_mapping(doc.get("Parameters"))
        self.params = {k: (v.get("Default", UNKNOWN) if isinstance(v, dict) else UNKNOWN) for k, v in params.items()}
        self.allowed = {k: v.get("AllowedValues") for k, v in params.items()
                        if isinstance(v, dict) and isinstance(v.get("AllowedValues"), list)}
        self.used: dict[str, Any] = {}  # the parameters that decided the design, in the order first read
        self.secret = {k for k, v in params.items() if isinstance(v, dict) and str(v.get("NoEcho")).lower() == "true"}
        self._deciding = False  # a condition is being evaluated
        self.mappings = as_mapping(doc.get("Mappings"))
        self.conditions = as_mapping(doc.get("Conditions"))
        self.resources = as_mapping(doc.get("Resources"))
        self._cond: dict[str, Any] = {}

    def at(self, logical: str) -> str:
        """Where a resource is, for a finding: the file, its line and its logical id."""
        n = self.line("Resources", logical)
        return f"{self.path}:{n} ({logical})" if n else f"{self.path}: {logical}"

    def line(self, *keys: Any) -> int:
        """The line of the value at ``keys`` (0 in JSON, which keeps no lines)."""
        k = tuple(keys)
        while k and k not in self.lines:
            k = k[:-1]
        return int(self.lines.get(k, 0))

    def condition(self, name: Any, depth: int = 0) -> Any:
        """True, False or UNKNOWN: a named condition with the parameters' defaults."""
        if not isinstance(name, str) or name not in self.conditions or depth > MAX_EVAL_DEPTH:
            return UNKNOWN
        if name not in self._cond:
            self._cond[name] = UNKNOWN  # a condition that refers to itself stays unknown
            before, self._deciding = self._deciding, True
            try:
                self._cond[name] = self.truth(self.conditions[name], depth + 1)
            finally:
                self._deciding = before
        return self._cond[name]

    def truth(self, expr: Any, depth: int = 0) -> Any:
        if depth > MAX_EVAL_DEPTH or not isinstance(expr, dict) or len(expr) != 1:
            return UNKNOWN
        (fn, args), = expr.items()
        if fn == "Condition":
            return self.condition(args, depth + 1)
        if not isinstance(args, list):
            return UNKNOWN
        if fn == "Fn::Equals" and len(args) == 2:
            a, b = (self.value(x, depth + 1) for x in args)
            return UNKNOWN if UNKNOWN in (a, b) else str(a) == str(b)
        parts = [self.truth(x, depth + 1) for x in args]
        if fn == "Fn::Not" and len(parts) == 1:
            return UNKNOWN if parts[0] is UNKNOWN else not parts[0]
        if fn == "Fn::And":
            return False if False in parts else UNKNOWN if UNKNOWN in parts else True
        if fn == "Fn::Or":
            return True if True in parts else UNKNOWN if UNKNOWN in parts else False
        return UNKNOWN

    def value(self, expr: Any, depth: int = 0, where: str = "", key: Any = None) -> Any:
        """``expr`` (the value of property ``key``) with the intrinsic functions that can be
        evaluated, evaluated."""
        if depth > MAX_EVAL_DEPTH:
            return UNKNOWN
        if isinstance(expr, list):
            return [self.value(x, depth + 1, where, key) for x in expr]
        if not isinstance(expr, dict):
            return expr
        if len(expr) == 1:
            (fn, args), = expr.items()
            if fn == "Ref":
                if isinstance(args, str) and args in self.params:
                    if self._deciding or key in DECIDING_PROPERTIES:
                        self.used.setdefault(args, self.params[args])
                    return self.params[args]
                return args if isinstance(args, str) and args in self.resources else UNKNOWN
            if fn == "Fn::If" and isinstance(args, list) and len(args) == 3:
                cond = self.condition(args[0])
                if cond is UNKNOWN:
                    self.findings.append(Finding("info", f"Fn::If on condition {args[0]!r} cannot be evaluated "
                                                 "with the parameters' defaults: its first branch is read",
                                                 f"{self.path}: {where}", "Fn::If"))
                    cond = True
                return self.value(args[1] if cond else args[2], depth + 1, where, key)
            if fn == "Fn::GetAZs":  # the region's zones: how many is not in the template
                return ALL_ZONES
            if fn == "Fn::Select" and isinstance(args, list) and len(args) == 2:
                i, seq = _int(self.value(args[0], depth + 1, where)), self.value(args[1], depth + 1, where, key)
                if isinstance(i, int) and seq is ALL_ZONES and 0 <= i < MAX_ZONE_INDEX:
                    return f"zone {i + 1} of the region"  # every region has it; which one is AWS's choice
                return seq[i] if isinstance(seq, list) and isinstance(i, int) and 0 <= i < len(seq) else UNKNOWN
            if fn == "Fn::FindInMap" and isinstance(args, list) and len(args) == 3:
                keys = [self.value(a, depth + 1, where) for a in args]
                found: Any = self.mappings
                for k in keys:
                    found = found.get(k) if isinstance(found, dict) and isinstance(k, str) else None
                return UNKNOWN if found is None else found
            if fn.startswith("Fn::") or fn == "Condition":
                return UNKNOWN
        return {k: self.value(v, depth + 1, where, k) for k, v in expr.items()}


#: ``Fn::GetAZs``: every zone of the stack's region (how many is the region's, not the template's).
ALL_ZONES = type("AllZones", (), {"__repr__": lambda self: "Fn::GetAZs"})()
#: ``!Select [i, !GetAZs '']`` is read for a zone index below this.
MAX_ZONE_INDEX = 6

#: Properties the reading turns into the design: a parameter read there is said with its default.
DECIDING_PROPERTIES = frozenset((
    "MultiAZ", "BackupRetentionPeriod", "MinSize", "DesiredCapacity", "AvailabilityZones", "AvailabilityZone",
    "VPCZoneIdentifier", "Subnets", "TTL", "RequestInterval", "FailureThreshold", "NumCacheClusters",
    "AutomaticFailoverEnabled", "HealthCheckEnabled", "HealthCheckIntervalSeconds", "UnhealthyThresholdCount",
    "MultiRegionConsistency", "PointInTimeRecoveryEnabled", "Failover", "SourceDBInstanceIdentifier",
    "DBClusterIdentifier", "Region", "Status"))


def _int(value: Any) -> Any:
    if isinstance(value, bool) or value is UNKNOWN or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _known(value: Any) -> Any:
    return None if value is UNKNOWN else value


def _written(raw: Any) -> str | None:
    """An unevaluated value as written (``Ref DomainName``), to tell records apart by it."""
    if raw is None:
        return None
    if isinstance(raw, dict) and len(raw) == 1:
        (fn, args), = raw.items()
        return printable(f"{fn.removeprefix('Fn::')} {json.dumps(args, default=str)}", 120)
    return printable(json.dumps(raw, default=str), 120)


def _as_terraform(t: _Template, logical: str, rtype: str, props: dict, raw: dict | None = None) -> dict | None:
    """A CloudFormation resource as the Terraform reader reads its AWS equivalent (``raw``:
    its properties as written)."""
    raw = raw or {}
    n = t.line("Resources", logical)
    address = f"{logical} ({rtype}{f', line {n}' if n else ''})"
    r: dict[str, Any] = {"address": address, "mode": "managed", "values": {}}
    v = r["values"]
    if rtype == "AWS::RDS::DBInstance" and props.get("DBClusterIdentifier") not in (None, UNKNOWN):
        r["type"] = "aws_rds_cluster_instance"  # a member of a cluster (Aurora)
        v.update(cluster_identifier=props.get("DBClusterIdentifier"))
    elif rtype == "AWS::RDS::DBCluster":
        r["type"] = "aws_rds_cluster"
        v.update(cluster_identifier=_known(props.get("DBClusterIdentifier")) or logical,
                 backup_retention_period=_int(props.get("BackupRetentionPeriod", 1)),
                 engine_mode=_known(props.get("EngineMode")))
    elif rtype == "AWS::RDS::DBInstance":
        r["type"] = "aws_db_instance"
        v.update(identifier=_known(props.get("DBInstanceIdentifier")) or logical,
                 multi_az=_bool(props.get("MultiAZ", False)),
                 backup_retention_period=_int(props.get("BackupRetentionPeriod", 1)),
                 availability_zone=_known(props.get("AvailabilityZone")),
                 replicate_source_db=_known(props.get("SourceDBInstanceIdentifier"))
                 or _written(raw.get("SourceDBInstanceIdentifier")))
    elif rtype == "AWS::AutoScaling::AutoScalingGroup":
        r["type"] = "aws_autoscaling_group"
        zones = props.get("AvailabilityZones")
        if zones is ALL_ZONES:  # every zone of the region: at least two are sure
            zones = [f"zone {i + 1} of the region" for i in range(2)]
            t.findings.append(Finding("info", f"{logical}: AvailabilityZones is Fn::GetAZs, every zone of the "
                                      "region: read as two (AWS regions have three or more, but an account may be "
                                      "offered two)", t.at(logical),
                                      "AvailabilityZones"))
        v.update(name=_known(props.get("AutoScalingGroupName")) or logical,
                 min_size=_int(props.get("MinSize")), desired_capacity=_int(props.get("DesiredCapacity")),
                 availability_zones=[z for z in zones if isinstance(z, str)] if isinstance(zones, list) else [],
                 vpc_zone_identifier=[s for s in props.get("VPCZoneIdentifier") or [] if isinstance(s, str)])
    elif rtype == "AWS::ECS::Service":
        r["type"] = "aws_ecs_service"
        vpc = as_mapping(as_mapping(props.get("NetworkConfiguration")).get("AwsvpcConfiguration"))
        subnets = vpc.get("Subnets")
        v.update(name=_known(props.get("ServiceName")) or logical, desired_count=_int(props.get("DesiredCount", 1)),
                 network_configuration=[{"subnets": [x for x in subnets if isinstance(x, str)]
                                         if isinstance(subnets, list) else []}])
    elif rtype == "AWS::EC2::Instance":
        r["type"] = "aws_instance"
        tags = props.get("Tags")
        tags = tags if isinstance(tags, list) else []
        named = next((t.get("Value") for t in tags if isinstance(t, dict) and t.get("Key") == "Name"), None)
        v.update(availability_zone=_known(props.get("AvailabilityZone")), subnet_id=_known(props.get("SubnetId")),
                 tags={"Name": named if isinstance(named, str) else logical})
    elif rtype == "AWS::EC2::Subnet":
        r["type"] = "aws_subnet"
        v.update(id=logical, availability_zone=_known(props.get("AvailabilityZone")))
    elif rtype == "AWS::Route53::RecordSet":
        r["type"] = "aws_route53_record"
        failover = props.get("Failover")
        v.update(zone_id=_known(props.get("HostedZoneId")) or _known(props.get("HostedZoneName"))
                 or _written(raw.get("HostedZoneId", raw.get("HostedZoneName"))),
                 name=_known(props.get("Name")) or _written(raw.get("Name")), type=_known(props.get("Type")),
                 set_identifier=_known(props.get("SetIdentifier")), health_check_id=_known(props.get("HealthCheckId")),
                 ttl=_int(props.get("TTL")), alias=props.get("AliasTarget"),
                 failover_routing_policy=[{"type": failover}] if isinstance(failover, str) else None)
    elif rtype == "AWS::Route53::HealthCheck":
        r["type"] = "aws_route53_health_check"
        cfg = as_mapping(props.get("HealthCheckConfig"))
        v.update(id=logical, request_interval=_int(cfg.get("RequestInterval")),
                 failure_threshold=_int(cfg.get("FailureThreshold")))
    elif rtype == "AWS::ElastiCache::ReplicationGroup":
        r["type"] = "aws_elasticache_replication_group"
        v.update(replication_group_id=_known(props.get("ReplicationGroupId")) or logical,
                 num_cache_clusters=_int(props.get("NumCacheClusters")),
                 automatic_failover_enabled=_bool(props.get("AutomaticFailoverEnabled")))
    elif rtype == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        r["type"] = "aws_lb"
        v.update(name=_known(props.get("Name")) or logical,
                 subnets=[x for x in props.get("Subnets") or [] if isinstance(x, str)])
    elif rtype in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
        r["type"] = "aws_lambda_function"
        v.update(function_name=_known(props.get("FunctionName")) or logical,
                 reserved_concurrent_executions=_int(props.get("ReservedConcurrentExecutions")))
    elif rtype in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api", "AWS::Serverless::Api",
                   "AWS::Serverless::HttpApi"):
        r["type"] = "aws_api_gateway_rest_api"
        v.update(name=_known(props.get("Name")) or logical)
    elif rtype == "AWS::ElasticLoadBalancing::LoadBalancer":  # a Classic Load Balancer
        r["type"] = "aws_elb"
        hc = as_mapping(props.get("HealthCheck"))
        v.update(name=_known(props.get("LoadBalancerName")) or logical,
                 subnets=[x for x in props.get("Subnets") or [] if isinstance(x, str)],
                 availability_zones=[x for x in props.get("AvailabilityZones") or [] if isinstance(x, str)],
                 health_check=[{"interval": _int(hc.get("Interval", 30)),
                                "unhealthy_threshold": _int(hc.get("UnhealthyThreshold", 2))}])
    elif rtype == "AWS::ElasticLoadBalancingV2::TargetGroup":
        r["type"] = "aws_lb_target_group"
        v["health_check"] = [{"enabled": _bool(props.get("HealthCheckEnabled", True)),
                              "interval": _int(props.get("HealthCheckIntervalSeconds", 30)),
                              "unhealthy_threshold": _int(props.get("UnhealthyThresholdCount", 2))}]
    elif rtype in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
        r["type"] = "aws_dynamodb_table"
        replicas = [x for x in props.get("Replicas") or [] if isinstance(x, dict)] if rtype.endswith(
            "GlobalTable") else []
        strong = str(_known(props.get("MultiRegionConsistency")) or "").upper() == "STRONG"
        pitr = [_bool(as_mapping(x.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"))
                for x in replicas] or [_bool(as_mapping(props.get("PointInTimeRecoverySpecification")).get(
                    "PointInTimeRecoveryEnabled"))]
        v.update(name=_known(props.get("TableName")) or logical, replicas_include_home=True,
                 replica=[{"region_name": _known(x.get("Region")), "consistency_mode": "STRONG" if strong else None}
                          for x in replicas],
                 point_in_time_recovery=[{"enabled": all(p is True for p in pitr)}])
    elif rtype == "AWS::S3::Bucket" and isinstance(props.get("ReplicationConfiguration"), dict):
        r["type"] = "aws_s3_bucket_replication_configuration"
        rules = props["ReplicationConfiguration"].get("Rules") or []
        v["rule"] = [{"delete_marker_replication": {"status": _known(
            (rule.get("DeleteMarkerReplication") or {}).get("Status"))}} for rule in rules if isinstance(rule, dict)]
    else:
        return None
    return r


class _CfnReader(AwsReader):
    def where(self, r: dict) -> str:
        logical, _, rest = str(r.get("address", "?")).partition(" (")
        line = rest.rpartition("line ")[2].rstrip(")")
        return f"{self.path}:{line} ({logical})" if line.isdigit() else f"{self.path}: {logical}"


def _read(path: str, text: str) -> Imported:
    if not text.strip():
        return Imported()
    if text.lstrip().startswith("{"):
        try:
            doc, lines = json.loads(text), {}  # type: ignore[var-annotated]
        except (json.JSONDecodeError, RecursionError):
            raise InvalidInputError(f"{path}: not a CloudFormation template (JSON that does not parse)") from None
    else:
        docs = read_yaml_documents(text, path, tags=True)
        if not docs:
            return Imported()
        doc, lines, _ = docs[0]
    if not isinstance(doc, dict):
        return Imported()
    t = _Template(path, doc, lines)
    resources = []
    skipped = []
    for logical, res in list(t.resources.items())[:20_000]:
        if not isinstance(res, dict) or not isinstance(res.get("Type"), str):
            continue
        cond = res.get("Condition")
        n = t.line("Resources", logical)
        where = f"{logical} (line {n})" if n else logical
        at = t.at(logical)
        if cond is not None:
            holds = t.condition(cond)
            if holds is False:
                skipped.append(Finding("info", f"{logical} is not created: its condition {cond!r} is false with "
                                       "the parameters' defaults", at, "Condition"))
                continue
            if holds is UNKNOWN:
                skipped.append(Finding("info", f"{logical} is created only if {cond!r} holds, which the "
                                       "parameters' defaults do not decide: read as created", at, "Condition"))
        props = t.value(res.get("Properties") or {}, where=where)
        r = _as_terraform(t, str(logical), res["Type"], as_mapping(props), as_mapping(res.get("Properties")))
        if r is not None:
            resources.append(r)
    out = _CfnReader(path, {}, resources).read()
    out.findings[:0] = t.findings + skipped
    said = _defaults_read(t)
    if said:
        out.findings.append(Finding("info", f"read with the parameters' defaults: {said} (a stack launched with "
                                    "other values is another design: import it with those as defaults)",
                                    path, "Parameters"))
    return out


def _defaults_read(t: _Template, most: int = 12) -> str:
    """The parameters whose defaults the reading used, each with the values it allows."""
    parts = []
    for name, value in list(t.used.items())[:most]:
        shown = ("no default (unknown)" if value is UNKNOWN else "its default (NoEcho: not shown)"
                 if name in t.secret else printable(json.dumps(value, default=str), 60))
        allowed = t.allowed.get(name)
        if allowed:
            listed = ", ".join(x if isinstance(x, str) else json.dumps(x, default=str) for x in allowed[:6])
            shown += f" (allowed: {printable(listed, 80)})"  # as the template writes them: true, not True
        parts.append(f"{printable(name, 60)} = {shown}")
    more = len(t.used) - most
    return "; ".join(parts) + (f"; and {more:,} more" if more > 0 else "")


IMPORTER = Importer("cloudformation", "CloudFormation templates (YAML with short-form tags, or JSON)",
                    _claims, _read)
