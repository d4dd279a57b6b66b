"""The conformance suite every block kind passes, built-in or registered from outside
the package (in the manner of scikit-learn's ``parametrize_with_checks``).

Each kind gives example bodies (``BlockKind.examples``); for each, the suite checks:
the file round trip; that the generated JSON Schema accepts what the kind writes and
refuses what it refuses; scalar evaluation = vectorised evaluation; slopes against
finite differences and the exact change when a child is made perfect; the analytic
value inside the simulated 99% CI; the event-by-event engine against the vectorised
one; and that the block diagram draws it. ``Majority`` below is a kind defined only
in this file: registering it is all it takes for the suite (and the file format,
the schema, evaluation, simulation and the diagram) to take it.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hadr_lib as hl
from hadr_lib.architecture_file import SCHEMA_PATH, architecture_schema, dump_architecture, load_architecture
from hadr_lib.design import BlockKind, block_kinds, kind_named, kind_of, register, unregister, walk
from hadr_lib.design.blocks.gate import ListGate, checked_children
from hadr_lib.design.evaluation import Memo, Vector, base_q
from hadr_lib.design.kinds import example_leaf

ROOT = Path(hl.__file__).resolve().parent.parent

# --------------------------------------------------------------------------- a kind from outside


@dataclass(frozen=True)
class Majority:
    """Up while more than half of the children are up."""

    children: tuple
    path: str = field(default="majority", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(self.path, "majority", self.children))


class MajorityKind(ListGate):
    key = "majority"
    cls = Majority

    def needed_up(self, node):
        return len(node.children) // 2 + 1

    def examples(self):
        return [[example_leaf("a", 50.0, 5.0), example_leaf("b", 60.0, 4.0), example_leaf("c", 40.0, 3.0)]]

    def scalar(self, node, memo):
        from hadr_lib.design.evaluation import k_of_n_scalar

        return k_of_n_scalar(self.needed_up(node), *memo.kids(node.children))

    def vector(self, node, ev, Q, over):
        from hadr_lib.availability import k_of_n_aq

        return k_of_n_aq(self.needed_up(node), *ev.children_aq(node, node.children, Q, over))

    def label(self, node):
        return f"majority of {len(node.children)}"


@pytest.fixture(scope="module", autouse=True)
def majority_registered():
    register(MajorityKind())
    yield
    unregister("majority")


KEYS = (*hl.architecture_file.BLOCK_KINDS, "majority")


def _cases():
    register(MajorityKind())
    try:
        return [pytest.param(key, i, id=f"{key}-{i}")
                for key in block_kinds() for i in range(len(kind_named(key).examples()))]
    finally:
        unregister("majority")


CASES = _cases()


def _design(key: str, i: int) -> dict:
    kind = kind_named(key)
    return {"name": f"{key} example {i}", **kind.example_domains(), "architecture": {key: kind.examples()[i]}}


def _arch(key: str, i: int) -> hl.Architecture:
    return load_architecture(_design(key, i))


def test_every_kind_is_checked():
    assert {c.values[0] for c in CASES} == set(KEYS)


# --------------------------------------------------------------------------- file


@pytest.mark.parametrize("key, i", CASES)
def test_file_round_trip(key, i):
    arch = _arch(key, i)
    dumped = dump_architecture(arch)
    again = load_architecture(dumped)
    assert again.root == arch.root
    assert again.evaluate().to_dict() == arch.evaluate().to_dict()
    assert dump_architecture(again) == dumped


@pytest.mark.parametrize("key, i", CASES)
def test_the_schema_agrees_with_the_reader(key, i):
    schema = architecture_schema()
    dumped = dump_architecture(_arch(key, i))
    jsonschema.validate(dumped, schema)
    jsonschema.validate(_design(key, i), schema)
    body = kind_named(key).examples()[i]
    bad = {**body, "bogus_field": 1} if isinstance(body, dict) else [*body, 3]
    with pytest.raises(hl.InvalidInputError, match=r"bogus_field|\[\d+\]"):
        load_architecture({"architecture": {key: bad}})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"architecture": {key: bad}}, schema)


def test_the_shipped_schema_file_is_the_generated_one_for_the_built_in_kinds():
    import json

    unregister("majority")
    try:
        assert architecture_schema() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), (
            "the shipped schema file is stale after a change to a kind: rewrite it with "
            "python -c 'import json, hadr_lib.architecture_file as f; "
            "f.SCHEMA_PATH.write_text(json.dumps(f.architecture_schema(), indent=2) + chr(10))'")
    finally:
        register(MajorityKind())
    assert "majority_block" in architecture_schema()["$defs"]


# --------------------------------------------------------------------------- evaluation


def _leaf_q(arch):
    return arch.components, base_q(arch.components)


@pytest.mark.parametrize("key, i", CASES)
def test_scalar_evaluation_equals_the_vectorised_one(key, i):
    arch = _arch(key, i)
    comps, q0 = _leaf_q(arch)
    rng = np.random.default_rng(7)
    Q = np.column_stack([q0, *(rng.uniform(0, 0.3, size=len(comps)) for _ in range(6)), np.zeros(len(comps))])
    ev = Vector(arch.root, comps)
    a_v, u_v = ev.aq(arch.root, Q)
    for j in range(Q.shape[1]):
        a_s, u_s = Memo(arch.root, ev.index, Q[:, j]).get(arch.root)
        assert u_v[j] == pytest.approx(u_s, rel=1e-12, abs=1e-300)
        assert a_v[j] == pytest.approx(a_s, rel=1e-12)


@pytest.mark.parametrize("key, i", CASES)
def test_slopes_agree_with_finite_differences_and_changes_are_exact(key, i):
    arch = _arch(key, i)
    comps, q0 = _leaf_q(arch)
    ev = Vector(arch.root, comps)
    memo = Memo(arch.root, ev.index, q0)
    kind = kind_of(arch.root)
    kids = kind.children(arch.root)
    slopes = kind.slopes(arch.root, memo)
    assert len(slopes) == len(kids)
    for j, kid in enumerate(kids):
        if not kind_of(kid).leaf:
            continue
        row = ev.index[id(kid)]
        h = 1e-6 * q0[row]
        Q = np.repeat(q0[:, None], 3, axis=1)
        Q[row, 1] -= h
        Q[row, 2] = 0.0  # the child made perfect
        _, u = ev.aq(arch.root, Q)
        assert slopes[j] == pytest.approx((u[0] - u[1]) / h, rel=1e-4)
        assert kind.delta(arch.root, memo, j, -q0[row]) == pytest.approx(u[2] - u[0], rel=1e-9, abs=1e-18)
    # and importance (built on them) says the same as re-evaluating with the part perfect
    imp = arch.importance().set_index("name")
    year_s = 365.25 * 86400
    u_base = arch.availability().unavailability
    for c in comps:
        if kind_of(arch.root).key == "standby" and c is arch.root.primary:
            continue  # the failover share is fixed by the primary's figures: see issue 20
        perfect = arch.with_changes({c.name: {"availability": 1.0}}).availability().unavailability
        assert imp.loc[c.name, "downtime_saved_per_year_s"] == pytest.approx(
            max(u_base - perfect, 0.0) * year_s, rel=1e-9, abs=1e-9)


#: Examples whose analytic figure is a stated approximation (README, "Failback"): its
#: known error, as a fraction, widens the interval it must fall in. The standby without
#: failback whose failover lasts about as long as a repair errs low by 0.2%
#: (4,000 x 20 simulated years: 0.0064398, 99% CI 0.0064318 to 0.0064477, analytic 0.0064289).
STATED_ERROR = {("standby", 3): 0.005}


@pytest.mark.parametrize("key, i", CASES)
def test_the_analytic_value_is_inside_the_simulated_99_percent_interval(key, i):
    arch = _arch(key, i)
    r = hl.simulate(arch, years=10, runs=2000, seed=17, workers=1, progress=False)
    lo, hi = r.unavailability_ci99
    analytic = float(arch.availability().unavailability)
    slack = STATED_ERROR.get((key, i), 0.0)
    assert lo * (1 - slack) <= analytic <= hi * (1 + slack), (lo, analytic, hi)
    f = arch.evaluate().outages_per_year
    if f is not None:  # the outage count too, within 5 standard errors
        per_run = r.outages / r.years
        se = per_run.std(ddof=1) / math.sqrt(per_run.size)
        assert abs(per_run.mean() - f) < 5 * se + 0.01 * f, (per_run.mean(), f, se)


@pytest.mark.parametrize("key, i", CASES)
def test_the_event_engine_agrees_with_the_vectorised_one(key, i):
    from hadr_lib.events import simulate_events

    arch = _arch(key, i)
    base = simulate_events(arch, runs=40, years=5, seed=2)
    r = hl.simulate(arch, years=5, runs=1000, seed=2, workers=1, progress=False)
    u_b, u_v = base.run_unavailability, r.run_unavailability
    se = math.sqrt(u_b.var(ddof=1) / u_b.size + u_v.var(ddof=1) / u_v.size)
    assert abs(u_b.mean() - u_v.mean()) < 4.5 * se + 1e-12, (u_b.mean(), u_v.mean(), se)


# --------------------------------------------------------------------------- presentation


@pytest.mark.parametrize("key, i", CASES)
def test_the_block_diagram_draws_it(key, i):
    from hadr_lib.plots import block_diagram_figure

    arch = _arch(key, i)
    fig = block_diagram_figure(arch, arch.importance())
    text = " ".join(str(a.text) for a in fig.layout.annotations) + " ".join(
        " ".join(map(str, t.text or ())) if isinstance(t.text, (list, tuple)) else str(t.text or "")
        for t in fig.data)
    for c in arch.components:  # each part by what people call it (its label, else its name)
        assert c.display in text.replace("<br>", " ")
    for node in walk(arch.root):
        kind = kind_of(node)
        if not kind.leaf and not kind.row:  # a long caption is on two lines
            assert kind.label(node) in text.replace("<br>", " ")


# --------------------------------------------------------------------------- the registry


def test_an_unknown_kind_is_an_error_everywhere():
    @dataclass(frozen=True)
    class Stranger:
        children: tuple = ()

    with pytest.raises(hl.InvalidInputError, match="Stranger is not a block"):
        kind_of(Stranger())
    with pytest.raises(hl.InvalidInputError, match=r"series\[1\].*is not a block"):
        hl.Series((hl.Component("a", availability=0.9), Stranger()))
    with pytest.raises(hl.InvalidInputError, match="is not a block"):
        hl.Architecture(Stranger())
    with pytest.raises(hl.InvalidInputError, match=r"architecture\.stranger: unknown block type; use one of "
                                                    r"component, series, parallel, k_of_n, standby, common_cause"):
        load_architecture({"architecture": {"stranger": []}})


def test_a_kind_cannot_be_registered_twice_or_without_a_class():
    with pytest.raises(hl.InvalidInputError, match="already registered"):
        register(MajorityKind())

    class Nameless(BlockKind):
        key = "nameless"

    with pytest.raises(hl.InvalidInputError, match="no block class"):
        register(Nameless())
    with pytest.raises(hl.InvalidInputError, match="built-in"):
        unregister("series")


def test_a_registered_kind_works_in_the_file_format_and_beside_the_built_in_ones():
    design = {"name": "quorum", "architecture": {"series": [
        {"component": {"name": "lb", "availability": 0.9999}},
        {"majority": [example_leaf("a"), example_leaf("b"), example_leaf("c")]}]}}
    arch = load_architecture(design)
    same = load_architecture({"architecture": {"series": [
        {"component": {"name": "lb", "availability": 0.9999}},
        {"k_of_n": {"k": 2, "of": [example_leaf("a"), example_leaf("b"), example_leaf("c")]}}]}})
    assert arch.evaluate().to_dict() == same.evaluate().to_dict()
    assert "majority:" in hl.architecture_file.architecture_yaml(arch)


def test_a_kind_from_an_installed_package_is_found_through_its_entry_point(tmp_path):
    """A package that declares ``[project.entry-points."hadr_lib.blocks"]`` adds a kind:
    a fake installed distribution on the path, and a fresh interpreter finds it."""
    (tmp_path / "thirdparty_kind.py").write_text(textwrap.dedent('''
        from dataclasses import dataclass, field
        from hadr_lib.design.blocks.parallel import ParallelKind

        @dataclass(frozen=True)
        class Pool:
            children: tuple
            path: str = field(default="pool", compare=False, repr=False)

        class PoolKind(ParallelKind):
            key = "pool"
            cls = Pool
            def parse(self, body, path, read):
                return Pool(tuple(read(c, f"{path}[{i}]") for i, c in enumerate(body)), path=path)

        KIND = PoolKind()
    '''))
    info = tmp_path / "thirdparty_kind-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty-kind\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[hadr_lib.blocks]\npool = thirdparty_kind\n")
    code = ("import hadr_lib as hl; from hadr_lib.design import block_kinds; print(block_kinds()); "
            "a = hl.load_architecture({'architecture': {'pool': [{'component': {'name': 'a', 'availability': 0.9}},"
            " {'component': {'name': 'b', 'availability': 0.9}}]}}); print(a.availability().unavailability)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    kinds, u = out.stdout.splitlines()
    assert "'pool'" in kinds and kinds.startswith("('component', 'series'")
    assert float(u) == pytest.approx(0.01, rel=1e-12)


_NAMES = st.one_of(st.text(max_size=210), st.sampled_from(["db", " ", "a\nb", "x" * 200, "x" * 201, "é ü", "\u200b"]))
_FIGURES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6),
                     st.sampled_from([0.0, -0.0, 5e-324, 1e300, 1e301]))


@settings(max_examples=400, deadline=None)
@given(name=_NAMES, mtbf=_FIGURES, mttr=_FIGURES, count=st.integers(-1, 1_000_001),
       source=st.one_of(st.none(), st.sampled_from(["vendor sheet, 2026", "a\x00b", "y" * 2001])))
def test_a_plain_component_read_from_a_file_is_the_one_its_constructor_makes(name, mtbf, mttr, count, source):
    """A component given by name, MTBF, MTTR, count and source is read on a quick path
    (built without the general checks when its figures pass them): it must equal, field by
    field, what ``Component(...)`` makes, and fail with the same message where that fails."""
    from hadr_lib.design.blocks.component import KIND, Component

    body = {"name": name, "mtbf_h": mtbf, "mttr_h": mttr, "count": count}
    if source is not None:
        body["source"] = source
    try:
        want = Component(name, mtbf_h=mtbf, mttr_h=mttr, count=count, source=source, path="p.component")
        if source is not None:
            hl.safe_load.check_text("p.component.source", source, max_len=2000)
    except hl.InvalidInputError as exc:
        with pytest.raises(hl.InvalidInputError) as got:
            KIND.parse(body, "p.component", None)
        assert str(got.value).split(":")[0] in (str(exc).split(":")[0], "p.component.source")
        return
    got = KIND.parse(body, "p.component", None)
    assert got == want and got.__dict__ == want.__dict__
    assert got.replica_unavailability == want.replica_unavailability


def _trees(leaf):
    """Design mappings of nested series and parallel lists (and, now and then, a
    k_of_n, a parallel with crews, a placed block or a body that is not a list)."""
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.builds(lambda ks: {"series": ks}, st.lists(kids, min_size=1, max_size=4)),
            st.builds(lambda ks: {"parallel": ks}, st.lists(kids, min_size=1, max_size=4)),
            st.builds(lambda ks: {"k_of_n": {"k": 1, "of": ks}}, st.lists(kids, min_size=1, max_size=3)),
            st.builds(lambda ks: {"parallel": ks, "zone": "z1"}, st.lists(kids, min_size=1, max_size=3)),
            st.sampled_from([{"series": []}, {"parallel": {"of": []}}, {"series": "a"}]),
        ),
        max_leaves=30)


_COUNTER = iter(range(10**9))
_LEAVES = st.builds(lambda n, m, r: {"component": {"name": f"c{next(_COUNTER)}-{n}", "mtbf_h": m, "mttr_h": r}},
                    st.integers(0, 9), st.floats(1.0, 1e5), st.floats(0.0, 10.0))


def _same_tree(a, b) -> None:
    assert type(a) is type(b)
    kids_a, kids_b = hl.design.kinds.children(a), hl.design.kinds.children(b)
    assert len(kids_a) == len(kids_b)
    for x, y in zip(kids_a, kids_b):
        _same_tree(x, y)
    assert {k: v for k, v in a.__dict__.items() if k != "children"} == \
        {k: v for k, v in b.__dict__.items() if k != "children"}
    assert a == b


@settings(max_examples=300, deadline=None)
@given(tree=_trees(_LEAVES))
def test_series_and_parallel_lists_read_on_the_quick_path_are_what_their_constructors_make(tree):
    """A series or parallel given as a list is built on a quick path (its children read
    one call each, the gate without its constructor's checks, which reading its list
    already made): the tree must be, block by block and path by path, the one the
    general reader builds with the constructors, and fail with the same message."""
    from hadr_lib.architecture_file import _block
    from hadr_lib.design.blocks import parallel, series

    def read():
        try:
            return _block(tree, "architecture")
        except hl.InvalidInputError as exc:
            return str(exc)

    quick = read()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(series.KIND, "checks_children_only", False)
        m.setattr(parallel.KIND, "checks_children_only", False)
        general = read()
    if isinstance(general, str):
        assert quick == general
    else:
        _same_tree(quick, general)
