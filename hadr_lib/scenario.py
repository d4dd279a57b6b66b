"""Business scenarios: what downtime and lost data cost, how often things break,
and the RTO and RPO the business asks for.

A scenario file (YAML, or the same mapping from Python)::

    name: E-commerce shop
    currency: USD
    downtime_cost_per_hour: 50000
    data: {unit: records, written_per_hour: 1000, cost_per_unit: 50}
    incidents_per_year: {instance: 4, zone: 0.5, region: 0.1, data_corruption: 0.2}
    targets: {rto_h: 1, rpo_h: 0.25,      # for every disruption type, unless
              data_corruption: {rto_h: 24, rpo_h: 1}}   # a type has its own
    fallback: {rto_h: 72, rpo_h: 24}      # recovery where a strategy gives no cover
    strategy_costs: {active_active: 120000}   # optional edits of the strategies' costs
    strategies:                           # optional, your own beside the catalogue
      - name: Warm standby region
        annual_cost: 60000
        source: "our quote, 2026-11"
        instance: {rto_h: 0.05, rpo_h: 0}
        region: {rto_h: 1, rpo_h: 0.1}
        data_corruption: {rto_h: 8, rpo_h: 24, periodic: true}   # nightly copies
    layered_strategies: [[continuous_replication, hourly_snapshot]]   # run together
    architecture: multi_az_postgres       # optional, a reference name or a path,
                                          # or the design itself (name, architecture)
    availability_target: 0.9995           # optional, the availability promised

The JSON Schema is ``hadr_lib/schemas/scenario.schema.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .architecture_file import resolve_reference
from .catalog import DATA_DIR
from .checks import InvalidInputError, read_number
from .design.kinds import required_fields
from .safe_load import check_depth, check_text, read_yaml, shown_key
from .strategies import DISRUPTIONS, Strategy, strategy_ids

__all__ = [
    "DISRUPTIONS",
    "SCENARIOS_DIR",
    "SCHEMA_PATH",
    "Scenario",
    "dump_scenario",
    "load_scenario",
    "reference_scenarios",
    "scenario_schema",
]


SCENARIOS_DIR = DATA_DIR / "scenarios"
SCHEMA_PATH = Path(str(resources.files("hadr_lib").joinpath("schemas", "scenario.schema.json")))

_TOP = ("name", "description", "currency", "downtime_cost_per_hour", "data",
        "incidents_per_year", "targets", "fallback", "strategy_costs", "strategies",
        "layered_strategies", "architecture", "availability_target", "backup", "slo_window_days")
#: The backup schedule a scenario may keep (the Backup tab's settings: ``backup.BackupPlan``'s
#: fields but the targets, which are the scenario's own for corrupted data).
BACKUP_FIELDS = ("data_gb", "daily_change", "full_every_days", "incremental_every_h", "mode",
                 "log_shipping_every_s", "retention_days", "backup_gb_per_h", "restore_gb_per_h",
                 "log_replay_gb_per_h", "cross_region_copy", "copy_lag_h", "price_per_gb_month")
_DATA = ("unit", "written_per_hour", "cost_per_unit")
_UNITS = ("records", "GB")

#: Recovery where a strategy gives no cover: rebuild by hand from the last off-site copy.
DEFAULT_FALLBACK = MappingProxyType({"rto_h": 72.0, "rpo_h": 24.0})


def _nonneg(path: str, value, *, upper: float = float("inf"), positive=False) -> float:
    x = read_number(path, value)
    ok = x == x and x < float("inf") and (x > 0 if positive else x >= 0) and x <= upper
    if not ok:
        bound = "> 0" if positive else ">= 0"
        extra = f" and <= {upper:g}" if upper != float("inf") else ""
        raise InvalidInputError(f"{path}: {value!r} is not a number {bound}{extra}")
    return float(x)


def _known(path: str, value, allowed) -> Mapping:
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{path}: {value!r} is not a mapping with {', '.join(allowed)}")
    for key in value:
        if key not in allowed:
            where = f"{path}.{shown_key(key)}" if path else shown_key(key)
            raise InvalidInputError(f"{where}: unknown field; allowed: {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class Scenario:
    """The business inputs of a DR decision (money in ``currency``, times in hours)."""

    name: str
    downtime_cost_per_hour: float
    data_written_per_hour: float
    data_unit: str
    data_cost_per_unit: float
    incidents_per_year: Mapping[str, float]
    rto_target_h: float
    rpo_target_h: float
    fallback_rto_h: float = DEFAULT_FALLBACK["rto_h"]
    fallback_rpo_h: float = DEFAULT_FALLBACK["rpo_h"]
    strategy_costs: Mapping[str, float] = field(default_factory=dict)
    #: Strategies run together, each a tuple of 2 to 4 strategy ids.
    layered_strategies: tuple[tuple[str, ...], ...] = ()
    #: The scenario's own strategies, beside the catalogue's (``strategies:``).
    custom_strategies: tuple[Strategy, ...] = ()
    currency: str = "USD"
    description: str = ""
    #: A reference design name, a path, or the design itself (a mapping, inline).
    architecture: str | Mapping | None = None
    target_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    #: The availability promised [fraction], if the scenario names one.
    availability_target: float | None = None
    #: The backup schedule (the Backup tab's settings, ``BACKUP_FIELDS``), if kept.
    backup: Mapping[str, object] | None = None
    #: The SLO window [days] (the SLO tab's), if kept.
    slo_window_days: float | None = None

    @cached_property
    def design(self):
        """The scenario's design as an ``Architecture`` (None without one), loaded once."""
        if self.architecture is None:
            return None
        from .architecture_file import load_architecture

        return load_architecture(self.architecture)

    @property
    def rto_targets(self) -> dict[str, float]:
        """RTO target [h] per disruption type."""
        return {d: self.target_overrides.get(d, {}).get("rto_h", self.rto_target_h)
                for d in DISRUPTIONS}

    @property
    def rpo_targets(self) -> dict[str, float]:
        """RPO target [h] per disruption type."""
        return {d: self.target_overrides.get(d, {}).get("rpo_h", self.rpo_target_h)
                for d in DISRUPTIONS}

    def replace(self, **changes) -> Scenario:
        """A copy with some fields changed and checked again (for sliders)."""
        fields = {**self._fields(), **changes}
        same = fields["architecture"] is self.architecture or fields["architecture"] == self.architecture
        # An unchanged architecture was checked when this scenario was loaded; loading
        # its file again on every slider move would only repeat that.
        new = _from_mapping(_as_mapping(fields), None, check_architecture=not same)
        if same and "design" in self.__dict__:
            new.__dict__["design"] = self.__dict__["design"]  # the loaded design carries over
        return new

    def to_mapping(self) -> dict:
        """The scenario as the mapping a scenario file holds (``load_scenario`` reads it
        back to an equal scenario)."""
        return _as_mapping(self._fields())

    def _fields(self) -> dict:
        """The dataclass fields (not the cached ``design``)."""
        return {k: v for k, v in self.__dict__.items() if k != "design"}


def dump_scenario(scenario: Scenario) -> dict:
    """The scenario as the mapping a scenario file holds (``yaml.safe_dump`` writes it):
    ``load_scenario(dump_scenario(s))`` is equal to ``s``. Its design stays as given: a
    reference name, a path, or the design inline."""
    if not isinstance(scenario, Scenario):
        raise InvalidInputError(f"scenario: {type(scenario).__name__} is not a Scenario")
    return scenario.to_mapping()


def _as_mapping(f: Mapping) -> dict:
    out = {
        "name": f["name"], "description": f["description"], "currency": f["currency"],
        "downtime_cost_per_hour": f["downtime_cost_per_hour"],
        "data": {"unit": f["data_unit"], "written_per_hour": f["data_written_per_hour"],
                 "cost_per_unit": f["data_cost_per_unit"]},
        "incidents_per_year": dict(f["incidents_per_year"]),
        "targets": {"rto_h": f["rto_target_h"], "rpo_h": f["rpo_target_h"],
                    **{k: dict(v) for k, v in f["target_overrides"].items()}},
        "fallback": {"rto_h": f["fallback_rto_h"], "rpo_h": f["fallback_rpo_h"]},
        "strategy_costs": dict(f["strategy_costs"]),
    }
    if f.get("custom_strategies"):
        out["strategies"] = [_dump_strategy(st) for st in f["custom_strategies"]]
    if f.get("layered_strategies"):
        out["layered_strategies"] = [list(ids) for ids in f["layered_strategies"]]
    if f.get("architecture"):
        arch = f["architecture"]
        out["architecture"] = _plain(arch) if isinstance(arch, Mapping) else arch
    if f.get("availability_target") is not None:
        out["availability_target"] = f["availability_target"]
    if f.get("backup") is not None:
        out["backup"] = dict(f["backup"])
    if f.get("slo_window_days") is not None:
        out["slo_window_days"] = f["slo_window_days"]
    return out


def _dump_strategy(st: Strategy) -> dict:
    out: dict = {"id": st.id, "name": st.label, "annual_cost": st.annual_cost}
    if st.source:
        out["source"] = st.source
    for d in DISRUPTIONS:
        if st.recovery is not None and d in st.recovery:
            rto, rpo, periodic = st.recovery[d]
            out[d] = {"rto_h": rto, "rpo_h": rpo, **({"periodic": True} if periodic else {})}
    return out


#: At most this many strategies of a scenario's own.
MAX_CUSTOM_STRATEGIES = 20
_STRATEGY_FIELDS = ("id", "name", "annual_cost", "source", *DISRUPTIONS)


def _slug(name: str) -> str:
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def _custom_strategies(raw) -> tuple[Strategy, ...]:
    """``strategies:``: a list of the scenario's own strategies, each with a name, an
    annual cost and ``{rto_h, rpo_h, periodic}`` for each disruption it covers."""
    if raw is None:
        return ()
    if isinstance(raw, Strategy):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or len(raw) > MAX_CUSTOM_STRATEGIES:
        raise InvalidInputError(f"strategies: {type(raw).__name__} is not a list of at most "
                                f"{MAX_CUSTOM_STRATEGIES} strategies")
    catalogue = set(strategy_ids())
    out: list[Strategy] = []
    for i, entry in enumerate(raw):
        where = f"strategies[{i}]"
        if isinstance(entry, Strategy):
            entry = _dump_strategy(entry)
        _known(where, entry, _STRATEGY_FIELDS)
        required_fields(where, entry, "name", "annual_cost")
        name = check_text(f"{where}.name", entry["name"], max_len=200)
        sid = entry.get("id", _slug(str(name)))
        check_text(f"{where}.id", sid, max_len=80)
        if not sid or _slug(sid) != sid:
            raise InvalidInputError(f"{where}.id: {sid!r} is not an id (lower-case letters, digits and _)")
        if sid in catalogue or any(sid == s.id for s in out):
            raise InvalidInputError(f"{where}.id: {sid!r} is already a strategy's id; give this one "
                                    "another name or an id")
        source = entry.get("source", "")
        if source:
            check_text(f"{where}.source", source, max_len=500)
        recovery = {}
        for d in DISRUPTIONS:
            if d not in entry:
                continue
            r = _known(f"{where}.{d}", entry[d], ("rto_h", "rpo_h", "periodic"))
            required_fields(f"{where}.{d}", r, "rto_h", "rpo_h")
            periodic = r.get("periodic", False)
            if not isinstance(periodic, bool):
                raise InvalidInputError(f"{where}.{d}.periodic: {periodic!r} is not true or false "
                                        "(true: copies taken every rpo_h, half an interval lost on average)")
            recovery[d] = (_nonneg(f"{where}.{d}.rto_h", r["rto_h"], upper=_MAX_HOURS),
                           _nonneg(f"{where}.{d}.rpo_h", r["rpo_h"], upper=_MAX_HOURS), periodic)
        if not recovery:
            raise InvalidInputError(f"{where}: covers no disruption; give {{rto_h, rpo_h}} for at least "
                                    f"one of {', '.join(DISRUPTIONS)}")
        first = next(iter(recovery.values()))
        out.append(Strategy(
            sid, str(name), first[0], first[1],
            _nonneg(f"{where}.annual_cost", entry["annual_cost"], upper=_MAX_MONEY),
            frozenset(recovery), str(source), recovery=MappingProxyType(recovery)))
    return tuple(out)


def _plain(value):
    """Read-only mappings and tuples back to dicts and lists (for YAML and JSON)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def reference_scenarios() -> dict[str, Path]:
    """The shipped scenarios: file stem to path."""
    return {p.stem: p for p in sorted(SCENARIOS_DIR.glob("*.yaml"))}


def load_scenario(source) -> Scenario:
    """A ``Scenario`` from a YAML path, a name in ``data/scenarios`` or a mapping.

    Raises ``InvalidInputError`` naming the field, the value and what is allowed,
    e.g. ``incidents_per_year.zone: -1 is not a number >= 0``.
    """
    base_dir = None
    if isinstance(source, Mapping):
        data = source
        check_depth(data, "scenario")
    else:
        path = resolve_reference(source, reference_scenarios(), "scenario",
                                 "hadr list shows them")
        data = read_yaml(path)
        base_dir = path.resolve().parent
    if not isinstance(data, Mapping):
        raise InvalidInputError(
            f"scenario: {type(data).__name__} at the top; expected a mapping with {', '.join(_TOP)}")
    return _from_mapping(data, base_dir, check_architecture=True)


#: Upper bounds that keep every product of money, rates and hours finite.
_MAX_MONEY = 1e12
_MAX_HOURS = 1e6


def _architecture_ref(arch, base_dir: Path | None):
    """A scenario's ``architecture``: a reference name, a path taken relative to
    the scenario file (not to wherever the program runs), or the design inline."""
    if arch is None:
        return None
    if isinstance(arch, Mapping):
        return _frozen(arch)
    if not isinstance(arch, str) or not arch.strip():
        raise InvalidInputError(
            f"architecture: {arch!r} is not a reference design name or a path to a YAML file")
    check_text("architecture", arch, max_len=4096)
    if base_dir is None or Path(arch).is_absolute():
        return arch
    candidate = base_dir / arch
    looks_like_path = "/" in arch or "\\" in arch or Path(arch).suffix in (".yaml", ".yml")
    if candidate.is_file() or looks_like_path:
        return str(candidate)
    return arch


def _frozen(value):
    """A deep copy of an inline design, its mappings read-only (a change to the
    caller's mapping does not reach the scenario)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return [_frozen(v) for v in value]
    return value


def _backup(raw) -> Mapping[str, object] | None:
    """``backup:``, checked as the backup planner checks a plan (errors name ``backup.FIELD``)."""
    if raw is None:
        return None
    b = _known("backup", raw, BACKUP_FIELDS)
    from .backup import BackupPlan

    values: dict[str, Any] = {}
    for k, v in b.items():
        if k == "mode":
            values[k] = v
        elif k == "cross_region_copy":
            if not isinstance(v, bool):
                raise InvalidInputError(f"backup.cross_region_copy: {v!r} is not true or false")
            values[k] = v
        else:
            values[k] = None if v is None else read_number(f"backup.{k}", v)
    try:
        BackupPlan(**{"data_gb": 1000.0, "daily_change": 0.05, **values})
    except InvalidInputError as exc:
        raise InvalidInputError(f"backup.{exc}") from None
    except TypeError as exc:
        raise InvalidInputError(f"backup: {exc}") from None
    return MappingProxyType(values)


def _from_mapping(data, base_dir: Path | None, *, check_architecture: bool) -> Scenario:
    """Validate a scenario mapping; ``base_dir`` resolves a relative architecture path."""
    _known("", data, _TOP)
    for required in ("name", "downtime_cost_per_hour", "data", "incidents_per_year", "targets"):
        if required not in data:
            raise InvalidInputError(f"{required}: missing")
    check_text("name", data["name"], max_len=200)
    if "description" in data:
        check_text("description", data["description"], multiline=True)
    if "currency" in data:
        check_text("currency", data["currency"], max_len=12)
    d = _known("data", data["data"], _DATA)
    required_fields("data", d, *_DATA)
    if not isinstance(d["unit"], str) or d["unit"] not in _UNITS:
        raise InvalidInputError(f"data.unit: {d['unit']!r} is not a unit; use one of {', '.join(_UNITS)}")
    inc = _known("incidents_per_year", data["incidents_per_year"], DISRUPTIONS)
    incidents = {k: _nonneg(f"incidents_per_year.{k}", inc.get(k, 0), upper=10_000)
                 for k in DISRUPTIONS}
    t = _known("targets", data["targets"], ("rto_h", "rpo_h", *DISRUPTIONS))
    required_fields("targets", t, "rto_h", "rpo_h")
    overrides = {}
    for kind in DISRUPTIONS:
        if kind in t:
            o = _known(f"targets.{kind}", t[kind], ("rto_h", "rpo_h"))
            overrides[kind] = MappingProxyType({
                k: _nonneg(f"targets.{kind}.{k}", v, positive=(k == "rto_h"), upper=_MAX_HOURS)
                for k, v in o.items()})
    fb = _known("fallback", data.get("fallback", dict(DEFAULT_FALLBACK)), ("rto_h", "rpo_h"))
    custom = _custom_strategies(data.get("strategies"))
    known_ids = [*strategy_ids(), *(st.id for st in custom)]
    costs = _known("strategy_costs", data.get("strategy_costs", {}) or {}, known_ids)
    layers = data.get("layered_strategies") or []
    if not isinstance(layers, (list, tuple)) or len(layers) > 20:
        raise InvalidInputError(f"layered_strategies: {layers!r} is not a list of at most 20 lists "
                                "of strategy ids")
    checked_layers = []
    for i, ids in enumerate(layers):
        where = f"layered_strategies[{i}]"
        if not isinstance(ids, (list, tuple)) or not 2 <= len(ids) <= 4 or len(set(map(str, ids))) != len(ids):
            raise InvalidInputError(f"{where}: {ids!r} is not a list of 2 to 4 different strategy ids")
        for sid in ids:
            if not isinstance(sid, str) or sid not in known_ids:
                raise InvalidInputError(f"{where}: {sid!r} is not a strategy; use one of "
                                        f"{', '.join(sorted(known_ids))}")
        checked_layers.append(tuple(ids))
    arch = _architecture_ref(data.get("architecture"), base_dir)
    design = None
    if arch is not None and check_architecture:
        from .architecture_file import load_architecture
        try:
            design = load_architecture(arch)
        except InvalidInputError as exc:
            raise InvalidInputError(f"architecture: {exc}") from None
    target = data.get("availability_target")
    if target is not None:
        from .availability import check_availability
        target = float(check_availability(read_number("availability_target", target), "availability_target"))
    backup = _backup(data.get("backup"))
    window = None
    if data.get("slo_window_days") is not None:
        from .slo import parse_window

        try:
            window = parse_window(read_number("slo_window_days", data["slo_window_days"]))
        except InvalidInputError as exc:
            raise InvalidInputError(f"slo_window_days: {str(exc).partition(': ')[2]}") from None
    sc = Scenario(
        name=data["name"],
        description=data.get("description", ""),
        currency=data.get("currency", "USD"),
        downtime_cost_per_hour=_nonneg("downtime_cost_per_hour", data["downtime_cost_per_hour"],
                                        upper=_MAX_MONEY),
        data_unit=d["unit"],
        data_written_per_hour=_nonneg("data.written_per_hour", d["written_per_hour"],
                                      upper=_MAX_MONEY),
        data_cost_per_unit=_nonneg("data.cost_per_unit", d["cost_per_unit"], upper=_MAX_MONEY),
        incidents_per_year=MappingProxyType(incidents),
        rto_target_h=_nonneg("targets.rto_h", t["rto_h"], positive=True, upper=_MAX_HOURS),
        rpo_target_h=_nonneg("targets.rpo_h", t["rpo_h"], upper=_MAX_HOURS),
        fallback_rto_h=_nonneg("fallback.rto_h", fb.get("rto_h", DEFAULT_FALLBACK["rto_h"]),
                               upper=_MAX_HOURS),
        fallback_rpo_h=_nonneg("fallback.rpo_h", fb.get("rpo_h", DEFAULT_FALLBACK["rpo_h"]),
                               upper=_MAX_HOURS),
        layered_strategies=tuple(checked_layers),
        custom_strategies=custom,
        strategy_costs=MappingProxyType({k: _nonneg(f"strategy_costs.{k}", v, upper=_MAX_MONEY)
                                         for k, v in costs.items()}),
        architecture=arch,
        target_overrides=MappingProxyType(overrides),
        availability_target=target,
        backup=backup,
        slo_window_days=window,
    )
    if design is not None:
        sc.__dict__["design"] = design  # loaded once, here
    return sc


def scenario_schema() -> dict:
    """The JSON Schema of the scenario file format."""
    import json

    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
