"""Terraform ``.tf`` files read statically (HCL, parsed by python-hcl2; nothing is run
or planned).

A value is read when it is a literal, ``var.NAME`` with a literal default in a
``variable`` block of the same folder, ``local.NAME`` of a ``locals`` block of the same
folder that is itself read so, a string template of those
(``"${local.region}a"``), or a conditional whose condition is read so
(``var.create ? 1 : 0``, ``var.env == "prod" ? 14 : 0``, ``!var.single_az``);
anything else (a reference, a function, a conditional on something unread) needs
evaluation and is reported as unknown, never guessed.
References between resources are followed where they name them
(``aws_route53_health_check.api.id``, ``aws_subnet.a.id``). ``count`` multiplies a
resource when it is a literal; ``for_each`` over a literal map or set (or a variable or
local holding one) makes an instance per key, ``each.key`` and ``each.value(.ATTR)`` read
(``aws_subnet.private["a"]``); ``count = length(var.X)`` is read when the list is, with
``var.X[count.index]`` and ``element(var.X, count.index)`` per instance; every instance
of a subnet resource (``[*]``, ``.*``, ``values()``, a ``for`` expression) is followed.
A local module (``source = "../modules/db"``, read from disk) is read with its caller's
inputs, its resources addressed ``module.db.aws_...``: a literal input replaces the
module's default, an input that needs evaluation in the caller is unknown there (never
read in the module's scope), references passed in or read from its outputs keep naming
their resources (``_Ref``), ``providers`` maps its provider, ``count`` and ``for_each``
make instances; a folder another imported folder calls is read only there.
The inputs of the community modules ``terraform-aws-modules/rds/aws``, ``autoscaling/aws``,
``elasticache/aws`` (a replication group; cluster mode turns failover on), ``s3-bucket/aws`` (its replication rules) and
``route53/aws`` (its ``records``, the records submodule's list or the root module's map)
and ``rds-aurora/aws`` (a cluster and an instance per key of ``instances``, or
``replica_count`` instances in all before version 7; backups kept 7 days unless set)
are read as the resources they create (with the modules' defaults: ``multi_az`` false);
``vpc/aws`` makes its subnet lists in the zones of its literal ``azs``, its outputs of the
same names listing them. Each
block's ``source`` is the file, line and address; ``provider = aws.ALIAS`` on a resource
and ``providers = { aws = aws.ALIAS }`` on a module give its region (the alias's provider
block's literal region). The resources are then read as the
plan importer reads them (AWS's defaults where an attribute is left out:
``backup_retention_period`` 1, ``multi_az`` false).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..checks import InvalidInputError
from ..safe_load import read_text
from . import FROM_FOLDERS, Finding, Imported, Importer, dig, printable, whole
from .terraform import AwsReader

__all__ = ["IMPORTER"]

UNKNOWN = object()
#: .tf files larger than this are refused before parsing (HCL's parser is not linear).
MAX_TF_BYTES = 4 * 1024 * 1024
MAX_SIBLINGS = 200
_COMMENTED_BACKUP = re.compile(r"^\s*(#|//).*\b(backup\w*|snapshot\w*)\s*=", re.I)
_REF = re.compile(r"^\$\{([A-Za-z0-9_.\[\]\"-]+)\}$")
#: One ``${...}`` of a string template (the inside without braces or quotes).
_PART = re.compile(r"\$\{([^{}\"]*)\}")
#: A reference a template's part may name and be read: a variable or a local, by name.
_NAMED = re.compile(r"^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$")
#: A literal inside an expression: a string without templates, a number, a bool.
_LIT = r'"[^"${}\\]*"|-?\d+(?:\.\d+)?|true|false'
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
#: ``COND ? A : B`` with COND a name, ``!name`` or ``name ==/!= literal``, and A and B
#: literals or names: the conditional read when its condition is (``count = var.on ? 1 : 0``).
_COND = re.compile(rf"^\$\{{\s*(!?)\s*({_NAME})\s*(?:(==|!=)\s*({_LIT})\s*)?\?\s*({_LIT}|{_NAME})\s*:"
                   rf"\s*({_LIT}|{_NAME})\s*\}}$")
#: ``!name``: a bool read and negated.
_NOT = re.compile(rf"^\$\{{\s*!\s*({_NAME})\s*\}}$")
#: How many references one value may go through (``local.a`` -> ``local.b`` -> ``var.c``).
MAX_HOPS = 8
#: A template read longer than this is unknown (templates of templates grow geometrically).
MAX_TEMPLATE_CHARS = 10_000
MODULES = {
    "terraform-aws-modules/rds/aws": "aws_db_instance",
    "terraform-aws-modules/autoscaling/aws": "aws_autoscaling_group",
    "terraform-aws-modules/elasticache/aws": "aws_elasticache_replication_group",
    "terraform-aws-modules/s3-bucket/aws": "aws_s3_bucket_replication_configuration",
    "terraform-aws-modules/route53/aws": "aws_route53_record",
    "terraform-aws-modules/rds-aurora/aws": "aws_rds_cluster",
}
#: The community VPC module: each subnet list it takes (CIDRs) is an output of the same
#: name listing the subnets it makes, subnet i in zone ``azs[i]`` (cycling through them).
VPC_MODULE = "terraform-aws-modules/vpc/aws"
VPC_SUBNETS = ("private_subnets", "public_subnets", "database_subnets", "intra_subnets",
               "elasticache_subnets", "redshift_subnets")
#: Subnets read from one VPC module block at most, per list.
MAX_VPC_SUBNETS = 256
#: The Aurora module's own defaults where they differ from AWS's (``backup_retention_period``).
AURORA_MODULE_DEFAULTS = {"backup_retention_period": 7}
#: Records read from one module block at most (a ``records`` list or map).
MAX_MODULE_RECORDS = 200
#: A module's ``source`` that is a folder of the same tree (Terraform: it begins ``./`` or ``../``).
_LOCAL = re.compile(r"^\.\.?/")
#: ``module.NAME.OUTPUT``: a local module's output, as its caller names it (of one
#: instance: ``module.NAME[0].OUTPUT``, ``module.NAME["key"].OUTPUT``).
_OUTPUT = re.compile(r'^module\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:\d+|"[^"\[\]]*")\])?\.([A-Za-z_][A-Za-z0-9_-]*)$')
#: How deep local modules may call local modules, and how many module instances one import reads.
MAX_MODULE_DEPTH = 6
MAX_LOCAL_MODULES = 100
#: The arguments of a ``module`` block that are Terraform's, not the module's inputs.
MODULE_META = ("source", "version", "providers", "count", "for_each", "depends_on")
#: What a resource's absent attribute is (AWS's or the provider's default).
DEFAULTS = {"aws_db_instance": {"multi_az": False, "backup_retention_period": 1},
            "aws_rds_cluster": {"backup_retention_period": 1}}


class _Opaque(str):
    """A value from another module's scope that needs evaluation there (the caller's
    ``var.x`` with no default, a function): unknown here, and never read in this
    module's scope, where the same words may name something else."""


class _Ref(_Opaque):
    """A reference to a resource, made absolute in the module it was written in (the
    caller's ``aws_subnet.a.id`` given as a module's input is ``aws_subnet.a``, not the
    module's own ``module.app.aws_subnet.a``); ``address`` is what it names."""
    address: str

    def __new__(cls, text: str, address: str) -> _Ref:
        made = super().__new__(cls, text)
        made.address = address
        return made


def _literal(text: str) -> Any:
    """A literal of an expression (``_LIT``) as its value."""
    if text in ("true", "false"):
        return text == "true"
    if text.startswith('"'):
        return text[1:-1]
    return float(text) if "." in text else int(text)


def _truth(value: Any) -> bool | None:
    """A condition's value: a bool (or the strings Terraform converts to one), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return None


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` with each opaque string an ordinary one (as written where it came from)."""
    if isinstance(value, _Opaque):
        return str(value)
    if depth < 20 and isinstance(value, list):
        return [_plain(v, depth + 1) for v in value]
    if depth < 20 and isinstance(value, dict):
        return {k: _plain(v, depth + 1) for k, v in value.items()}
    return value


def _claims(path: str, text: str) -> bool:
    return path.endswith(".tf")


def _parse(path: str, text: str) -> dict:
    import hcl2

    if len(text.encode("utf-8")) > MAX_TF_BYTES:
        raise InvalidInputError(f"{path}: over {MAX_TF_BYTES:,} bytes of HCL; refused")
    try:
        doc = hcl2.load(io.StringIO(text), with_meta=True)
    except RecursionError:
        raise InvalidInputError(f"{path}: nested too deeply; refused") from None
    except Exception as exc:  # lark's errors: one line, with where it stopped
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInputError(f"{path}: not HCL that Terraform reads ({first[:200]})") from None
    return doc if isinstance(doc, dict) else {}


def _defaults(doc: dict) -> tuple[dict[str, Any], dict[str, Any]]:
    """The literal-or-not ``default`` of each ``variable`` block of a parsed file, and
    each value of its ``locals`` blocks."""
    variables: dict[str, Any] = {}
    for block in doc.get("variable") or []:
        for name, body in (block.items() if isinstance(block, dict) else []):
            if isinstance(body, dict) and "default" in body:
                variables.setdefault(name, body["default"])
    local: dict[str, Any] = {}
    for block in doc.get("locals") or []:
        for name, value in (block.items() if isinstance(block, dict) else []):
            if not name.startswith("__"):
                local.setdefault(name, value)
    return variables, local


@lru_cache(maxsize=512)
def _file_defaults(path: str, mtime_ns: int, size: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``_defaults`` of a file on disk, parsed once per version of it (every .tf file of
    a folder reads its siblings' variables: without this, n files parse n^2 times)."""
    try:
        return _defaults(_parse(path, read_text(Path(path))))
    except InvalidInputError:
        return {}, {}  # that file gets its own message when it is read


def _variables(path: str, doc: dict, parsed: Mapping[Path, dict] | None = None
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``variable`` defaults and ``locals`` of this file and of the ``.tf`` files beside it
    (those in ``parsed``, by resolved path, not parsed again)."""
    variables, local = _defaults(doc)
    here = Path(path)
    if FROM_FOLDERS.get() and here.parent.is_dir():
        for sibling in sorted(here.parent.glob("*.tf"))[:MAX_SIBLINGS]:
            if sibling.resolve() != here.resolve() and sibling.is_file():
                known = (parsed or {}).get(sibling.resolve())
                if known is not None:
                    theirs, their_locals = _defaults(known)
                else:
                    st = sibling.stat()
                    theirs, their_locals = _file_defaults(str(sibling), st.st_mtime_ns, st.st_size)
                for name, value in theirs.items():
                    variables.setdefault(name, value)
                for name, value in their_locals.items():
                    local.setdefault(name, value)
    return variables, local


class _Walk:
    """What the modules of one import share: each file parsed once, how many local
    modules have been read (bounded), their outputs by address, and every file read."""
    def __init__(self) -> None:
        self.parsed: dict[Path, tuple[str, str, dict]] = {}  # by resolved path: (path as given, text, parsed)
        self.modules = 0
        self.outputs: dict[str, Any] = {}  # "module.a.module.b.OUT": the output, made absolute
        self.read: list[tuple[str, str]] = []  # (path, text) of each module file read from disk

    def folder(self, folder: Path, shown: Path) -> tuple[list[tuple[str, str, dict]], list[str]]:
        """The parsed ``.tf`` files of a module's folder (``shown``: the path as it is
        written in sources), and a line for each that cannot be read."""
        out, bad = [], []
        for f in sorted(folder.glob("*.tf"))[:MAX_SIBLINGS]:
            key = f.resolve()
            if key not in self.parsed:
                path = str(shown / f.name)
                try:
                    text = read_text(f, limit=MAX_TF_BYTES)
                    self.parsed[key] = (path, text, _parse(path, text))
                    self.read.append((path, text))
                except InvalidInputError as exc:
                    bad.append(str(exc))
                    continue
            out.append(self.parsed[key])
        return out, bad


class _Module:
    """One ``.tf`` file of a module, with what its module's variables and locals hold.
    A module called by another (``prefix`` ``module.NAME.``) has its caller's
    ``inputs`` as its variables, read in the caller's scope."""
    def __init__(self, path: str, doc: dict, parsed: Mapping[Path, dict] | None = None, *, prefix: str = "",
                 inputs: Mapping[str, Any] | None = None, walk: _Walk | None = None,
                 providers: Mapping[str, str] | None = None, chain: tuple[Path, ...] = ()):
        self.path, self.doc = path, doc
        self.vars, self.locals = _variables(path, doc, parsed)
        self.vars.update(inputs or {})
        self.prefix, self.walk, self.chain = prefix, walk, chain
        self.providers = dict(providers or {})  # a provider key here: the root module's key it is
        self.findings: list[Finding] = []
        self._read: dict[str, Any] = {}  # each variable, local and output, once read

    def _table(self, ref: str) -> Any:
        """What ``var.NAME``, ``local.NAME`` or a local module's ``module.NAME.OUTPUT``
        holds as written (``_MISSING`` when it names none of them)."""
        named = _NAMED.match(ref)
        if named:
            table = self.vars if named.group(1) == "var" else self.locals
            return table.get(named.group(2), _MISSING)
        out = _OUTPUT.match(ref)
        if out and self.walk is not None:
            return self.walk.outputs.get(self.prefix + ref, _MISSING)
        return _MISSING

    def named(self, ref: str, hops: int = 0) -> Any:
        """The value ``var.NAME``, ``local.NAME`` or ``module.NAME.OUTPUT`` reads, or
        UNKNOWN; each is read once (a file whose locals each name the next many times is
        not read exponentially)."""
        ref = ref.strip()
        held = self._table(ref) if hops < MAX_HOPS else _MISSING
        if held is _MISSING:
            return UNKNOWN
        if ref not in self._read:
            self._read[ref] = UNKNOWN  # while it is read: a loop through it stays unknown
            self._read[ref] = self.resolve(held, hops + 1)
        return self._read[ref]

    def held(self, raw: Any, hops: int = 0) -> Any:
        """``raw`` followed through whole references to variables, locals and outputs to
        what they hold as written (a caller's reference stays one)."""
        while isinstance(raw, str) and not isinstance(raw, _Opaque) and hops < MAX_HOPS:
            m = _REF.match(raw)
            got = self._table(m.group(1)) if m else _MISSING
            if got is _MISSING:
                break
            raw, hops = got, hops + 1
        return raw

    def resolve(self, raw: Any, hops: int = 0) -> Any:
        """``raw`` with its variables, locals and templates of them read: a string that
        needs more is UNKNOWN; in a list or a map, such an element is left as written
        (references to resources are followed from there)."""
        if isinstance(raw, _Opaque):
            return UNKNOWN
        if isinstance(raw, str):
            if "${" not in raw:
                return raw
            whole_ref = _REF.match(raw)
            if whole_ref:
                return self.named(whole_ref.group(1), hops)
            if len(raw) < 1000 and ("?" in raw or "!" in raw):
                got = self._conditional(raw, hops)
                if got is not _MISSING:
                    return got
            parts: list[str] = []
            at = 0
            for part in _PART.finditer(raw):
                got = self.named(part.group(1), hops)
                if got is UNKNOWN or isinstance(got, (dict, list)) or got is None:
                    return UNKNOWN
                parts += [raw[at:part.start()], str(got).lower() if isinstance(got, bool) else str(got)]
                at = part.end()
            rest = raw[at:]
            joined = "".join(parts) + rest
            return UNKNOWN if "${" in rest or len(joined) > MAX_TEMPLATE_CHARS else joined
        if hops >= MAX_HOPS:
            return raw
        if isinstance(raw, list):
            return [self._kept(v, hops) for v in raw]
        if isinstance(raw, dict):
            return {k: self._kept(v, hops) for k, v in raw.items()}
        return raw

    def _conditional(self, raw: str, hops: int) -> Any:
        """``COND ? A : B`` or ``!name`` read when what they name is (``_MISSING``: not
        one of those forms; UNKNOWN: one, but what it names needs evaluation)."""
        def operand(text: str) -> Any:
            return _literal(text) if re.fullmatch(_LIT, text) else self.named(text, hops)

        neg = _NOT.match(raw)
        if neg:
            got = _truth(self.named(neg.group(1), hops))
            return UNKNOWN if got is None else not got
        m = _COND.match(raw)
        if not m:
            return _MISSING
        held = self.named(m.group(2), hops)
        if held is UNKNOWN:
            return UNKNOWN
        if m.group(3):
            lit = _literal(m.group(4))
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (held, lit))
            same = held == lit and (numbers or type(held) is type(lit))
            cond: bool | None = same if m.group(3) == "==" else not same
        else:
            cond = _truth(held)
        if cond is None:
            return UNKNOWN
        if m.group(1):
            cond = not cond
        return operand(m.group(5) if cond else m.group(6))

    def _kept(self, raw: Any, hops: int) -> Any:
        got = self.resolve(raw, hops + 1)
        if got is not UNKNOWN:
            return got
        held = self.held(raw)
        return held if isinstance(held, _Opaque) else raw  # a caller's reference stays one

    def value(self, raw: Any, where: str, field: str, report: bool = True) -> Any:
        """A literal, a variable's or local's value, or UNKNOWN (said, when ``report``)."""
        if isinstance(raw, (list, dict)):
            return self.resolve(raw)
        if isinstance(raw, str) and "${" in raw:
            got = self.resolve(raw)
            if got is not UNKNOWN:
                return got
            if report:
                held = self.held(raw)
                given = isinstance(held, _Opaque) and held.startswith("${")
                whence = f" (the caller gives {held[2:-1][:120]})" if given else ""
                self.findings.append(Finding("info", f"{field} = {raw[2:-1][:120]}{whence} needs evaluation: "
                                             "unknown here", where, field))
            return UNKNOWN
        return raw

    def reference(self, raw: Any) -> str | None:
        """The resource address a ``${type.name.attr}`` reference names (through
        variables, locals and outputs that hold one)."""
        raw = self.held(raw)
        if isinstance(raw, _Ref):
            return raw.address
        m = _REF.match(raw) if isinstance(raw, str) and not isinstance(raw, _Opaque) else None
        if not m:
            return None
        parts = m.group(1).split(".")
        return self.prefix + ".".join(parts[:2]) if len(parts) >= 2 and parts[0].startswith("aws_") else None

    def provider(self, raw: Any) -> str:
        """The root module's key of the provider a resource here names (``aws`` when none)."""
        key = _provider_key(raw)
        return self.providers.get(key, key)

    def absolute(self, raw: Any, depth: int = 0) -> Any:
        """``raw`` read here and made fit to be read in another module (a module's input,
        an output): literals read, references to resources absolute, the rest opaque."""
        if isinstance(raw, _Opaque):
            return raw
        if isinstance(raw, str):
            if "${" not in raw:
                return raw
            got = self.resolve(raw)
            if got is not UNKNOWN:
                return self.absolute(got, depth + 1) if isinstance(got, (list, dict)) and depth < 20 else got
            every = _ALL_OF.match(raw)
            if every:
                return [_Ref(raw, f"{SPLAT}{self.prefix}{every.group(1) or every.group(2) or every.group(4)}")]
            held = self.held(raw)
            if isinstance(held, (list, dict, _Opaque)):
                return self.absolute(held, depth + 1) if depth < 20 else _Opaque(raw)
            ref = self.reference(raw)
            return _Ref(raw, ref) if ref else _Opaque(raw)
        if depth < 20 and isinstance(raw, list):
            return [self.absolute(v, depth + 1) for v in raw]
        if depth < 20 and isinstance(raw, dict):
            return {k: self.absolute(v, depth + 1) for k, v in raw.items() if not str(k).startswith("__")}
        return raw


def _blocks(doc: dict, key: str) -> list[tuple[str, str, dict]]:
    out = []
    for block in doc.get(key) or []:
        if not isinstance(block, dict):
            continue
        for rtype, named in block.items():
            if key == "module":
                if isinstance(named, dict):
                    out.append(("module", rtype, named))
                continue
            for name, body in (named.items() if isinstance(named, dict) else []):
                if isinstance(body, dict):
                    out.append((rtype, name, body))
    return out


#: The attributes whose being unknown changes the design, per resource type.
RELEVANT = {
    "aws_db_instance": ("multi_az", "backup_retention_period", "count"),
    "aws_autoscaling_group": ("min_size", "desired_capacity", "availability_zones", "count"),
    "aws_route53_record": ("name", "type", "ttl"),
    "aws_route53_health_check": ("request_interval", "failure_threshold"),
    "aws_elasticache_replication_group": ("num_cache_clusters", "automatic_failover_enabled"),
    "aws_lb": ("subnets",),
    "aws_elb": ("subnets", "availability_zones"),
    "aws_ecs_service": ("desired_count",),
    "aws_rds_cluster": ("backup_retention_period",),
}


#: ``for_each = toset([...])`` over literal strings (as python-hcl2 writes it).
_TOSET = re.compile(r"^\$\{toset\((\[.*\])\)\}$", re.S)
#: ``each.key``, ``each.value`` and ``each.value.ATTR...`` inside a ``${...}``.
_EACH = re.compile(r"\$\{each\.(key|value)((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\}")
_MISSING = object()
#: Instances read from one ``for_each`` at most.
MAX_EACH = 100


def _for_each_items(m: _Module, raw: Any) -> list[tuple[str, Any]] | None:
    """(each.key, each.value) of a ``for_each`` that is a literal map, a set of literal
    strings, or a variable or local holding one; None when it needs evaluation."""
    if isinstance(raw, str):
        toset = _TOSET.match(raw) if len(raw) < 20_000 else None
        if toset:
            import ast

            try:
                items = ast.literal_eval(toset.group(1))
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return None
            raw = items
        else:
            raw = m.resolve(raw)
    if isinstance(raw, dict):
        return [(str(k), v) for k, v in raw.items() if not str(k).startswith("__")]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return [(x, x) for x in dict.fromkeys(raw)]
    return None


def _substituted(value: Any, marker: str, pattern: re.Pattern, lookup: Callable[[re.Match], Any],
                 finish: Callable[[str], str] = str, depth: int = 0) -> Any:
    """``value`` with each match of ``pattern`` in its strings (those holding ``marker``)
    read by ``lookup`` (``_MISSING``: left as written). A string that is one match becomes
    the value itself; a match inside a string becomes its text, and ``finish`` is applied
    to the string then."""
    if isinstance(value, str):
        if marker not in value:
            return value
        whole_ref = pattern.fullmatch(value)
        if whole_ref:
            got = lookup(whole_ref)
            return value if got is _MISSING else got
        return finish(pattern.sub(lambda mt: mt.group(0) if isinstance(got := lookup(mt), (dict, list))
                                  or got is _MISSING else str(got), value))
    if depth < 20 and isinstance(value, list):
        return [_substituted(v, marker, pattern, lookup, finish, depth + 1) for v in value]
    if depth < 20 and isinstance(value, dict):
        return {k: _substituted(v, marker, pattern, lookup, finish, depth + 1) for k, v in value.items()}
    return value


def _each(value: Any, key: str, item: Any) -> Any:
    """``value`` with ``each.key`` and ``each.value(.ATTR)`` read for one instance."""
    def lookup(mt: re.Match) -> Any:
        got: Any = key if mt.group(1) == "key" else item
        for part in filter(None, mt.group(2).split(".")):
            got = got.get(part, _MISSING) if isinstance(got, dict) else _MISSING
        return got

    return _substituted(value, "each.", _EACH, lookup)


#: Every instance of a subnet resource: ``aws_subnet.a[*].id``, ``aws_subnet.a.*.id``,
#: ``values(aws_subnet.a)[*].id`` and ``[for s in aws_subnet.a : s.id]``.
_ALL_OF = re.compile(r"^\$\{(?:(aws_subnet\.[\w-]+)(?:\[\*\]|\.\*)\.id|values\((aws_subnet\.[\w-]+)\)\[\*\]\.id|"
                     r"\[for (\w+) in (aws_subnet\.[\w-]+) ?: ?\3\.id\])\}$")
SPLAT = "every instance of "
#: ``length(var.X)`` / ``length(local.X)``: a count over a list read from the folder.
_LENGTH = re.compile(r"^\$\{length\(((?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*)\)\}$")
#: ``X[count.index]`` and ``element(X, count.index)`` for a variable or local ``X``.
_AT_INDEX = re.compile(r"\$\{(?:((?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\[\]{}]*\])\[count\.index\]|"
                       r"element\(((?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\[\]{}]*\]),\s*count\.index\))\}")


def _listed(m: _Module, ref: str) -> Any:
    """The list a ``count.index`` indexes: a variable's or local's, or a literal one
    (as python-hcl2 writes it: ``['a', 'b']``)."""
    if ref.startswith("["):
        import ast

        try:
            got = ast.literal_eval(ref) if len(ref) < 20_000 else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
        return got if isinstance(got, list) else None
    return m.named(ref)


def _count_of(m: _Module, raw: Any) -> int | None:
    """A ``count`` that is a literal, a variable or local holding one, or the length
    of a list read so; None when it needs evaluation."""
    if isinstance(raw, str):
        length = _LENGTH.match(raw)
        if length:
            got = m.named(length.group(1))
            return len(got) if isinstance(got, (list, dict)) else None
        raw = m.resolve(raw)
    return whole(raw)


def _indexed(m: _Module, value: Any, i: int) -> Any:
    """``value`` with ``count.index`` read for instance ``i`` (``${count.index}``,
    ``var.azs[count.index]``, ``element(var.azs, count.index)``)."""
    def item(mt: re.Match) -> Any:
        got = _listed(m, mt.group(1) or mt.group(2))
        if not isinstance(got, list) or not got:
            return _MISSING
        at = i if mt.group(1) else i % len(got)  # element() wraps round
        return got[at] if at < len(got) else _MISSING

    return _substituted(value, "count.index", _AT_INDEX, item, lambda text: text.replace("${count.index}", str(i)))


#: Attributes whose expression, when it cannot be evaluated, is kept as written: it still
#: tells records apart (a record set's name and zone) or names what it refers to (a read
#: replica's source: ``module.primary.db_instance_arn``).
WRITTEN = {"aws_route53_record": ("name", "zone_id"), "aws_db_instance": ("replicate_source_db",),
           "aws_rds_cluster": ("global_cluster_identifier", "replication_source_identifier")}


def _instances(m: _Module, body: dict, address: str, where: str, *,
               plain_count: bool = True) -> list[tuple[str, dict]] | None:
    """(address, body) of each instance of a block with a ``count`` read (``count.index``
    read in each; with ``plain_count`` False only a count that uses it) or a ``for_each``
    read (``each.key`` and ``each.value`` read); None when it has neither or they need
    evaluation (the caller reads it as one)."""
    if "count" in body and (plain_count or "count.index" in str(body)):
        n = _count_of(m, body["count"])
        if n is not None:
            rest = {k: v for k, v in body.items() if k != "count"}
            n = max(0, min(n, MAX_EACH))
            return [(address if n == 1 else f"{address}[{i}]", _indexed(m, rest, i)) for i in range(n)]
    if "for_each" in body:
        items = _for_each_items(m, body["for_each"])
        if items is not None:
            if len(items) > MAX_EACH:
                m.findings.append(Finding("info", f"{address}: for_each over {len(items):,} keys: the first "
                                          f"{MAX_EACH} read", where, "for_each"))
            rest = {k: v for k, v in body.items() if k != "for_each"}
            return [(f'{address}["{k}"]', _each(rest, k, item)) for k, item in items[:MAX_EACH]]
    return None


def _as_list(m: _Module, raw: Any) -> Any:
    """``raw``, or the list a variable, local or output it names holds (subnets passed
    in as ``var.subnet_ids``), read once."""
    if isinstance(raw, str):
        got = m.resolve(raw)
        if isinstance(got, list):
            return got
    return raw


def _local_source(body: dict) -> str | None:
    """A ``module`` block's ``source`` when it is a local folder (``../modules/db``)."""
    source = body.get("source")
    return source if isinstance(source, str) and _LOCAL.match(source) else None


def _translate(m: _Module, rtype: str, name: str, body: dict, address: str, where: str) -> list[dict]:
    # each instance its own (count.index or each.* read); a count without count.index is read below
    instances = _instances(m, body, address, where, plain_count=False)
    if instances is not None:
        return [r for at, one in instances for r in _translate(m, rtype, name, one, at, where)]
    relevant = RELEVANT.get(rtype, ())
    known = {k: m.value(v, where, k, k in relevant) for k, v in body.items() if not k.startswith("__")}
    values: dict[str, Any] = {**DEFAULTS.get(rtype, {})}
    for k, v in known.items():
        values[k] = None if v is UNKNOWN else v
    unknown = {k: True for k, v in known.items() if v is UNKNOWN}
    for key in WRITTEN.get(rtype, ()):  # unknown: the expression written names what it refers to
        raw = body.get(key)
        if key in unknown and isinstance(raw, str):
            held = m.held(raw)
            values[key] = (held.address if isinstance(held, _Ref)
                           else m.prefix + (raw[2:-1] if raw.startswith("${") and raw.endswith("}") else raw))
    if rtype in ("aws_route53_record",):
        hc = m.reference(body.get("health_check_id"))
        if hc:
            values["health_check_id"] = hc
            unknown.pop("health_check_id", None)
    for key in ("vpc_zone_identifier", "subnets", "subnet_ids"):  # subnets by reference: their zones are known
        subnets = body.get(key)
        if rtype not in ("aws_autoscaling_group", "aws_lb", "aws_alb", "aws_elb", "aws_eks_node_group"):
            continue
        every = _ALL_OF.match(subnets) if isinstance(subnets, str) else None
        if every:  # every instance of a counted or for_each subnet resource, expanded in _read
            values[key] = [f"{SPLAT}{m.prefix}{every.group(1) or every.group(2) or every.group(4)}"]
            unknown.pop(key, None)
            continue
        subnets = _as_list(m, subnets)
        if isinstance(subnets, list):
            values[key] = [m.reference(s) or s for s in subnets]
            unknown.pop(key, None)
    if rtype == "aws_ecs_service" and isinstance(body.get("network_configuration"), list):
        net = body["network_configuration"][0] if body["network_configuration"] else {}
        subnets = net.get("subnets") if isinstance(net, dict) else None
        every = _ALL_OF.match(subnets) if isinstance(subnets, str) else None
        subnets = subnets if every else _as_list(m, subnets)
        named = ([f"{SPLAT}{m.prefix}{every.group(1) or every.group(2) or every.group(4)}"] if every else
                 [m.reference(x) or m.resolve(x) for x in subnets] if isinstance(subnets, list) else [])
        values["network_configuration"] = [{"subnets": [x for x in named if isinstance(x, str)]}]
        unknown.pop("network_configuration", None)
    if rtype == "aws_instance" and m.reference(body.get("subnet_id")):  # its subnet, by reference: its zone
        values["subnet_id"] = m.reference(body.get("subnet_id"))
        unknown.pop("subnet_id", None)
    if rtype in ("aws_subnet", "aws_route53_health_check"):
        values["id"] = address
    if rtype == "aws_rds_cluster_instance":  # its cluster, by the reference that names it
        values["cluster_identifier"] = m.reference(body.get("cluster_identifier")) or values.get("cluster_identifier")
        unknown.pop("cluster_identifier", None)
    counted = _count_of(m, body["count"]) if "count" in body else 1
    count: Any = UNKNOWN if counted is None else counted
    if "for_each" in known:  # not read above: it needs evaluation
        m.findings.append(Finding("info", f"{address}: its for_each needs evaluation; read as one instance",
                                  where, "for_each"))
        count = 1
    elif count is UNKNOWN or not isinstance(count, int) or isinstance(count, bool):
        if "count" in known:
            m.findings.append(Finding("info", f"{address}: its count is not a literal; read as one", where, "count"))
        count = 1
    count = max(0, min(count, 100))
    values = _plain(values)  # a caller's value, unread, is its text as written there
    out = []
    for i in range(count):
        addr = address if count == 1 else f"{address}[{i}]"
        these = dict(values)
        if count > 1 and isinstance(values.get("identifier"), str):
            these["identifier"] = f"{values['identifier']}-{i}"
        r = {"address": addr, "type": rtype, "mode": "managed", "values": these, "where": where, "unknown": unknown}
        out.append(r)
    return out


def _aurora(address: str, inputs: dict) -> list[tuple[str, dict, str]]:
    """The Aurora module's cluster and its instances: one per key of ``instances`` (version
    7 on), or ``replica_count`` of them (earlier versions: that many instances in all, the
    first the writer)."""
    if inputs.get("create") is False or inputs.get("create_cluster") is False:
        return []
    cluster = f"{address}.aws_rds_cluster.this"
    body = {**AURORA_MODULE_DEFAULTS, **inputs, "cluster_identifier": inputs.get("name") or cluster}
    out = [(cluster, body, "aws_rds_cluster")]
    instances = inputs.get("instances")
    if isinstance(instances, dict):
        keys = [str(k) for k in instances if not str(k).startswith("__")][:MAX_MODULE_RECORDS]
    else:
        count = whole(inputs.get("replica_count"))
        keys = [str(i) for i in range(min(count, MAX_MODULE_RECORDS))] if count is not None else []
    for key in keys:
        out.append((f'{cluster}_instance.this["{key}"]', {"cluster_identifier": cluster},
                    "aws_rds_cluster_instance"))
    return out


def _module_resources(made: str, address: str, inputs: dict) -> list[tuple[str, dict, str]]:
    """What a community module's inputs create, as (address, the resource's attributes,
    its type): the module's own defaults and its renames applied, nothing evaluated."""
    if made == "aws_rds_cluster":
        return _aurora(address, inputs)
    return [(a, body, made) for a, body in _one_kind(made, address, inputs)]


def _one_kind(made: str, address: str, inputs: dict) -> list[tuple[str, dict]]:
    """``_module_resources`` of a module that makes resources of one type."""
    if made == "aws_elasticache_replication_group":
        if inputs.get("create_replication_group") is False:
            return []
        body = dict(inputs)
        if body.get("cluster_mode_enabled") is True:  # the module turns failover on for cluster mode
            body["automatic_failover_enabled"] = True
            replicas = whole(body.get("replicas_per_node_group"))
            if replicas is not None and "num_cache_clusters" not in body:
                body["num_cache_clusters"] = replicas + 1  # the nodes of one shard
        return [(address, body)]
    if made == "aws_s3_bucket_replication_configuration":
        conf = inputs.get("replication_configuration")
        rules = conf.get("rules") if isinstance(conf, dict) else None
        if not isinstance(rules, list):
            return []
        read = []
        for rule in rules[:MAX_MODULE_RECORDS]:
            rule = rule if isinstance(rule, dict) else {}
            deletes = rule.get("delete_marker_replication_status", rule.get("delete_marker_replication"))
            on = deletes is True or str(deletes).lower() in ("enabled", "true")
            read.append({"delete_marker_replication": {"status": "Enabled" if on else "Disabled"}})
        return [(address, {"rule": read})]
    if made == "aws_route53_record":  # the records module (a list) or the root module (a map)
        records = inputs.get("records")
        items = (list(records.items()) if isinstance(records, dict)
                 else list(enumerate(records)) if isinstance(records, list) else [])
        zone = inputs.get("zone_id", inputs.get("zone_name"))
        out = []
        for key, rec in items[:MAX_MODULE_RECORDS]:
            if not isinstance(rec, dict):
                continue
            body = {k: rec[k] for k in ("name", "type", "ttl", "records", "set_identifier", "health_check_id")
                    if k in rec}
            body["zone_id"] = zone
            body["name"] = rec.get("full_name", rec.get("name", ""))
            for block in ("alias", "failover_routing_policy"):
                if isinstance(rec.get(block), dict):
                    body[block] = [rec[block]]
            out.append((f'{address}.aws_route53_record.this["{key}"]', body))
        return out
    return [(address, inputs)]


class _HclReader(AwsReader):
    def where(self, r: dict) -> str:
        return str(r.get("where") or self.path)

    def known(self, r: dict, key: str) -> bool:
        return not bool((r.get("unknown") or {}).get(key))


def _read(path: str, text: str) -> Imported:
    return _read_together([(path, text)])[0]


def _read_together(files: list[tuple[str, str]]) -> list[Imported]:
    """``.tf`` files imported together: those of one folder are one Terraform module, read
    as one (a replica in ``dr.tf`` pairs with its source in ``main.tf``, a resource in
    ``db.tf`` takes its region from the provider in ``providers.tf``, subnets in
    ``network.tf`` place the instances in ``app.tf``); what a folder's files make between
    them is given with its first file. A folder that another folder among them calls as a
    local module (``source = "../modules/db"``) is read there, with its caller's inputs,
    not again on its own."""
    walk = _Walk()
    folders: dict[Path, list[int]] = {}
    for i, (path, text) in enumerate(files):
        if text.strip():
            walk.parsed[Path(path).resolve()] = (path, text, _parse(path, text))
        folders.setdefault(Path(path).parent.resolve(), []).append(i)
    calls: dict[Path, dict[Path, str]] = {f: {} for f in folders}  # a folder: the folders it calls, by which file
    for f, at in folders.items():
        for i in at:
            doc = walk.parsed.get(Path(files[i][0]).resolve(), ("", "", {}))[2]
            for _, _, body in _blocks(doc, "module"):
                source = _local_source(body)
                if source is not None:
                    g = _called(files[i][0], source)
                    if g != f:
                        calls[f].setdefault(g, files[i][0])
    called = {g for f in folders for g in calls[f] if g in folders}
    roots = [f for f in folders if f not in called]
    reached, todo = set(roots), list(roots)
    while todo:  # what the roots call, and what that calls: read through them
        for g in calls[todo.pop()]:
            if g in folders and g not in reached:
                reached.add(g)
                todo.append(g)
    out: list[Imported] = [Imported()] * len(files)
    for f, at in folders.items():
        if f in reached and f not in roots:  # read as a module of its caller
            by = next(calls[c][f] for c in folders if f in calls[c] and c in reached)
            out[at[0]] = Imported(findings=[Finding("info", f"read as a local module where {by} calls it, with "
                                                    "the inputs given there (not on its own)", files[at[0]][0],
                                                    "source")])
            for i in at[1:]:
                out[i] = Imported()
            continue
        for i, got in zip(at, _read_module([files[i] for i in at], walk), strict=True):
            out[i] = got
    return out


def _called(path: str, source: str) -> Path:
    """The folder a local module's ``source``, written in the file ``path``, names."""
    return (Path(path).parent / source).resolve()


def _read_module(files: list[tuple[str, str]], walk: _Walk) -> list[Imported]:
    """The files of one module read as one: every resource, provider and subnet of any of
    them seen by all (each block's source still its own file and line), the local modules
    they call read with them; the result with the first file, an empty one with each of
    the others."""
    parsed = [walk.parsed[Path(path).resolve()] for path, text in files if text.strip()]
    if not parsed:
        return [Imported() for _ in files]
    provider_region: dict[str, str] = {}
    docs = {Path(path).resolve(): doc for path, _, doc in parsed}  # the siblings' variables, parsed once
    chain = (Path(parsed[0][0]).parent.resolve(),)
    mods = [(_Module(path, doc, docs, walk=walk, chain=chain), path, doc) for path, _, doc in parsed]
    read_before = len(walk.read)
    resources = _module_files(mods)
    findings: list[Finding] = []
    for m, _, doc in mods:
        for key, region in _provider_regions(m, doc).items():
            provider_region.setdefault(key, region)
        findings += m.findings
    for r in resources:  # every instance of a subnet resource named at once
        net = r["values"].get("network_configuration")
        for key, holder in (("vpc_zone_identifier", r["values"]), ("subnets", r["values"]),
                            ("subnet_ids", r["values"]),
                            ("subnets", net[0] if isinstance(net, list) and net else {})):
            named = holder.get(key)
            if isinstance(named, list) and any(isinstance(x, str) and x.startswith(SPLAT) for x in named):
                holder[key] = [a for x in named for a in (
                    [str(o["address"]) for o in resources if _instance_of(str(o["address"]), x[len(SPLAT):])]
                    if isinstance(x, str) and x.startswith(SPLAT) else [x])]
    reader = _HclReader(parsed[0][0], {}, resources)
    reader.provider_region = provider_region
    reader.region = provider_region.get("aws")
    out = reader.read()
    out.findings[:0] = findings
    for path, text in [(p, t) for p, t, _ in parsed] + walk.read[read_before:]:
        for n, line in enumerate(text.splitlines()[:200_000], start=1):
            if _COMMENTED_BACKUP.match(line):
                out.findings.append(Finding("warning", f"a backup setting is commented out: {line.strip()[:120]}",
                                            f"{path}:{n}", "backup"))
    first = next(i for i, (path, _) in enumerate(files) if path == parsed[0][0])
    return [out if i == first else Imported() for i in range(len(files))]


#: ``module.NAME.`` where a module's arguments name another module's output.
_NAMES_MODULE = re.compile(r"\bmodule\.([A-Za-z_][A-Za-z0-9_-]*)[.[]")


def _module_files(mods: list[tuple[_Module, str, dict]]) -> list[dict]:
    """Every resource the files of one module make: first its local modules' (in the
    order their outputs are needed: a module given ``module.net.subnet_ids`` after
    ``net``), then its own and its community modules'."""
    calls = [(m, path, name, body) for m, path, doc in mods for _, name, body in _blocks(doc, "module")
             if _local_source(body) is not None][:MAX_LOCAL_MODULES]
    needs = [set(_NAMES_MODULE.findall(str(body)[:MAX_TF_BYTES])) for _, _, _, body in calls]
    resources: list[dict] = []
    pending = list(range(len(calls)))
    while pending:
        names = {calls[i][2] for i in pending}
        ready = [i for i in pending if not (needs[i] - {calls[i][2]}) & names] or pending[:1]  # a loop: file order
        for i in ready:
            resources += _local_module(*calls[i])
        pending = [i for i in pending if i not in ready]
    for m, path, doc in mods:  # before the resources that name their subnets (module.vpc.private_subnets)
        resources += _vpc_modules(m, path, doc)
    for m, path, doc in mods:
        resources += _resources(m, path, doc)
    return resources


#: The region's zones as a data source lists them, whole or their first N
#: (``slice(data.aws_availability_zones.available.names, 0, 3)``).
_REGION_AZS = re.compile(r"^\$\{(?:slice\(\s*)?data\.aws_availability_zones\.([A-Za-z_][\w-]*)\.names"
                         r"(?:\s*,\s*0\s*,\s*(\d{1,3})\s*\))?\}$")


def _vpc_subnets(body: dict) -> bool:
    """Whether a ``module`` block calls the community VPC module with subnets to make."""
    source = body.get("source")
    return (isinstance(source, str) and source.split("//")[0] == VPC_MODULE
            and any(k in body for k in VPC_SUBNETS))


def _vpc_modules(m: _Module, path: str, doc: dict) -> list[dict]:
    """The subnets the community VPC module makes from its literal ``azs`` and subnet
    lists, each in its zone, with the module's outputs naming them; what is not literal
    stays unknown (said where it is named)."""
    resources: list[dict] = []
    for _, name, body in _blocks(doc, "module"):
        if not _vpc_subnets(body) or m.walk is None:
            continue
        address = f"{m.prefix}module.{name}"
        where = f"{path}:{body.get('__start_line__', 1)} ({address})"
        if "count" in body or "for_each" in body or m.resolve(body.get("create_vpc", True)) is False:
            continue
        azs = m.resolve(body.get("azs", UNKNOWN))
        written = m.held(body.get("azs"))
        every = _REGION_AZS.match(written) if isinstance(written, str) and not isinstance(written, _Opaque) else None
        if every:  # the region's zones in AWS's order (which they are is AWS's choice): zone 1, 2, ...
            most = int(every.group(2)) if every.group(2) else MAX_VPC_SUBNETS
            azs = [f"zone {i + 1} of the region" for i in range(max(1, min(most, MAX_VPC_SUBNETS)))]
            many = f"{len(azs)} distinct zones" if every.group(2) else "a distinct zone for each subnet"
            m.findings.append(Finding("info", f"{address} ({VPC_MODULE}): azs are the region's zones "
                                      f"({printable(written, 120)}): read as {many}, which ones being AWS's choice",
                                      where, "azs"))
        if not (isinstance(azs, list) and azs and all(isinstance(z, str) and z for z in azs)):
            why = "its azs are not literal here" if "azs" in body else "it is given no azs"
            m.findings.append(Finding("info", f"{address} ({VPC_MODULE}): {why}, so the zones of its subnets are "
                                      "not known", where, "azs"))
            continue
        read = []
        for key in VPC_SUBNETS:
            cidrs = m.resolve(body.get(key, []))
            if not isinstance(cidrs, list) or not cidrs:
                continue
            kind = key[:-len("_subnets")]  # private, public, ...
            refs = []
            for i in range(min(len(cidrs), MAX_VPC_SUBNETS)):
                at = f"{address}.aws_subnet.{kind}[{i}]"
                resources.append({"address": at, "type": "aws_subnet", "mode": "managed", "where": where,
                                  "unknown": {}, "values": {"id": at, "availability_zone": azs[i % len(azs)]}})
                refs.append(_Ref(f"${{{at}.id}}", at))
            m.walk.outputs[f"{address}.{key}"] = refs
            read.append(f"{len(refs)} {kind}")
        if read:
            zones = ", ".join(printable(z, 40) for z in azs[:8]) + (", ..." if len(azs) > 8 else "")
            m.findings.append(Finding("info", f"{address} ({VPC_MODULE}): its subnets read ({', '.join(read)}), "
                                      f"subnet i of each list in zone i of its azs ({zones})", where, "azs"))
    return resources


def _local_module(m: _Module, path: str, name: str, body: dict) -> list[dict]:
    """The resources a local module (a folder of ``.tf`` files) makes with the inputs
    this ``module`` block gives it, per instance (``count``, ``for_each``); its outputs
    are kept for the caller to name."""
    source = str(body["source"])
    address = f"{m.prefix}module.{name}"
    where = f"{path}:{body.get('__start_line__', 1)} ({address})"
    walk = m.walk

    def said(why: str, severity: str = "info") -> list[dict]:
        m.findings.append(Finding(severity, f"{address} ({source[:200]}) is not read: {why}", where, "source"))
        return []

    if walk is None or not FROM_FOLDERS.get():
        return said("its resources are in a folder of its own, which a file read alone does not reach "
                    "(import the folders)")
    shown = Path(os.path.normpath(Path(path).parent / source))
    folder = shown.resolve()
    if not folder.is_dir():
        return said("no such folder", "warning")
    if folder in m.chain:
        return said("it calls itself", "warning")
    if len(m.chain) > MAX_MODULE_DEPTH:
        return said(f"local modules nested over {MAX_MODULE_DEPTH} deep")
    instances = _instances(m, body, address, where)
    if instances is None:
        if "count" in body:
            m.findings.append(Finding("info", f"{address}: its count is not a literal; read as one", where, "count"))
        elif "for_each" in body:
            m.findings.append(Finding("info", f"{address}: its for_each needs evaluation; read as one instance",
                                      where, "for_each"))
        instances = [(address, {k: v for k, v in body.items() if k not in ("count", "for_each")})]
    files, bad = walk.folder(folder, shown)
    for line in bad:
        m.findings.append(Finding("warning", f"{address}: {line}; what it declares is not read", where, "source"))
    if not files:
        return said(f"no .tf file in {shown}") if not bad else []
    providers = {"aws": m.provider(None)}
    given = body.get("providers")
    for key, value in (given.items() if isinstance(given, dict) else []):
        providers[str(key)] = m.provider(value)
    docs = {Path(p).resolve(): doc for p, _, doc in files}
    resources: list[dict] = []
    for at, inst in instances:
        walk.modules += 1
        if walk.modules > MAX_LOCAL_MODULES:
            return resources + said(f"over {MAX_LOCAL_MODULES} local module instances in one import")
        inputs = {k: m.absolute(v) for k, v in inst.items() if k not in MODULE_META and not k.startswith("__")}
        kids = [(_Module(p, doc, docs, prefix=f"{at}.", inputs=inputs, walk=walk, providers=providers,
                         chain=(*m.chain, folder)), p, doc) for p, _, doc in files]
        resources += _module_files(kids)
        for kid, _, doc in kids:
            m.findings += kid.findings
            for block in doc.get("output") or []:
                for out, out_body in (block.items() if isinstance(block, dict) else []):
                    if isinstance(out_body, dict) and "value" in out_body:
                        walk.outputs[f"{at}.{out}"] = kid.absolute(out_body["value"])
    return resources


def _resources(m: _Module, path: str, doc: dict) -> list[dict]:
    """The resources one file declares, its community modules' included, each with its
    provider's key (a local module's are read by ``_local_module``)."""
    resources: list[dict] = []
    for rtype, name, body in _blocks(doc, "resource"):
        address = f"{m.prefix}{rtype}.{name}"
        where = f"{path}:{body.get('__start_line__', 1)} ({address})"
        key = m.provider(body.get("provider"))
        resources += [{**r, "provider_key": key} for r in _translate(m, rtype, name, body, address, where)]
    for _, name, body in _blocks(doc, "module"):
        source = body.get("source")
        address = f"{m.prefix}module.{name}"
        where = f"{path}:{body.get('__start_line__', 1)} ({address})"
        if _local_source(body) is not None:  # read by _local_module
            continue
        if _vpc_subnets(body):  # its subnets: _vpc_modules
            continue
        made = MODULES.get(str(source).split("//")[0]) if isinstance(source, str) else None
        if made is None:
            m.findings.append(Finding("info", f"{address} ({source}) is not read: its resources are in another "
                                      "folder (terraform show -json of a plan reads them)", where, "source"))
            continue
        inputs = {k: m._kept(v, 0) for k, v in body.items() if k not in ("source", "version", "providers")}
        if "providers" in body:
            inputs["providers"] = body["providers"]
        if inputs.get("create") is False or (made == "aws_db_instance" and inputs.get("create_db_instance") is False):
            continue
        key = m.provider(dig(inputs.pop("providers", None), "aws"))
        if made == "aws_rds_cluster" and "replica_count" in inputs and not isinstance(inputs.get("instances"), dict):
            m.findings.append(Finding("info", f"{address}: replica_count read as the cluster's instances in all "
                                      "(the module before version 7 made that many, the first the writer)",
                                      where, "replica_count"))
        for made_address, made_body, rtype in _module_resources(made, address, inputs):
            resources += [{**r, "provider_key": key}
                          for r in _translate(m, rtype, name, made_body, made_address, where)]
    return resources


def _instance_of(address: str, resource: str) -> bool:
    """Whether ``address`` is ``resource`` or one of its instances (``[0]``, ``["a"]``)."""
    return address == resource or (address.startswith(resource + "[") and address.endswith("]"))


def _provider_key(raw: Any) -> str:
    """The provider a resource names (``provider = aws.dr`` is ``aws.dr``); ``aws`` when none."""
    m = _REF.match(raw) if isinstance(raw, str) else None
    return m.group(1) if m and m.group(1).startswith("aws.") else "aws"


def _provider_regions(m: _Module, doc: dict) -> dict[str, str]:
    """Each ``provider "aws"`` block's literal region, by ``aws`` or ``aws.ALIAS``."""
    out: dict[str, str] = {}
    for block in doc.get("provider") or []:
        body = block.get("aws") if isinstance(block, dict) else None
        if not isinstance(body, dict):
            continue
        alias = body.get("alias")
        key = f"aws.{alias}" if isinstance(alias, str) and alias else "aws"
        where = f"{m.path}:{body.get('__start_line__', 1)} (provider {key})"
        region = m.value(body.get("region"), where, "region")
        if isinstance(region, str) and region:
            out.setdefault(key, region)
    return out


IMPORTER = Importer("terraform_hcl", "Terraform .tf files read statically (HCL; values that need evaluation "
                    "are unknown)", _claims, _read, read_together=_read_together)
