"""Kubernetes manifests (multi-document YAML or JSON, ``kind: List`` too).

Read: Deployments and StatefulSets (replicas, probes, pod anti-affinity and topology
spread constraints with whether their selector matches the workload's own pods, a
zone pinned by ``nodeSelector`` or node affinity, database replicas that replicate
nothing: a database image run as several replicas with nothing that sets replication
up), quorum software run as a
StatefulSet (ZooKeeper, etcd, Consul: a majority must be up), HorizontalPodAutoscalers
(a scaled workload runs at least ``minReplicas``), PodDisruptionBudgets,
PersistentVolumes pinned to a zone, CloudNativePG ``Cluster`` (instances, synchronous
replicas, backups in the cluster or through the Barman Cloud plugin; a replica cluster,
by ``replica.enabled`` or by the distributed topology's ``replica.primary``, whose source
is in the files imported becomes its disaster-recovery copy in another region, promoted by
hand; EDB's ``postgresql.k8s.enterprisedb.io`` group too) and Zalando ``postgresql`` (instances, Patroni's
``ttl`` and ``loop_wait``, synchronous mode, the lag limit ``maximum_lag_on_failover``,
backups set in its ``env``, a logical backup on its schedule). Any other kind that runs something is named in a finding
as not read.

What manifests do not say is assumed and said: a replica's failure rate (about four a
year) and repair (a node lost: 40 s before the node is marked not ready, 300 s before
its pods are evicted, then the new pod's start), how many zones the cluster has (3),
a zone's outages (0.5 a year, 4 hours each), and that every service is needed (the
services in series: manifests do not say which calls which).
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..checks import InvalidInputError
from ..safe_load import read_yaml_documents
from . import (
    Finding,
    Imported,
    Importer,
    TemplateFile,
    as_mapping,
    assumed_region,
    dig,
    every_said,
    hours_said,
    printable,
    schedule_h,
    whole,
)

__all__ = ["ASSUMED", "IMPORTER"]

#: Figures manifests do not hold, assumed and written into each block's ``source``.
ASSUMED = {
    "mtbf_h": 2190.0,  # a replica fails about four times a year
    "node_grace_s": 40.0,  # kube-controller-manager --node-monitor-grace-period default
    "eviction_s": 300.0,  # default tolerationSeconds for not-ready / unreachable nodes
    "zones": 3,
    "zone_rate_per_year": 0.5,
    "zone_mttr_h": 4.0,
    "pg_failover_s": 30.0,  # a database operator's failover, when the manifest does not say
    "replica_promote_s": 3600.0,  # a person promotes a CloudNativePG replica cluster
}
#: A region's outages, when a replica cluster puts a copy in one (the manifests do not say).
REGION_OUTAGE = assumed_region("the manifests do not say")
ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
HOST_KEY = "kubernetes.io/hostname"
QUORUM_SOFTWARE = ("zookeeper", "etcd", "consul")
#: API groups of the CloudNativePG ``Cluster`` (EDB Postgres for Kubernetes serves the same
#: resource under its own group).
CNPG_GROUPS = ("postgresql.cnpg.io/", "postgresql.k8s.enterprisedb.io/")
#: Kinds that run nothing of their own (configuration, access, networking, storage claims,
#: the operators' backup objects read with their clusters): not read, and not said. Any
#: other kind not read is named in one finding, so that nothing that runs is left out unsaid.
PLUMBING_KINDS = frozenset((
    "Secret", "ConfigMap", "Service", "ServiceAccount", "Role", "RoleBinding", "ClusterRole",
    "ClusterRoleBinding", "Namespace", "NetworkPolicy", "Ingress", "IngressClass", "PersistentVolumeClaim",
    "StorageClass", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "LimitRange", "ResourceQuota",
    "PriorityClass", "CustomResourceDefinition", "ServiceMonitor", "PodMonitor", "PrometheusRule",
    "Certificate", "Issuer", "ClusterIssuer", "ScheduledBackup", "Backup", "ObjectStore", "Database",
    "Pooler", "ImageCatalog", "ClusterImageCatalog", "Endpoints", "EndpointSlice", "Gateway", "HTTPRoute",
    "VolumeSnapshot", "VolumeSnapshotClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "Kustomization", "List"))
MAX_DOCUMENTS = 5_000
#: Patroni's ``maximum_lag_on_failover`` default [bytes].
ZALANDO_DEFAULT_LAG_BYTES = 1_048_576
#: The Zalando operator's default ``logical_backup_schedule`` (daily at 00:30).
ZALANDO_LOGICAL_BACKUP_SCHEDULE = "30 00 * * *"
#: Spilo's settings that send WAL and base backups to a bucket (``env`` of a Zalando manifest).
ZALANDO_BACKUP_ENV = ("WAL_S3_BUCKET", "WAL_GS_BUCKET", "AZURE_STORAGE_ACCOUNT", "WALG_S3_PREFIX",
                      "WALG_GS_PREFIX", "WALG_AZ_PREFIX", "WALE_S3_PREFIX", "USE_WALG_BACKUP", "BACKUP_SCHEDULE")
#: Database images whose replicas hold data of their own: more than one replica copies
#: nothing unless something sets replication up (``_replication_sign``).
DATABASE_IMAGES = ("postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey",
                   "percona", "percona-server")
#: Images that run their own replication (Patroni, Galera, ...): their replicas are copies.
REPLICATING_IMAGES = ("spilo", "patroni", "stolon", "repmgr", "pgpool", "galera", "xtradb-cluster",
                      "vitess", "crunchy", "cloudnative-pg", "percona-postgresql")
#: Settings in a container's environment (Bitnami's images read them) that set up replication.
REPLICATION_ENV = ("POSTGRESQL_REPLICATION_MODE", "POSTGRES_REPLICATION_MODE", "MYSQL_REPLICATION_MODE",
                   "MARIADB_REPLICATION_MODE", "REDIS_REPLICATION_MODE", "MONGODB_REPLICA_SET_MODE",
                   "REPMGR_PARTNER_NODES")
#: Words in a command, its arguments or a startup script that set replication up.
REPLICATION_WORDS = ("pg_basebackup", "primary_conninfo", "standby.signal", "standby_mode", "--replset",
                     "replsetname", "replicaof", "slaveof", "change master", "change replication source",
                     "group_replication", "wsrep", "sentinel")


def _claims(path: str, text: str) -> bool:
    head = text[:200_000]
    return bool(re.search(r'^\s*"?apiVersion"?\s*:', head, re.M) and re.search(r'^\s*"?kind"?\s*:', head, re.M))


class _Doc:
    """One manifest document with where its values are."""

    def __init__(self, path: str, data: dict, lines: dict, prefix: tuple = ()):
        self.path, self.data, self.lines, self.prefix = path, data, lines, prefix

    def at(self, *keys: Any) -> str:
        """``file:line`` of the value at ``keys`` (or the nearest enclosing one)."""
        k = self.prefix + tuple(keys)
        while k and k not in self.lines:
            k = k[:-1]
        return f"{self.path}:{self.lines.get(k, 1)}"

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        meta = as_mapping(self.data.get("metadata"))
        name = printable(meta.get("name", "unnamed"), 120).strip() or "unnamed"
        ns = meta.get("namespace")
        return name if ns in (None, "", "default") else f"{printable(ns, 60).strip()}/{name}"


def _selects(selector: Any, labels: dict) -> bool | None:
    """Whether a label selector matches ``labels`` (None: it cannot be read)."""
    if not isinstance(selector, dict):
        return None
    ml = selector.get("matchLabels") or {}
    if not isinstance(ml, dict):
        return None
    if any(labels.get(k) != v for k, v in ml.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return None
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _no_selector(term: dict) -> bool:
    """An anti-affinity term or spread constraint with no ``labelSelector`` at all (null
    matches no pod; ``{}`` matches every pod) and no ``matchLabelKeys`` that would take
    the pod's own labels."""
    return term.get("labelSelector") is None and not term.get("matchLabelKeys")


def _probe_detection_s(containers: list) -> float | None:
    """Seconds to notice a hung container: a liveness (else readiness) probe's period
    times its failure threshold (Kubernetes' defaults 10 s and 3); None without one."""
    best = None
    for c in containers:
        probe = dig(c, "livenessProbe") or dig(c, "readinessProbe")
        if isinstance(probe, dict):
            period = whole(probe.get("periodSeconds"), 10) or 10
            threshold = whole(probe.get("failureThreshold"), 3) or 3
            t = float(period * threshold)
            best = t if best is None else max(best, t)
    return best


def _startup_s(containers: list) -> float:
    """Seconds from a new pod's start to ready: its readiness probe's first success."""
    out = 0.0
    for c in containers:
        probe = dig(c, "readinessProbe")
        if isinstance(probe, dict):
            out = max(out, float(whole(probe.get("initialDelaySeconds"), 0) or 0)
                      + float(whole(probe.get("periodSeconds"), 10) or 10))
    return out


def _bytes(n: int) -> str:
    """A byte count in binary units (1 MiB, 16 MiB, 512 kiB)."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("kiB", 1 << 10)):
        if n >= size:
            return f"{n / size:,.3g} {unit}"
    return f"{n:,} bytes"


def _image_repository(image: Any) -> str:
    """``registry/org/name:tag@digest`` to ``org/name``, lower case."""
    text = str(image or "").lower().split("@")[0]
    path = text.split("/")
    if len(path) > 1 and ("." in path[0] or ":" in path[0] or path[0] == "localhost"):
        path = path[1:]  # a registry host
    path[-1] = path[-1].split(":")[0]
    return "/".join(path)


def _replication_sign(pspec: dict) -> str | None:
    """What in a pod sets up replication between its replicas (None: nothing seen). Read:
    the images (Patroni, Galera, ...), Bitnami's replication settings, and the words of
    commands, arguments and environment values (pg_basebackup, --replSet, replicaof, ...)."""
    containers = [c for key in ("initContainers", "containers") for c in (pspec.get(key) or [])
                  if isinstance(c, dict)]
    for c in containers:
        repo = _image_repository(c.get("image"))
        hit = next((w for w in REPLICATING_IMAGES if w in repo), None)
        if hit:
            return f"image {repo}"
        env = [e for e in (c.get("env") or []) if isinstance(e, dict)]
        for e in env:
            name = str(e.get("name", ""))
            if name.upper() in REPLICATION_ENV and repo.startswith("bitnami/"):
                return f"{name} on the {repo} image"
        words = " ".join(str(x) for key in ("command", "args") for x in (c.get(key) or [])
                         if isinstance(x, (str, int))).lower()
        words += " " + " ".join(str(e.get("value", "")) for e in env).lower()
        hit = next((w for w in REPLICATION_WORDS if w in words), None)
        if hit:
            return f"{hit!r} in its command or settings"
    return None


def _pinned_zone(spec: dict) -> str | None:
    """The one zone a pod template is pinned to (``nodeSelector`` or required node
    affinity on the zone label), or None."""
    sel = as_mapping(spec.get("nodeSelector"))
    for key in ZONE_KEYS:
        if key in sel:
            return str(sel[key])
    terms = dig(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                 "nodeSelectorTerms", default=[]) or []
    for term in terms if isinstance(terms, list) else []:
        for expr in dig(term, "matchExpressions", default=[]) or []:
            if isinstance(expr, dict) and expr.get("key") in ZONE_KEYS and expr.get("operator") == "In":
                values = expr.get("values") or []
                if isinstance(values, list) and len(values) == 1:
                    return str(values[0])
    return None


class _Reader:
    def __init__(self, path: str):
        self.path = path
        self.out = Imported()
        self.workloads: list[tuple[_Doc, dict]] = []  # (doc, pod labels)
        self.quorums: dict[int, int] = {}  # id of a quorum workload's doc: the members its quorum needs
        self.pdbs: list[_Doc] = []
        self.spread_zones = False
        self.clusters: dict[str, int] = {}  # a CloudNativePG cluster's name: its block's index
        self.replica_clusters: list[tuple[_Doc, str]] = []  # (replica cluster, the source it follows)
        self.topology_primaries: list[tuple[_Doc, str]] = []  # (a distributed topology's primary, its source)
        self.autoscalers: dict[tuple[str, str, str], _Doc] = {}  # (namespace, kind, name) it scales: the HPA

    def find(self, severity: str, message: str, doc: _Doc, *keys: Any) -> None:
        field = ".".join(str(k) for k in keys)
        self.out.findings.append(Finding(severity, f"{doc.kind} {doc.name}: {message}", doc.at(*keys), field))

    def source(self, doc: _Doc, how: str) -> str:
        return f"{doc.at()} ({doc.kind} {doc.name}); {how}"

    # -- workloads -----------------------------------------------------------------
    def workload(self, doc: _Doc) -> None:
        spec = as_mapping(doc.data.get("spec"))
        replicas_raw = spec.get("replicas", 1)
        hpa = self.autoscalers.get((dig(doc.data, "metadata", "namespace") or "", doc.kind,
                                    str(dig(doc.data, "metadata", "name"))))
        if hpa is not None:  # the autoscaler sets the replicas; its floor is what is sure to run
            floor = whole(dig(hpa.data, "spec", "minReplicas", default=1), None)
            if floor is not None:
                self.find("info", f"replicas set by HorizontalPodAutoscaler {hpa.name}: read as its minReplicas "
                          f"{floor} (the fewest it runs){'' if 'replicas' not in spec else ', not spec.replicas'}",
                          doc, "spec", "replicas")
                replicas_raw = floor
        replicas = whole(replicas_raw, None)
        if replicas is None:
            self.find("info", f"replicas {replicas_raw!r} is not a number here (a template value?); "
                      "taken as 1", doc, "spec", "replicas")
            replicas = 1
        if replicas < 1:
            self.find("warning", "replicas: 0: nothing runs", doc, "spec", "replicas")
            return
        replicas = min(replicas, 1000)
        pod = as_mapping(spec.get("template"))
        labels = dig(pod, "metadata", "labels", default={}) or {}
        labels = as_mapping(labels)
        pspec = as_mapping(pod.get("spec"))
        containers = [c for c in (pspec.get("containers") or []) if isinstance(c, dict)]
        self.workloads.append((doc, labels))
        self.rollout(doc, spec, replicas)
        detection = _probe_detection_s(containers)
        if detection is None and containers:
            self.find("warning", "no liveness or readiness probe: a hung container is neither restarted "
                      "nor taken out of service", doc, "spec", "template", "spec", "containers")
        mttr_s = ASSUMED["node_grace_s"] + ASSUMED["eviction_s"] + _startup_s(containers)
        how = (f"assumed by hadr import: a replica fails about 4 times a year; a lost node's pods are "
               f"replaced in {mttr_s:.0f} s (40 s to mark the node not ready, 300 s default eviction, "
               "the pod's start)")
        zone = _pinned_zone(pspec)
        zone = None if zone is None else (printable(zone, 120).strip() or "unnamed zone")
        images = " ".join(str(c.get("image", "")) for c in containers).lower()
        quorum = doc.kind == "StatefulSet" and any(s in images for s in QUORUM_SOFTWARE)
        lone = replicas > 1 and not quorum and self.replicates_nothing(doc, pspec, containers, replicas)
        if lone:
            replicas = 1
        spread, host_spread = self.spread(doc, pspec, labels, replicas if zone is None else 1)
        name = doc.name
        comp = {"name": name, "mtbf_h": ASSUMED["mtbf_h"], "mttr_h": round(mttr_s / 3600.0, 6),
                "source": self.source(doc, how)}
        if zone is not None:
            if replicas > 1:
                self.find("warning", f"every replica is pinned to zone {zone}: losing it loses them all",
                          doc, "spec", "template", "spec")
            self.add_zone(zone)
        if replicas == 1 and not quorum:
            if doc.kind in ("Deployment", "StatefulSet") and not lone:
                self.find("warning", "one replica: any failure of it is an outage until it is replaced",
                          doc, "spec", "replicas")
            block: dict = {"component": comp}
        elif quorum:
            k = replicas // 2 + 1
            members = []
            for i in range(replicas):
                m: dict = {"component": {**comp, "name": f"{name}-{i}"}}
                if spread and zone is None:
                    m = {"zone": self.zone_name(i), **m}
                members.append(m)
            block = {"k_of_n": {"k": k, "of": members}}
            self.quorums[id(doc)] = k
            if replicas % 2 == 0:
                self.find("info", f"{replicas} members: a quorum of {k} tolerates no more failures than "
                          f"{replicas - 1} members would", doc, "spec", "replicas")
        elif spread and zone is None:
            per = [replicas // ASSUMED["zones"] + (1 if i < replicas % ASSUMED["zones"] else 0)
                   for i in range(min(replicas, int(ASSUMED["zones"])))]
            block = {"parallel": [{"zone": self.zone_name(i), "component": {
                **comp, "name": f"{name}@{self.zone_name(i)}", **({"count": n} if n > 1 else {})}}
                for i, n in enumerate(per)]}
        else:
            block = {"component": {**comp, "count": replicas}}
            if not host_spread and replicas > 1:
                self.find("info", "replicas may share a node (no required anti-affinity or spread on "
                          "the node): counted as independent", doc, "spec", "template", "spec")
        if zone is not None:
            block = {"zone": zone, **block}
        self.out.blocks.append(block)

    def rollout(self, doc: _Doc, spec: dict, replicas: int) -> None:
        """A rollout that takes every replica down at once: named (a deploy is an outage
        the availability figure does not count)."""
        strategy = as_mapping(spec.get("strategy"))
        if doc.kind == "Deployment" and strategy.get("type") == "Recreate":
            self.find("warning", "strategy Recreate: every rollout stops all replicas before starting new ones, "
                      "an outage each deploy (not in the availability figure)", doc, "spec", "strategy", "type")
            return
        unavailable = dig(strategy, "rollingUpdate", "maxUnavailable")
        count = whole(unavailable)
        if doc.kind == "Deployment" and replicas > 1 and (
                unavailable == "100%" or (count is not None and count >= replicas)):
            self.find("warning", f"rollingUpdate.maxUnavailable {printable(unavailable, 20)} lets a rollout stop "
                      "every replica at once: an outage each deploy (not in the availability figure)",
                      doc, "spec", "strategy", "rollingUpdate", "maxUnavailable")

    def replicates_nothing(self, doc: _Doc, pspec: dict, containers: list, replicas: int) -> bool:
        """A database image run as several replicas with nothing that sets up replication:
        each replica is a database of its own on its own volume, not a copy. Named, and
        modelled as the one instance that holds the data (True)."""
        db = next((c for c in containers
                   if _image_repository(c.get("image")).rsplit("/", 1)[-1] in DATABASE_IMAGES), None)
        if db is None or _replication_sign(pspec) is not None:
            return False
        image = printable(str(db.get("image", "")), 120)
        i = containers.index(db)
        unread = [str(e.get("name")) for e in (db.get("env") or []) if isinstance(e, dict)
                  and str(e.get("name", "")).upper() in REPLICATION_ENV]
        said = (f"; {', '.join(printable(u, 60) for u in unread)} is read by Bitnami's images, not by {image}"
                if unread else "")
        self.find("warning", f"{replicas} replicas of {image}, but nothing sets up replication between them"
                  f"{said}: each replica is a separate database on its own volume, not a standby. Modelled "
                  "as one instance (if a mounted configuration sets replication up, model it by hand)",
                  doc, "spec", "template", "spec", "containers", i)
        return True

    def zone_name(self, i: int) -> str:
        self.spread_zones = True
        name = f"zone-{i % int(ASSUMED['zones']) + 1}"
        self.add_zone(name)
        return name

    def add_zone(self, name: str) -> None:
        self.out.zones.setdefault(name, {
            "rate_per_year": ASSUMED["zone_rate_per_year"], "mttr_h": ASSUMED["zone_mttr_h"],
            "source": "assumed by hadr import: 0.5 zone outages a year of 4 hours; the manifests do not say"})

    def spread(self, doc: _Doc, pspec: dict, labels: dict, replicas: int) -> tuple[bool, bool]:
        """(replicas required in different zones, required on different nodes), with
        findings for rules that select no pod of their own workload or are only preferred."""
        zone = host = False
        anti = dig(pspec, "affinity", "podAntiAffinity", default={}) or {}
        for hard, key in ((True, "requiredDuringSchedulingIgnoredDuringExecution"),
                          (False, "preferredDuringSchedulingIgnoredDuringExecution")):
            terms = anti.get(key) if isinstance(anti, dict) else None
            for i, term in enumerate(terms if isinstance(terms, list) else []):
                t = term.get("podAffinityTerm") if not hard and isinstance(term, dict) else term
                if not isinstance(t, dict):
                    continue
                where = ("spec", "template", "spec", "affinity", "podAntiAffinity", key, i)
                selects = _selects(t.get("labelSelector"), labels)
                topo = t.get("topologyKey")
                if _no_selector(t):
                    self.find("error", f"pod anti-affinity on {topo} has no labelSelector, so it selects no pod "
                              "(a null selector matches nothing): replicas are not kept apart", doc, *where)
                    continue
                if selects is False:
                    self.find("error", f"pod anti-affinity on {topo} selects no pod of this workload (its "
                              "labels do not match the pod template's): replicas are not kept apart",
                              doc, *where, "labelSelector")
                    continue
                if hard:
                    zone |= topo in ZONE_KEYS
                    host |= topo == HOST_KEY
                elif topo in ZONE_KEYS and replicas > 1:
                    self.find("warning", "zone anti-affinity is only preferred: the scheduler may put "
                              "every replica in one zone", doc, *where)
        tsc = pspec.get("topologySpreadConstraints")
        for i, c in enumerate(tsc if isinstance(tsc, list) else []):
            if not isinstance(c, dict):
                continue
            at: tuple = ("spec", "template", "spec", "topologySpreadConstraints", i)
            if _no_selector(c):
                self.find("error", f"topology spread on {c.get('topologyKey')} has no labelSelector, so it counts "
                          "no pod (a null selector matches nothing): it spreads nothing", doc, *at)
                continue
            if _selects(c.get("labelSelector"), labels) is False:
                self.find("error", f"topology spread on {c.get('topologyKey')} selects no pod of this "
                          "workload: it spreads nothing", doc, *at, "labelSelector")
                continue
            hard = c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
            if c.get("topologyKey") in ZONE_KEYS:
                if hard:
                    zone = True
                elif replicas > 1:
                    self.find("warning", "zone spread is ScheduleAnyway: replicas may end up in one zone",
                              doc, *at, "whenUnsatisfiable")
            if c.get("topologyKey") == HOST_KEY and hard:
                host = True
        if replicas > 1 and not zone:
            self.find("warning", f"{replicas} replicas are not required to be in different zones: a zone "
                      "outage may take all of them", doc, "spec", "template", "spec")
        return zone, host or zone

    # -- databases --------------------------------------------------------------------
    def database(self, doc: _Doc, instances: int, sync: bool | None, failover_s: float, how: str,
                 backups: bool | None, zone_spread: bool, lag_said: str | None = None) -> None:
        name = doc.name
        comp = {"mtbf_h": ASSUMED["mtbf_h"], "mttr_h": 1.0,
                "source": self.source(doc, "assumed by hadr import: an instance fails about 4 times a year "
                                           "and is rebuilt in an hour")}
        if instances <= 1:
            self.find("warning", "one instance: no standby to fail over to", doc, "spec")
            self.out.blocks.append({"component": {"name": f"{name}-1", **comp}})
        else:
            sb: dict = {"name": f"{name} failover",
                        "primary": {"component": {"name": f"{name}-1", **comp}},
                        "standbys": [{"component": {"name": f"{name}-{i + 2}", **comp}}
                                     for i in range(instances - 1)],
                        "failover_s": failover_s}
            if sync:
                sb["replication"] = "sync"
            block: dict = {"standby": sb}
            if zone_spread:
                sb["primary"] = {"zone": self.zone_name(0), **sb["primary"]}
                sb["standbys"] = [{"zone": self.zone_name(i + 1), **s} for i, s in enumerate(sb["standbys"])]
            self.out.blocks.append(block)
            self.find("info", f"failover taken as {failover_s:g} s ({how})", doc, "spec")
            if sync is False:
                self.find("warning", lag_said or "replication is asynchronous: a failover loses the "
                          "replicas' lag (unknown here, so the design states no RPO)", doc, "spec")
        if backups is False:
            self.find("warning", "no backups configured: corrupted or deleted data cannot be restored "
                      "(replicas copy the damage)", doc, "spec")

    def cnpg(self, doc: _Doc) -> None:
        spec = as_mapping(doc.data.get("spec"))
        instances = whole(spec.get("instances"), 1) or 1
        min_sync = whole(spec.get("minSyncReplicas"), 0) or 0
        sync = min_sync >= 1 or bool(dig(spec, "postgresql", "synchronous"))
        backup = spec.get("backup")
        has_backup = isinstance(backup, dict) and bool(backup.get("barmanObjectStore") or backup.get("volumeSnapshot"))
        # CloudNativePG 1.26 on: WAL archiving and base backups through a plugin (Barman Cloud)
        plugins = spec.get("plugins")
        plugins = plugins if isinstance(plugins, list) else []
        has_backup = has_backup or any(
            isinstance(p, dict) and p.get("enabled") is not False
            and (p.get("isWALArchiver") is True or "barman" in str(p.get("name", "")))
            for p in plugins[:100])
        retention = dig(backup, "retentionPolicy")
        if isinstance(retention, str) and re.fullmatch(r"0+[dwm]", retention.strip()):
            self.find("warning", f"backup retentionPolicy {retention!r} keeps nothing", doc, "spec", "backup",
                      "retentionPolicy")
        replica = as_mapping(spec.get("replica"))
        # replica.enabled, or (the distributed topology, CloudNativePG 1.24 on) a primary named
        # that is not this cluster (``self`` defaults to the cluster's own name)
        primary, me = replica.get("primary"), replica.get("self") or doc.name
        follows = replica.get("enabled") is True or (
            replica.get("enabled") is None and isinstance(primary, str) and primary != me)
        if follows:
            self.replica_clusters.append((doc, printable(str(replica.get("source") or ""), 120)))
        elif isinstance(primary, str) and primary == me and replica.get("source"):
            self.topology_primaries.append((doc, printable(str(replica.get("source")), 120)))
        aff = as_mapping(spec.get("affinity"))
        zone_spread = aff.get("topologyKey") in ZONE_KEYS and aff.get("podAntiAffinityType") == "required"
        if instances > 1 and not zone_spread:
            self.find("warning", "instances are not required to be in different zones (affinity.topologyKey "
                      "and podAntiAffinityType: required)", doc, "spec", "affinity")
        self.database(doc, instances, sync, ASSUMED["pg_failover_s"], "assumed: the manifest does not time it",
                      has_backup, zone_spread)
        self.clusters.setdefault(doc.name, len(self.out.blocks) - 1)

    def replica_cluster(self, doc: _Doc, source: str) -> None:
        """A CloudNativePG replica cluster (``replica.enabled: true``) follows ``source``:
        when that cluster is in these files too, the two become one standby, the source
        in its region and the replica cluster in another, promoted by hand."""
        if not source or source == doc.name or source not in self.clusters or doc.name not in self.clusters:
            self.find("info", f"a replica cluster of {source or 'an unnamed source'}, which these files do not "
                      "hold: read as its own service (import both clusters' manifests together to model it as "
                      "their disaster-recovery copy)", doc, "spec", "replica")
            return
        i, j = self.clusters[source], self.clusters[doc.name]
        blocks: list[Any] = self.out.blocks  # a merged pair leaves None, dropped by finish
        if blocks[i] is None or blocks[j] is None:  # already part of another pair
            self.find("info", f"a replica cluster of {source}, whose copy is already modelled: read as its "
                      "own service", doc, "spec", "replica")
            return
        here, there = f"region of {source}", f"region of {doc.name}"
        for name in (here, there):
            self.out.regions.setdefault(name, dict(REGION_OUTAGE))
        copy = _zones_renamed(blocks[j], f"{doc.name}/", self.out.zones, there)
        promote = ASSUMED["replica_promote_s"]
        blocks[i] = {"standby": {
            "name": f"{doc.name} (replica cluster of {source})",
            "primary": {"region": here, **blocks[i]}, "standbys": [{"region": there, **copy}],
            "failover_s": promote}}  # asynchronous, lag unknown: no replication key, no RPO
        blocks[j] = None
        self.find("info", f"a replica cluster of {source}: modelled as its disaster-recovery copy, each cluster "
                  f"in a region of its own ({REGION_OUTAGE['rate_per_year']:g} outages a year of "
                  f"{REGION_OUTAGE['mttr_h']:g} hours, assumed); promoting it is a manual step (replica.enabled: "
                  f"false, or replica.primary naming it), assumed to take {promote / 3600:g} hour",
                  doc, "spec", "replica")
        self.find("warning", f"an asynchronous copy promoted by hand: promoting {doc.name} loses what {source} "
                  "wrote and had not yet shipped (the WAL archive's or the stream's lag; the design states no "
                  "RPO), and nothing promotes it when the source's region is lost", doc, "spec", "replica")

    def zalando(self, doc: _Doc) -> None:
        spec = as_mapping(doc.data.get("spec"))
        instances = whole(spec.get("numberOfInstances"), 1) or 1
        patroni = as_mapping(spec.get("patroni"))
        ttl = whole(patroni.get("ttl"), 30) or 30
        loop = whole(patroni.get("loop_wait"), 10) or 10
        sync = bool(patroni.get("synchronous_mode"))
        raw_lag = patroni.get("maximum_lag_on_failover")
        lag = whole(raw_lag, None) if raw_lag is not None else ZALANDO_DEFAULT_LAG_BYTES
        if lag is None or lag < 0:
            self.find("info", f"maximum_lag_on_failover {printable(repr(raw_lag), 60)} is not a byte count: "
                      "Patroni's default (1 MiB) assumed", doc, "spec", "patroni", "maximum_lag_on_failover")
            lag = ZALANDO_DEFAULT_LAG_BYTES
        said = "" if raw_lag is not None else ", Patroni's default"
        lag_said = (f"replication is asynchronous: Patroni promotes no replica more than {_bytes(lag)} behind "
                    f"(maximum_lag_on_failover{said}), so a failover loses at most that much of the latest "
                    "writes (how many seconds that is depends on the write rate: the design states no RPO); "
                    "when every replica is further behind, none is promoted and the database stays down "
                    "until the primary is back")
        self.database(doc, instances, sync, float(ttl + loop),
                      f"Patroni: the leader key expires after ttl {ttl} s, a replica acts within loop_wait "
                      f"{loop} s", self.zalando_backups(doc, spec), False, lag_said)
        if sync and patroni.get("synchronous_mode_strict") is True and instances > 1:
            self.find("info", "synchronous_mode_strict: with no synchronous replica up, the primary stops "
                      "accepting writes (no data loss, but the replica's outage is the service's)",
                      doc, "spec", "patroni", "synchronous_mode_strict")

    def zalando_backups(self, doc: _Doc, spec: dict) -> bool | None:
        """Backups set in the manifest's ``env`` (Spilo's WAL-E/WAL-G settings): True when
        a bucket or schedule is set, None when the manifest does not say (the operator's
        configuration may), with a finding either way that needs one."""
        env = {str(e.get("name", "")).upper(): (i, e.get("value")) for i, e in enumerate(spec.get("env") or [])
               if isinstance(e, dict)}  # name: (its index, its value)
        logical = self.zalando_logical_backup(doc, spec)
        if not any(k in env for k in ZALANDO_BACKUP_ENV):
            self.find("info", ("WAL archiving and base backups are" if logical else "backups are")
                      + " set in the operator's configuration, not in this manifest: not read", doc, "spec")
            return True if logical else None
        i, keep = env.get("BACKUP_NUM_TO_RETAIN", (None, None))
        if isinstance(keep, str) and keep.strip().isdigit():  # env values are strings
            keep = int(keep.strip())
        if keep is not None and whole(keep, None) == 0:
            self.find("warning", "BACKUP_NUM_TO_RETAIN 0 keeps no base backup: corrupted data cannot be "
                      "restored", doc, "spec", "env", i)
            return False
        return True

    def zalando_logical_backup(self, doc: _Doc, spec: dict) -> bool:
        """``enableLogicalBackup``: a pg_dumpall to a bucket on ``logicalBackupSchedule``
        (the operator's default, daily at 00:30, when the manifest sets none): what a
        restore from it loses, said as its RPO; a dump restores to its own time only."""
        if spec.get("enableLogicalBackup") is not True:
            return False
        raw = spec.get("logicalBackupSchedule")
        cron = raw if isinstance(raw, str) else ZALANDO_LOGICAL_BACKUP_SCHEDULE
        every = schedule_h(cron)
        written = printable(repr(cron), 80) + ("" if isinstance(raw, str) else ", the operator's default")
        said = (f"on schedule {written} (not read here: no RPO stated)" if every is None else
                f"{every_said(every)} ({written}): restoring it loses up to {hours_said(every)} of writes (a "
                "dump restores to the time it was taken, not to a point in between)")
        keep = spec.get("logicalBackupRetention")
        self.find("info", f"a logical backup (pg_dumpall) runs {said}"
                  + (f", kept {printable(keep, 40)}" if isinstance(keep, str) else ""), doc, "spec",
                  "logicalBackupSchedule")
        return True

    # -- the rest ---------------------------------------------------------------------
    def volume(self, doc: _Doc) -> None:
        required = dig(doc.data, "spec", "nodeAffinity", "required", default={})
        zone = _pinned_zone({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": required}}})
        if zone is not None:
            self.find("warning", f"pinned to zone {zone}: a pod that uses it cannot move out of that zone",
                      doc, "spec", "nodeAffinity")

    def finish(self) -> None:
        for doc, source in self.replica_clusters:
            self.replica_cluster(doc, source)
        followers = {source for _, source in self.replica_clusters}
        for doc, source in self.topology_primaries:
            if source not in self.clusters and doc.name not in followers:
                self.find("info", f"the primary of a distributed topology (replica.primary), with {source} to "
                          "follow if it is demoted; no cluster in these files follows it: put the replica "
                          "clusters' manifests in these files to model their disaster-recovery copy",
                          doc, "spec", "replica")
        self.out.blocks[:] = [b for b in self.out.blocks if b is not None]
        for pdb in self.pdbs:
            sel = dig(pdb.data, "spec", "selector")
            ns = dig(pdb.data, "metadata", "namespace")
            hit = [(w, labels) for w, labels in self.workloads
                   if dig(w.data, "metadata", "namespace") == ns and _selects(sel, labels)]
            if not hit:
                self.find("warning", "selects no workload in these files: it protects nothing here",
                          pdb, "spec", "selector")
            for w, _ in hit:
                replicas = whole(dig(w.data, "spec", "replicas", default=1), 1) or 1
                min_av = dig(pdb.data, "spec", "minAvailable")
                if (isinstance(min_av, int) and not isinstance(min_av, bool) and min_av >= replicas) or \
                        dig(pdb.data, "spec", "maxUnavailable") in (0, "0%"):
                    self.find("warning", f"allows no pod of {w.name} to be evicted: node drains and "
                              "upgrades stall", pdb, "spec")
                k = self.quorums.get(id(w))
                allowed = _evictable(as_mapping(pdb.data.get("spec")), replicas)
                if k is not None and allowed is not None and allowed > replicas - k:
                    self.find("warning", f"lets {allowed} of the {replicas} members of {w.name} be evicted at "
                              f"once, but its quorum needs {k}: a node drain can take the quorum down (an "
                              "outage the availability figure does not count); allow at most "
                              f"{replicas - k}", pdb, "spec")


def _evictable(spec: dict, replicas: int) -> int | None:
    """How many of ``replicas`` pods a PodDisruptionBudget lets be evicted at once:
    ``maxUnavailable``, or the replicas less ``minAvailable`` (a percentage of the
    replicas rounded up, as Kubernetes rounds it); None when it says neither readably."""
    def count(value: Any) -> int | None:
        if isinstance(value, str) and re.fullmatch(r"\d{1,3}%", value.strip()):
            return min(replicas, math.ceil(int(value.strip()[:-1]) * replicas / 100))
        n = whole(value, None)
        return None if n is None else max(0, n)
    if "maxUnavailable" in spec:
        most = count(spec["maxUnavailable"])
        return None if most is None else min(most, replicas)
    least = count(spec.get("minAvailable"))
    return None if least is None else max(0, replicas - least)


def _zones_renamed(block: Any, prefix: str, zones: dict, region: str) -> Any:
    """``block`` with every ``zone:`` it places things in renamed ``prefix + zone`` and
    declared (a copy of the original zone's figures) in ``region``: a cluster in another
    region has zones of its own."""
    if isinstance(block, list):
        return [_zones_renamed(b, prefix, zones, region) for b in block]
    if not isinstance(block, dict):
        return block
    out = {k: _zones_renamed(v, prefix, zones, region) for k, v in block.items()}
    if isinstance(block.get("zone"), str):
        name = prefix + block["zone"]
        zones.setdefault(name, {**zones.get(block["zone"], {
            "rate_per_year": ASSUMED["zone_rate_per_year"], "mttr_h": ASSUMED["zone_mttr_h"]}), "region": region})
        out["zone"] = name
    return out


def _documents(path: str, text: str) -> list[tuple[_Doc, list]]:
    try:
        docs = read_yaml_documents(text, path)
    except InvalidInputError as exc:
        if "{{" in text:  # Helm's (Go's) template markers: not YAML until rendered
            raise TemplateFile(path, "a template (Helm or another Go template: {{ ... }}), not YAML until it is "
                               "rendered; run helm template (or your tool's render) and import what it prints"
                               ) from exc
        raise
    if len(docs) > MAX_DOCUMENTS:
        raise InvalidInputError(f"{path}: {len(docs):,} documents; at most {MAX_DOCUMENTS:,}")
    out: list[tuple[_Doc, list]] = []
    for data, lines, dups in docs:
        if not isinstance(data, dict):
            continue
        if data.get("kind") == "List" and isinstance(data.get("items"), list):
            for i, item in enumerate(data["items"][:MAX_DOCUMENTS]):
                if isinstance(item, dict):
                    out.append((_Doc(path, item, lines, ("items", i)), []))
            out.append((_Doc(path, data, lines), dups))
            continue
        out.append((_Doc(path, data, lines), dups))
    return out


def _read(path: str, text: str) -> Imported:
    return _read_together([(path, text)])[0]


def _read_together(files: list[tuple[str, str]]) -> list[Imported]:
    """Several manifests read as one cluster's: a replica cluster finds its source, and a
    PodDisruptionBudget its workload, in another file. What was read is given with the
    first file; the others get nothing of their own (their blocks keep their sources)."""
    path = files[0][0]
    r = _Reader(path)
    unread: list[str] = []
    documents, templates = [], []
    for name, text in files:
        try:
            documents += _documents(name, text)
        except TemplateFile as exc:  # every template of the files named at once, not one per read
            templates.append(exc)
    if templates:
        raise TemplateFile(templates[0].path, templates[0].why, also=[t.path for t in templates[1:]])
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidInputError(f"{len(documents):,} documents in these manifests; at most {MAX_DOCUMENTS:,}")
    for doc, _ in documents:  # autoscalers first: a workload's replicas may be theirs to set
        target = as_mapping(dig(doc.data, "spec", "scaleTargetRef"))
        if doc.kind == "HorizontalPodAutoscaler" and target.get("kind") in ("Deployment", "StatefulSet"):
            r.autoscalers[(dig(doc.data, "metadata", "namespace") or "", str(target["kind"]),
                           str(target.get("name")))] = doc
    for doc, dups in documents:
        for keys, line in dups:
            r.out.findings.append(Finding(
                "error", f"key {'.'.join(map(str, keys))} is given twice: the last one is used, the first "
                "ignored (kubectl in strict mode refuses the file)", f"{doc.path}:{line}", ".".join(map(str, keys))))
        api, kind = str(doc.data.get("apiVersion", "")), doc.kind
        if kind in ("Deployment", "StatefulSet"):
            r.workload(doc)
        elif kind == "Cluster" and api.startswith(CNPG_GROUPS):
            r.cnpg(doc)
        elif kind == "postgresql" and api.startswith("acid.zalan.do/"):
            r.zalando(doc)
        elif kind == "PodDisruptionBudget":
            r.pdbs.append(doc)
        elif kind == "PersistentVolume":
            r.volume(doc)
        elif kind and kind not in PLUMBING_KINDS:
            unread.append(f"{printable(kind, 60)} {doc.name} ({printable(api, 60) or 'no apiVersion'})")
    r.finish()
    if unread:
        more = f" and {len(unread) - 8:,} more" if len(unread) > 8 else ""
        r.out.findings.append(Finding(
            "info", f"not read, so not in the design: {', '.join(unread[:8])}{more} (hadr import reads "
            "Deployments, StatefulSets, PodDisruptionBudgets, PersistentVolumes and the CloudNativePG and "
            "Zalando Postgres clusters; add what these run by hand)", path))
    if len(r.out.blocks) > 1:
        r.out.findings.append(Finding("info", "services joined in series: each is taken as needed for the "
                                      "whole (the manifests do not say which calls which)", path))
    return [r.out, *(Imported() for _ in files[1:])]


IMPORTER = Importer("kubernetes", "Kubernetes manifests (and the CloudNativePG and Zalando Postgres operators)",
                    _claims, _read, read_together=_read_together)
