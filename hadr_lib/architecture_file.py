"""The architecture file format (YAML, or the same mapping from Python).

A file has ``name``, ``description`` and ``architecture``, a block. A block is a
mapping with exactly one key::

    component: {name: db, availability: 0.9995, source: "aws rds sla, 2024-01-22"}
    component: {name: api, mtbf_h: 2000, mttr_h: 0.5, count: 2}
    component: {name: lb, sla: aws-elb-multi-az}      # from data/cloud_slas.csv
    component: {name: db, availability: 0.9995, count: 2, cost_per_year: 4200}  # per replica
    component: {name: db, availability: 0.9995, error_factor: 3}  # p95/p50 of its U
    series: [block, block, ...]
    parallel: [block, block, ...]
    k_of_n: {k: 2, of: [block, block, block]}
    standby: {primary: block, standbys: [block], failover_s: 90, coverage: 0.99}
    standby: {primary: block, standbys: [block], failover_preset: rds_multi_az}
    standby: {primary: block, standbys: [block], failover_s: 90, failover_error_factor: 4}
    common_cause: {beta: 0.05, of: [block, block], k: 1, name: "zone a"}
    common_cause: {beta: 0.05, of: [block, block], beta_error_factor: 5}  # p95/p50 of beta

Errors name the place in the file, the value and what is allowed, e.g.
``architecture.series[1].parallel[0].component.availability: 1.3 is not in [0, 1]``.
The JSON Schema is ``hadr_lib/schemas/architecture.schema.json``.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from .catalog import DATA_DIR, sla_availability
from .checks import InvalidInputError, read_number
from .model import Architecture, CommonCause, Component, KofN, Parallel, Series, Standby
from .safe_load import MAX_DEPTH, check_text, paused_gc, read_yaml, shown_key

__all__ = [
    "ARCHITECTURES_DIR",
    "BLOCK_KINDS",
    "SCHEMA_PATH",
    "architecture_schema",
    "architecture_yaml",
    "dump_architecture",
    "dump_block",
    "load_architecture",
    "reference_architectures",
]

ARCHITECTURES_DIR = DATA_DIR / "architectures"
SCHEMA_PATH = Path(str(resources.files("hadr_lib").joinpath("schemas", "architecture.schema.json")))
BLOCK_KINDS = ("component", "series", "parallel", "k_of_n", "standby", "common_cause")

_TOP = ("name", "description", "architecture")
_KINDS = frozenset(BLOCK_KINDS)
_FIELDS = {
    "component": ("name", "availability", "sla", "mtbf_h", "mttr_h", "count", "source",
                  "cost_per_year", "error_factor"),
    "k_of_n": ("k", "of"),
    "standby": ("primary", "standbys", "failover_s", "failover_preset", "coverage",
                "failover_error_factor"),
    "common_cause": ("beta", "of", "k", "name", "beta_error_factor"),
}


def _mapping(path: str, value, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{path}: {value!r} is not a mapping ({what})")
    return value


def _known(path: str, value: Mapping, allowed) -> None:
    if len(value) <= len(allowed) and all(key in allowed for key in value):
        return
    for key in value:
        if key not in allowed:
            raise InvalidInputError(
                f"{path}.{shown_key(key)}: unknown field; allowed: {', '.join(allowed)}")


def _list(path: str, value) -> list:
    if not isinstance(value, list) or not value:
        raise InvalidInputError(f"{path}: {value!r} is not a non-empty list of blocks")
    return value


def _optional_num(path: str, body: Mapping, key: str):
    """``body[key]`` as a number, or None where it is missing or null."""
    value = body.get(key)
    return None if value is None else read_number(f"{path}.{key}", value)


def _int(path: str, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{path}: {value!r} is not a whole number")
    return value


def _block(value, path: str, depth: int = 1):
    if not (type(value) is dict or isinstance(value, Mapping)) or len(value) == 0:
        raise InvalidInputError(
            f"{path}: {value!r} is not a block; a block is a mapping with one key: "
            f"{', '.join(BLOCK_KINDS)}")
    if len(value) > 1:
        raise InvalidInputError(
            f"{path}: a block has exactly one key, this one has {len(value)} "
            f"({', '.join(map(shown_key, value))}); use one of {', '.join(BLOCK_KINDS)}")
    if depth > MAX_DEPTH:
        raise InvalidInputError(f"{path}: blocks nested more than {MAX_DEPTH} levels deep; refused")
    (kind, body), = value.items()
    here = f"{path}.{kind if kind in _KINDS else shown_key(kind)}"
    if kind not in BLOCK_KINDS:
        raise InvalidInputError(f"{here}: unknown block type; use one of {', '.join(BLOCK_KINDS)}")
    if kind in ("series", "parallel"):
        children = tuple(_block(c, f"{here}[{i}]", depth + 1) for i, c in enumerate(_list(here, body)))
        return (Series if kind == "series" else Parallel)(children, path=here)
    body = _mapping(here, body, f"a {kind} has fields {', '.join(_FIELDS[kind])}")
    _known(here, body, _FIELDS[kind])
    if kind == "component":
        return _component(body, here)
    if kind == "k_of_n":
        for required in ("k", "of"):
            if required not in body:
                raise InvalidInputError(f"{here}.{required}: missing")
        children = tuple(_block(c, f"{here}.of[{i}]", depth + 1) for i, c in
                         enumerate(_list(f"{here}.of", body["of"])))
        return KofN(_int(f"{here}.k", body["k"]), children, path=here)
    if kind == "standby":
        for required in ("primary", "standbys"):
            if required not in body:
                raise InvalidInputError(f"{here}.{required}: missing")
        primary = _block(body["primary"], f"{here}.primary", depth + 1)
        standbys = tuple(_block(c, f"{here}.standbys[{i}]", depth + 1) for i, c in
                         enumerate(_list(f"{here}.standbys", body["standbys"])))
        ef = _optional_num(here, body, "failover_error_factor")
        if "failover_preset" in body:
            if "failover_s" in body:
                raise InvalidInputError(f"{here}: give failover_s or failover_preset, not both")
            from .failover import failover_error_factor, failover_seconds
            try:
                failover_s = failover_seconds(body["failover_preset"])
                if ef is None:  # the preset's best and worst cases say how sure it is
                    ef = failover_error_factor(body["failover_preset"])
            except InvalidInputError as exc:
                raise InvalidInputError(f"{here}.{exc}") from None
        else:
            failover_s = read_number(f"{here}.failover_s", body.get("failover_s", 0))
        return Standby(primary, standbys, failover_s=failover_s,
                       coverage=read_number(f"{here}.coverage", body.get("coverage", 1)), path=here,
                       failover_error_factor=ef)
    # common_cause
    for required in ("beta", "of"):
        if required not in body:
            raise InvalidInputError(f"{here}.{required}: missing")
    children = tuple(_block(c, f"{here}.of[{i}]", depth + 1) for i, c in
                     enumerate(_list(f"{here}.of", body["of"])))
    name = body.get("name")
    if name is not None:
        check_text(f"{here}.name", name, max_len=200)
    return CommonCause(read_number(f"{here}.beta", body["beta"]), children,
                       k=_int(f"{here}.k", body.get("k", 1)), name=name, path=here,
                       beta_error_factor=_optional_num(here, body, "beta_error_factor"))


def _component(body: Mapping, path: str) -> Component:
    if "name" not in body:
        raise InvalidInputError(f"{path}.name: missing (every component has a unique name)")
    has_a, has_sla, has_mtbf = "availability" in body, "sla" in body, "mtbf_h" in body
    if has_a + has_sla + has_mtbf != 1 or ("mttr_h" in body and not has_mtbf):
        ways = [w for w in ("availability", "sla", "mtbf_h") if w in body]
        if "mttr_h" in body and not has_mtbf:
            ways.append("mttr_h")
        raise InvalidInputError(
            f"{path}: give exactly one of availability, sla, or mtbf_h with mttr_h "
            f"(component {body['name']!r} has {', '.join(ways) or 'none'})")
    source = body.get("source")
    if source is not None:
        check_text(f"{path}.source", source, max_len=2000)
    count = body.get("count", 1)
    if type(count) is not int:
        count = _int(f"{path}.count", count)
    name = body["name"]
    extra = {f: _optional_num(path, body, f) for f in ("cost_per_year", "error_factor")}
    if has_sla:
        try:
            availability, catalog_source = sla_availability(
                check_text("sla", body["sla"], max_len=200))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{path}.{exc}") from None
        return Component(name, availability, count=count, source=source or catalog_source,
                         path=path, sla=body["sla"], **extra)
    if has_a:
        return Component(name, read_number(f"{path}.availability", body["availability"]), count=count,
                         source=source, path=path, **extra)
    if "mttr_h" not in body:
        raise InvalidInputError(f"{path}.mttr_h: missing (give both mtbf_h and mttr_h)")
    return Component(name, mtbf_h=read_number(f"{path}.mtbf_h", body["mtbf_h"]),
                     mttr_h=read_number(f"{path}.mttr_h", body["mttr_h"]), count=count, source=source,
                     path=path, **extra)


def resolve_reference(source, references: Mapping[str, Path], what: str, hint: str) -> Path:
    """The file ``source`` names: a path, or a reference name; a name that is neither
    is refused with the closest names ("did you mean")."""
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidInputError(
            f"{what}: {source!r} is not a file name, a reference name or a mapping")
    text = os.fspath(source)
    if isinstance(text, bytes) or not text.strip() or "\0" in text:
        raise InvalidInputError(f"{what}: {source!r} is not a file name")
    path = Path(text)
    if path.exists() or text not in references:
        if not path.exists() and os.sep not in text and not path.suffix:
            close = difflib.get_close_matches(text, list(references), n=3, cutoff=0.6)
            maybe = f"; did you mean {' or '.join(close)}?" if close else ""
            shown = check_text(what, text, max_len=200)
            raise InvalidInputError(
                f"{shown}: no such file, nor a reference {what} name{maybe} ({hint})")
        return path
    return references[text]


def reference_architectures() -> dict[str, Path]:
    """The shipped reference architectures: file stem to path."""
    return {p.stem: p for p in sorted(ARCHITECTURES_DIR.glob("*.yaml"))}


def load_architecture(source) -> Architecture:
    """An ``Architecture`` from a YAML file, a mapping, or a reference name.

    ``source`` is a path to a YAML file, the name of a file in
    ``data/architectures`` (e.g. ``"multi_az_postgres"``), or a mapping with
    ``name``, ``description`` and ``architecture``. Raises ``InvalidInputError``
    naming the place in the file, the value and what is allowed.
    """
    if isinstance(source, Mapping):
        data, origin = source, "architecture file"  # nesting is bounded in _block
    else:
        path = resolve_reference(source, reference_architectures(), "design",
                                 "hadr list shows them")
        data, origin = read_yaml(path), str(path)
    if not isinstance(data, Mapping):
        raise InvalidInputError(
            f"{origin}: {type(data).__name__} at the top; expected a mapping with "
            f"{', '.join(_TOP)}")
    for key in data:
        if key not in _TOP:
            raise InvalidInputError(f"{shown_key(key)}: unknown field at the top; allowed: {', '.join(_TOP)}")
    if "architecture" not in data:
        raise InvalidInputError(f"architecture: missing ({origin} needs an architecture block)")
    name = check_text("name", data.get("name", "architecture"), max_len=200)
    description = check_text("description", data.get("description", ""), multiline=True)
    with paused_gc():
        return Architecture(_block(data["architecture"], "architecture"), name, description)


def architecture_schema() -> dict:
    """The JSON Schema of the architecture file format."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- writing back


def _dump_component(node: Component) -> dict:
    body: dict = {"name": node.name}
    if node.sla is not None:
        body["sla"] = node.sla
        _, catalog_source = sla_availability(node.sla)
        if node.source is not None and node.source != catalog_source:
            body["source"] = node.source
    else:
        if node.availability is not None:
            body["availability"] = float(node.availability)
        else:
            body["mtbf_h"] = float(node.mtbf_h)  # type: ignore[arg-type]
            body["mttr_h"] = float(node.mttr_h)  # type: ignore[arg-type]
        if node.source is not None:
            body["source"] = node.source
    if node.count != 1:
        body["count"] = node.count
    for key in ("cost_per_year", "error_factor"):
        value = getattr(node, key)
        if value is not None:
            body[key] = float(value)
    return {"component": body}


def _dump_standby(node: Standby) -> dict:
    body: dict = {"primary": dump_block(node.primary),
                  "standbys": [dump_block(c) for c in node.standbys]}
    body["failover_s"] = float(node.failover_s)
    if node.coverage != 1:
        body["coverage"] = float(node.coverage)
    if node.failover_error_factor is not None:
        body["failover_error_factor"] = float(node.failover_error_factor)
    return {"standby": body}


def _dump_common_cause(node: CommonCause) -> dict:
    body: dict = {"beta": float(node.beta), "of": [dump_block(c) for c in node.children]}
    if node.k != 1:
        body["k"] = node.k
    if node.name is not None:
        body["name"] = node.name
    if node.beta_error_factor is not None:
        body["beta_error_factor"] = float(node.beta_error_factor)
    return {"common_cause": body}


#: How each block kind is written back: the inverse of the reading above.
_DUMPERS = {
    Component: _dump_component,
    Series: lambda node: {"series": [dump_block(c) for c in node.children]},
    Parallel: lambda node: {"parallel": [dump_block(c) for c in node.children]},
    KofN: lambda node: {"k_of_n": {"k": node.k, "of": [dump_block(c) for c in node.children]}},
    Standby: _dump_standby,
    CommonCause: _dump_common_cause,
}


def dump_block(node) -> dict:
    """One block as the mapping the file format reads back to the same block."""
    dumper = _DUMPERS.get(type(node))
    if dumper is None:
        raise InvalidInputError(
            f"architecture: {type(node).__name__} is not a block kind this file format "
            f"writes; kinds: {', '.join(BLOCK_KINDS)}")
    return dumper(node)


def dump_architecture(architecture: Architecture) -> dict:
    """The design as a mapping of the file format (``yaml.safe_dump`` writes it):
    ``load_architecture(dump_architecture(arch))`` evaluates exactly as ``arch``.

    Figures are written as the numbers the model holds: an availability given as
    ``"99.95%"`` comes back as ``0.9995``, a failover preset as its seconds and error
    factor; a component known by its cloud SLA keeps its ``sla`` id."""
    if not isinstance(architecture, Architecture):
        raise InvalidInputError(
            f"architecture: {type(architecture).__name__} is not an Architecture")
    out: dict = {"name": architecture.name}
    if architecture.description:
        out["description"] = architecture.description
    out["architecture"] = dump_block(architecture.root)
    return out


def architecture_yaml(architecture: Architecture) -> str:
    """``dump_architecture`` as the text of a design file (YAML), headed by a comment."""
    import yaml

    head = (f"# {architecture.name.splitlines()[0][:100]}: written by hadr-workbook from its model\n"
            "# (open it in the architecture explorer, or: hadr evaluate THIS_FILE)\n")
    # libyaml's emitter when present: the explorer writes this on every control move,
    # and the pure-Python one took 5-16 ms for a shipped design (0.1-1.6 ms here)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return head + yaml.dump(dump_architecture(architecture), Dumper=dumper, sort_keys=False,
                            allow_unicode=True, width=100)
