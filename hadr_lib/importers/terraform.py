"""Terraform plans and states as ``terraform show -json`` writes them (modules resolved,
defaults filled in): AWS resources.

Read: ``aws_db_instance`` (Multi-AZ as a standby with synchronous replication and the
``rds_multi_az`` failover preset, backups, read replicas), ``aws_autoscaling_group``
(capacity, and its zones from ``availability_zones`` or its subnets'), Route 53
failover records (``failover_routing_policy``) with their health checks (a standby whose
failover is timed by the check's interval, threshold and the record's TTL),
``aws_elasticache_replication_group``, S3 replication (whether deletes are
replicated) and AWS Backup plans (each rule's schedule as the RPO of a restore, how long
it keeps a backup, whether a copy leaves the region). Every block's ``source`` is the
resource's address. Values a plan does not know yet (computed) are reported as unknown, never guessed.

Assumed, and said: an instance fails about four times a year (a database host twice)
and is replaced in 10 minutes (rebuilt in 2 hours); a zone is down 0.5 times a year for
4 hours; what a failover record points at is a stack that fails twice a year for 4
hours; the resources are in series.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..checks import InvalidInputError
from . import Finding, Imported, Importer, assumed_region, dig, every_said, hours_said, printable, schedule_h, whole

__all__ = ["IMPORTER", "AwsReader"]

MAX_RESOURCES = 20_000
#: The most replicas of one DynamoDB table read (AWS allows one per region).
MAX_REPLICAS = 64
ASSUMED = {
    "instance": (2190.0, 10 / 60, "assumed by hadr import: an instance fails about 4 times a year and is "
                                  "replaced in 10 minutes"),
    "database": (4380.0, 2.0, "assumed by hadr import: a database host fails about twice a year and is "
                              "rebuilt in 2 hours"),
    "endpoint": (4380.0, 4.0, "assumed by hadr import: what the record points at (a region's stack) fails "
                              "about twice a year for 4 hours; give its real figures"),
    "cache": (4380.0, 1.0, "assumed by hadr import: a cache node fails about twice a year and is replaced in "
                           "an hour"),
    "task": (2190.0, 2 / 60, "assumed by hadr import: a task fails about 4 times a year and the ECS scheduler "
                             "replaces it in 2 minutes"),
    "server": (2190.0, 1.0, "assumed by hadr import: an instance fails about 4 times a year; outside an Auto "
                            "Scaling group nothing replaces it, so it is recovered or rebuilt in an hour"),
}
#: Resource types that run something this reader does not model: named in one finding.
UNREAD_RUNNING = ("aws_eks_cluster",
                  "aws_elasticache_cluster", "aws_efs_file_system", "aws_docdb_cluster", "aws_opensearch_domain",
                  "aws_elasticsearch_domain", "aws_mq_broker", "aws_msk_cluster", "aws_redshift_cluster",
                  "aws_neptune_cluster", "aws_memorydb_cluster",
                  "aws_cloudfront_distribution", "aws_sqs_queue", "aws_kinesis_stream", "aws_fsx_lustre_file_system",
                  "aws_globalaccelerator_accelerator", "aws_batch_compute_environment", "aws_emr_cluster")
ZONE = {"rate_per_year": 0.5, "mttr_h": 4.0,
        "source": "assumed by hadr import: 0.5 zone outages a year of 4 hours; these files do not say"}


def _claims(path: str, text: str) -> bool:
    head = text.lstrip()[:4096]
    if not head.startswith("{"):
        return False
    if '"planned_values"' in text or ('"values"' in text and '"root_module"' in text):
        return True  # terraform show -json of a plan or a state
    return path.endswith(".tfstate") or ('"lineage"' in text[:100_000] and '"instances"' in text)  # a state file


def _from_state_file(doc: dict) -> dict:
    """A state file as Terraform writes it (``terraform.tfstate``, version 4) in the shape
    ``terraform show -json`` gives a state: each instance of each managed resource, by its
    address (``module.m.aws_x.name[0]``), with its attributes as ``values``."""
    out: list[dict] = []
    for res in doc.get("resources") or []:
        if not isinstance(res, dict) or res.get("mode", "managed") != "managed":
            continue
        base = ".".join(str(x) for x in (res.get("module"), res.get("type"), res.get("name")) if x)
        instances = [i for i in res.get("instances") or [] if isinstance(i, dict)][:MAX_RESOURCES]
        for inst in instances:
            key = inst.get("index_key")
            address = base if key is None else f"{base}[{json.dumps(key)}]"
            out.append({"address": address, "mode": "managed", "type": res.get("type"), "name": res.get("name"),
                        "provider_key": _state_provider(res.get("provider")),
                        "values": inst.get("attributes") if isinstance(inst.get("attributes"), dict) else {}})
        if len(out) >= MAX_RESOURCES:
            break
    return {"values": {"root_module": {"resources": out}}}


def _state_provider(raw: Any) -> str:
    """``aws`` or ``aws.ALIAS`` from a state's ``provider["registry.terraform.io/hashicorp/aws"].ALIAS``."""
    m = re.fullmatch(r'provider\["[^"]*/aws"\](?:\.(\w+))?', str(raw or ""))
    return "aws" if not m or not m.group(1) else f"aws.{m.group(1)}"


def _resources(module: Any, depth: int = 0) -> list[dict]:
    if not isinstance(module, dict) or depth > 50:
        return []
    out = [r for r in module.get("resources") or [] if isinstance(r, dict)]
    for child in module.get("child_modules") or []:
        out += _resources(child, depth + 1)
    return out


#: A person promotes a read replica (the files do not say how soon) [s].
ASSUMED_PROMOTE_S = 3600.0


def _comp(name: str, what: str, source: str, **more: Any) -> dict:
    mtbf, mttr, how = ASSUMED[what]
    return {"component": {"name": printable(name, 200).strip() or "unnamed", "mtbf_h": mtbf, "mttr_h": mttr,
                          "source": printable(f"{source}; {how}", 2000),
                          **more}}


class AwsReader:
    """AWS resources (in Terraform's names and values) to blocks and findings; the
    CloudFormation importer gives it its resources translated."""
    def __init__(self, path: str, doc: dict, resources: list[dict] | None = None):
        self.path, self.doc = path, doc
        self.out = Imported()
        root = dig(doc, "planned_values", "root_module") or dig(doc, "values", "root_module") or {}
        self.resources = (_resources(root) if resources is None else resources)[:MAX_RESOURCES]
        self.unknown = _after_unknown(doc)
        self.spanning: set[int] = set()  # ids of blocks that span regions (placed in none)
        self.databases: list[tuple[set[str], dict]] = []  # a database's names (address, identifier), its block
        self.read_replicas: list[tuple[dict, dict, str]] = []  # (resource, its block, its source as written)
        self.copied = False  # a database's copy is modelled (a read replica, a global database's secondary)
        self.server_groups: dict[str, list[dict]] = {}  # an aws_instance resource: its instances' blocks
        self.unread: dict[str, list[str]] = {}  # a resource type that runs something, not read: its addresses
        self.by_type: dict[str, list[dict]] = {}
        for r in self.resources:
            self.by_type.setdefault(str(r.get("type")), []).append(r)
        self.subnet_zone = {str(_v(s, "id")): str(_v(s, "availability_zone"))
                            for s in self.by_type.get("aws_subnet", []) if _v(s, "availability_zone")}
        self.region = dig(doc, "configuration", "provider_config", "aws", "expressions", "region",
                           "constant_value")
        # each resource's provider (an alias for another region), as the plan's configuration says
        providers = dig(doc, "configuration", "provider_config") or {}
        self.provider_region = {str(k): dig(v, "expressions", "region", "constant_value")
                                for k, v in (providers.items() if isinstance(providers, dict) else [])}
        self.provider_of = {str(c.get("address")): str(c.get("provider_config_key"))
                            for c in (dig(doc, "configuration", "root_module", "resources") or [])
                            if isinstance(c, dict) and c.get("provider_config_key")}

    def where(self, r: dict) -> str:
        """Where a resource is: the file and its address."""
        return f"{self.path}: {r.get('address', '?')}"

    def find(self, severity: str, message: str, r: dict, field: str = "") -> None:
        self.out.findings.append(Finding(severity, message, self.where(r), field))

    def known(self, r: dict, key: str) -> bool:
        """Whether the plan knows ``key`` (it is not computed at apply time)."""
        return not bool(dig(self.unknown.get(str(r.get("address")), {}), key))

    def region_of(self, r: dict) -> str | None:
        """The region a resource is in: its own ``region`` (AWS provider 6), else its
        provider's (an alias's, or the default provider's); None when nothing says."""
        own = _v(r, "region")
        if isinstance(own, str) and own and not own.startswith("${"):
            return own
        key = str(r.get("provider_key") or self.provider_of.get(str(r.get("address")), "aws"))
        region = self.provider_region.get(key, self.region if key == "aws" else None)
        if not (isinstance(region, str) and region):  # a state: the region in the resource's ARN
            arn = _v(r, "arn")
            parts = arn.split(":") if isinstance(arn, str) and arn.startswith("arn:aws") else []
            region = parts[3] if len(parts) > 4 and parts[3] else None
        return region if isinstance(region, str) and region else None

    def _place(self, block: dict, region: str) -> None:
        """Put a block in ``region`` (a block in a zone: the zone in the region)."""
        name = printable(region, 120).strip() or "unnamed region"
        self.out.regions.setdefault(name, assumed_region("these files do not say"))
        if "zone" in block:
            self.out.zones[block["zone"]]["region"] = name
        else:
            block["region"] = name

    def zone(self, name: str) -> str:
        name = printable(name, 120).strip() or "unnamed zone"
        self.out.zones.setdefault(name, dict(ZONE))
        return name

    # -- resources ------------------------------------------------------------------------
    def db_instance(self, r: dict) -> None:
        addr, src = str(r.get("address")), self.where(r)
        name = str(_v(r, "identifier") or addr)
        source = _v(r, "replicate_source_db") or self._configured(r, "replicate_source_db")
        if source:  # a read replica: paired with its source after every resource is read
            block = _comp(name, "database", src)
            self.read_replicas.append((r, block, str(source)))
            self.out.blocks.append(block)
            return
        retention = _v(r, "backup_retention_period")
        if not self.known(r, "backup_retention_period"):
            self.find("info", f"{addr}: backup_retention_period is not known until apply", r,
                      "backup_retention_period")
        elif retention in (0, None):
            self.find("warning", f"{addr}: backups are off (backup_retention_period {retention!r}): "
                      "corrupted or deleted data cannot be restored", r, "backup_retention_period")
        multi = _v(r, "multi_az")
        if multi is None and not self.known(r, "multi_az"):
            self.find("info", f"{addr}: multi_az is not known here: read as one instance", r, "multi_az")
            multi = "unknown"
        if multi is True:
            self.out.blocks.append({"standby": {
                "name": f"{name} Multi-AZ failover",
                "primary": _comp(f"{name}-primary", "database", src),
                "standbys": [_comp(f"{name}-standby", "database", src)],
                "failover_preset": "rds_multi_az", "replication": "sync"}})
        else:
            if multi != "unknown":
                self.find("warning", f"{addr}: multi_az is {json.dumps(multi)} (off unless it is set): one "
                          "instance, no standby to fail over to", r, "multi_az")
            az = _v(r, "availability_zone")
            block = _comp(name, "database", src)
            self.out.blocks.append({"zone": self.zone(str(az)), **block} if az else block)
        # its names, for a read replica that names it as its source
        self.databases.append(({addr, addr.split(" (")[0], name} - {""}, self.out.blocks[-1]))

    def _configured(self, r: dict, key: str) -> str | None:
        """What a plan's configuration says ``key`` of ``r`` refers to, when its value is
        known only after apply (a replica's source given as another resource's ARN)."""
        if self.known(r, key):
            return None
        for c in dig(self.doc, "configuration", "root_module", "resources") or []:
            if isinstance(c, dict) and c.get("address") == r.get("address"):
                refs = dig(c, "expressions", key, "references")
                return str(refs[0]) if isinstance(refs, list) and refs else None
        return None

    def pair_read_replicas(self, made: list[tuple[dict, str | None]]) -> None:
        """Each read replica whose source is in the files becomes that database's
        disaster-recovery copy, promoted by hand; the others are said to be no failover
        target and dropped from the design."""
        pairs: dict[int, dict] = {}  # a source block's id: the standby it is the primary of
        for r, block, written in self.read_replicas:
            addr = str(r.get("address"))
            tokens = set(re.findall(r"[\w.\-]+", written))
            source = next((b for keys, b in self.databases if any(
                t == k or t.startswith(k + ".") for t in tokens for k in keys)), None)
            self.out.blocks[:] = [b for b in self.out.blocks if b is not block]
            if source is None:
                self.find("warning", f"{addr} is an asynchronous read replica of {printable(written, 120)}, not "
                          "found in these files: promoting it is done by hand and loses its lag; it is not a "
                          "failover target", r, "replicate_source_db")
                made[:] = [(b, reg) for b, reg in made if b is not block]  # not in the design
                continue
            promote = ASSUMED_PROMOTE_S
            if id(source) in pairs:  # another replica of the same source: one more copy to promote
                pairs[id(source)]["standby"]["standbys"].append(block)
            else:
                i = next(j for j, b in enumerate(self.out.blocks) if b is source)
                name = printable(str(_v(r, "identifier") or addr), 120)
                pair = {"standby": {"name": f"{name} (read replica, promoted by hand)"[:200], "primary": source,
                                    "standbys": [block], "failover_s": promote}}
                self.out.blocks[i] = pairs[id(source)] = pair  # in no region; its parts keep theirs
            self.copied = True
            self.find("warning", f"{addr}: an asynchronous read replica promoted by hand, modelled as the "
                      f"disaster-recovery copy of its source (promotion assumed to take {promote / 3600:g} hour); "
                      "promoting it loses what the source wrote and had not yet shipped (its lag; the design "
                      "states no RPO), and nothing promotes it when the source is lost", r, "replicate_source_db")

    def ecs_service(self, r: dict) -> None:
        """An ECS service: its ``desired_count`` tasks over its subnets' zones, read as an
        Auto Scaling group of tasks (the scheduler replaces a failed task)."""
        net = _first(_v(r, "network_configuration"))
        count = _v(r, "desired_count")  # Terraform's default is 0; unknown until apply: None
        size = (0 if count is None else count) if self.known(r, "desired_count") else None
        values = {"name": _v(r, "name"), "desired_capacity": size, "min_size": size,
                  "vpc_zone_identifier": net.get("subnets") or []}
        self.autoscaling_group({**r, "values": values}, what="task", unit="task")

    def eks_node_group(self, r: dict) -> None:
        """An EKS managed node group: its Auto Scaling group of nodes (``scaling_config``)
        over its ``subnet_ids``' zones. What runs on the nodes is the manifests' to say."""
        scaling = _first(_v(r, "scaling_config"))
        values = {"name": _v(r, "node_group_name") or r.get("address"), "desired_capacity": scaling.get("desired_size"),
                  "min_size": scaling.get("min_size"), "vpc_zone_identifier": _v(r, "subnet_ids") or []}
        self.autoscaling_group({**r, "values": values}, unit="node")

    def autoscaling_group(self, r: dict, what: str = "instance", unit: str = "instance") -> None:
        addr, src = str(r.get("address")), self.where(r)
        zones = [str(z) for z in _v(r, "availability_zones") or []]
        for subnet in _v(r, "vpc_zone_identifier") or []:
            z = self.subnet_zone.get(str(subnet))
            if z and z not in zones:
                zones.append(z)
        size, low = _v(r, "desired_capacity"), _v(r, "min_size")
        if isinstance(size, int) and isinstance(low, int) and size < low:
            self.find("error", f"{addr}: its desired capacity {size} is below its minimum {low}: AWS refuses it",
                      r, "desired_capacity")
        if not isinstance(size, int) or isinstance(size, bool):
            size = low
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            self.find("info", f"{addr}: its capacity is not known (desired_capacity, min_size); taken as 1", r,
                      "desired_capacity")
            size = 1
        name = str(_v(r, "name") or addr)
        if len(zones) >= 2 and size == 1:
            self.find("warning", f"{addr} spans {len(zones)} zones but runs one {unit}: a 'multi-AZ' group of "
                      "one is down while it is replaced", r, "desired_capacity")
        if len(zones) == 1 and size > 1:
            self.find("warning", f"{addr}: every {unit} is in {zones[0]}: losing it loses them all", r,
                      "availability_zones")
        if not zones:
            self.find("info", f"{addr}: its zones are not known here (its subnets' zones are not in these files)", r,
                      "vpc_zone_identifier")
        if len(zones) >= 2 and size >= 2:
            per = [size // len(zones) + (1 if i < size % len(zones) else 0) for i in range(len(zones))]
            self.out.blocks.append({"parallel": [
                {"zone": self.zone(z), **_comp(f"{name}@{z}", what, src, **({"count": n} if n > 1 else {}))}
                for z, n in zip(zones, per) if n > 0]})
        else:
            block = _comp(name, what, src, **({"count": size} if size > 1 else {}))
            self.out.blocks.append({"zone": self.zone(zones[0]), **block} if zones else block)

    def failover_records(self) -> None:
        checks = {str(_v(h, "id")): h for h in self.by_type.get("aws_route53_health_check", []) if _v(h, "id")}
        groups: dict[tuple, list[tuple[dict, str]]] = {}
        for rec in self.by_type.get("aws_route53_record", []):
            pol = _v(rec, "failover_routing_policy")
            pol = pol[0] if isinstance(pol, list) and pol else pol
            if not isinstance(pol, dict):
                continue
            role = str(pol.get("type", "")).upper()
            if _v(rec, "alias") and _v(rec, "ttl") not in (None, 0):
                self.find("error", f"{rec.get('address')}: a TTL on an alias record (AWS uses the target's; "
                          "the TTL set here does nothing)", rec, "ttl")
            groups.setdefault((str(_v(rec, "zone_id")), str(_v(rec, "name")), str(_v(rec, "type"))), []).append(
                (rec, role))
        names: dict[tuple, list[str]] = {}
        for (zone_id, name, rtype), recs in groups.items():
            names.setdefault((zone_id, rtype), []).append(name)
            roles = [role for _, role in recs]
            first = recs[0][0]
            if len(recs) > 2 or roles.count("PRIMARY") != 1 or roles.count("SECONDARY") != 1:
                self.find("error", f"failover records for {name} are not a pair ({', '.join(sorted(roles))}): "
                          "Route 53 fails over between one PRIMARY and one SECONDARY of the same name and type",
                          first, "failover_routing_policy")
                continue
            primary = next(rec for rec, role in recs if role == "PRIMARY")
            secondary = next(rec for rec, role in recs if role == "SECONDARY")
            hc = _v(primary, "health_check_id")
            if not hc:
                self.find("error", f"{primary.get('address')}: a PRIMARY failover record without a health "
                          "check never fails over", primary, "health_check_id")
                continue
            if hc == _v(secondary, "health_check_id"):
                self.find("error", f"{secondary.get('address')} shares the primary's health check: when the "
                          "primary is unhealthy so is the secondary, and Route 53 answers with the primary",
                          secondary, "health_check_id")
            check = checks.get(str(hc), {})
            interval = _v(check, "request_interval") or 30
            threshold = _v(check, "failure_threshold") or 3
            ttl = 60 if _v(primary, "alias") else (_v(primary, "ttl") or 60)
            self.out.blocks.append({"standby": {
                "name": f"DNS failover of {name}"[:200],
                "primary": _comp(f"{name} primary", "endpoint", self.where(primary)),
                "standbys": [_comp(f"{name} secondary", "endpoint", self.where(secondary))],
                "failover": {"check_interval_s": float(interval), "failure_threshold": int(threshold),
                             "dns_ttl_s": float(ttl)},
                "failback": True}})
        for (zone_id, rtype), members in names.items():
            if len(members) > 1 and any(len(groups[(zone_id, n, rtype)]) == 1 for n in members):
                lone = [n for n in members if len(groups[(zone_id, n, rtype)]) == 1]
                self.out.findings.append(Finding(
                    "warning", f"failover records {', '.join(sorted(lone))} have no partner of the same name: "
                    "records of different names do not fail over to each other", self.path,
                    "failover_routing_policy"))

    def cache(self, r: dict) -> None:
        addr, src = str(r.get("address")), self.where(r)
        n = _v(r, "num_cache_clusters") or _v(r, "number_cache_clusters") or 1
        auto = _v(r, "automatic_failover_enabled")
        name = str(_v(r, "replication_group_id") or addr)
        if not isinstance(n, int) or n < 2 or not auto:
            self.find("warning", f"{addr}: {'no automatic failover' if not auto else 'one node'}: a node lost "
                      "is an outage until it is replaced", r, "automatic_failover_enabled")
            self.out.blocks.append(_comp(name, "cache", src))
            return
        said = whole(_v(r, "num_node_groups"))
        shards = said if said is not None and 1 < said <= 500 else 1
        for k in range(shards):  # cluster mode: every shard holds part of the keys, so each is needed
            tag = f"{name}-shard-{k + 1}" if shards > 1 else name
            self.out.blocks.append({"standby": {
                "name": f"{tag} failover", "primary": _comp(f"{tag}-primary", "cache", src),
                "standbys": [_comp(f"{tag}-replica-{i + 1}", "cache", src) for i in range(n - 1)],
                "failover_s": 60.0}})
        self.find("info", f"{addr}: failover taken as 60 s (assumed)"
                  + (f"; {shards} shards, each needed for its keys" if shards > 1 else ""), r,
                  "automatic_failover_enabled")

    def clusters(self, made: list[tuple[dict, str | None]]) -> None:
        """Aurora (and other RDS) clusters: the writer and its readers as a standby block
        over shared storage (a failover loses no committed data), each in its region
        (``made``); the clusters of one global database become one standby, the
        secondary clusters promoted by hand."""
        members = self.by_type.get("aws_rds_cluster_instance", [])
        globals_: dict[str, list[tuple[dict, dict]]] = {}  # a global database: (its cluster, the block)
        for c in self.by_type.get("aws_rds_cluster", []):
            block = self._cluster(c, members)
            made.append((block, self.region_of(c)))
            glob = _v(c, "global_cluster_identifier")
            if glob:
                globals_.setdefault(str(glob), []).append((c, block))
        for glob, clusters in globals_.items():
            if len(clusters) > 1:
                self._global_database(glob, clusters)

    def _global_database(self, glob: str, clusters: list[tuple[dict, dict]]) -> None:
        """One standby of a global database's clusters: the primary (``is_primary_cluster``
        not false, master credentials set, else the first), the others its copies."""
        def rank(pair: tuple[dict, dict]) -> int:
            c = pair[0]
            if _v(c, "is_primary_cluster") is False or _v(c, "replication_source_identifier"):
                return 2
            return 0 if any(_v(c, k) for k in ("master_username", "master_password",
                                                "manage_master_user_password")) else 1
        ordered = sorted(clusters, key=rank)  # stable: the first in the files among equals
        (first, primary), rest = ordered[0], ordered[1:]
        copies = [b for _, b in rest]
        self.out.blocks[:] = [b for b in self.out.blocks if not any(b is x for x in copies)]
        i = next(j for j, b in enumerate(self.out.blocks) if b is primary)
        self.copied = True
        named = next((_v(g, "global_cluster_identifier") for g in self.by_type.get("aws_rds_global_cluster", [])
                      if glob == str(g.get("address")) or glob.startswith(str(g.get("address")) + ".")), None)
        name = printable(str(named or glob), 120)
        self.out.blocks[i] = {"standby": {"name": f"global database {name}"[:200], "primary": primary,
                                          "standbys": copies, "failover_s": ASSUMED_PROMOTE_S}}
        why = ("its is_primary_cluster is not false and it sets the master credentials" if rank(ordered[0]) == 0
               else "the first of them in the files")
        self.find("warning", f"global database {name}: {str(first.get('address'))} taken as the primary ({why}); "
                  f"{', '.join(str(c.get('address')) for c, _ in rest)} its secondary cluster(s), promoted by hand "
                  f"(a global database failover, assumed to take {ASSUMED_PROMOTE_S / 3600:g} hour); replication "
                  "is asynchronous (AWS gives a typical lag under a second; the design states no RPO)",
                  first, "global_cluster_identifier")

    def _cluster(self, c: dict, members: list[dict]) -> dict:
        """One cluster: a standby of its writer and readers, or its writer alone (the block
        added, returned)."""
        addr, src = str(c.get("address")), self.where(c)
        keys = {addr, str(_v(c, "cluster_identifier") or "")} - {""}
        mine = [i for i in members if str(_v(i, "cluster_identifier") or "") in keys]
        name = str(_v(c, "cluster_identifier") or addr)
        retention = _v(c, "backup_retention_period")
        if retention == 0:
            self.find("warning", f"{addr}: backups are off (backup_retention_period 0)", c,
                      "backup_retention_period")
        if str(_v(c, "engine_mode") or "").lower() == "serverless" and not mine:
            self.find("info", f"{addr}: Aurora Serverless v1 (engine_mode serverless): one compute node in one "
                      "zone, which AWS recreates in another zone when that zone fails (minutes, not a reader's "
                      "30 s failover); modelled as one node. AWS retired Serverless v1 in 2025", c, "engine_mode")
            self.out.blocks.append(_comp(f"{name}-writer", "database", src))
            return self.out.blocks[-1]
        if len(mine) <= 1:
            self.find("warning", f"{addr}: {len(mine) or 'no'} instance{'s' if len(mine) != 1 else ''} "
                      "in the cluster: no reader to fail over to", c, "aws_rds_cluster_instance")
            self.out.blocks.append(_comp(f"{name}-writer", "database", src))
            return self.out.blocks[-1]
        self.out.blocks.append({"standby": {
            "name": f"{name} cluster failover", "primary": _comp(f"{name}-writer", "database", src),
            "standbys": [_comp(f"{name}-reader-{i + 1}", "database", self.where(m))
                         for i, m in enumerate(mine[1:])],
            "failover_s": 30.0, "replication": "sync"}})
        self.find("info", f"{addr}: failover to a reader taken as 30 s (assumed); the instances share the "
                  "cluster's storage, so a failover loses no committed data", c, "failover")
        return self.out.blocks[-1]

    def load_balancer(self, r: dict) -> None:
        """A load balancer (an ALB or NLB, or a Classic Load Balancer naming its zones) known by
        its provider's SLA: multi-AZ across two zones or more."""
        addr = str(r.get("address"))
        zones = sorted({self.subnet_zone.get(str(sn)) or "" for sn in _v(r, "subnets") or []} - {""})
        field = "subnets"
        if not zones and isinstance(_v(r, "availability_zones"), list):  # a Classic Load Balancer names its zones
            zones = sorted({z for z in _v(r, "availability_zones")[:MAX_REPLICAS] if isinstance(z, str) and z})
            field = "availability_zones"
        name = str(_v(r, "name") or addr)
        if r.get("type") == "aws_elb":  # a Classic Load Balancer checks its instances itself
            self.health_check(r)
        if len(zones) == 1:
            self.find("warning", f"{addr}: the load balancer is in one zone ({zones[0]}): losing it loses the "
                      "entry point", r, field)
            self.out.blocks.append({"zone": self.zone(zones[0]), "component": {
                "name": printable(name, 200), "sla": "aws-elb-single-az", "source": self.where(r)}})
            return
        if not zones:
            self.find("info", f"{addr}: its zones are not known here; read as multi-AZ", r, "subnets")
        self.out.blocks.append({"component": {"name": printable(name, 200), "sla": "aws-elb-multi-az",
                                              "source": self.where(r)}})

    def health_check(self, r: dict) -> None:
        """How soon a target group or Classic Load Balancer takes a failed target out of
        service (``health_check``: interval x unhealthy threshold), or that it never does."""
        addr = str(r.get("address"))
        hc = _v(r, "health_check")
        hc = hc[0] if isinstance(hc, list) and hc else hc if isinstance(hc, dict) else {}
        if hc.get("enabled") is False:
            self.find("warning", f"{addr}: health checks are off: a dead target keeps getting traffic", r,
                      "health_check.enabled")
            return
        interval: int = hc["interval"] if isinstance(hc.get("interval"), int) else 30
        threshold: int = hc["unhealthy_threshold"] if isinstance(hc.get("unhealthy_threshold"), int) else 3
        self.find("info", f"{addr}: a failed target is taken out of service after about {interval * threshold} s "
                  f"({threshold} checks every {interval} s)", r, "health_check")

    def dynamodb_table(self, r: dict) -> None:
        """A DynamoDB table, known by its SLA: a global table (replicas in two regions or
        more, any of them taking reads and writes) by the Global Tables SLA, spanning its
        regions (placed in none); point-in-time recovery bounds what corrupted items lose."""
        addr, src = str(r.get("address")), self.where(r)
        name = str(_v(r, "name") or addr)
        replicas = [x for x in (_v(r, "replica") or []) if isinstance(x, dict)][:MAX_REPLICAS]
        named = sorted({str(x["region_name"]) for x in replicas if isinstance(x.get("region_name"), str)})
        home = None if _v(r, "replicas_include_home") else self.region_of(r)
        regions = sorted(set(named) | ({home} if home else set()))
        # Terraform lists the other regions' replicas (the table's own region is the provider's);
        # CloudFormation's global table lists every region, its own included.
        count = len(replicas) if _v(r, "replicas_include_home") else len(replicas) + 1
        if len(replicas) and count >= 2:
            self.out.blocks.append({"component": {"name": printable(name, 200), "sla": "aws-dynamodb-global-tables",
                                                  "source": src}})
            self.spanning.add(id(self.out.blocks[-1]))
            strong = any(str(x.get("consistency_mode") or "").upper() == "STRONG" for x in replicas)
            where = f" ({', '.join(printable(x, 40) for x in regions)})" if len(regions) == count else ""
            self.find("info", f"{addr}: a global table with replicas in {count} regions{where}: any replica takes "
                      "reads and writes; known by the Global Tables SLA (99.999%, a contractual floor). "
                      + ("Multi-region strong consistency: a region lost loses no acknowledged write" if strong else
                         "Replication between regions is asynchronous: a region lost loses its last writes "
                         "(typically under a second), and conflicting writes go to the last writer"), r, "replica")
        else:
            self.out.blocks.append({"component": {"name": printable(name, 200), "sla": "aws-dynamodb", "source": src}})
        pitr = _first(_v(r, "point_in_time_recovery")).get("enabled")
        if pitr is not True:
            self.find("warning", f"{addr}: point-in-time recovery is off: corrupted or deleted items come back "
                      "only from on-demand backups, if any are taken", r, "point_in_time_recovery.enabled")

    def lambda_function(self, r: dict) -> None:
        """A Lambda function, known by Lambda's SLA (a regional service, measured over
        requests); a reserved concurrency of 0 throttles every invocation."""
        addr = str(r.get("address"))
        name = str(_v(r, "function_name") or addr)
        self.out.blocks.append({"component": {"name": printable(name, 200), "sla": "aws-lambda",
                                              "source": self.where(r)}})
        if whole(_v(r, "reserved_concurrent_executions")) == 0:
            self.find("error", f"{addr}: reserved_concurrent_executions 0 throttles every invocation: the "
                      "function never runs", r, "reserved_concurrent_executions")

    def api_gateway(self, r: dict) -> None:
        """An API Gateway API (REST, HTTP or WebSocket), known by its SLA."""
        addr = str(r.get("address"))
        self.out.blocks.append({"component": {"name": printable(str(_v(r, "name") or addr), 200),
                                              "sla": "aws-api-gateway", "source": self.where(r)}})

    def s3_replication(self, r: dict) -> None:
        for i, rule in enumerate(_v(r, "rule") or []):
            dm = dig(rule, "delete_marker_replication", 0, "status") if isinstance(
                dig(rule, "delete_marker_replication"), list) else dig(rule, "delete_marker_replication", "status")
            if str(dm).lower() == "enabled":
                self.find("warning", f"{r.get('address')}: deletes are replicated to the copy (delete marker "
                          "replication): a mistaken delete reaches the replica too", r,
                          f"rule[{i}].delete_marker_replication")

    def backup_plan(self, r: dict) -> None:
        """An AWS Backup plan: each rule's schedule bounds what corrupted data loses (its
        RPO), its lifecycle how long a copy is kept, and a copy_action whether a copy
        survives the region."""
        addr = r.get("address")
        rules = [x for x in (_v(r, "rule") or []) if isinstance(x, dict)][:100]
        if not rules:
            self.find("warning", f"{addr}: a backup plan without rules backs up nothing", r, "rule")
            return
        copied = False
        for i, rule in enumerate(rules):
            name = printable(str(rule.get("rule_name") or f"rule {i + 1}"), 120)
            every = schedule_h(rule.get("schedule"))
            if rule.get("enable_continuous_backup") is True:
                said = ("continuous (point-in-time restore: what corrupted data loses is the time from the "
                        "damage to the point you restore to)")
            elif every is None:
                said = f"on schedule {printable(repr(rule.get('schedule')), 80)} (not read here: no RPO stated)"
            else:
                said = (f"{every_said(every)}: corrupted data loses up to {hours_said(every)} of writes "
                        "(the RPO of a restore from these backups)")
            keep = _first(rule.get("lifecycle")).get("delete_after")
            days = f"{keep} day{'' if keep == 1 else 's'}"
            self.find("info", f"{addr}: rule {name} backs up {said}{'' if keep is None else ', kept ' + days}", r,
                      f"rule[{i}].schedule")
            n = keep if isinstance(keep, (int, float)) and not isinstance(keep, bool) else None
            if n is not None and n < 1:
                self.find("warning", f"{addr}: rule {name} deletes its backups after {keep} days: nothing is kept",
                          r, f"rule[{i}].lifecycle.delete_after")
            elif n is not None and every is not None and n * 24 < 2 * every:
                self.find("warning", f"{addr}: rule {name} keeps one backup at a time (kept {days}, taken "
                          f"{every_said(every)}): damage noticed after the next backup cannot be undone", r,
                          f"rule[{i}].lifecycle.delete_after")
            copies = [c for c in (rule.get("copy_action") or []) if isinstance(c, dict)]
            copied = copied or any(c.get("destination_vault_arn") for c in copies)
        if not copied:
            self.find("warning", f"{addr}: no rule copies its backups to another region (copy_action): "
                      "losing the region loses the backups with it", r, "rule")
        if not self.by_type.get("aws_backup_selection"):
            self.find("warning", f"{addr}: no aws_backup_selection in these files: the plan may select no "
                      "resource and back up nothing", r, "")

    def read(self) -> Imported:
        made: list[tuple[dict, str | None]] = []  # each block and the region of its resource
        for r in self.resources:
            kind = r.get("type")
            if r.get("mode", "managed") != "managed":
                continue
            before = len(self.out.blocks)
            self.resource(r, kind)
            region = self.region_of(r)
            made += [(b, None if id(b) in self.spanning else region) for b in self.out.blocks[before:]]
        self.pair_read_replicas(made)
        self.clusters(made)
        self.failover_records()
        regions = sorted({reg for _, reg in made if reg})
        if len(regions) > 1:  # resources in several regions: each region a failure domain
            for b, reg in made:
                if reg:
                    self._place(b, reg)
            counts = ", ".join(f"{reg}: {sum(1 for _, x in made if x == reg)}" for reg in regions)
            self.out.findings.append(Finding(
                "info", f"resources in {len(regions)} regions ({counts}), each region a failure domain "
                "(assumed rates)" + ("" if self.copied else "; nothing read here says one region's resources take over "
                                     "from another's (a Route 53 failover pair or a replica does)"),
                self.path, "provider.region"))
        elif self.region:
            self.out.findings.append(Finding("info", f"provider region {self.region}", self.path,
                                             "provider_config.aws.region"))
        if self.unread:
            listed = [f"{k} ({len(v)})" for k, v in sorted(self.unread.items())]
            self.out.findings.append(Finding(
                "info", f"not read, so not in the design: {', '.join(listed[:12])}"
                + (f" and {len(listed) - 12} more types" if len(listed) > 12 else "")
                + " (add what they run by hand)", self.path, "resource"))
        if len(self.out.blocks) > 1:
            self.out.findings.append(Finding("info", "resources joined in series: each is taken as needed for the "
                                             "whole (the files do not say which calls which)", self.path))
        return self.out

    #: The method that reads each resource type (a type not listed here makes nothing).
    READERS = {"aws_db_instance": "db_instance", "aws_autoscaling_group": "autoscaling_group",
               "aws_instance": "instance", "aws_ecs_service": "ecs_service",
               "aws_eks_node_group": "eks_node_group",
               "aws_elasticache_replication_group": "cache",
               "aws_s3_bucket_replication_configuration": "s3_replication",
               "aws_lb": "load_balancer", "aws_alb": "load_balancer", "aws_elb": "load_balancer",
               "aws_lb_target_group": "health_check", "aws_alb_target_group": "health_check",
               "aws_backup_plan": "backup_plan",
               "aws_dynamodb_table": "dynamodb_table", "aws_dynamodb_global_table": "dynamodb_table",
               "aws_lambda_function": "lambda_function",
               "aws_api_gateway_rest_api": "api_gateway", "aws_apigatewayv2_api": "api_gateway"}

    def resource(self, r: dict, kind: Any) -> None:
        """Read one managed resource."""
        method = self.READERS.get(str(kind))
        if method is not None:
            getattr(self, method)(r)
        elif kind in UNREAD_RUNNING:
            self.unread.setdefault(str(kind), []).append(str(r.get("address")))

    def instance(self, r: dict) -> None:
        """An EC2 instance outside an Auto Scaling group: one part, in its zone (its own
        ``availability_zone`` or its subnet's). The instances of one counted or for_each
        resource are taken as replicas of one another (any one serves), said."""
        addr = str(r.get("address"))
        base = re.sub(r"\[[^\]]*\]$", "", addr)
        zone = _v(r, "availability_zone") or self.subnet_zone.get(str(_v(r, "subnet_id")))
        name = printable(str(dig(_v(r, "tags"), "Name") or addr), 120)
        block = _comp(name, "server", self.where(r))
        block = {"zone": self.zone(str(zone)), **block} if zone else block
        group = self.server_groups.get(base)
        if group is None:  # the first instance of this resource: its own block for now
            self.server_groups[base] = [block]
            self.out.blocks.append(block)
            if base == addr:  # no count, no for_each: one of its kind
                self.find("warning", f"{addr}: one instance: any failure of it is an outage until it is recovered "
                          "or rebuilt (nothing replaces it outside an Auto Scaling group)", r, "instance_type")
            return
        if len(group) == 1:  # a second instance: the resource becomes a parallel of its instances
            first = group[0]
            i = next(j for j, b in enumerate(self.out.blocks) if b is first)
            self.out.blocks[i] = {"parallel": group}
            self.find("info", f"{base}: its instances are taken as replicas of one another (any one serves); "
                      "the files do not say what they run", r, "count")
        group.append(block)


def _first(x: Any) -> dict:
    """A nested block as a plan writes it (a list of one mapping) or as a mapping."""
    if isinstance(x, list):
        x = x[0] if x else {}
    return x if isinstance(x, dict) else {}


def _v(r: Any, key: str) -> Any:
    return dig(r, "values", key)


def _after_unknown(doc: dict) -> dict[str, dict]:
    """Per resource address, what a plan leaves unknown until apply."""
    out: dict[str, dict] = {}
    for rc in doc.get("resource_changes") or []:
        if isinstance(rc, dict) and isinstance(dig(rc, "change", "after_unknown"), dict):
            out[str(rc.get("address"))] = rc["change"]["after_unknown"]
    return out


def _read(path: str, text: str) -> Imported:
    if not text.strip():
        return Imported()
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidInputError(f"{path}: not JSON as terraform show -json writes it") from None
    if not isinstance(doc, dict):
        return Imported()
    if "resources" in doc and "values" not in doc and "planned_values" not in doc:
        doc = _from_state_file(doc)
    return AwsReader(path, doc).read()


IMPORTER = Importer("terraform", "Terraform plans and states as JSON (terraform show -json), AWS resources",
                    _claims, _read)
