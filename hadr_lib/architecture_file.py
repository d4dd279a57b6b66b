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
Each key is a block kind (``hadr_lib.design``): the kind reads its body, writes it
back and gives its JSON-Schema fragment, so a registered kind is part of the format.
``architecture_schema()`` is generated from the registry; the file
``hadr_lib/schemas/architecture.schema.json`` is that schema for the built-in kinds.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from .catalog import DATA_DIR
from .checks import InvalidInputError
from .design.blocks.gate import ListGate
from .design.blocks.placed import PlacedKind
from .design.domains import DOMAIN_KEYS, domains_schema, read_domains
from .design.kinds import BUILTIN_MODULES, block_kinds, kind_named, kind_of, required_fields
from .model import Architecture
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
#: The built-in block kinds (``design.kinds.block_kinds()`` adds registered ones).
BLOCK_KINDS = BUILTIN_MODULES

_TOP = ("name", "description", "currency", "regions", "zones", "findings", "architecture")
#: ``findings``: what the files a design was read from say (written by ``hadr import``).
FINDING_FIELDS = ("severity", "message", "source", "field")
FINDING_SEVERITIES = ("error", "warning", "info")
MAX_FINDINGS = 2_000
_PLACED = PlacedKind()


def _block(value, path: str, depth: int = 1):
    """A block from its mapping ``{kind: body}``, read by its kind (the registry);
    ``zone: NAME`` or ``region: NAME`` beside the kind places it in a failure domain."""
    if type(value) is dict and len(value) == 1 and depth <= MAX_DEPTH:  # the common case, checked at once
        (key, body), = value.items()
        kind = kind_named(key)
        if kind is not None:  # a domain key or crews alone is no kind: the general path says so
            where = f"{path}.{key}"
            if type(body) is list and body and isinstance(kind, ListGate) and kind.checks_children_only:
                # a series or parallel list, read here as its kind's parse would (read_blocks:
                # each child at where[i], one level deeper): a deep tree has as many gates as
                # components, and this is one call a child, not four
                return kind.built(tuple([_block(c, f"{where}[{i}]", depth + 1) for i, c in enumerate(body)]), where)
            return kind.parse(body, where, lambda child, at: _block(child, at, depth + 1))
    if not (type(value) is dict or isinstance(value, Mapping)) or len(value) == 0:
        raise InvalidInputError(
            f"{path}: {value!r} is not a block; a block is a mapping with one key: "
            f"{', '.join(block_kinds())}")
    if depth > MAX_DEPTH:
        raise InvalidInputError(f"{path}: blocks nested more than {MAX_DEPTH} levels deep; refused")
    places = [k for k in DOMAIN_KEYS if k in value]
    if places and len(value) == len(places):
        raise InvalidInputError(
            f"{path}: {' and '.join(places)} with no block beside; place a block: "
            f"{{series: [...], {places[0]}: NAME}} (one of {', '.join(block_kinds())})")
    if places:
        rest = {k: v for k, v in value.items() if k not in DOMAIN_KEYS}
        node = _block(rest, path, depth + len(places))
        for where in places:  # a region outside a zone: both hold
            node = _PLACED.wrap(node, where, value[where], path)
        return node
    if "crews" in value and len(value) == 2:  # crews beside a parallel's or k_of_n's kind
        value = _crews_inside(value, path)
    if len(value) > 1:
        raise InvalidInputError(
            f"{path}: a block has exactly one key, this one has {len(value)} "
            f"({', '.join(map(shown_key, value))}); use one of {', '.join(block_kinds())} "
            "(zone or region may stand beside it)")
    (key, body), = value.items()
    kind = kind_named(key)
    if kind is None:
        raise InvalidInputError(
            f"{path}.{shown_key(key)}: unknown block type; use one of {', '.join(block_kinds())}")
    return kind.parse(body, f"{path}.{key}", lambda child, where: _block(child, where, depth + 1))


def _crews_inside(value: Mapping, path: str) -> dict:
    """``{parallel: [...], crews: N}`` or ``{k_of_n: {...}, crews: N}`` as the kind's
    own body with ``crews`` in it."""
    (key,) = [k for k in value if k != "crews"]
    body = value[key]
    if key == "parallel" and isinstance(body, list):
        return {key: {"of": body, "crews": value["crews"]}}
    if key in ("parallel", "k_of_n") and isinstance(body, Mapping) and "crews" not in body:
        return {key: {**body, "crews": value["crews"]}}
    raise InvalidInputError(
        f"{path}.crews: shared repair crews go on a parallel or k_of_n of components, not beside "
        f"{shown_key(key)}")


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
    domains = read_domains(data)
    findings = read_findings(data.get("findings"))
    currency = data.get("currency")
    if currency is not None:
        currency = check_text("currency", currency, max_len=12)
    with paused_gc():
        return Architecture(_block(data["architecture"], "architecture"), name, description, domains=domains,
                            findings=findings, currency=currency)


def read_findings(raw) -> tuple[dict, ...]:
    """``findings:``, a list of ``{severity, message, source, field}`` (what ``hadr import``
    found in the files the design was read from), checked; () when absent."""
    if raw is None:
        return ()
    if not isinstance(raw, (list, tuple)) or len(raw) > MAX_FINDINGS:
        raise InvalidInputError(f"findings: {type(raw).__name__} is not a list of at most {MAX_FINDINGS:,} "
                                "findings ({severity, message, source, field})")
    out = []
    for i, f in enumerate(raw):
        where = f"findings[{i}]"
        if not isinstance(f, Mapping):
            raise InvalidInputError(f"{where}: {f!r} is not a mapping with {', '.join(FINDING_FIELDS)}")
        for key in f:
            if key not in FINDING_FIELDS:
                raise InvalidInputError(
                    f"{where}.{shown_key(key)}: unknown field; allowed: {', '.join(FINDING_FIELDS)}")
        if f.get("severity") not in FINDING_SEVERITIES:
            raise InvalidInputError(f"{where}.severity: {f.get('severity')!r} is not one of "
                                    f"{', '.join(FINDING_SEVERITIES)}")
        required_fields(where, f, "message")
        out.append({"severity": f["severity"],
                    **{k: check_text(f"{where}.{k}", f.get(k, ""), max_len=2000) for k in FINDING_FIELDS[1:]}})
    return tuple(out)


_PLACEMENT = {"zone": {"type": "string", "description": "Places the block in this zone (a name under zones)."},
              "region": {"type": "string", "description": "Places the block in this region (a name under regions)."}}


def architecture_schema() -> dict:
    """The JSON Schema of the architecture file format, built from the registered
    block kinds (``hadr_lib/schemas/architecture.schema.json`` is this for the
    built-in kinds, for tools that read a file)."""
    keys = block_kinds()
    defs: dict = {
        "number": {
            "description": "A number, or a string spelling one (\"99.95%\" or \"1e4\").",
            "oneOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?%?\\s*$"},
            ],
        },
        "blocks": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/block"}},
        "block": {
            "description": ("A mapping with exactly one key naming the kind of block, and optionally "
                            "zone or region beside it (the failure domain it is placed in)."),
            "oneOf": [{"$ref": f"#/$defs/{key}_block"} for key in keys],
        },
    }
    for key in keys:
        kind = kind_named(key)
        assert kind is not None  # listed just above
        defs[f"{key}_block"] = {"type": "object", "additionalProperties": False, "required": [key],
                                "properties": {key: kind.schema(), **_PLACEMENT}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/hadr-workbook/hadr-workbook/schemas/architecture.schema.json",
        "title": "hadr-workbook architecture file",
        "description": ("A reliability block diagram: a name, a description and one block. Failures are "
                        "independent except inside a common_cause group."),
        "type": "object",
        "additionalProperties": False,
        "required": ["architecture"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "currency": {"type": "string", "maxLength": 12, "description": (
                "The currency of the components' cost_per_year (default: the scenario's).")},
            **domains_schema(),
            "findings": {
                "type": "array", "maxItems": MAX_FINDINGS,
                "description": "What the files the design was read from say (written by hadr import).",
                "items": {"type": "object", "additionalProperties": False, "required": ["severity", "message"],
                          "properties": {"severity": {"enum": list(FINDING_SEVERITIES)},
                                         "message": {"type": "string"}, "source": {"type": "string"},
                                         "field": {"type": "string"}}}},
            "architecture": {"$ref": "#/$defs/block"},
        },
        "$defs": defs,
    }


# --------------------------------------------------------------------------- writing back


def dump_block(node) -> dict:
    """One block as the mapping the file format reads back to the same block."""
    return kind_of(node).dump_mapping(node, dump_block)


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
    if architecture.currency is not None:
        out["currency"] = architecture.currency
    out.update(architecture.domains.dump())
    if architecture.findings:
        out["findings"] = [dict(f) for f in architecture.findings]
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
