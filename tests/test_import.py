"""``hadr import``: designs read from Kubernetes manifests, every inference traced to
its line, every trap a finding, hostile files bounded; and the importer registry."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.cli.importing import commented_yaml
from hadr_lib.importers import Imported, import_paths, importers

HERE = Path(__file__).resolve().parent / "fixtures" / "import"


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _findings(doc: dict) -> dict[str, dict]:
    return {f["source"] + " " + f["message"]: f for f in doc["findings"]}


def _has(doc: dict, severity: str, source: str, words: str) -> bool:
    return any(f["severity"] == severity and f["source"] == source and words in f["message"]
               for f in doc["findings"])


def test_the_shops_traps_are_named_with_their_lines():
    doc = import_paths([HERE / "shop.yaml"])
    src = str(HERE / "shop.yaml")
    assert _has(doc, "error", f"{src}:21", "pod anti-affinity on topology.kubernetes.io/zone selects no pod")
    assert _has(doc, "error", f"{src}:62", "key spec.replicas is given twice")
    assert _has(doc, "warning", f"{src}:52", "allows no pod of zk to be evicted")
    assert _has(doc, "warning", f"{src}:66", "every replica is pinned to zone eu-west-1a")
    assert _has(doc, "warning", f"{src}:68", "no liveness or readiness probe")
    assert _has(doc, "warning", f"{src}:17", "3 replicas are not required to be in different zones")
    # the file is never rejected for them: the design is there, and evaluates
    arch = hl.load_architecture(doc["design"])
    names = [c.name for c in arch.components]
    assert names == ["shop/web", "zk-0", "zk-1", "zk-2", "worker"]
    web, worker = arch.component("shop/web"), arch.component("worker")
    assert web.count == 3 and worker.count == 4  # the last replicas wins, as Kubernetes reads it
    assert web.source.startswith(f"{src}:5 (Deployment shop/web); assumed by hadr import")
    # a lost node's pods: 40 s + 300 s + the readiness probe's first success (0 + 5 s)
    assert web.mttr_h == pytest.approx(345 / 3600, rel=1e-5)
    zk = arch.root.children[1]
    assert hl.design.kinds.kind_of(zk).key == "k_of_n" and zk.k == 2  # a ZooKeeper majority
    assert {n.domain for n in arch.placed} == {"zone-1", "zone-2", "zone-3", "eu-west-1a"}
    assert doc["files"] == [{"file": src, "importer": "kubernetes"}]


def test_a_matching_zone_anti_affinity_spreads_the_replicas_over_zones():
    doc = import_paths([HERE / "spread.yaml"])
    block = doc["design"]["architecture"]
    assert [m["zone"] for m in block["parallel"]] == ["zone-1", "zone-2", "zone-3"]
    assert [m["component"].get("count", 1) for m in block["parallel"]] == [2, 1, 1]
    assert not any(f["severity"] == "error" for f in doc["findings"])
    arch = hl.load_architecture(doc["design"])
    # a zone outage takes one zone's replicas: losing one zone of three is survived
    assert arch.survives_loss_of("zone-1")
    # 40 + 300 + 20 + 10 s to replace a pod
    assert arch.component("api@zone-1").mttr_h == pytest.approx(370 / 3600, rel=1e-5)


def test_the_seed_articles_primary_and_standby_replicate_nothing():
    """Its StatefulSet runs two replicas of the official postgres image, commented
    "Primary + standby", with POSTGRES_REPLICATION_MODE, which only Bitnami's images
    read: two separate databases, so the design is one instance, and the trap is named."""
    doc = import_paths([HERE / "seed_statefulset.yaml"])
    (finding,) = doc["findings"]
    assert finding["severity"] == "warning" and finding["source"].endswith("seed_statefulset.yaml:33")  # the container
    assert finding["message"].startswith("StatefulSet postgres: 2 replicas of postgres:15, but nothing sets "
                                         "up replication between them; POSTGRES_REPLICATION_MODE is read by "
                                         "Bitnami's images, not by postgres:15")
    assert finding["field"] == "spec.template.spec.containers.0"
    comp = doc["design"]["architecture"]["component"]
    assert comp["name"] == "postgres" and "count" not in comp
    # one instance: 2190 h between failures, 340 s to replace its pod
    u = hl.load_architecture(doc["design"]).evaluate().unavailability
    assert u == pytest.approx((340 / 3600) / (2190 + 340 / 3600), rel=1e-5)


_DB = """apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
{spec}
"""


@pytest.mark.parametrize("spec, replicated", [
    ("      containers: [{name: db, image: 'docker.io/library/postgres:16.2'}]", False),
    ("      containers: [{name: db, image: 'registry.example.com:5000/team/mysql@sha256:abc'}]", False),
    ("      containers: [{name: db, image: 'redis:7', env: [{name: REDIS_REPLICATION_MODE, value: slave}]}]",
     False),  # the official redis image does not read Bitnami's setting
    ("      containers: [{name: db, image: 'bitnami/postgresql:16',\n"
     "                    env: [{name: POSTGRESQL_REPLICATION_MODE, value: master}]}]", True),
    ("      containers: [{name: db, image: 'mongo:7', args: ['--replSet', 'rs0', '--bind_ip_all']}]", True),
    ("      containers: [{name: db, image: 'redis:7', command: [redis-server, --replicaof, db-0.db, '6379']}]",
     True),
    ("      initContainers: [{name: clone, image: 'postgres:16', command: [sh, -c, 'pg_basebackup -h db-0']}]\n"
     "      containers: [{name: db, image: 'postgres:16'}]", True),
    ("      containers: [{name: db, image: 'ghcr.io/zalando/spilo-16:3.2-p2'}]", True),
    ("      containers: [{name: web, image: 'nginx:1.27'}]", True),  # not a database: replicas are copies
])
def test_database_replicas_are_copies_only_when_something_replicates(tmp_path, spec, replicated):
    path = tmp_path / "db.yaml"
    path.write_text(_DB.format(spec=spec))
    doc = import_paths([path])
    said = [f["message"] for f in doc["findings"] if "nothing sets up replication" in f["message"]]
    arch = hl.load_architecture(doc["design"])
    assert (said == []) is replicated, said
    assert len(arch.components) == 1
    assert (arch.components[0].count == 3) is replicated


def test_database_operators_become_standbys():
    doc = import_paths([HERE / "cnpg.yaml"])
    src = str(HERE / "cnpg.yaml")
    blocks = doc["design"]["architecture"]["series"]
    orders = blocks[0]["standby"]
    assert orders["replication"] == "sync" and len(orders["standbys"]) == 2
    assert [s["zone"] for s in orders["standbys"]] == ["zone-2", "zone-3"] and orders["primary"]["zone"] == "zone-1"
    assert not _has(doc, "warning", f"{src}:4", "no backups")
    assert _has(doc, "warning", f"{src}:27", "Cluster cache-db: one instance")
    assert _has(doc, "warning", f"{src}:27", "Cluster cache-db: no backups configured")
    ledger = blocks[2]["standby"]
    assert ledger["failover_s"] == 40.0 and ledger["replication"] == "sync"  # ttl 30 + loop_wait 10
    assert _has(doc, "info", f"{src}:35", "failover taken as 40 s (Patroni")
    hl.load_architecture(doc["design"]).evaluate()


def test_a_cnpg_replica_cluster_becomes_the_disaster_recovery_copy_in_another_region(tmp_path):
    path = HERE / "cnpg_replica.yaml"
    doc = import_paths([path])
    root = doc["design"]["architecture"]["standby"]
    assert root["name"] == "pg-eu-south (replica cluster of pg-eu-central)"
    assert root["failover_s"] == 3600.0 and "replication" not in root  # asynchronous, lag unknown: no RPO
    assert root["primary"]["region"] == "region of pg-eu-central"
    (copy,) = root["standbys"]
    assert copy["region"] == "region of pg-eu-south"
    assert [s["zone"] for s in [copy["standby"]["primary"], *copy["standby"]["standbys"]]] == [
        "pg-eu-south/zone-1", "pg-eu-south/zone-2"]  # zones of its own, in its region
    zones = doc["design"]["zones"]
    assert zones["pg-eu-south/zone-2"]["region"] == "region of pg-eu-south" and "region" not in zones["zone-1"]
    assert doc["design"]["regions"]["region of pg-eu-south"]["rate_per_year"] == 0.1
    assert _has(doc, "warning", f"{path}:33", "an asynchronous copy promoted by hand")
    assert _has(doc, "info", f"{path}:33", "modelled as its disaster-recovery copy")
    with_copy = hl.load_architecture(doc["design"]).evaluate().unavailability
    alone = hl.load_architecture({"architecture": root["primary"], "zones": zones,
                                  "regions": doc["design"]["regions"]}).evaluate().unavailability
    assert with_copy < alone  # the copy covers the source region's outages, an hour late each
    # the replica cluster without its source in the file: its own service, said
    text = path.read_text().split("---\n")[1]
    (tmp_path / "south.yaml").write_text(text)
    doc = import_paths([tmp_path / "south.yaml"])
    assert "standby" in doc["design"]["architecture"] and "region" not in str(doc["design"])
    assert any("a replica cluster of pg-eu-central, which these files do not hold" in f["message"]
               for f in doc["findings"])


_ZALANDO = """apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {{name: acid-orders}}
spec:
  teamId: acid
  numberOfInstances: 3
  patroni:
{patroni}
  postgresql: {{version: "16"}}
{env}
"""


def test_zalandos_lag_limit_bounds_what_an_asynchronous_failover_loses(tmp_path):
    path = tmp_path / "orders.yaml"
    path.write_text(_ZALANDO.format(patroni="    ttl: 20\n    loop_wait: 5", env=""))
    doc = import_paths([path])
    (lag,) = [f for f in doc["findings"] if "asynchronous" in f["message"]]
    assert lag["severity"] == "warning" and "no replica more than 1 MiB behind (maximum_lag_on_failover, " \
        "Patroni's default)" in lag["message"] and "none is promoted" in lag["message"]
    sb = doc["design"]["architecture"]["standby"]
    assert sb["failover_s"] == 25.0 and "replication" not in sb and len(sb["standbys"]) == 2
    assert _has(doc, "info", f"{path}:4", "backups are set in the operator's configuration")

    path.write_text(_ZALANDO.format(patroni="    maximum_lag_on_failover: 33554432", env=(
        "  env:\n  - {name: WAL_S3_BUCKET, value: backups}\n  - {name: BACKUP_NUM_TO_RETAIN, value: '14'}")))
    doc = import_paths([path])
    assert any("no replica more than 32 MiB behind (maximum_lag_on_failover)," in f["message"]
               for f in doc["findings"])
    assert not any("backup" in f["message"].lower() for f in doc["findings"])  # set, and kept

    path.write_text(_ZALANDO.format(patroni="    synchronous_mode: true\n    synchronous_mode_strict: true",
                                    env="  env:\n  - {name: USE_WALG_BACKUP, value: 'true'}\n"
                                        "  - {name: BACKUP_NUM_TO_RETAIN, value: '0'}"))
    doc = import_paths([path])
    assert not any("asynchronous" in f["message"] for f in doc["findings"])
    assert _has(doc, "warning", f"{path}:13", "BACKUP_NUM_TO_RETAIN 0 keeps no base backup")
    assert _has(doc, "info", f"{path}:9", "synchronous_mode_strict: with no synchronous replica up")
    assert doc["design"]["architecture"]["standby"]["replication"] == "sync"

    path.write_text(_ZALANDO.format(patroni="    maximum_lag_on_failover: lots", env=""))
    assert any("maximum_lag_on_failover 'lots' is not a byte count" in f["message"]
               for f in import_paths([path])["findings"])


_ZK = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: zk-pdb}}
spec:
  {budget}
  selector: {{matchLabels: {{app: zk}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: zk}}
spec:
  replicas: {replicas}
  template:
    metadata: {{labels: {{app: zk}}}}
    spec:
      containers: [{{name: zk, image: 'zookeeper:3.9', readinessProbe: {{tcpSocket: {{port: 2181}}}}}}]
"""


@pytest.mark.parametrize("replicas, budget, allowed", [
    (3, "maxUnavailable: 2", 2), (3, "minAvailable: 1", 2), (5, "maxUnavailable: 60%", 3),
    (5, "minAvailable: 40%", 3), (3, "maxUnavailable: 1", None), (3, "minAvailable: 2", None),
    (3, "minAvailable: 50%", None), (5, "maxUnavailable: 40%", None), (3, "maxUnavailable: lots", None)])
def test_a_disruption_budget_that_lets_a_drain_break_a_quorum_is_named(tmp_path, replicas, budget, allowed):
    path = tmp_path / "zk.yaml"
    path.write_text(_ZK.format(budget=budget, replicas=replicas), encoding="utf-8")
    doc = import_paths([path])
    k = replicas // 2 + 1
    said = [f for f in doc["findings"] if "can take the quorum down" in f["message"]]
    if allowed is None:
        assert not said
    else:
        assert [(f["severity"], f["source"], f["message"]) for f in said] == [(
            "warning", f"{path}:4", f"PodDisruptionBudget zk-pdb: lets {allowed} of the {replicas} members of zk be "
            f"evicted at once, but its quorum needs {k}: a node drain can take the quorum down (an outage the "
            f"availability figure does not count); allow at most {replicas - k}")]


def test_a_zalando_logical_backup_says_what_a_restore_from_it_loses(tmp_path):
    path = tmp_path / "orders.yaml"
    path.write_text(_ZALANDO.format(patroni="    ttl: 30", env=(
        "  enableLogicalBackup: true\n  logicalBackupSchedule: '0 18 * * *'\n  logicalBackupRetention: 1 week")))
    doc = import_paths([path])
    assert _has(doc, "info", f"{path}:11", "a logical backup (pg_dumpall) runs every day ('0 18 * * *'): restoring "
                "it loses up to a day of writes (a dump restores to the time it was taken, not to a point in "
                "between), kept 1 week")
    assert _has(doc, "info", f"{path}:4", "WAL archiving and base backups are set in the operator's configuration")
    path.write_text(_ZALANDO.format(patroni="    ttl: 30", env="  enableLogicalBackup: true"))
    assert _has(import_paths([path]), "info", f"{path}:4", "runs every day ('30 00 * * *', the operator's default)")
    path.write_text(_ZALANDO.format(patroni="    ttl: 30", env="  enableLogicalBackup: true\n"
                                    "  logicalBackupSchedule: '0 0 1-7 * 1'"))
    assert _has(import_paths([path]), "info", f"{path}:11", "on schedule '0 0 1-7 * 1' (not read here: no RPO")


@pytest.mark.parametrize("text, hours", [
    ("cron(0 5 * * ? *)", 24.0), ("rate(4 hours)", 4.0), ("rate(30 minutes)", 0.5), ("rate(2 days)", 48.0),
    ("0 18 * * *", 24.0), ("@daily", 24.0), ("@hourly", 1.0), ("@weekly", 168.0), ("0 */6 * * *", 6.0),
    ("0 3 * * 0", 168.0), ("0 3 * * SUN", 168.0), ("0 1 1 * *", 720.0), ("15 2,14 * * *", 12.0),
    ("0 1,5 * * *", 20.0), ("cron(0 5 * * ? *) x", None), ("0 0 0 * * *", None), ("0 5 * 1 *", None),
    ("0 0 1-7 * 1", None), ("", None), ("x" * 300, None)])
def test_backup_schedules_are_read_as_hours_between_backups(text, hours):
    from hadr_lib.importers import schedule_h

    assert schedule_h(text) == hours


def test_the_cli_writes_json_or_a_commented_yaml_that_loads(tmp_path):
    code, out, _ = _run(["import", str(HERE), "--format", "json"])
    doc = json.loads(out)
    assert code == 0 and doc["schema_version"] == 1
    assert set(doc) == {"schema_version", "design", "findings", "files"}
    assert all(set(f) == {"severity", "message", "source", "field"} for f in doc["findings"])
    assert len(doc["files"]) == 11
    target = tmp_path / "design.yaml"
    code, out, _ = _run(["import", str(HERE / "shop.yaml"), "--out", str(target)])
    assert code == 0 and out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Read by hadr import: 2 errors, 4 warnings, 3 info (under findings:).")
    carried = yaml.safe_load(text)["findings"]
    assert carried == import_paths([HERE / "shop.yaml"])["findings"] and carried[1]["message"].startswith(
        "key spec.replicas is given twice")
    from_yaml = hl.load_architecture(str(target)).evaluate().unavailability
    from_json = hl.load_architecture(import_paths([HERE / "shop.yaml"])["design"]).evaluate().unavailability
    assert from_yaml == from_json


def test_a_finding_cannot_break_out_of_its_comment():
    doc = {"design": None, "findings": [{"severity": "info", "message": "a\nname: evil\n#", "source": "x",
                                          "field": ""}]}
    text = commented_yaml(doc)
    assert yaml.safe_load(text) is None and all(line.startswith("#") for line in text.splitlines())


def test_names_and_messages_from_files_are_made_printable(tmp_path):
    """A control character in a file's names cannot stop the design from loading."""
    plan = json.loads((HERE / "plan.json").read_text())
    for r in plan["planned_values"]["root_module"]["resources"]:
        if r["address"] == "aws_db_instance.legacy":
            r["values"]["identifier"] = "leg\u0007acy\nname"
            r["values"]["availability_zone"] = "eu-west-1a\u0000"
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    doc = import_paths([path])
    arch = hl.load_architecture(doc["design"])
    assert "leg?acy?name" in [c.name for c in arch.components]
    assert "eu-west-1a?" in doc["design"]["zones"]
    assert all(f["message"].isprintable() for f in doc["findings"])
    again = hl.load_architecture(hl.dump_architecture(arch))
    assert again.findings == arch.findings and len(arch.findings) == len(doc["findings"])


def test_files_that_are_not_manifests_are_said_and_nothing_is_invented(tmp_path):
    (tmp_path / "notes.yaml").write_text("shopping: [eggs, milk]\n", encoding="utf-8")
    doc = import_paths([tmp_path])
    assert doc["design"] is None
    assert doc["findings"] == [{"severity": "info", "message": "not read: no importer recognises this file",
                                "source": str(tmp_path / "notes.yaml"), "field": ""}]
    code, out, _ = _run(["import", str(tmp_path)])
    assert code == 0 and "# Nothing in these files could be modelled." in out


HOSTILE = {
    "alias bomb": "apiVersion: v1\nkind: List\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join('*' + p for p in [prev] * 10)}]\n"
        for prev, c in zip("abcdefgh", "bcdefghi")),
    "deep": "apiVersion: v1\nkind: Pod\nspec: " + "[" * 200 + "]" * 200 + "\n",
    "not yaml": "apiVersion: v1\nkind: Pod\nspec: [unclosed\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_exit_2_with_one_line(tmp_path, name):
    path = tmp_path / "evil.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    code, out, err = _run(["import", str(path)])
    assert code == 2 and out == "" and err.startswith(f"hadr import: error: {path}") and err.count("\n") == 1


def test_tags_build_nothing(tmp_path):
    """A tag that would build an object (or run code) in an unsafe loader is read as
    plain data; the manifest is still read."""
    marker = tmp_path / "ran"
    path = tmp_path / "tagged.yaml"
    path.write_text(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: tagged}}
spec:
  replicas: 2
  paused: !!python/object/apply:os.system ['touch {marker}']
  note: !!python/name:os.system
  template: {{spec: {{containers: [{{name: a, image: b, livenessProbe: {{periodSeconds: 5}}}}]}}}}
""", encoding="utf-8")
    doc = import_paths([path])
    assert not marker.exists()
    assert hl.load_architecture(doc["design"]).component("tagged").count == 2


def test_odd_values_are_findings_not_crashes(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: "we\\u0007ird\\nname", namespace: ops}
spec:
  replicas: "{{ .Values.replicas }}"
  template: [not, a, mapping]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: zero}
spec: {replicas: 0}
---
- just a list
""", encoding="utf-8")
    doc = import_paths([path])
    assert _has(doc, "info", f"{path}:6", "is not a number here (a template value?); taken as 1")
    assert _has(doc, "warning", f"{path}:12", "replicas: 0: nothing runs")
    arch = hl.load_architecture(doc["design"])
    assert [c.name for c in arch.components] == ["ops/we?ird?name"]


def test_every_importer_declines_what_is_not_its_own_and_reads_an_empty_file():
    for imp in importers():
        assert not imp.claims("x.yaml", "shopping: [eggs]\n")
        got = imp.read("empty.yaml", "")
        assert isinstance(got, Imported) and got.blocks == [] and got.findings == []
        if imp.read_together is not None:  # one result per file, in order; one file as read alone
            both = imp.read_together([("a.yaml", ""), ("b.yaml", "")])
            assert len(both) == 2 and all(b.blocks == [] and b.findings == [] for b in both)


def test_a_missing_path_is_an_error():
    code, _, err = _run(["import", "/nonexistent/k8s"])
    assert code == 2 and err == "hadr import: error: /nonexistent/k8s: no such file or folder\n"


def test_soft_spreads_pinned_volumes_and_empty_retention_are_named(tmp_path):
    path = tmp_path / "soft.yaml"
    path.write_text("""apiVersion: apps/v1
kind: Deployment
metadata: {name: soft}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: soft}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: {matchLabels: {app: soft}}
                topologyKey: topology.kubernetes.io/zone
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway,
           labelSelector: {matchLabels: {app: soft}}}
      containers: [{name: a, image: b, readinessProbe: {periodSeconds: 5}}]
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: data}
spec:
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1b]}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg}
spec:
  instances: 2
  backup:
    retentionPolicy: "0d"
    barmanObjectStore: {destinationPath: "s3://b"}
""", encoding="utf-8")
    doc = import_paths([path])
    src = str(path)
    assert _has(doc, "warning", f"{src}:12", "zone anti-affinity is only preferred")
    assert _has(doc, "warning", f"{src}:17", "zone spread is ScheduleAnyway")
    assert _has(doc, "warning", f"{src}:25", "PersistentVolume data: pinned to zone us-east-1b")
    assert _has(doc, "warning", f"{src}:37", "backup retentionPolicy '0d' keeps nothing")
    assert _has(doc, "warning", f"{src}:34", "instances are not required to be in different zones")
    # not spread for sure: the replicas stay unplaced, counted together
    assert doc["design"]["architecture"]["series"][0] == {"component": {
        **doc["design"]["architecture"]["series"][0]["component"], "count": 2}}


# --------------------------------------------------------------------------- Terraform (terraform show -json)


def test_a_terraform_plan_gives_standbys_zones_and_its_traps():
    path = HERE / "plan.json"
    doc = import_paths([path])
    assert doc["files"] == [{"file": str(path), "importer": "terraform"}]

    def has(severity, address, words):
        return _has(doc, severity, f"{path}: {address}", words)

    assert has("error", "aws_route53_record.www_primary", "a TTL on an alias record")
    assert has("error", "aws_route53_record.www_primary", "failover records for www.example.com are not a pair")
    assert has("warning", "aws_autoscaling_group.web", "spans 2 zones but runs one instance")
    assert has("warning", "aws_db_instance.legacy", "backups are off (backup_retention_period 0)")
    assert has("warning", "aws_db_instance.legacy", "multi_az is false (off unless it is set)")
    assert has("warning", "aws_db_instance.legacy_replica", "an asynchronous read replica promoted by hand, modelled "
               "as the disaster-recovery copy of its source")
    assert has("warning", "aws_s3_bucket_replication_configuration.assets", "deletes are replicated to the copy")
    arch = hl.load_architecture(doc["design"])
    orders = next(sb for sb in arch.standbys if sb.name == "orders Multi-AZ failover")
    assert orders.replication == "sync" and orders.failover_s == pytest.approx(hl.failover_seconds("rds_multi_az"))
    assert arch.component("orders-primary").source.startswith(
        f"{path}: module.orders_db.aws_db_instance.this[0]; assumed by hadr import")
    dns = next(sb for sb in arch.standbys if sb.name == "DNS failover of api.example.com")
    # Route 53: 10 s checks, threshold 3, a 60 s TTL: 10 x (3 - 0.5) + 60 / 2 = 55 s on average
    assert dns.failover_timers == (10.0, 3, 60.0, 0.0, 0.0) and dns.failover_s == pytest.approx(55.0)
    api = [c for c in arch.components if c.name.startswith("api@")]
    assert [(c.name, c.count) for c in api] == [("api@eu-west-1a", 2), ("api@eu-west-1b", 1)]
    assert arch.survives_loss_of("eu-west-1b")  # the api keeps its replicas in eu-west-1a
    assert not arch.survives_loss_of("eu-west-1a")  # the single-AZ legacy database and web's one instance
    assert not any("data.aws_ami" in f["source"] for f in doc["findings"])


def test_a_secondary_sharing_the_primarys_health_check_is_named(tmp_path):
    plan = json.loads((HERE / "plan.json").read_text())
    records = plan["planned_values"]["root_module"]["resources"]
    for r in records:
        if r["address"] == "aws_route53_record.api_secondary":
            r["values"]["health_check_id"] = "hc-api"
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    doc = import_paths([path])
    assert _has(doc, "error", f"{path}: aws_route53_record.api_secondary", "shares the primary's health check")


def test_what_a_plan_does_not_know_is_said_not_guessed(tmp_path):
    plan = json.loads((HERE / "plan.json").read_text())
    plan["resource_changes"].append({"address": "aws_db_instance.legacy", "change": {
        "actions": ["create"], "after_unknown": {"backup_retention_period": True}}})
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    doc = import_paths([path])
    assert _has(doc, "info", f"{path}: aws_db_instance.legacy", "backup_retention_period is not known until apply")
    assert not _has(doc, "warning", f"{path}: aws_db_instance.legacy", "backups are off")


# --------------------------------------------------------------------------- CloudFormation


def test_a_cloudformation_template_with_its_conditions_evaluated():
    path = HERE / "stack.yaml"
    doc = import_paths([path])
    assert doc["files"] == [{"file": str(path), "importer": "cloudformation"}]
    src = str(path)
    assert _has(doc, "error", f"{src}:51 (Primary)", "a TTL on an alias record")
    assert _has(doc, "info", f"{src}:39 (StagingDb)", "not created: its condition 'IsStaging' is false")
    assert _has(doc, "info", f"{src}:43 (Reporting)", "created only if 'InUsEast' holds")
    assert _has(doc, "warning", f"{src}:43 (Reporting)", "asynchronous read replica")
    assert not any("backups are off" in f["message"] for f in doc["findings"])  # Fn::If gives 7 in prod
    arch = hl.load_architecture(doc["design"])
    # DesiredCapacity from the Capacity mapping for Env=prod: 4, over the two subnets' zones
    assert [(c.name, c.count) for c in arch.components if c.name.startswith("Web@")] == [
        ("Web@eu-west-1a", 2), ("Web@eu-west-1b", 2)]
    db = next(sb for sb in arch.standbys if sb.name == "Db Multi-AZ failover")  # MultiAZ: !If [IsProd, ...]
    assert db.replication == "sync"
    assert arch.component("Db-primary").source.startswith(f"{src}:32 (Db); assumed by hadr import")
    dns = next(sb for sb in arch.standbys if sb.name == "DNS failover of app.example.com.")
    assert dns.failover_timers == (30.0, 3, 60.0, 0.0, 0.0)  # an alias record: the target's 60 s


def test_staging_defaults_and_the_json_long_form(tmp_path):
    text = (HERE / "stack.yaml").read_text().replace("Default: prod", "Default: staging")
    staging = tmp_path / "staging.yaml"
    staging.write_text(text, encoding="utf-8")
    doc = import_paths([staging])
    assert _has(doc, "warning", f"{staging}:32 (Db)", "backups are off (backup_retention_period 0)")
    assert _has(doc, "warning", f"{staging}:32 (Db)", "multi_az is false")
    assert _has(doc, "warning", f"{staging}:39 (StagingDb)", "multi_az is false")
    arch = hl.load_architecture(doc["design"])
    # the staging mapping's DesiredCapacity 1 is below MinSize 2: named, and read as given
    assert _has(doc, "error", f"{staging}:25 (Web)", "desired capacity 1 is below its minimum 2")
    assert [(c.name, c.count) for c in arch.components if c.name.startswith("Web")] == [("Web", 1)]
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"Multi": {"Type": "String", "Default": "false"}},
                "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {
                    "Engine": "mysql", "MultiAZ": {"Ref": "Multi"}, "BackupRetentionPeriod": "0"}}}}
    long_form = tmp_path / "db.json"
    long_form.write_text(json.dumps(template), encoding="utf-8")
    doc = import_paths([long_form])
    assert _has(doc, "warning", f"{long_form}: Db", "multi_az is false")
    assert _has(doc, "warning", f"{long_form}: Db", "backups are off")


# --------------------------------------------------------------------------- boto3 code (read with ast)


def test_the_seed_articles_boto3_code_is_read_without_running_it():
    path = HERE / "multi_region.py"
    doc = import_paths([path])
    assert doc["files"] == [{"file": str(path), "importer": "boto3"}]
    src = str(path)
    # three regions written into one failover group: not a pair, so no DNS failover is modelled
    assert _has(doc, "error", f"{src}:50 (run 1)",
                "failover records for api.example.com are not a pair (PRIMARY, SECONDARY, SECONDARY)")
    ttl = [f for f in doc["findings"] if "a TTL on an alias record" in f["message"]]
    assert len(ttl) == 1 and ttl[0]["source"] == f"{src}:50 (run 1)"  # said once, not once per region
    assert _has(doc, "warning", f"{src}:22", "run_instances puts all 2 instances in one zone")
    assert _has(doc, "info", f"{src}:22", "the regions listed at line 73 (assumed: the loop at line 20 runs over them)")
    arch = hl.load_architecture(doc["design"])
    assert [(c.name, c.count) for c in arch.components] == [
        ("instances@us-east-1 (line 22)", 2), ("instances@eu-west-1 (line 22)", 2),
        ("instances@ap-southeast-1 (line 22)", 2)]
    assert set(doc["design"]["regions"]) == {"us-east-1", "eu-west-1", "ap-southeast-1"}
    assert arch.survives_loss_of("eu-west-1")


def test_boto3_code_with_literal_loops_and_databases(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "db.py"
    path.write_text(f"""import boto3
import os
os.system('touch {marker}')   # never run: the file is parsed, not executed
rds = boto3.client('rds')
for name in ['orders', 'billing']:
    rds.create_db_instance(DBInstanceIdentifier=name, Engine='postgres', MultiAZ=False,
                           BackupRetentionPeriod=0)
rds.create_db_instance(DBInstanceIdentifier='ledger', Engine='postgres', MultiAZ=True)
asg = boto3.client('autoscaling')
asg.create_auto_scaling_group(AutoScalingGroupName='web', MinSize=1, DesiredCapacity=1,
                              AvailabilityZones=['us-east-1a', 'us-east-1b'])
""", encoding="utf-8")
    doc = import_paths([path])
    assert not marker.exists()
    assert _has(doc, "warning", f"{path}:6 (run 1)", "backups are off (backup_retention_period 0)")
    assert _has(doc, "warning", f"{path}:6 (run 1)", "multi_az is false")
    assert _has(doc, "warning", f"{path}:10", "spans 2 zones but runs one instance")
    arch = hl.load_architecture(doc["design"])
    ledger = next(sb for sb in arch.standbys if sb.name == "ledger Multi-AZ failover")
    assert ledger.replication == "sync"
    # the literal loop ran the call twice; both databases are said, by name, with their own run
    assert {c.name for c in arch.components} >= {"orders", "billing", "ledger-primary", "web"}


def test_python_that_does_not_parse_exits_2(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import boto3\ndef f(:\n", encoding="utf-8")
    code, out, err = _run(["import", str(path)])
    assert code == 2 and err.startswith(f"hadr import: error: {path}: Python syntax error at line 2")
    deep = tmp_path / "deep.py"
    deep.write_text("import boto3\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n", encoding="utf-8")
    code, _, err = _run(["import", str(deep)])
    assert code == 2 and err.count("\n") == 1


# --------------------------------------------------------------------------- Terraform .tf read statically


def test_tf_files_are_read_statically_with_unknowns_said():
    folder = HERE / "tf"
    doc = import_paths([folder])
    main_tf = str(folder / "main.tf")
    assert {f["importer"] for f in doc["files"]} == {"terraform_hcl"}
    assert _has(doc, "warning", f"{main_tf}:25 (aws_db_instance.orders)", "backups are off (backup_retention_period 0)")
    assert _has(doc, "warning", f"{main_tf}:31", "a backup setting is commented out")
    # a variable without a default and a local need evaluation: said, and read as one instance
    assert _has(doc, "info", f"{main_tf}:25 (aws_db_instance.orders)", "multi_az = var.db_multi_az needs evaluation")
    assert _has(doc, "info", f"{main_tf}:34 (aws_db_instance.analytics)", "multi_az is not known here")
    assert _has(doc, "info", f"{main_tf}:51 (module.vpc)", "is not read")
    # AWS's default retention (1 day) where the attribute is left out: no backup warning for analytics
    assert not _has(doc, "warning", f"{main_tf}:34 (aws_db_instance.analytics)", "backups are off")
    arch = hl.load_architecture(doc["design"])
    # var.web_min's default (3, in variables.tf beside it) over the two subnets' zones
    assert [(c.name, c.count) for c in arch.components if c.name.startswith("web@")] == [
        ("web@eu-west-1a", 2), ("web@eu-west-1b", 1)]
    billing = next(sb for sb in arch.standbys if sb.name == "billing Multi-AZ failover")  # the community module
    assert billing.replication == "sync"
    dns = next(sb for sb in arch.standbys if sb.name == "DNS failover of app.example.com")
    assert dns.failover_timers == (10.0, 2, 30.0, 0.0, 0.0)  # the health check the reference names


_MODULES_TF = '''
module "sessions" {
  source  = "terraform-aws-modules/elasticache/aws"
  version = "~> 1.0"

  replication_group_id    = "sessions"
  cluster_mode_enabled    = true
  num_node_groups         = 2
  replicas_per_node_group = 2
}

module "tokens" {
  source               = "terraform-aws-modules/elasticache/aws"
  replication_group_id = "tokens"
}

module "assets" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "assets"
  replication_configuration = {
    role = aws_iam_role.replication.arn
    rules = [
      {
        id                        = "everything"
        status                    = true
        delete_marker_replication = true
        destination = { bucket = "arn:aws:s3:::assets-copy" }
      },
      {
        id                               = "logs"
        delete_marker_replication_status = "Disabled"
        destination = { bucket = "arn:aws:s3:::logs-copy" }
      }
    ]
  }
}

resource "aws_route53_health_check" "api" {
  fqdn              = "api-eu.example.com"
  type              = "HTTPS"
  request_interval  = 30
  failure_threshold = 3
}

module "records" {
  source    = "terraform-aws-modules/route53/aws//modules/records"
  zone_name = "example.com"
  records = [
    {
      name            = "api"
      type            = "A"
      set_identifier  = "eu"
      ttl             = 20
      records         = ["203.0.113.7"]
      health_check_id = aws_route53_health_check.api.id
      failover_routing_policy = { type = "PRIMARY" }
    },
    {
      name           = "api"
      type           = "A"
      set_identifier = "us"
      ttl            = 20
      records        = ["198.51.100.7"]
      failover_routing_policy = { type = "SECONDARY" }
    },
    {
      name           = "www"
      type           = "A"
      set_identifier = "a"
      alias          = { name = "lb.example.net", zone_id = "Z1", evaluate_target_health = true }
      ttl            = 60
      failover_routing_policy = { type = "PRIMARY" }
    }
  ]
}

module "off" {
  source               = "terraform-aws-modules/elasticache/aws"
  create               = false
  replication_group_id = "off"
}
'''


def test_the_community_modules_for_caches_buckets_and_records_are_read(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(_MODULES_TF, encoding="utf-8")
    doc = import_paths([path])
    src = str(path)
    arch = hl.load_architecture(doc["design"])
    # cluster mode: the module turns failover on; each of the two shards (each holding part of
    # the keys, so both needed) is a primary and its two replicas
    shards = [sb for sb in arch.standbys if sb.name.startswith("sessions-shard-")]
    assert [(sb.name, len(sb.standbys)) for sb in shards] == [("sessions-shard-1 failover", 2),
                                                              ("sessions-shard-2 failover", 2)]
    assert _has(doc, "info", f"{src}:2 (module.sessions)", "2 shards, each needed for its keys")
    # the module's defaults: one node, automatic failover not asked for
    assert _has(doc, "warning", f"{src}:12 (module.tokens)", "no automatic failover")
    assert "tokens" in {c.name for c in arch.components}
    assert not any("off" == c.name for c in arch.components)  # create = false makes nothing
    # a bucket's rules: deletes replicated by one rule (a bool in the module), not by the other
    deletes = [f for f in doc["findings"] if "deletes are replicated" in f["message"]]
    assert [(f["source"], f["field"]) for f in deletes] == [(f"{src}:17 (module.assets)",
                                                           "rule[0].delete_marker_replication")]
    # the records module's pair fails over on the health check its reference names
    dns = next(sb for sb in arch.standbys if sb.name == "DNS failover of api")
    assert dns.failover_timers == (30.0, 3, 20.0, 0.0, 0.0)
    # a PRIMARY alone, and a TTL on an alias record, as for resources
    assert _has(doc, "error", f"{src}:45 (module.records)", "failover records for www are not a pair")
    assert _has(doc, "error", f"{src}:45 (module.records)", "a TTL on an alias record")


_TWO_REGIONS_TF = '''
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}

resource "aws_db_instance" "main" {
  identifier              = "main"
  multi_az                = true
  backup_retention_period = 7
}

resource "aws_db_instance" "copy" {
  provider                = aws.dr
  identifier              = "copy"
  availability_zone       = "us-west-2a"
  backup_retention_period = 7
}

module "cache" {
  source               = "terraform-aws-modules/elasticache/aws"
  providers            = { aws = aws.dr }
  replication_group_id = "cache"
}
'''


def test_resources_under_another_provider_s_region_are_placed_in_that_region(tmp_path):
    """A provider alias for another region (on a resource, or handed to a module) puts
    what it makes in that region; with two regions each is a failure domain (assumed
    rates, said), in a .tf file and in a plan alike."""
    path = tmp_path / "main.tf"
    path.write_text(_TWO_REGIONS_TF, encoding="utf-8")
    doc = import_paths([path])
    design = doc["design"]
    assert set(design["regions"]) == {"eu-west-1", "us-west-2"}
    assert "assumed by hadr import" in design["regions"]["us-west-2"]["source"]
    assert design["zones"]["us-west-2a"]["region"] == "us-west-2"  # the copy's zone, in its region
    arch = hl.load_architecture(design)
    u_both = arch.availability().unavailability
    assert any("resources in 2 regions (eu-west-1: 1, us-west-2: 2)" in f["message"] for f in doc["findings"])
    # the same resources in one region: no region domains, and a better figure (one region to lose)
    one = import_paths([_written(tmp_path / "one", _TWO_REGIONS_TF.replace("provider                = aws.dr\n", "")
                                 .replace("  providers            = { aws = aws.dr }\n", ""))])
    assert "regions" not in one["design"] or not one["design"]["regions"]
    assert hl.load_architecture(one["design"]).availability().unavailability < u_both

    # a plan: the configuration's provider_config_key names the alias
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
         "values": {"identifier": "main", "multi_az": True, "backup_retention_period": 7}},
        {"address": "aws_db_instance.copy", "mode": "managed", "type": "aws_db_instance", "name": "copy",
         "values": {"identifier": "copy", "multi_az": True, "backup_retention_period": 7}}]}},
        "configuration": {"provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
            "aws.dr": {"name": "aws", "alias": "dr", "expressions": {"region": {"constant_value": "us-west-2"}}}},
            "root_module": {"resources": [{"address": "aws_db_instance.copy", "provider_config_key": "aws.dr"},
                                          {"address": "aws_db_instance.main", "provider_config_key": "aws"}]}}}
    planned = import_paths([_written(tmp_path / "plan", json.dumps(plan), "plan.json")])
    placed = {b["standby"]["name"]: b.get("region")
              for b in planned["design"]["architecture"]["series"] if "standby" in b}
    assert placed == {"main Multi-AZ failover": "eu-west-1", "copy Multi-AZ failover": "us-west-2"}


_DYNAMODB_TF = '''
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
  point_in_time_recovery {
    enabled = true
  }
  replica {
    region_name = "eu-west-1"
  }
  replica {
    region_name      = "ap-southeast-1"
    consistency_mode = "EVENTUAL"
  }
}

resource "aws_dynamodb_table" "sessions" {
  provider = aws.eu
  name     = "sessions"
  hash_key = "id"
}

resource "aws_dynamodb_table" "carts" {
  name     = "carts"
  hash_key = "id"
  point_in_time_recovery {
    enabled = true
  }
}
'''

_DYNAMODB_CFN = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: orders
      MultiRegionConsistency: STRONG
      Replicas:
        - Region: us-east-1
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
        - Region: us-east-2
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
        - Region: us-west-2
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: false}
  Lonely:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: lonely
      Replicas:
        - Region: us-east-1
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
  Sessions:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: sessions
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
"""


def test_dynamodb_tables_global_or_regional_are_read_by_their_slas(tmp_path):
    """A global table (replicas in other regions) is known by the Global Tables SLA and
    spans its regions, placed in none of them; a table in one region by the regional
    SLA, placed in its region; point-in-time recovery off is a warning. In .tf files
    and in CloudFormation (whose global table lists its own region too)."""
    path = _written(tmp_path / "tf", _DYNAMODB_TF)
    doc = import_paths([path])
    src = str(path)
    series = doc["design"]["architecture"]["series"]
    by_name = {b["component"]["name"]: b for b in series}
    assert by_name["orders"]["component"]["sla"] == "aws-dynamodb-global-tables"
    assert "region" not in by_name["orders"]  # it spans regions
    assert by_name["sessions"]["component"]["sla"] == "aws-dynamodb"
    # two regional tables in two regions: each placed in its region, a failure domain
    assert (by_name["sessions"]["region"], by_name["carts"]["region"]) == ("eu-west-1", "us-east-1")
    assert set(doc["design"]["regions"]) == {"eu-west-1", "us-east-1"}
    assert _has(doc, "info", f"{src}:11 (aws_dynamodb_table.orders)",
                "a global table with replicas in 3 regions (ap-southeast-1, eu-west-1, us-east-1)")
    assert _has(doc, "info", f"{src}:11 (aws_dynamodb_table.orders)", "asynchronous: a region lost loses its last")
    assert _has(doc, "warning", f"{src}:26 (aws_dynamodb_table.sessions)", "point-in-time recovery is off")
    assert not _has(doc, "warning", f"{src}:11 (aws_dynamodb_table.orders)", "point-in-time recovery is off")
    arch = hl.load_architecture(doc["design"])
    sla = {c.name: c.availability for c in arch.components}
    assert sla["orders"] == pytest.approx(0.99999) and sla["sessions"] == pytest.approx(0.9999)

    cfn = _written(tmp_path / "cfn", _DYNAMODB_CFN, "stack.yaml")
    doc = import_paths([cfn])
    src = str(cfn)
    slas = {b["component"]["name"]: b["component"]["sla"] for b in doc["design"]["architecture"]["series"]}
    assert slas == {"orders": "aws-dynamodb-global-tables", "lonely": "aws-dynamodb", "sessions": "aws-dynamodb"}
    assert _has(doc, "info", f"{src}:3 (Orders)", "replicas in 3 regions (us-east-1, us-east-2, us-west-2)")
    assert _has(doc, "info", f"{src}:3 (Orders)", "strong consistency: a region lost loses no acknowledged write")
    # one replica without point-in-time recovery: that replica's items cannot be rolled back
    assert _has(doc, "warning", f"{src}:3 (Orders)", "point-in-time recovery is off")
    assert not any("Sessions" in f["source"] and "point-in-time" in f["message"] for f in doc["findings"])


def _written(folder: Path, text: str, name: str = "main.tf") -> Path:
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_tf_that_does_not_parse_exits_2(tmp_path):
    path = tmp_path / "bad.tf"
    path.write_text('resource "aws_db_instance" "x" {\n  multi_az = \n', encoding="utf-8")
    code, out, err = _run(["import", str(path)])
    assert code == 2 and err.startswith(f"hadr import: error: {path}: not HCL that Terraform reads") and \
        err.count("\n") == 1


def test_an_uploaded_tf_file_reads_nothing_beside_it_on_the_server(tmp_path, monkeypatch):
    from hadr_lib.importers import import_text

    (tmp_path / "variables.tf").write_text('variable "ha" {\n  default = true\n}\n', encoding="utf-8")
    main_tf = 'resource "aws_db_instance" "db" {\n  multi_az = var.ha\n}\n'
    (tmp_path / "main.tf").write_text(main_tf, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from_upload = import_text("main.tf", main_tf)
    assert _has(from_upload, "info", "main.tf:1 (aws_db_instance.db)", "multi_az = var.ha needs evaluation")
    from_folder = import_paths([tmp_path])  # given the folder, its variables are read
    arch = hl.load_architecture(from_folder["design"])
    assert arch.standbys[0].replication == "sync"


def test_load_balancers_and_target_groups_from_a_plan(tmp_path):
    plan = json.loads((HERE / "plan.json").read_text())
    res = plan["planned_values"]["root_module"]["resources"]
    res += [
        {"address": "aws_lb.front", "mode": "managed", "type": "aws_lb", "name": "front",
         "values": {"name": "front", "subnets": ["subnet-0a", "subnet-0b"]}},
        {"address": "aws_lb.admin", "mode": "managed", "type": "aws_lb", "name": "admin",
         "values": {"name": "admin", "subnets": ["subnet-0a"]}},
        {"address": "aws_lb_target_group.web", "mode": "managed", "type": "aws_lb_target_group", "name": "web",
         "values": {"health_check": [{"enabled": True, "interval": 10, "unhealthy_threshold": 2}]}},
        {"address": "aws_lb_target_group.batch", "mode": "managed", "type": "aws_lb_target_group", "name": "batch",
         "values": {"health_check": [{"enabled": False}]}},
    ]
    path = tmp_path / "lb.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    doc = import_paths([path])
    assert _has(doc, "warning", f"{path}: aws_lb.admin", "the load balancer is in one zone (eu-west-1a)")
    assert _has(doc, "info", f"{path}: aws_lb_target_group.web", "taken out of service after about 20 s")
    assert _has(doc, "warning", f"{path}: aws_lb_target_group.batch", "health checks are off")
    arch = hl.load_architecture(doc["design"])
    assert arch.component("front").sla == "aws-elb-multi-az" and arch.component("admin").sla == "aws-elb-single-az"


def test_cloudformation_load_balancers(tmp_path):
    path = tmp_path / "lb.yaml"
    path.write_text("""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  A: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: us-east-1a}}
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Subnets: [!Ref A]}
  Tg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {HealthCheckIntervalSeconds: 15}
""", encoding="utf-8")
    doc = import_paths([path])
    assert _has(doc, "warning", f"{path}:4 (Lb)", "the load balancer is in one zone (us-east-1a)")
    # AWS's default unhealthy threshold for a target group is 2 checks
    assert _has(doc, "info", f"{path}:7 (Tg)", "taken out of service after about 30 s (2 checks every 15 s)")


def test_classic_load_balancers_name_their_zones_and_check_their_instances(tmp_path):
    """``aws_elb`` (and CloudFormation's ``AWS::ElasticLoadBalancing::LoadBalancer``) lists
    its zones itself and health-checks its instances with no target group."""
    tf = _written(tmp_path / "tf", """
resource "aws_elb" "web" {
  name               = "web"
  availability_zones = ["us-east-1a", "us-east-1b"]
  health_check {
    target              = "HTTP:80/"
    interval            = 30
    unhealthy_threshold = 2
  }
}
resource "aws_elb" "admin" {
  name               = "admin"
  availability_zones = ["us-east-1a"]
}
""")
    doc = import_paths([tf])
    assert _has(doc, "info", f"{tf}:2 (aws_elb.web)", "taken out of service after about 60 s (2 checks every 30 s)")
    assert _has(doc, "warning", f"{tf}:11 (aws_elb.admin)", "the load balancer is in one zone (us-east-1a)")
    arch = hl.load_architecture(doc["design"])
    assert arch.component("web").sla == "aws-elb-multi-az" and arch.component("admin").sla == "aws-elb-single-az"
    cfn = tmp_path / "elb.yaml"
    cfn.write_text("""Resources:
  Classic:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: [eu-west-1a]
      HealthCheck: {Target: "HTTP:80/", Interval: 10, UnhealthyThreshold: 3, HealthyThreshold: 2, Timeout: 5}
""", encoding="utf-8")
    doc = import_paths([cfn])
    assert _has(doc, "info", f"{cfn}:2 (Classic)", "taken out of service after about 30 s (3 checks every 10 s)")
    assert _has(doc, "warning", f"{cfn}:2 (Classic)", "the load balancer is in one zone (eu-west-1a)")
    assert hl.load_architecture(doc["design"]).component("Classic").sla == "aws-elb-single-az"


def test_aurora_clusters_from_a_plan_a_tf_file_and_a_template(tmp_path):
    """A writer and its readers over shared storage: a standby block that loses no data."""
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_rds_cluster.orders", "mode": "managed", "type": "aws_rds_cluster", "name": "orders",
         "values": {"cluster_identifier": "orders", "engine": "aurora-postgresql", "backup_retention_period": 7}},
        *({"address": f"aws_rds_cluster_instance.orders[{i}]", "mode": "managed", "type": "aws_rds_cluster_instance",
           "name": "orders", "values": {"cluster_identifier": "orders"}} for i in range(3)),
        {"address": "aws_rds_cluster.lonely", "mode": "managed", "type": "aws_rds_cluster", "name": "lonely",
         "values": {"cluster_identifier": "lonely", "backup_retention_period": 0}},
    ]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text('''
resource "aws_rds_cluster" "main" {
  cluster_identifier = "billing"
  engine             = "aurora-mysql"
}
resource "aws_rds_cluster_instance" "main" {
  count              = 2
  cluster_identifier = aws_rds_cluster.main.id
  instance_class     = "db.r6g.large"
}
''', encoding="utf-8")
    (tmp_path / "stack.yaml").write_text('''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql}
  Writer:
    Type: AWS::RDS::DBInstance
    Properties: {DBClusterIdentifier: !Ref Cluster, Engine: aurora-postgresql}
  Reader:
    Type: AWS::RDS::DBInstance
    Properties: {DBClusterIdentifier: !Ref Cluster, Engine: aurora-postgresql}
''', encoding="utf-8")
    for source, name, readers in (("plan.json", "orders", 2), ("tf", "billing", 1), ("stack.yaml", "Cluster", 1)):
        doc = import_paths([tmp_path / source])
        arch = hl.load_architecture(doc["design"])
        sb = next(s for s in arch.standbys if s.name == f"{name} cluster failover")
        assert sb.replication == "sync" and sb.failover_s == 30.0 and len(sb.standbys) == readers, source
        assert not any("multi_az" in f["message"] for f in doc["findings"]), source  # members are no instances
    doc = import_paths([tmp_path / "plan.json"])
    assert _has(doc, "warning", f"{tmp_path / 'plan.json'}: aws_rds_cluster.lonely", "no instances in the cluster")
    assert _has(doc, "warning", f"{tmp_path / 'plan.json'}: aws_rds_cluster.lonely", "backups are off")


def _plan(tmp_path, *resources) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {
        "root_module": {"resources": [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                                       "values": v} for t, n, v in resources]}}}))
    return path


def test_aws_backup_plans_say_their_rpo_retention_and_region(tmp_path):
    daily = {"rule": [{"rule_name": "daily", "schedule": "cron(0 5 ? * * *)", "lifecycle": [{"delete_after": 1}]},
                      {"rule_name": "every 4 hours", "schedule": "cron(0 */4 * * ? *)",
                       "lifecycle": [{"delete_after": 14}]}]}
    doc = import_paths([_plan(tmp_path, ("aws_backup_plan", "db", daily))])
    said = {f["field"]: (f["severity"], f["message"]) for f in doc["findings"]}
    assert said["rule[0].schedule"] == ("info", "aws_backup_plan.db: rule daily backs up every day: corrupted "
                                        "data loses up to a day of writes (the RPO of a restore from these "
                                        "backups), kept 1 day")
    assert "every 4 hours: corrupted data loses up to 4 hours of writes" in said["rule[1].schedule"][1]
    assert said["rule[0].lifecycle.delete_after"][0] == "warning" and "keeps one backup at a time" in \
        said["rule[0].lifecycle.delete_after"][1]
    assert "rule[1].lifecycle.delete_after" not in said  # 14 days of 4-hourly backups
    assert said["rule"] == ("warning", "aws_backup_plan.db: no rule copies its backups to another region "
                                       "(copy_action): losing the region loses the backups with it")
    assert "no aws_backup_selection in these files" in said[""][1]

    copied = {"rule": [{"rule_name": "weekly", "schedule": "cron(0 3 ? * SUN *)", "enable_continuous_backup": False,
                        "lifecycle": [{"delete_after": 0}],
                        "copy_action": [{"destination_vault_arn": "arn:aws:backup:eu-west-2:1:backup-vault:dr"}]},
                       {"rule_name": "pitr", "schedule": "cron(0 5 ? * * *)", "enable_continuous_backup": True}]}
    doc = import_paths([_plan(tmp_path, ("aws_backup_plan", "db", copied),
                              ("aws_backup_selection", "db", {"name": "db", "resources": ["arn:aws:rds:x"]}))])
    said = {f["field"]: (f["severity"], f["message"]) for f in doc["findings"]}
    assert "every week: corrupted data loses up to a week of writes" in said["rule[0].schedule"][1]
    assert said["rule[0].lifecycle.delete_after"] == (
        "warning", "aws_backup_plan.db: rule weekly deletes its backups after 0 days: nothing is kept")
    assert "continuous (point-in-time restore" in said["rule[1].schedule"][1]
    assert "rule" not in said and "" not in said  # copied out of the region, and selected

    odd = {"rule": [{"rule_name": "odd", "schedule": "cron(0 5 ? JAN * *)"}]}
    doc = import_paths([_plan(tmp_path, ("aws_backup_plan", "db", odd))])
    assert any("on schedule 'cron(0 5 ? JAN * *)' (not read here: no RPO stated)" in f["message"]
               for f in doc["findings"])
    assert any("a backup plan without rules backs up nothing" in f["message"]
               for f in import_paths([_plan(tmp_path, ("aws_backup_plan", "x", {"rule": []}))])["findings"])
    tf = tmp_path / "tf"
    tf.mkdir()
    (tf / "main.tf").write_text('resource "aws_backup_plan" "db" {\n  name = "db"\n  rule {\n    rule_name = "daily"\n'
                                '    target_vault_name = "main"\n    schedule = "cron(0 5 ? * * *)"\n'
                                '    lifecycle {\n      delete_after = 35\n    }\n  }\n}\n')
    doc = import_paths([tf / "main.tf"])
    assert any(f["message"].startswith("aws_backup_plan.db: rule daily backs up every day") and
               f["message"].endswith("kept 35 days") and f["source"].endswith("main.tf:1 (aws_backup_plan.db)")
               for f in doc["findings"])  # read from a .tf file as from a plan


def test_a_cnpg_distributed_topology_pairs_its_clusters_and_plugin_backups_count(tmp_path):
    """CloudNativePG 1.24's distributed topology names the primary (replica.primary) in
    every cluster instead of replica.enabled; 1.26's Barman Cloud plugin replaces
    spec.backup. Both were read as nothing: a copy not modelled, backups said missing."""
    path = HERE / "cnpg_distributed.yaml"
    doc = import_paths([path])
    root = doc["design"]["architecture"]["standby"]
    assert root["name"] == "ledger-ams (replica cluster of ledger-fra)"
    assert root["primary"]["region"] == "region of ledger-fra"
    assert root["standbys"][0]["region"] == "region of ledger-ams"
    assert root["primary"]["standby"]["replication"] == "sync"  # synchronous, any 1
    messages = [f["message"] for f in doc["findings"]]
    assert not any("no backups configured" in m for m in messages), messages
    assert not any("distributed topology" in m for m in messages)  # its follower is here
    (unread,) = [f for f in doc["findings"] if f["message"].startswith("not read")]
    assert unread["severity"] == "info" and unread["source"] == str(path)
    assert "DaemonSet log-shipper (apps/v1), Kafka ledger-events (kafka.strimzi.io/v1beta2)" in unread["message"]
    assert "Secret" not in unread["message"]  # runs nothing: not said
    hl.load_architecture(doc["design"]).evaluate()
    # the primary alone: its follower is not in the file, and that is said
    alone = tmp_path / "fra.yaml"
    alone.write_text(path.read_text().split("---\n")[0])
    doc = import_paths([alone])
    assert "region" not in str(doc["design"])
    assert _has(doc, "info", f"{alone}:22", "the primary of a distributed topology (replica.primary), with "
                "ledger-ams to follow")
    # a plugin switched off backs nothing up; EDB's API group is the same Cluster
    text = path.read_text().split("---\n")[1].replace("isWALArchiver: true", "isWALArchiver: true\n      enabled: false")
    text = text.replace("postgresql.cnpg.io/v1", "postgresql.k8s.enterprisedb.io/v1")
    (tmp_path / "edb.yaml").write_text(text)
    doc = import_paths([tmp_path / "edb.yaml"])
    assert _has(doc, "warning", f"{tmp_path / 'edb.yaml'}:5", "Cluster ledger-ams: no backups configured")
    assert "ledger-ams-2" in str(doc["design"]["architecture"])


_LOCALS_TF = '''
provider "aws" {
  region = local.home
}

provider "aws" {
  alias  = "dr"
  region = local.away
}

locals {
  home     = "eu-west-1"
  away     = var.dr_region
  prefix   = "${local.team}-db"
  team     = "payments"
  ha       = true
  loop_a   = local.loop_b
  loop_b   = local.loop_a
  computed = upper(local.team)
}

variable "dr_region" {
  default = "eu-central-1"
}

module "ledger" {
  source         = "terraform-aws-modules/rds-aurora/aws"
  version        = "~> 9.0"
  name           = "${local.prefix}-ledger"
  engine         = "aurora-postgresql"
  instance_class = "db.r6g.large"
  instances = {
    writer = {}
    reader = {}
  }
}

module "legacy" {
  source        = "terraform-aws-modules/rds-aurora/aws"
  version       = "~> 5.0"
  name          = "legacy"
  replica_count = 1
  backup_retention_period = 0
}

resource "aws_db_instance" "cards" {
  identifier              = "${local.prefix}-cards"
  multi_az                = local.ha
  backup_retention_period = local.loop_a
}

resource "aws_db_instance" "audit" {
  provider   = aws.dr
  identifier = local.computed
  multi_az   = local.ha
}
'''


def test_tf_locals_and_templates_of_them_are_read_and_the_aurora_module_too(tmp_path):
    """Terraform code names its regions and settings through locals (the community modules'
    own examples do): they were all "needs evaluation", so no region and no Multi-AZ was
    read. A local that is a literal, a variable's default or a template of those is read;
    one that needs a function, or goes round in a loop, stays unknown and is said."""
    path = tmp_path / "main.tf"
    path.write_text(_LOCALS_TF, encoding="utf-8")
    doc = import_paths([path])
    src = str(path)
    design = doc["design"]
    assert set(design["regions"]) == {"eu-west-1", "eu-central-1"}  # local.home; local.away -> var.dr_region
    text = json.dumps(design)
    assert "payments-db-cards Multi-AZ failover" in text  # a template of a template of a literal
    assert "payments-db-ledger cluster failover" in text  # the Aurora module: two instances
    assert _has(doc, "info", f"{src}:46 (aws_db_instance.cards)", "backup_retention_period = local.loop_a needs "
                "evaluation")  # a loop is not followed for ever
    # a function is not evaluated: the name stays the address; the alias's region is read
    audit = next(b for b in design["architecture"]["series"] if "aws_db_instance.audit" in json.dumps(b))
    assert audit["region"] == "eu-central-1" and "PAYMENTS" not in json.dumps(audit)
    # before version 7 the module made replica_count instances in all: one is no failover; its backups off
    assert _has(doc, "info", f"{src}:38 (module.legacy)", "replica_count read as the cluster's instances in all")
    assert _has(doc, "warning", f"{src}:38 (module.legacy)", "1 instance in the cluster: no reader to fail over to")
    assert _has(doc, "warning", f"{src}:38 (module.legacy)", "backups are off (backup_retention_period 0)")
    # the module's own default keeps backups 7 days: no warning for the ledger
    assert not any("ledger" in f["message"] and "backups are off" in f["message"] for f in doc["findings"])
    hl.load_architecture(design).evaluate()


_CFN_PARAMS = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Environment:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  HighlyAvailable:
    Type: String
    AllowedValues: ["true", "false"]
    Default: "false"
  AdminPassword:
    Type: String
    NoEcho: true
    Default: hunter2-not-for-reports
  InstanceClass:
    Type: String
    Default: db.r6g.large
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
Resources:
  Orders:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceClass: !Ref InstanceClass
      MasterUserPassword: !Ref AdminPassword
      MultiAZ: !Ref HighlyAvailable
      BackupRetentionPeriod: !If [IsProd, 35, 1]
  OrdersReplica:
    Type: AWS::RDS::DBInstance
    Condition: IsProd
    Properties:
      SourceDBInstanceIdentifier: !Ref Orders
"""


def test_a_template_says_which_parameters_defaults_decided_its_design(tmp_path):
    """A template's design depends on the parameters it is launched with; the reading takes
    the defaults, and says which of them decided what was read (with the values allowed),
    never a NoEcho value, and not the parameters that change nothing here."""
    path = tmp_path / "stack.yaml"
    path.write_text(_CFN_PARAMS)
    doc = import_paths([path])
    (said,) = [f for f in doc["findings"] if f["field"] == "Parameters"]
    assert said["severity"] == "info" and said["source"] == str(path)
    assert said["message"].startswith('read with the parameters\' defaults: HighlyAvailable = "false" (allowed: '
                                      'true, false); Environment = "dev" (allowed: dev, prod) (a stack')
    assert "InstanceClass" not in said["message"] and "hunter2" not in json.dumps(doc)
    assert _has(doc, "info", f"{path}:28 (OrdersReplica)", "its condition 'IsProd' is false")
    assert _has(doc, "warning", f"{path}:21 (Orders)", "multi_az is false (off unless it is set)")
    # a NoEcho parameter that decides something is said without its value
    path.write_text(_CFN_PARAMS.replace("MultiAZ: !Ref HighlyAvailable", "MultiAZ: !Ref AdminPassword"))
    doc = import_paths([path])
    assert "AdminPassword = its default (NoEcho: not shown)" in json.dumps(doc)
    assert "hunter2" not in json.dumps(doc)
    # values written unquoted (YAML booleans) are said as the template writes them
    path.write_text(_CFN_PARAMS.replace('AllowedValues: ["true", "false"]\n    Default: "false"',
                                        "AllowedValues: [true, false]\n    Default: false"))
    doc = import_paths([path])
    assert "HighlyAvailable = false (allowed: true, false)" in json.dumps(doc)
    assert _has(doc, "warning", f"{path}:21 (Orders)", "multi_az is false (off unless it is set)")


def test_manifests_in_several_files_are_read_as_one_cluster(tmp_path):
    """CloudNativePG's own samples keep each cluster of a distributed topology in a file
    of its own, and a PodDisruptionBudget often sits apart from its workload: read one
    file at a time, the copy was not modelled and the budget 'protected nothing'."""
    east, west, _secret, daemon, kafka = (HERE / "cnpg_distributed.yaml").read_text().split("---\n")
    (tmp_path / "fra.yaml").write_text(east)
    (tmp_path / "ams.yaml").write_text(west)
    (tmp_path / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n")
    (tmp_path / "pdb.yaml").write_text(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n"
        "spec: {minAvailable: 3, selector: {matchLabels: {app: web}}}\n")
    doc = import_paths([tmp_path])
    assert [f["importer"] for f in doc["files"]] == ["kubernetes"] * 4
    text = json.dumps(doc["design"])
    assert "ledger-ams (replica cluster of ledger-fra)" in text
    assert not any("these files do not hold" in f["message"] for f in doc["findings"])
    pdb = str(tmp_path / "pdb.yaml")
    assert not any(f["source"].startswith(pdb) and "protects nothing" in f["message"] for f in doc["findings"])
    assert any(f["source"].startswith(pdb) and "allows no pod of web to be evicted" in f["message"]
               for f in doc["findings"])
    # each block still names its own file
    assert str(tmp_path / "ams.yaml") in text and str(tmp_path / "web.yaml") in text
    # one file alone is read as before
    alone = import_paths([tmp_path / "pdb.yaml"])
    assert any("selects no workload in these files" in f["message"] for f in alone["findings"])


_UNKNOWN_NAMES_TF = '''
variable "api_name" {}
variable "web_name" {}
variable "zone" {}

resource "aws_route53_record" "api_a" {
  zone_id = var.zone
  name    = var.api_name
  type    = "A"
  set_identifier = "a"
  failover_routing_policy { type = "PRIMARY" }
  health_check_id = aws_route53_health_check.api.id
  alias {
    name = var.lb_a
    zone_id = var.lb_zone
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "api_b" {
  zone_id = var.zone
  name    = var.api_name
  type    = "A"
  set_identifier = "b"
  failover_routing_policy { type = "SECONDARY" }
  alias {
    name = var.lb_b
    zone_id = var.lb_zone
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "web_a" {
  zone_id = var.zone
  name    = "www.${var.web_name}"
  type    = "A"
  set_identifier = "a"
  failover_routing_policy { type = "PRIMARY" }
  health_check_id = aws_route53_health_check.api.id
  alias {
    name = var.lb_a
    zone_id = var.lb_zone
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "web_b" {
  zone_id = var.zone
  name    = "www.${var.web_name}"
  type    = "A"
  set_identifier = "b"
  failover_routing_policy { type = "SECONDARY" }
  alias {
    name = var.lb_b
    zone_id = var.lb_zone
    evaluate_target_health = true
  }
}

resource "aws_route53_health_check" "api" {
  type              = "HTTPS"
  failure_threshold = "3"
  request_interval  = "10"
}
'''


def test_failover_records_whose_names_need_evaluation_pair_by_what_is_written(tmp_path):
    """Published failover pairs name their records by variables without defaults. Unknown
    names were all None: every record fell into one group of four ('three in a group'),
    and a standby was called 'DNS failover of None'. The expression written names the
    record set: the same expression pairs, different ones do not."""
    path = tmp_path / "dns.tf"
    path.write_text(_UNKNOWN_NAMES_TF)
    doc = import_paths([path])
    arch = hl.load_architecture(doc["design"])
    names = sorted(sb.name for sb in arch.standbys)
    assert names == ["DNS failover of var.api_name", "DNS failover of www.${var.web_name}"], names
    assert "None" not in json.dumps(doc["design"])
    assert not any("in one group" in f["message"] or "not a pair" in f["message"] for f in doc["findings"])
    sb = next(sb for sb in arch.standbys if "api_name" in sb.name)
    assert sb.failover_timers[:2] == (10.0, 3)  # the health check's numbers written as strings
    # CloudFormation: a Name given by a parameter without a default
    cfn = tmp_path / "dns.yaml"
    cfn.write_text("""Parameters:
  ApiName: {Type: String}
Resources:
  A:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: Z1, Name: !Ref ApiName, Type: A, SetIdentifier: a, Failover: PRIMARY,
                 HealthCheckId: !Ref Check, AliasTarget: {DNSName: a.example, HostedZoneId: Z2}}
  B:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: Z1, Name: !Ref ApiName, Type: A, SetIdentifier: b, Failover: SECONDARY,
                 AliasTarget: {DNSName: b.example, HostedZoneId: Z2}}
  Check:
    Type: AWS::Route53::HealthCheck
    Properties: {HealthCheckConfig: {Type: HTTPS, RequestInterval: 10, FailureThreshold: 3}}
""")
    doc = import_paths([cfn])
    (sb,) = hl.load_architecture(doc["design"]).standbys
    assert sb.name == 'DNS failover of Ref "ApiName"'


def test_a_helm_chart_s_templates_are_passed_over_in_a_folder_and_named_when_given(tmp_path):
    """A chart's templates are Go templates, not YAML until rendered: one of them made a
    whole folder's import exit 2 on a YAML syntax error. In a folder it is passed over and
    said; named on its own it is an error that says what to do."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    template = tmp_path / "templates" / "deployment.yaml"
    template.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                        "  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\nspec:\n"
                        "  replicas: {{ .Values.replicaCount }}\n")
    (tmp_path / "rendered.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n")
    code, out, err = _run(["import", str(tmp_path), "--format", "json"])
    doc = json.loads(out)
    assert code == 0 and err == ""
    assert _has(doc, "info", str(template), "not read: a template (Helm or another Go template")
    assert "web" in json.dumps(doc["design"])  # the rest of the folder is read
    # two templates among the manifests: both passed over from one read of the folder's manifests
    second = tmp_path / "templates" / "service.yaml"
    second.write_text(template.read_text().replace("kind: Deployment", "kind: StatefulSet"))
    doc = import_paths([tmp_path])
    assert all(_has(doc, "info", str(t), "not read: a template") for t in (template, second))
    assert "web" in json.dumps(doc["design"])
    second.unlink()
    code, out, err = _run(["import", str(template)])
    assert code == 2 and out == ""
    assert err.startswith(f"hadr import: error: {template}: a template (Helm") and "helm template" in err
    assert err.count("\n") == 1
    # a YAML error in a file that is no template is still an error, folder or not
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: [\n")
    code, _, err = _run(["import", str(tmp_path)])
    assert code == 2 and "broken.yaml" in err


def test_a_spread_or_anti_affinity_without_a_label_selector_selects_no_pod(tmp_path):
    """A null labelSelector matches no pod (an empty one, {}, matches every pod): such a
    rule, common in hand-written manifests, was read as keeping the replicas apart."""
    rule = ("      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n"
            "            - topologyKey: topology.kubernetes.io/zone{sel_a}\n"
            "      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n"
            "          whenUnsatisfiable: DoNotSchedule{sel_t}\n")
    head = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n"
            "    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: api:1}]\n")
    path = tmp_path / "api.yaml"
    path.write_text(head + rule.format(sel_a="", sel_t=""))
    doc = import_paths([path])
    assert _has(doc, "error", f"{path}:13", "pod anti-affinity on topology.kubernetes.io/zone has no labelSelector")
    assert _has(doc, "error", f"{path}:15", "topology spread on kubernetes.io/hostname has no labelSelector")
    assert _has(doc, "warning", f"{path}:8", "3 replicas are not required to be in different zones")
    assert "zones" not in doc["design"]
    # an empty selector matches every pod, its own too: the replicas are kept in three zones
    path.write_text(head + rule.format(sel_a="\n              labelSelector: {}", sel_t="\n          labelSelector: {}"))
    doc = import_paths([path])
    assert not any(f["severity"] == "error" for f in doc["findings"]), doc["findings"]
    assert set(doc["design"]["zones"]) == {"zone-1", "zone-2", "zone-3"}


def test_a_terraform_state_file_is_read_with_regions_from_its_arns(tmp_path):
    """terraform.tfstate itself (version 4), not only terraform show -json of it: it was
    'not read'. Each instance of each managed resource is read by its address; a state
    keeps no provider configuration, so a resource's region is the one in its ARN."""
    def db(name, region, multi, module=None, key=None):
        inst = {"attributes": {"identifier": name, "multi_az": multi, "backup_retention_period": 7,
                               "arn": f"arn:aws:rds:{region}:123456789012:db:{name}"}}
        if key is not None:
            inst["index_key"] = key
        res = {"mode": "managed", "type": "aws_db_instance", "name": "db",
               "provider": 'provider["registry.terraform.io/hashicorp/aws"]', "instances": [inst]}
        return {**res, "module": module} if module else res

    state = {"version": 4, "terraform_version": "1.9.0", "serial": 3, "lineage": "abc", "outputs": {},
             "resources": [db("orders", "eu-west-1", True),
                           db("orders-dr", "eu-central-1", False, module="module.dr", key=0),
                           {"mode": "data", "type": "aws_region", "name": "here", "instances": [{"attributes": {}}]}]}
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    code, out, _ = _run(["import", str(tmp_path), "--format", "json"])
    doc = json.loads(out)
    assert code == 0 and doc["files"] == [{"file": str(path), "importer": "terraform"}]
    assert set(doc["design"]["regions"]) == {"eu-west-1", "eu-central-1"}
    text = json.dumps(doc["design"])
    assert "orders Multi-AZ failover" in text and "module.dr.aws_db_instance.db[0]" in text
    assert _has(doc, "warning", f"{path}: module.dr.aws_db_instance.db[0]", "multi_az is false")
    assert "aws_region" not in text  # a data source makes nothing


def test_an_aurora_serverless_v1_cluster_is_one_node_said_so_not_a_cluster_missing_readers(tmp_path):
    """Serverless v1 clusters have no instances of their own: they were warned as 'no
    instance in the cluster: no reader to fail over to', which suggests adding readers
    it cannot have. It is one node that AWS moves to another zone, said."""
    path = tmp_path / "serverless.yaml"
    path.write_text("Resources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n"
                    "      Engine: aurora-postgresql\n      EngineMode: serverless\n"
                    "      DBClusterIdentifier: !Ref AWS::StackName\n      BackupRetentionPeriod: 1\n")
    doc = import_paths([path])
    assert _has(doc, "info", f"{path}:2 (Cluster)", "Aurora Serverless v1 (engine_mode serverless): one compute node")
    assert not any("no reader to fail over to" in f["message"] for f in doc["findings"])
    assert [c.name for c in hl.load_architecture(doc["design"]).components] == ["Cluster-writer"]
    tf = tmp_path / "main.tf"
    tf.write_text('resource "aws_rds_cluster" "legacy" {\n  cluster_identifier = "legacy"\n'
                  '  engine_mode = "serverless"\n}\n')
    doc = import_paths([tf])
    assert _has(doc, "info", f"{tf}:1 (aws_rds_cluster.legacy)", "Aurora Serverless v1")


_FOR_EACH_TF = '''
locals {
  zones = { a = "eu-west-1a", b = "eu-west-1b" }
}

resource "aws_subnet" "private" {
  for_each          = local.zones
  availability_zone = each.value
  cidr_block        = "10.0.${each.key}.0/24"
}

resource "aws_autoscaling_group" "web" {
  name                = "web"
  min_size            = 2
  desired_capacity    = 2
  vpc_zone_identifier = [aws_subnet.private["a"].id, aws_subnet.private["b"].id]
}

resource "aws_db_instance" "db" {
  for_each   = toset(["orders", "users"])
  identifier = "db-${each.key}"
  multi_az   = true
}

resource "aws_db_instance" "tenant" {
  for_each   = { acme = { ha = false }, globex = { ha = true } }
  identifier = each.key
  multi_az   = each.value.ha
}

resource "aws_db_instance" "computed" {
  for_each   = data.aws_db_instances.all.ids
  identifier = each.key
}
'''


def test_for_each_over_literals_makes_an_instance_per_key(tmp_path):
    """Subnets per zone are written with for_each over a map far more often than with
    count: they were one subnet with no zone, so an Auto Scaling group over them had no
    zones. A literal map or set (or a local holding one) makes an instance per key."""
    path = tmp_path / "main.tf"
    path.write_text(_FOR_EACH_TF)
    doc = import_paths([path])
    src = str(path)
    arch = hl.load_architecture(doc["design"])
    names = [c.name for c in arch.components]
    assert [n for n in names if n.startswith("web@")] == ["web@eu-west-1a", "web@eu-west-1b"]
    sbs = sorted(sb.name for sb in arch.standbys)
    assert sbs == ["db-orders Multi-AZ failover", "db-users Multi-AZ failover", "globex Multi-AZ failover"]
    assert "acme" in names  # its each.value.ha is false: one instance, said
    assert _has(doc, "warning", f"{src}:25 (aws_db_instance.tenant)", 'aws_db_instance.tenant["acme"]: multi_az is false')
    assert _has(doc, "info", f"{src}:31 (aws_db_instance.computed)", "its for_each needs evaluation; read as one")


_COUNT_INDEX_TF = '''
variable "azs" {
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  availability_zone = var.azs[count.index]
  cidr_block        = "10.0.${count.index}.0/24"
}

resource "aws_subnet" "public" {
  count             = 2
  availability_zone = element(var.azs, count.index)
}

resource "aws_subnet" "keyed" {
  for_each          = toset(["eu-west-1a", "eu-west-1b"])
  availability_zone = each.key
}

resource "aws_autoscaling_group" "web" {
  name                = "web"
  min_size            = 3
  desired_capacity    = 3
  vpc_zone_identifier = aws_subnet.private[*].id
}

resource "aws_autoscaling_group" "api" {
  name                = "api"
  min_size            = 2
  desired_capacity    = 2
  vpc_zone_identifier = aws_subnet.public.*.id
}

resource "aws_autoscaling_group" "jobs" {
  name                = "jobs"
  min_size            = 2
  desired_capacity    = 2
  vpc_zone_identifier = [for s in aws_subnet.keyed : s.id]
}
'''


def test_count_index_length_and_every_instance_of_a_subnet_are_read(tmp_path):
    """The usual way to lay subnets over zones: count = length(var.azs) with
    var.azs[count.index], and a group over aws_subnet.private[*].id. Each part needed
    evaluation, so the groups had no zones; each is now read where the folder says it."""
    path = tmp_path / "main.tf"
    path.write_text(_COUNT_INDEX_TF)
    doc = import_paths([path])
    names = [c.name for c in hl.load_architecture(doc["design"]).components]
    assert names == ["web@eu-west-1a", "web@eu-west-1b", "web@eu-west-1c",  # three subnets, one a zone
                     "api@eu-west-1a", "api@eu-west-1b",  # element() over the first two
                     "jobs@eu-west-1a", "jobs@eu-west-1b"]  # a for expression over a for_each resource
    assert not any("not known here" in f["message"] for f in doc["findings"]), doc["findings"]
    # a count that needs evaluation is still said
    path.write_text(_COUNT_INDEX_TF.replace("length(var.azs)", "length(data.aws_availability_zones.all.names)"))
    doc = import_paths([path])
    assert any("its count is not a literal" in f["message"] for f in doc["findings"])


_REPLICA_TF = '''
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = "eu-central-1"
}

resource "aws_db_instance" "main" {
  identifier              = "orders"
  multi_az                = true
  backup_retention_period = 7
}

resource "aws_db_instance" "dr" {
  provider            = aws.dr
  identifier          = "orders-dr"
  replicate_source_db = aws_db_instance.main.arn
}

resource "aws_db_instance" "reports" {
  identifier          = "orders-reports"
  replicate_source_db = aws_db_instance.main.identifier
}

resource "aws_db_instance" "stray" {
  identifier          = "stray"
  replicate_source_db = data.aws_db_instance.elsewhere.db_instance_arn
}
'''


def test_a_read_replica_whose_source_is_in_the_files_is_its_copy_promoted_by_hand(tmp_path):
    """A cross-region read replica named by its source's ARN (an expression, unknown until
    apply) was taken for a database of its own, needed in series with its source; one
    named by identifier was dropped. Either is now its source's disaster-recovery copy,
    promoted by hand, in its own region; a replica of a database not in the files is said."""
    path = tmp_path / "main.tf"
    path.write_text(_REPLICA_TF)
    doc = import_paths([path])
    src = str(path)
    root = doc["design"]["architecture"]
    sb = root["standby"]
    assert sb["name"] == "orders-dr (read replica, promoted by hand)" and sb["failover_s"] == 3600.0
    assert "replication" not in sb  # asynchronous, lag unknown: no RPO
    assert sb["primary"]["region"] == "eu-west-1" and sb["primary"]["standby"]["name"] == "orders Multi-AZ failover"
    assert [(s["component"]["name"], s.get("region")) for s in sb["standbys"]] == [
        ("orders-dr", "eu-central-1"), ("orders-reports", "eu-west-1")]
    assert _has(doc, "warning", f"{src}:17 (aws_db_instance.dr)", "an asynchronous read replica promoted by hand")
    assert _has(doc, "warning", f"{src}:28 (aws_db_instance.stray)", "read replica of "
                "data.aws_db_instance.elsewhere.db_instance_arn, not found in these files")
    assert "stray" not in json.dumps(root)
    assert _has(doc, "info", src, "resources in 2 regions (eu-central-1: 1, eu-west-1: 2)")  # the stray not counted
    assert not any("nothing read here says one region" in f["message"] for f in doc["findings"])
    arch = hl.load_architecture(doc["design"])
    alone = hl.load_architecture({"architecture": sb["primary"], "regions": doc["design"]["regions"]})
    assert arch.evaluate().unavailability < alone.evaluate().unavailability  # the copy covers its region
    # CloudFormation: a replica named by !GetAtt of its source
    cfn = tmp_path / "stack.yaml"
    cfn.write_text("Resources:\n  Main:\n    Type: AWS::RDS::DBInstance\n    Properties: {MultiAZ: true}\n"
                   "  Copy:\n    Type: AWS::RDS::DBInstance\n"
                   "    Properties: {SourceDBInstanceIdentifier: !GetAtt Main.DBInstanceArn}\n")
    doc = import_paths([cfn])
    assert doc["design"]["architecture"]["standby"]["name"] == "Copy (read replica, promoted by hand)"


def test_the_tf_files_of_a_folder_are_one_module(tmp_path):
    """Terraform reads every .tf file of a folder as one module: split over providers.tf,
    main.tf and dr.tf, the replica still pairs with its source and takes its provider's
    region, as in one file (it was read as a database of its own, in no region). Another
    folder is another module: its resources are not the first one's."""
    blocks = _REPLICA_TF.split("resource ")
    (tmp_path / "providers.tf").write_text(blocks[0])
    (tmp_path / "main.tf").write_text("resource " + blocks[1])
    (tmp_path / "dr.tf").write_text("".join("resource " + b for b in blocks[2:4]))
    doc = import_paths([tmp_path])
    sb = doc["design"]["architecture"]["standby"]
    assert sb["name"] == "orders-dr (read replica, promoted by hand)" and sb["failover_s"] == 3600.0
    assert sb["primary"]["region"] == "eu-west-1"
    assert [(s["component"]["name"], s.get("region")) for s in sb["standbys"]] == [
        ("orders-dr", "eu-central-1"), ("orders-reports", "eu-west-1")]
    assert sb["standbys"][0]["component"]["source"].startswith(f"{tmp_path / 'dr.tf'}:")  # its own file
    assert _has(doc, "warning", f"{tmp_path / 'dr.tf'}:1 (aws_db_instance.dr)", "promoted by hand")
    # the same files as two folders (two modules): no pair across them
    (tmp_path / "other").mkdir()
    (tmp_path / "dr.tf").rename(tmp_path / "other" / "dr.tf")
    doc = import_paths([tmp_path])
    assert "read replica, promoted by hand" not in json.dumps(doc["design"])
    assert any("not found in these files" in f["message"] for f in doc["findings"])


_GLOBAL_TF = '''
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_rds_global_cluster" "orders" {
  global_cluster_identifier = "orders-global"
  engine                    = "aurora-postgresql"
}

resource "aws_rds_cluster" "secondary" {
  provider                  = aws.west
  cluster_identifier        = "orders-west"
  global_cluster_identifier = aws_rds_global_cluster.orders.id
  depends_on                = [aws_rds_cluster.primary]
}

resource "aws_rds_cluster_instance" "west" {
  count              = 2
  provider           = aws.west
  cluster_identifier = aws_rds_cluster.secondary.id
}

resource "aws_rds_cluster" "primary" {
  cluster_identifier          = "orders-east"
  master_username             = "admin"
  manage_master_user_password = true
  global_cluster_identifier   = aws_rds_global_cluster.orders.id
}

resource "aws_rds_cluster_instance" "east" {
  count              = 2
  cluster_identifier = aws_rds_cluster.primary.id
}
'''


def test_an_aurora_global_database_is_one_standby_across_its_regions(tmp_path):
    """The clusters of a global database were two clusters in series with no region (the
    clusters were read after the regions were placed): either region down was an outage.
    They are now one standby, the primary cluster (master credentials; not the one that
    is_primary_cluster = false or listed first names) in its region, the secondary in its."""
    path = tmp_path / "main.tf"
    path.write_text(_GLOBAL_TF)
    doc = import_paths([path])
    sb = doc["design"]["architecture"]["standby"]
    assert sb["name"] == "global database orders-global" and sb["failover_s"] == 3600.0
    assert sb["primary"]["region"] == "us-east-1" and sb["primary"]["standby"]["name"] == "orders-east cluster failover"
    (copy,) = sb["standbys"]
    assert copy["region"] == "us-west-2" and copy["standby"]["name"] == "orders-west cluster failover"
    assert _has(doc, "warning", f"{path}:29 (aws_rds_cluster.primary)", "global database orders-global: "
                "aws_rds_cluster.primary taken as the primary (its is_primary_cluster is not false and it sets the "
                "master credentials)")
    arch = hl.load_architecture(doc["design"])
    alone = hl.load_architecture({"architecture": sb["primary"], "regions": doc["design"]["regions"]})
    assert arch.evaluate().unavailability < alone.evaluate().unavailability


def test_replicas_set_by_a_horizontal_pod_autoscaler_are_its_floor(tmp_path):
    """With an autoscaler, manifests leave spec.replicas out (the HPA sets it): the
    Deployment was read as one replica, 'any failure of it is an outage'. The HPA's
    minReplicas is what is sure to run."""
    path = tmp_path / "api.yaml"
    path.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n"
        "  template:\n    metadata: {labels: {app: api}}\n    spec:\n"
        "      containers: [{name: api, image: api:1, readinessProbe: {periodSeconds: 5}}]\n"
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api, namespace: shop}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"
        "  minReplicas: 3\n  maxReplicas: 10\n"
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: other, namespace: web}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 7\n")
    doc = import_paths([path])
    (api,) = hl.load_architecture(doc["design"]).components
    assert api.name == "shop/api" and api.count == 3  # the HPA in its namespace, not the other
    assert _has(doc, "info", f"{path}:4", "replicas set by HorizontalPodAutoscaler shop/api: read as its minReplicas 3")
    assert not any("one replica" in f["message"] for f in doc["findings"])


_GETAZS = """Resources:
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: !Select [0, !GetAZs '']
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.1.0/24
      AvailabilityZone: !Select
        - "1"
        - Fn::GetAZs: !Ref AWS::Region
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "2"
      MaxSize: "4"
      VPCZoneIdentifier: [!Ref SubnetA, !Ref SubnetB]
  Api:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: 2
      AvailabilityZones: !GetAZs ''
  Picked:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: 2
      AvailabilityZones: [!Select [2, [eu-west-1a, eu-west-1b, eu-west-1c]]]
"""


def test_a_template_s_zones_from_getazs_are_read(tmp_path):
    """Templates place subnets with !Select [i, !GetAZs ''] and groups over !GetAZs: both
    were unknown, so no group had zones. The i-th zone of the region is a zone of its own
    (which one is AWS's choice); every zone of the region is read as two, said."""
    path = tmp_path / "vpc.yaml"
    path.write_text(_GETAZS)
    doc = import_paths([path])
    names = [c.name for c in hl.load_architecture(doc["design"]).components]
    assert names == ["Web@zone 1 of the region", "Web@zone 2 of the region",
                     "Api@zone 1 of the region", "Api@zone 2 of the region", "Picked"]
    assert _has(doc, "info", f"{path}:20 (Api)", "AvailabilityZones is Fn::GetAZs, every zone of the region: read as two")
    assert "zone 1 of the region" in doc["design"]["zones"]
    picked = next(b for b in doc["design"]["architecture"]["series"] if "Picked" in json.dumps(b))
    assert picked["zone"] == "eu-west-1c"  # !Select over a literal list


_READ_REPLICA_PY = '''import boto3

PRIMARY = "us-east-1"

east = boto3.client("rds", region_name=PRIMARY)
west = boto3.client("rds", region_name="us-west-2")

east.create_db_instance(DBInstanceIdentifier="orders", MultiAZ=True, BackupRetentionPeriod=7)
west.create_db_instance_read_replica(
    DBInstanceIdentifier="orders-dr",
    SourceDBInstanceIdentifier="arn:aws:rds:us-east-1:123456789012:db:orders",
    SourceRegion=PRIMARY,
)
'''


def test_boto3_read_replica_in_another_region_is_the_copy_of_its_source(tmp_path):
    path = tmp_path / "dr.py"
    path.write_text(_READ_REPLICA_PY)
    doc = import_paths([path])
    sb = doc["design"]["architecture"]["standby"]
    assert sb["name"] == "orders-dr (read replica, promoted by hand)"
    assert sb["primary"]["region"] == "us-east-1" and sb["standbys"][0]["region"] == "us-west-2"
    assert _has(doc, "warning", f"{path}:9", "an asynchronous read replica promoted by hand")
    assert doc["design"]["regions"]["us-west-2"]["source"].endswith("these files do not say")
    # a source the code computes (the primary's ARN from its response) is not guessed: said as written
    path.write_text(_READ_REPLICA_PY.replace('"arn:aws:rds:us-east-1:123456789012:db:orders"',
                                             'db["DBInstance"]["DBInstanceArn"]'))
    doc = import_paths([path])
    assert "read replica, promoted by hand" not in json.dumps(doc["design"])
    assert _has(doc, "warning", f"{path}:9", "is an asynchronous read replica of db['DBInstance']['DBInstanceArn'] "
                "(a value known only when the code runs), not found in these files")


_EC2_TF = '''
resource "aws_subnet" "a" {
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "b" {
  availability_zone = "eu-west-1b"
}

resource "aws_instance" "web" {
  for_each      = { a = aws_subnet.a.id, b = aws_subnet.b.id }
  ami           = "ami-123"
  instance_type = "t3.small"
  subnet_id     = each.value
}

resource "aws_instance" "bastion" {
  ami       = "ami-123"
  subnet_id = aws_subnet.a.id
  tags      = { Name = "bastion" }
}

resource "aws_msk_cluster" "events" {
  cluster_name = "events"
}

resource "aws_msk_cluster" "audit" {
  cluster_name = "audit"
}
'''


def test_ec2_instances_are_read_in_their_zones_and_running_types_not_read_are_named(tmp_path):
    """aws_instance, the commonest compute resource, made nothing: a design of plain EC2
    instances was empty. Each is a part in its subnet's zone; the instances of one
    resource are replicas of one another (said); one alone is named. Types that run
    something and are not read are named too, not passed over in silence."""
    path = tmp_path / "main.tf"
    path.write_text(_EC2_TF)
    doc = import_paths([path])
    src = str(path)
    series = doc["design"]["architecture"]["series"]
    web, bastion = series
    assert [(m["zone"], m["component"]["name"]) for m in web["parallel"]] == [
        ("eu-west-1a", 'aws_instance.web["a"]'), ("eu-west-1b", 'aws_instance.web["b"]')]
    assert bastion["zone"] == "eu-west-1a" and bastion["component"]["name"] == "bastion"
    assert bastion["component"]["mttr_h"] == 1.0  # nothing replaces it: recovered or rebuilt
    assert _has(doc, "info", f"{src}:10 (aws_instance.web)", "its instances are taken as replicas of one another")
    assert _has(doc, "warning", f"{src}:17 (aws_instance.bastion)", "aws_instance.bastion: one instance")
    assert _has(doc, "info", src, "not read, so not in the design: aws_msk_cluster (2)")
    hl.load_architecture(doc["design"]).evaluate()


def test_the_community_vpc_module_s_subnets_carry_their_zones(tmp_path):
    """terraform-aws-modules/vpc/aws makes subnet i of each list in zone i of its azs; the
    groups and load balancers given its outputs (module.vpc.private_subnets) are placed in
    those zones. azs that need evaluation leave the zones unknown, said."""
    tf = _written(tmp_path / "tf", """
variable "zones" {
  default = ["eu-west-1a", "eu-west-1b"]
}
module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  azs             = var.zones
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  public_subnets  = ["10.0.101.0/24"]
}
resource "aws_autoscaling_group" "web" {
  min_size            = 3
  desired_capacity    = 3
  vpc_zone_identifier = module.vpc.private_subnets
}
resource "aws_lb" "web" {
  name    = "web"
  subnets = module.vpc.public_subnets
}
""")
    doc = import_paths([tf])
    assert _has(doc, "info", f"{tf}:5 (module.vpc)", "its subnets read (3 private, 1 public), subnet i of each list "
                "in zone i of its azs (eu-west-1a, eu-west-1b)")
    assert not any("is not read" in f["message"] for f in doc["findings"])
    web, lb = doc["design"]["architecture"]["series"]
    # three subnets over two zones: two of the three instances in eu-west-1a
    assert [(b["zone"], b["component"].get("count", 1)) for b in web["parallel"]] == [
        ("eu-west-1a", 2), ("eu-west-1b", 1)]
    assert lb["zone"] == "eu-west-1a" and lb["component"]["sla"] == "aws-elb-single-az"
    assert _has(doc, "warning", f"{tf}:16 (aws_lb.web)", "the load balancer is in one zone (eu-west-1a)")
    hl.load_architecture(doc["design"]).evaluate()
    (tf.parent / "main.tf").write_text(tf.read_text().replace("azs             = var.zones",
                                                              "azs = slice(data.aws_availability_zones.x.names, 0, 3)"))
    doc = import_paths([tf])  # the region's first three zones, which ones AWS's choice
    assert _has(doc, "info", f"{tf}:5 (module.vpc)", "azs are the region's zones (${slice(data.aws_availability_zones"
                ".x.names, 0, 3)}): read as 3 distinct zones, which ones being AWS's choice")
    web = doc["design"]["architecture"]["series"][0]
    assert [b["zone"] for b in web["parallel"]] == [f"zone {i} of the region" for i in (1, 2, 3)]
    (tf.parent / "main.tf").write_text(tf.read_text().replace("slice(data.aws_availability_zones.x.names, 0, 3)",
                                                              "data.aws_availability_zones.x.names"))
    doc = import_paths([tf])  # every zone of the region: a zone of its own for each subnet
    assert _has(doc, "info", f"{tf}:5 (module.vpc)", "read as a distinct zone for each subnet")
    assert len(doc["design"]["architecture"]["series"][0]["parallel"]) == 3
    (tf.parent / "main.tf").write_text(tf.read_text().replace("data.aws_availability_zones.x.names",
                                                              "var.unknown_zones"))
    doc = import_paths([tf])
    assert _has(doc, "info", f"{tf}:5 (module.vpc)", "its azs are not literal here, so the zones of its subnets are "
                "not known")
    assert "zones" not in doc["design"]


def test_lambda_functions_and_apis_are_known_by_their_slas(tmp_path):
    """A serverless front (API Gateway calling Lambda) is two regional services known by
    their SLAs; a reserved concurrency of 0, which stops every invocation, is an error."""
    tf = _written(tmp_path / "tf", """
resource "aws_api_gateway_rest_api" "shop" {
  name = "shop-api"
}
resource "aws_lambda_function" "orders" {
  function_name = "orders"
}
resource "aws_lambda_function" "paused" {
  function_name                  = "paused"
  reserved_concurrent_executions = 0
}
""")
    doc = import_paths([tf])
    arch = hl.load_architecture(doc["design"])
    assert [(c.name, c.sla) for c in arch.components] == [
        ("shop-api", "aws-api-gateway"), ("orders", "aws-lambda"), ("paused", "aws-lambda")]
    assert _has(doc, "error", f"{tf}:8 (aws_lambda_function.paused)", "reserved_concurrent_executions 0 throttles "
                "every invocation")
    assert not any("orders" in f["message"] for f in doc["findings"])
    # 99.95% each, in series
    assert float(arch.evaluate().unavailability) == pytest.approx(1 - 0.9995 ** 3, rel=1e-9)
    cfn = tmp_path / "sam.yaml"
    cfn.write_text("""Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12, ReservedConcurrentExecutions: 0}
  Plain:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: plain, Code: {ZipFile: "x"}, Role: r, Handler: h, Runtime: python3.12}
""", encoding="utf-8")
    doc = import_paths([cfn])
    assert [(c.name, c.sla) for c in hl.load_architecture(doc["design"]).components] == [
        ("Api", "aws-api-gateway"), ("Fn", "aws-lambda"), ("plain", "aws-lambda")]
    assert _has(doc, "error", f"{cfn}:5 (Fn)", "reserved_concurrent_executions 0 throttles every invocation")


def test_a_template_s_ec2_instance_is_read_in_its_subnet_s_zone(tmp_path):
    path = tmp_path / "ec2.yaml"
    path.write_text("Resources:\n  SubnetA:\n    Type: AWS::EC2::Subnet\n"
                    "    Properties: {AvailabilityZone: !Select [1, !GetAZs '']}\n"
                    "  Web:\n    Type: AWS::EC2::Instance\n"
                    "    Properties: {ImageId: ami-1, SubnetId: !Ref SubnetA, Tags: [{Key: Name, Value: web-1}]}\n")
    doc = import_paths([path])
    block = doc["design"]["architecture"]
    assert block["zone"] == "zone 2 of the region" and block["component"]["name"] == "web-1"
    assert _has(doc, "warning", f"{path}:5 (Web)", "one instance: any failure of it is an outage")


def test_a_rollout_that_stops_every_replica_is_named(tmp_path):
    head = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\nSTRATEGY"
            "  template:\n    metadata: {labels: {app: api}}\n    spec:\n"
            "      containers: [{name: api, image: api:1, readinessProbe: {periodSeconds: 5}}]\n")
    path = tmp_path / "api.yaml"
    path.write_text(head.replace("STRATEGY", "  strategy: {type: Recreate}\n"))
    doc = import_paths([path])
    assert _has(doc, "warning", f"{path}:6", "strategy Recreate: every rollout stops all replicas")
    path.write_text(head.replace("STRATEGY", "  strategy:\n    rollingUpdate: {maxUnavailable: 100%}\n"))
    doc = import_paths([path])
    assert _has(doc, "warning", f"{path}:7", "rollingUpdate.maxUnavailable 100% lets a rollout stop every replica")
    path.write_text(head.replace("STRATEGY", "  strategy:\n    rollingUpdate: {maxUnavailable: 1}\n"))
    doc = import_paths([path])
    assert not any("rollout" in f["message"] for f in doc["findings"])


def test_count_index_into_a_literal_list_is_read(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_instance" "web" {\n  count = 3\n'
                    '  availability_zone = element(["eu-west-1a", "eu-west-1b"], count.index)\n}\n'
                    'resource "aws_instance" "api" {\n  count = 2\n'
                    '  availability_zone = ["eu-west-1c", "eu-west-1a"][count.index]\n}\n')
    doc = import_paths([path])
    web, api = doc["design"]["architecture"]["series"]
    assert [m["zone"] for m in web["parallel"]] == ["eu-west-1a", "eu-west-1b", "eu-west-1a"]  # element() wraps
    assert [m["zone"] for m in api["parallel"]] == ["eu-west-1c", "eu-west-1a"]


_ECS_TF = '''
variable "azs" {
  default = ["eu-west-1a", "eu-west-1b"]
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  availability_zone = var.azs[count.index]
}

resource "aws_ecs_service" "api" {
  name          = "api"
  desired_count = 4
  network_configuration {
    subnets = aws_subnet.private[*].id
  }
}

resource "aws_ecs_service" "worker" {
  name          = "worker"
  desired_count = 1
  network_configuration {
    subnets = [aws_subnet.private[0].id, aws_subnet.private[1].id]
  }
}
'''


def test_an_ecs_service_is_its_tasks_over_its_subnets_zones(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(_ECS_TF)
    doc = import_paths([path])
    api, worker = doc["design"]["architecture"]["series"]
    assert [(m["zone"], m["component"]["name"], m["component"]["count"]) for m in api["parallel"]] == [
        ("eu-west-1a", "api@eu-west-1a", 2), ("eu-west-1b", "api@eu-west-1b", 2)]
    assert api["parallel"][0]["component"]["mttr_h"] == pytest.approx(2 / 60)  # the scheduler replaces a task
    assert worker["component"]["name"] == "worker"
    assert _has(doc, "warning", f"{path}:19 (aws_ecs_service.worker)", "spans 2 zones but runs one task")
    # CloudFormation's AWS::ECS::Service reads the same
    cfn = tmp_path / "ecs.yaml"
    cfn.write_text("Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties: {AvailabilityZone: eu-west-1a}\n"
                   "  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: 2\n"
                   "      NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [!Ref A]}}\n")
    doc = import_paths([cfn])
    assert doc["design"]["architecture"]["zone"] == "eu-west-1a"
    assert _has(doc, "warning", f"{cfn}:5 (Svc)", "every task is in eu-west-1a")


def test_an_eks_node_group_is_its_nodes_over_its_subnets_zones(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_subnet" "a" {\n  availability_zone = "eu-west-1a"\n}\n'
                    'resource "aws_subnet" "b" {\n  availability_zone = "eu-west-1b"\n}\n'
                    'resource "aws_eks_node_group" "main" {\n  node_group_name = "main"\n'
                    '  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]\n'
                    '  scaling_config {\n    desired_size = 3\n    min_size = 2\n    max_size = 6\n  }\n}\n')
    doc = import_paths([path])
    nodes = doc["design"]["architecture"]["parallel"]
    assert [(m["zone"], m["component"]["name"], m["component"].get("count", 1)) for m in nodes] == [
        ("eu-west-1a", "main@eu-west-1a", 2), ("eu-west-1b", "main@eu-west-1b", 1)]


def _local_modules_tree(root: Path) -> Path:
    """An environment folder calling four local modules (network, a database, its
    cross-region replica, an Auto Scaling group), as a repository lays them out."""
    files = {
        "envs/prod/main.tf": '''
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = "eu-central-1"
}

variable "retention" {
  type = number
}

module "network" {
  source = "../../modules/network"
  azs    = ["eu-west-1a", "eu-west-1b"]
}

module "db" {
  source    = "../../modules/db"
  name      = "orders"
  multi_az  = true
  retention = var.retention
}

module "db_dr" {
  source    = "../../modules/replica"
  providers = { aws = aws.dr }
  source_db = module.db.arn
}

module "app" {
  source     = "../../modules/app"
  subnet_ids = module.network.private_subnet_ids
  size       = 3
}
''',
        "modules/network/main.tf": '''
variable "azs" {
  type = list(string)
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = "vpc-123"
  cidr_block        = "10.0.${count.index}.0/24"
  availability_zone = var.azs[count.index]
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}
''',
        "modules/db/main.tf": '''
variable "name" {
  type = string
}

variable "multi_az" {
  default = false
}

variable "retention" {
  default = 7
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  multi_az                = var.multi_az
  backup_retention_period = var.retention
}

output "arn" {
  value = aws_db_instance.this.arn
}
''',
        "modules/replica/main.tf": '''
variable "source_db" {
  type = string
}

resource "aws_db_instance" "this" {
  identifier          = "orders-dr"
  replicate_source_db = var.source_db
}
''',
        "modules/app/main.tf": '''
variable "subnet_ids" {
  type = list(string)
}

variable "size" {
  default = 1
}

resource "aws_autoscaling_group" "this" {
  name                = "web"
  min_size            = var.size
  desired_capacity    = var.size
  max_size            = 6
  vpc_zone_identifier = var.subnet_ids
}
''',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "envs" / "prod"


def test_local_modules_are_read_with_their_callers_inputs(tmp_path):
    """``source = "../../modules/db"``: the module's resources are read with the inputs
    its caller gives (``multi_az = true`` over the module's default false), addressed
    ``module.db.aws_db_instance.this`` and sourced to the module's own file and line; an
    output (``module.db.arn``, ``module.network.private_subnet_ids``) carries a
    reference into another module; ``providers = { aws = aws.dr }`` puts the replica in
    the alias's region. A caller's expression that needs evaluation (``var.retention``,
    no default) is unknown in the module, never read as the module's own default 7."""
    env = _local_modules_tree(tmp_path)
    doc = import_paths([env])
    series = doc["design"]["architecture"]["series"]
    dr = series[0]["standby"]
    assert dr["name"] == "orders-dr (read replica, promoted by hand)"
    multi = dr["primary"]["standby"]
    assert multi["name"] == "orders Multi-AZ failover" and multi["failover_preset"] == "rds_multi_az"
    assert dr["primary"]["region"] == "eu-west-1" and dr["standbys"][0]["region"] == "eu-central-1"
    db_src = str(tmp_path / "modules" / "db" / "main.tf")
    assert multi["primary"]["component"]["source"].startswith(f"{db_src}:14 (module.db.aws_db_instance.this);")
    assert _has(doc, "info", f"{db_src}:14 (module.db.aws_db_instance.this)",
                "backup_retention_period = var.retention (the caller gives var.retention) needs evaluation")
    assert not any("backups are off" in f["message"] for f in doc["findings"])
    web = series[1]["parallel"]
    assert [(p["zone"], p["component"].get("count", 1)) for p in web] == [("eu-west-1a", 2), ("eu-west-1b", 1)]
    assert series[1]["region"] == "eu-west-1"
    # the whole tree imported: each module folder is read once, where it is called
    whole_tree = import_paths([tmp_path])
    assert whole_tree["design"]["architecture"] == doc["design"]["architecture"]
    caller = str(env / "main.tf")
    for mod in ("app", "db", "network", "replica"):
        assert _has(whole_tree, "info", str(tmp_path / "modules" / mod / "main.tf"),
                    f"read as a local module where {caller} calls it")
    # one file from elsewhere (an upload) reaches no folder: said, nothing guessed
    alone = hl.importers.import_text("main.tf", (env / "main.tf").read_text())
    assert alone["design"] is None
    assert any(f["message"].startswith("module.db (../../modules/db) is not read") for f in alone["findings"])


def test_a_module_s_count_and_for_each_make_instances_and_a_caller_s_words_stay_its_own(tmp_path):
    """A module block with ``count`` or ``for_each`` is read once per instance
    (``module.cache["a"].aws_...``, ``each.value`` given as an input). A caller's input
    ``var.zone`` that its own folder cannot read stays unknown in the module, even where
    the module has a variable ``zone`` with a default."""
    (tmp_path / "modules" / "server").mkdir(parents=True)
    (tmp_path / "modules" / "server" / "main.tf").write_text('''
variable "zone" {
  default = "eu-west-1c"
}

resource "aws_instance" "this" {
  ami               = "ami-1"
  instance_type     = "t3.small"
  availability_zone = var.zone
}
''')
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text('''
variable "zone" {
  type = string
}

module "pair" {
  source = "../modules/server"
  count  = 2
  zone   = "eu-west-1a"
}

module "by_zone" {
  source   = "../modules/server"
  for_each = { a = "eu-west-1a", b = "eu-west-1b" }
  zone     = each.value
}

module "unsaid" {
  source = "../modules/server"
  zone   = var.zone
}
''')
    doc = import_paths([tmp_path / "live"])
    text = json.dumps(doc)
    for address in ("module.pair[0].aws_instance.this", "module.pair[1].aws_instance.this",
                    'module.by_zone[\\"a\\"].aws_instance.this', 'module.by_zone[\\"b\\"].aws_instance.this',
                    "module.unsaid.aws_instance.this"):
        assert address in text, address
    assert "eu-west-1c" not in text  # the module's default, never the answer to the caller's var.zone
    assert sorted(doc["design"]["zones"]) == ["eu-west-1a", "eu-west-1b"]


def test_local_modules_that_loop_or_nest_without_end_are_bounded(tmp_path):
    """A module that calls its own folder is said and not read again; a chain of modules
    nested deeper than the bound stops there with a message; nothing runs without end."""
    from hadr_lib.importers import hcl

    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "main.tf").write_text('''
module "again" {
  source = "./"
}

resource "aws_instance" "x" {
  ami           = "ami-1"
  instance_type = "t3.small"
}
''')
    doc = import_paths([tmp_path / "loop"])
    assert any("module.again (./) is not read: it calls itself" in f["message"] for f in doc["findings"])
    deep = tmp_path / "deep"
    for i in range(hcl.MAX_MODULE_DEPTH + 3):
        level = deep / f"m{i}"
        level.mkdir(parents=True)
        (level / "main.tf").write_text(f'''
module "next" {{
  source = "../m{i + 1}"
}}

resource "aws_instance" "at_{i}" {{
  ami           = "ami-1"
  instance_type = "t3.small"
}}
''')
    doc = import_paths([deep / "m0"])
    text = json.dumps(doc)
    assert f"local modules nested over {hcl.MAX_MODULE_DEPTH} deep" in text
    assert "at_1" in text and f"at_{hcl.MAX_MODULE_DEPTH}" in text and f"at_{hcl.MAX_MODULE_DEPTH + 1}" not in text


def test_a_conditional_is_read_when_its_condition_is(tmp_path):
    """``count = var.create_replica ? 1 : 0`` and ``multi_az = !var.single_az``: a
    conditional whose condition is read (a bool, or a comparison with a literal) takes
    its branch, in a module with its caller's inputs too; one whose condition needs
    evaluation stays unknown."""
    (tmp_path / "modules" / "db").mkdir(parents=True)
    (tmp_path / "modules" / "db" / "main.tf").write_text('''
variable "name" {}
variable "single_az" {
  default = true
}
variable "create_replica" {
  default = false
}
variable "env" {
  default = "dev"
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  multi_az                = !var.single_az
  backup_retention_period = var.env == "prod" ? 14 : 0
}

resource "aws_db_instance" "replica" {
  count               = var.create_replica ? 1 : 0
  identifier          = "${var.name}-replica"
  replicate_source_db = aws_db_instance.this.identifier
}
''')
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text('''
variable "unsaid" {}

module "prod" {
  source         = "../modules/db"
  name           = "orders"
  single_az      = false
  create_replica = true
  env            = "prod"
}

module "dev" {
  source = "../modules/db"
  name   = "scratch"
}

resource "aws_instance" "maybe" {
  count         = var.unsaid ? 2 : 1
  ami           = "ami-1"
  instance_type = "t3.small"
}
''')
    doc = import_paths([tmp_path / "live"])
    text = json.dumps(doc["design"])
    assert "orders Multi-AZ failover" in text and "orders-replica" in text  # !false, true ? 1 : 0
    assert "scratch Multi-AZ failover" not in text and "scratch-replica" not in text  # !true, false ? 1 : 0
    db_src = str(tmp_path / "modules" / "db" / "main.tf")
    assert _has(doc, "warning", f"{db_src}:13 (module.dev.aws_db_instance.this)", "backups are off")
    assert not any("backups are off" in f["message"] and "module.prod" in f["source"] for f in doc["findings"])
    assert _has(doc, "info", f"{tmp_path / 'live' / 'main.tf'}:17 (aws_instance.maybe)", "its count is not a literal")


def test_an_output_of_one_instance_of_a_module_is_read(tmp_path):
    """``module.net["a"].subnet_id`` and ``module.net[1].subnet_id``: the output of one
    instance of a module made with for_each or count, passed to another module, still
    names its subnet (the group's zones come from it), whatever the order of the blocks."""
    (tmp_path / "modules" / "subnet").mkdir(parents=True)
    (tmp_path / "modules" / "subnet" / "main.tf").write_text('''
variable "zone" {}

resource "aws_subnet" "this" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.0.0/24"
  availability_zone = var.zone
}

output "subnet_id" {
  value = aws_subnet.this.id
}
''')
    (tmp_path / "modules" / "web").mkdir(parents=True)
    (tmp_path / "modules" / "web" / "main.tf").write_text('''
variable "subnets" {}

resource "aws_autoscaling_group" "this" {
  name                = "web"
  min_size            = 4
  desired_capacity    = 4
  max_size            = 8
  vpc_zone_identifier = var.subnets
}
''')
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text('''
module "web" {
  source  = "../modules/web"
  subnets = [module.net["a"].subnet_id, module.spare[1].subnet_id]
}

module "net" {
  source   = "../modules/subnet"
  for_each = { a = "eu-west-1a", b = "eu-west-1b" }
  zone     = each.value
}

module "spare" {
  source = "../modules/subnet"
  count  = 2
  zone   = "eu-west-1c"
}
''')
    doc = import_paths([tmp_path / "live"])
    web = doc["design"]["architecture"]["series"][0] if "series" in doc["design"]["architecture"] \
        else doc["design"]["architecture"]
    zones = sorted(p["zone"] for p in web["parallel"])
    assert zones == ["eu-west-1a", "eu-west-1c"]
