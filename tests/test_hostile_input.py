"""Files and flags from other people: every bad input exits 2 with a one-line
message naming the field or file, and none does unbounded work first."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import hadr_lib as hl
from hadr_lib.cli import main
from hadr_lib.safe_load import MAX_DEPTH, read_yaml

SCENARIO = ("name: x\ndowntime_cost_per_hour: 1\n"
            "data: {unit: GB, written_per_hour: 1, cost_per_unit: 1}\n"
            "incidents_per_year: {}\ntargets: {rto_h: 1, rpo_h: 1}\n")

# A 600-byte "billion laughs": 9 ** 9 = 387 million strings once expanded.
BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}" if i else '"x"'] * 9) + "]\n"
    for i in range(9)) + "architecture: {series: *i}\n"


def component(body: str) -> str:
    return f"architecture:\n  component: {{name: a, {body}}}\n"


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


@pytest.fixture
def write(tmp_path):
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


def test_the_bomb_is_small():
    assert len(BOMB) < 700


CASES = [
    # (file name, text, argv after the file, what the message says)
    ("deep.yaml", "architecture:\n  " + "series: [" * 3000 + "{component: {name: a, availability: 0.9}}"
     + "]" * 3000 + "\n", (), "nest"),
    ("bomb.yaml", BOMB, (), "aliases are expanded"),
    ("self.yaml", "architecture: &a {series: [*a]}\n", (), "refers to itself"),
    ("count.yaml", component("availability: 0.9, count: " + "9" * 400), (),
     "count: 9999"),
    ("digits.yaml", component("availability: 0.9, count: " + "9" * 5000), (), "cannot be read"),
    ("avail.yaml", component("availability: " + "9" * 400), (), "over 300 digits"),
    ("mtbf.yaml", component("mtbf_h: " + "9" * 400 + ", mttr_h: 1"), (), "over 300 digits"),
    ("inf.yaml", component("availability: .inf"), (), "availability: inf is not in [0, 1]"),
    ("nan.yaml", component("availability: .nan"), (), "availability: nan is not in [0, 1]"),
    ("key.yaml", "? [a, b]\n: 1\narchitecture: {component: {name: a, availability: 0.9}}\n", (),
     "a list is not allowed as a key"),
    ("ansi.yaml", component("availability: 0.9").replace("name: a", 'name: "\\e[31mred"'), (),
     "U+001B"),
    ("bidi.yaml", component("availability: 0.9").replace("name: a", 'name: "a\\u202eb"'), (),
     "U+202E"),
    ("ansikey.yaml", "architecture: {\"\\e[2J\": 1}\n", (), "'\\x1b[2J'"),
]


@pytest.mark.parametrize("name, text, extra, says", CASES, ids=[c[0] for c in CASES])
def test_hostile_design_files_exit_2_with_a_message(capsys, write, name, text, extra, says):
    code, err = run(capsys, "evaluate", write(name, text), *extra)
    assert code == 2, err
    assert says in err, err
    assert "Traceback" not in err and "\x1b" not in err
    assert len(err.splitlines()) == 1


def test_a_scenario_pulling_in_an_alias_bomb_is_refused(capsys, write):
    write("bomb.yaml", BOMB)
    code, err = run(capsys, "dr", write("s.yaml", SCENARIO + "architecture: bomb.yaml\n"))
    assert code == 2 and "aliases are expanded" in err


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_unread(capsys, path):
    code, err = run(capsys, "evaluate", path)
    assert code == 2 and "not a regular file" in err


def test_fifos_and_folders_are_refused_unopened(capsys, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert run(capsys, "evaluate", fifo) == (2, f"hadr evaluate: error: {fifo}: not a regular "
                                                 "file; give a YAML file\n")
    code, err = run(capsys, "evaluate", tmp_path)
    assert code == 2 and "a folder" in err


def test_files_over_the_size_limit_are_refused(tmp_path, monkeypatch):
    from hadr_lib import safe_load

    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 2000 + "\n" + component("availability: 0.9"))
    monkeypatch.setattr(safe_load, "MAX_FILE_BYTES", 1000)
    with pytest.raises(hl.InvalidInputError, match=r"2,\d{3} bytes is over the limit of 1,000"):
        safe_load.read_text(big, limit=safe_load.MAX_FILE_BYTES)


@pytest.mark.parametrize("text", [
    "[" + ",".join(["1"] * 150_000) + "]",  # 300 KB of one-byte values
    "{" + ",".join(f"k{i}: [a, b]" for i in range(30_000)) + "}",  # 380 KB of small mappings
])
def test_a_large_flat_file_is_refused_before_its_nodes_are_built(text):
    """Over COUNT_EVENTS_OVER_BYTES the values are counted from the parser's event
    stream: a text with too many is refused having built no node (tracemalloc sees
    well under the ~450 bytes a built node costs; building them used 1.8 GB for an
    8 MiB list). The count is exact: the same text passes it with the limit at its
    true number of values (one list or mapping plus its entries)."""
    import tracemalloc

    from hadr_lib.safe_load import COUNT_EVENTS_OVER_BYTES, _count_nodes

    assert len(text) > COUNT_EVENTS_OVER_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(hl.InvalidInputError, match=r"^big: more than 50,000 YAML values; refused"):
            read_yaml(text, origin="big", max_nodes=50_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000 * 100 + 2 * len(text), peak
    values = 1 + 150_000 if text.startswith("[") else 1 + 30_000 * 4  # key, list, a, b
    _count_nodes(text, "big", values)
    with pytest.raises(hl.InvalidInputError, match="more than"):
        _count_nodes(text, "big", values - 1)


def test_the_limits_leave_room_for_real_designs():
    depth = MAX_DEPTH // 2 - 2
    text = ("architecture:\n  " + "series: [" * depth + "{component: {name: a, availability: 0.9}}"
            + "]" * depth + "\n")
    arch = hl.load_architecture(read_yaml(text, origin="deep"))
    assert arch.availability() == pytest.approx(0.9)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 3000])
def test_deep_trees_from_python_are_refused_not_a_recursion_error(depth):
    node = hl.Component("a", availability=0.9)
    for _ in range(depth):
        node = hl.Series((node,))
    with pytest.raises(hl.InvalidInputError, match="nested more than"):
        hl.Architecture(node)
    standby = node
    with pytest.raises(hl.InvalidInputError, match="nested more than"):
        hl.Standby(standby, (hl.Component("b", availability=0.9),))
    mapping: dict = {"component": {"name": "a", "availability": 0.9}}
    for _ in range(depth):
        mapping = {"series": [mapping]}
    with pytest.raises(hl.InvalidInputError, match="nested more than"):
        hl.load_architecture({"architecture": mapping})


def test_a_component_that_never_fails_prints_no_outages(capsys, write):
    code = main(["evaluate", str(write("c.yaml", component("mtbf_h: 100, mttr_h: 0, count: 3")))])
    out = capsys.readouterr().out
    assert code == 0 and "outages        none" in out


@pytest.mark.parametrize("argv, says", [
    (["slo", "multi_az_postgres", "--target", "nan"], "target: 'nan' is not a finite number"),
    (["slo", "multi_az_postgres", "--target=-inf"], "is not a finite number"),
    (["downtime", "sNaN"], "is not a finite number"),
    (["evaluate", "single_server", "--year-days", "nan"], "year_days: nan"),
    (["slo", "multi_az_postgres", "--target", "99.9", "--service", 'x"} or vector(1) #',
      "--format", "openslo"], "is not a service name"),
    (["slo", "multi_az_postgres", "--target", "99.9", "--service", "a\x1b[2Jb"],
     "is not a service name"),
    (["evaluate", "multi_az_postgre"], "did you mean multi_az_postgres?"),
    (["dr", "ecomerce_shop"], "did you mean ecommerce_shop?"),
    (["simulate", "single_server", "--years", "9" * 30, "--quiet"], "--years: "),
    (["simulate", "single_server", "--repair-sigma", "0", "--quiet"], "--repair-sigma: 0"),
])
def test_bad_flags_exit_2_with_a_message(capsys, argv, says):
    code, err = run(capsys, *argv)
    assert code == 2, err
    assert says in err and "\x1b" not in err


def test_simulate_refuses_unbounded_work_before_allocating(capsys, write):
    design = write("flap.yaml", component("mtbf_h: 0.001, mttr_h: 0.001, count: 1000000"))
    code, err = run(capsys, "simulate", design, "--runs", "1000", "--quiet")
    assert code == 2
    assert re.search(r"--runs: 1,000 runs of 10 years would draw about 4\.3\de\+16 failure/repair "
                     r"cycles", err), err
    assert "'a' (1,000,000 x MTBF 0.001 h" in err and "Use fewer runs or years" in err


@pytest.mark.parametrize("body, says", [
    ("architecture: 5\n", "architecture: 5 is not a reference design name or a path"),
    ("architecture: [a]\n", "architecture: ['a'] is not"),
    ("architecture: nowhere.yaml\n", "no such file"),
])
def test_scenario_architecture_must_name_a_design(capsys, write, body, says):
    code, err = run(capsys, "dr", write("s.yaml", SCENARIO + body))
    assert code == 2 and says in err, err


def test_money_that_would_overflow_is_refused(capsys, write):
    text = SCENARIO.replace("downtime_cost_per_hour: 1", "downtime_cost_per_hour: 1e300")
    code, err = run(capsys, "dr", write("s.yaml", text), "--format", "json")
    assert code == 2 and "downtime_cost_per_hour" in err and "<= 1e+12" in err


def test_a_relative_architecture_resolves_against_the_scenario_file(tmp_path, monkeypatch):
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "mine.yaml").write_text(
        "name: mine\n" + component("availability: 0.99"))
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO + "architecture: designs/mine.yaml\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    sc = hl.load_scenario(str(scen))
    assert sc.architecture == str(tmp_path / "designs" / "mine.yaml")
    assert hl.load_architecture(sc.architecture).name == "mine"


@pytest.mark.parametrize("out_kind", ["file", "readonly"])
def test_report_out_that_cannot_be_written(capsys, tmp_path, out_kind):
    if out_kind == "file":
        out = tmp_path / "f.txt"
        out.write_text("x")
        says = "exists and is not a folder"
    else:
        if os.geteuid() == 0:
            out, says = "/proc/hadr-report", "cannot be created"
        else:  # pragma: no cover - root ignores permission bits
            out = tmp_path / "ro"
            out.mkdir(mode=0o500)
            says = "is not writable"
    code, err = run(capsys, "report", "small_saas", "--out", out, "--quiet")
    assert code == 2 and says in err, err


@pytest.mark.parametrize("value", [True, "0.9", b"0.9", 0.9 + 0j, np.complex128(0.9),
                                   np.array(["0.9"]), np.array([True]), [0.9, "0.9"]])
def test_non_numbers_are_refused_everywhere(value):
    for f in (hl.check_availability, hl.unavailability, hl.nines):
        with pytest.raises(hl.InvalidInputError):
            f(value)
    with pytest.raises(hl.InvalidInputError):
        hl.series([value, 0.9] if not isinstance(value, list) else value)


def test_a_carried_complement_is_checked():
    with pytest.raises(hl.InvalidInputError, match="carries an unavailability"):
        hl.unavailability(hl.Availability(0.9, 0.5))
    assert hl.unavailability(hl.Availability(1 - 1e-12, 1e-12)) == 1e-12
    with pytest.raises(hl.InvalidInputError):
        hl.Component("a", availability=hl.Availability(0.9, -0.1))


def test_long_values_are_cut_in_messages():
    with pytest.raises(hl.InvalidInputError) as err:
        hl.Component("a", availability=0.9, count=10**400)
    assert len(str(err.value)) < 200 and "401 characters" in str(err.value)


def test_the_cli_never_shows_a_traceback(capsys, monkeypatch):
    from dataclasses import replace

    import hadr_lib.cli.evaluate as evaluate

    def boom(args):
        raise KeyError("surprise")

    monkeypatch.setattr(evaluate, "COMMAND", replace(evaluate.COMMAND, run=boom))
    monkeypatch.delenv("HADR_DEBUG", raising=False)
    code, err = run(capsys, "evaluate", "single_server")
    assert code == 70 and err.startswith("hadr evaluate: internal error: KeyError")


def test_json_files_take_the_quick_path_with_the_same_rules(capsys, write):
    design = '{"name": "j", "architecture": {"component": {"name": "a", "availability": 0.999}}}'
    assert hl.load_architecture(write("d.json", design)).availability() == pytest.approx(0.999)
    # YAML flow style is not JSON: the YAML reader takes it
    flow = "{name: y, architecture: {component: {name: a, availability: 0.99}}}"
    assert hl.load_architecture(write("f.yaml", flow)).name == "y"
    code, err = run(capsys, "evaluate", write("dup.json", '{"name": "a", "name": "b", '
                                                          '"architecture": {}}'))
    assert code == 2 and "duplicate key 'name'" in err
    deep = '{"architecture": ' + '{"series": [' * 3000 + "1" + "]}" * 3000 + "}"
    code, err = run(capsys, "evaluate", write("deep.json", deep))
    assert code == 2 and "nest" in err


@pytest.mark.parametrize("value", [True, "100", b"100", 100 + 0j, np.array(["100"]), [100, "1"]])
def test_non_numbers_are_refused_by_every_figure(value):
    with pytest.raises(hl.InvalidInputError, match="mtbf_hours"):
        hl.from_mtbf_mttr(value, 1.0)
    with pytest.raises(hl.InvalidInputError, match="mttr_hours"):
        hl.from_mtbf_mttr(100.0, value)
    with pytest.raises(hl.InvalidInputError, match="seconds"):
        hl.availability_for_downtime(value)


def test_no_error_message_echoes_a_huge_value(capsys, write):
    """Messages quoted whole bad values (megabytes) in places; every message is now cut."""
    name = "x" * 9_000 + "\x07"
    code, err = run(capsys, "evaluate", write("n.yaml", component("availability: 0.9").replace(
        "name: a", f'name: "{name}"')))
    assert code == 2 and len(err) < 1100, len(err)
    msg = str(hl.InvalidInputError("field: " + "y" * 5_000_000 + " is not allowed"))
    assert len(msg) <= 1000 and msg.startswith("field: yyy") and msg.endswith("is not allowed")
    assert "characters cut" in msg
    assert str(hl.InvalidInputError("short")) == "short"


def test_tf_locals_that_name_each_other_many_times_are_read_once_and_bounded(tmp_path):
    """Eight locals, each a template naming the next 200 times: read naively that is
    200^8 lookups and a string of 200^8 characters. Each local is read once, and a
    template past 10,000 characters is unknown (said), so the file is read at once."""
    from hadr_lib.importers import import_paths

    names = [f"l{i}" for i in range(9)]
    lines = [f'  {a} = "' + ("${local." + b + "}") * 200 + '"' for a, b in zip(names, names[1:])]
    lines.append(f'  {names[-1]} = "x"')
    path = tmp_path / "main.tf"
    path.write_text("locals {\n" + "\n".join(lines) + "\n}\n"
                    'resource "aws_db_instance" "db" {\n  identifier = "db"\n  multi_az = local.l0\n}\n')
    doc = import_paths([path])
    assert any("multi_az = local.l0 needs evaluation" in f["message"] for f in doc["findings"])
