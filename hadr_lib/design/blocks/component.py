"""``component: {name: db, availability: 0.9995}``: a leaf, one kind of part with
``count`` identical replicas in parallel (or ``mtbf_h`` with ``mttr_h``, or a cloud
``sla`` id from ``data/cloud_slas.csv``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np

from ...availability import check_availability, decimal_complement_scalar, unavailability
from ...checks import NOT_A_FRACTION, InvalidInputError, check_number, invalid, read_number
from ...safe_load import check_text
from ..kinds import BlockKind, body_mapping, optional_number, unchecked, whole_number

__all__ = ["KIND", "MAX_COUNT", "Component"]

#: Most identical replicas one component may have.
MAX_COUNT = 1_000_000

_FIELDS = ("name", "availability", "sla", "mtbf_h", "mttr_h", "count", "source",
           "cost_per_year", "cost_source", "error_factor", "same_as", "label")


@dataclass(frozen=True)
class Component:
    """A leaf: one kind of part, with ``count`` identical replicas in parallel.

    Give either ``availability`` [fraction] or both ``mtbf_h`` and ``mttr_h`` [h].
    With MTBF/MTTR the component also knows its failure frequency and mean outage
    length. ``source`` says where the figure comes from.
    """

    name: str
    availability: float | None = None
    mtbf_h: float | None = None
    mttr_h: float | None = None
    count: int = 1
    source: str | None = None
    path: str = field(default="component", compare=False, repr=False)
    #: What one replica costs to run for a year (None: not given), in the design's currency.
    cost_per_year: float | None = None
    #: How uncertain the figure is: p95 / p50 of a lognormal unavailability (None: certain).
    error_factor: float | None = None
    #: The cloud SLA id the figure comes from: the part is known only by its provider's
    #: contractual floor, not something the design's owner can improve.
    sla: str | None = None
    #: Another component of the same type: its figure's uncertainty is this one's (one
    #: state-of-knowledge draw for both; ``uncertainty.propagate``).
    same_as: str | None = None
    #: What people call it in sentences ("the primary database"); the name stays the id.
    label: str | None = None
    #: Where ``cost_per_year`` comes from, with its date ("AWS list price, 2026-06").
    cost_source: str | None = None
    #: Unavailability of one replica, derived once here (every evaluation needs it).
    _replica_q: float = field(default=0.0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        p = self.path
        name = self.name
        if type(name) is not str or not name.isprintable() or len(name) > 200 or not name.strip():
            if not isinstance(name, str) or not name.strip():
                raise invalid(f"{p}.name", name, "is not a non-empty name")
            check_text(f"{p}.name", name, max_len=200)
        count_ok = type(self.count) is int or (
            isinstance(self.count, Integral) and not isinstance(self.count, bool))
        if not count_ok or not 1 <= self.count <= MAX_COUNT:
            raise invalid(f"{p}.count", self.count, f"is not a whole number in [1, {MAX_COUNT:,}]")
        object.__setattr__(self, "count", int(self.count))
        has_a = self.availability is not None
        has_m = self.mtbf_h is not None or self.mttr_h is not None
        if has_a == has_m:
            raise InvalidInputError(
                f"{p}: give either availability or both mtbf_h and mttr_h (component "
                f"{self.name!r} has {'both' if has_a else 'neither'})")
        if has_a:
            a = self.availability
            if type(a) is float or type(a) is int:  # the common case, without numpy
                if not 0.0 <= a <= 1.0:  # also NaN
                    raise invalid(f"{p}.availability", a, NOT_A_FRACTION)
                q = decimal_complement_scalar(float(a))
            else:
                given: Any = a  # whatever the caller passed (an array, a decimal): checked
                check_availability(given, f"{p}.availability")
                q = unavailability(given)  # one value: checked below
                if not isinstance(q, float):
                    raise invalid(f"{p}.availability", a, "is not one availability")
        elif (type(self.mtbf_h) is float and type(self.mttr_h) is float
              and 0.0 < self.mtbf_h < math.inf and 0.0 <= self.mttr_h < math.inf):
            q = self.mttr_h / (self.mtbf_h + self.mttr_h)  # the common case: what check_number would pass
        else:
            if self.mtbf_h is None or self.mttr_h is None:
                missing = "mtbf_h" if self.mtbf_h is None else "mttr_h"
                raise InvalidInputError(f"{p}.{missing}: missing (give both mtbf_h and mttr_h)")
            mtbf = check_number(f"{p}.mtbf_h", self.mtbf_h, 0, np.inf, low_open=True, what=" hours")
            mttr = check_number(f"{p}.mttr_h", self.mttr_h, 0, np.inf, what=" hours")
            q = mttr / (mtbf + mttr)
        object.__setattr__(self, "_replica_q", float(q))
        if self.cost_per_year is not None:
            check_number(f"{p}.cost_per_year", self.cost_per_year, 0, 1e12, what=" a year")
        if self.cost_source is not None:
            if self.cost_per_year is None:
                raise invalid(f"{p}.cost_source", self.cost_source, "is given without a cost_per_year")
            check_text(f"{p}.cost_source", self.cost_source, max_len=2000)
        if self.error_factor is not None:
            check_number(f"{p}.error_factor", self.error_factor, 1, 100, what=" (p95 / p50)")
        if self.label is not None:
            if not isinstance(self.label, str) or not self.label.strip():
                raise invalid(f"{p}.label", self.label, "is not a label (a non-empty text)")
            check_text(f"{p}.label", self.label, max_len=200)
        if self.same_as is not None:
            if not isinstance(self.same_as, str) or not self.same_as.strip():
                raise invalid(f"{p}.same_as", self.same_as, "is not a component name")
            check_text(f"{p}.same_as", self.same_as, max_len=200)
            if self.same_as == self.name:
                raise invalid(f"{p}.same_as", self.same_as, "is the component itself; name another one")

    @property
    def display(self) -> str:
        """What sentences call it: its ``label``, else its name."""
        return self.label or self.name

    @property
    def replica_unavailability(self) -> float:
        """Unavailability of one replica [fraction] (a typed decimal taken as written)."""
        return self._replica_q

    @property
    def replica_failures_per_hour(self) -> float | None:
        """Failure frequency of one replica [1/h]: ``1 / (MTBF + MTTR)``, or None."""
        if self.mtbf_h is None:
            return None
        return 1.0 / (self.mtbf_h + (self.mttr_h or 0.0))

    @property
    def mean_outage_h(self) -> float | None:
        """Mean outage length of the block [h]: MTTR / count (all replicas down)."""
        return None if self.mttr_h is None else self.mttr_h / self.count

    def block_unavailability(self, replica_q: Any) -> np.ndarray:
        """Unavailability of the block of ``count`` replicas: ``q ** count``."""
        return np.asarray(replica_q, dtype=float) ** self.count


def _any_of(*keys: str) -> dict:
    return {"anyOf": [{"required": [k]} for k in keys]}


#: The fields of a component given by MTBF and MTTR alone (``parse``'s quick path).
_PLAIN_FIELDS = frozenset(("name", "mtbf_h", "mttr_h", "count", "source"))


def _plain(name: str, mtbf: float, mttr: float, count: int, source: str | None, path: str) -> Component:
    """The component ``Component(name, mtbf_h=mtbf, mttr_h=mttr, count=count,
    source=source, path=path)`` is, for figures the caller has checked as
    ``__post_init__`` would (a printable name, finite MTBF over 0 and MTTR of 0 or
    more, a count in range, a checked source): built without the general checks, a
    design file being mostly such components (a frozen dataclass sets each of its
    fields through ``object.__setattr__``: 3 us a component, most of reading a file)."""
    node = unchecked(Component)
    state = node.__dict__  # the figures set in place over the defaults
    state["name"], state["mtbf_h"], state["mttr_h"], state["count"] = name, mtbf, mttr, count
    state["source"], state["path"] = source, path
    state["_replica_q"] = float(mttr) / (float(mtbf) + float(mttr))
    return node
_NUMBER = (float, int)


class ComponentKind(BlockKind):
    key = "component"
    cls = Component
    leaf = True

    def children(self, node: Component) -> tuple:
        return ()

    def rebuild(self, node: Component, kids: tuple) -> Component:
        return node

    def parse(self, body: Any, path: str, read: Any) -> Component:
        if type(body) is dict and len(body) <= 5 and body.keys() <= _PLAIN_FIELDS and "mttr_h" in body:
            # The common case, MTBF and MTTR as plain numbers: the checks below that apply
            # are made here, the rest by Component itself.
            mtbf: Any = body.get("mtbf_h")
            mttr, count = body["mttr_h"], body.get("count", 1)
            if (type(mtbf) in _NUMBER and type(mttr) in _NUMBER and type(count) is int and "name" in body
                    and abs(mtbf) <= 1e300 and abs(mttr) <= 1e300):
                source = body.get("source")
                if source is not None:
                    check_text(f"{path}.source", source, max_len=2000)
                name = body["name"]
                if (type(name) is str and 0 < len(name) <= 200 and name.isprintable() and not name.isspace()
                        and 0 < mtbf and 0 <= mttr and 1 <= count <= MAX_COUNT):
                    return _plain(name, mtbf, mttr, count, source, path)
                return Component(name, mtbf_h=mtbf, mttr_h=mttr, count=count, source=source, path=path)
        from ...catalog import sla_availability

        body = body_mapping(path, body, self.key, _FIELDS)
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
            count = whole_number(f"{path}.count", count)
        name = body["name"]
        extra: dict[str, Any] = {f: optional_number(path, body, f) for f in ("cost_per_year", "error_factor")}
        extra["same_as"] = body.get("same_as")
        extra["label"] = body.get("label")
        extra["cost_source"] = body.get("cost_source")
        if has_sla:
            try:
                availability, catalog_source = sla_availability(check_text("sla", body["sla"], max_len=200))
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

    def dump(self, node: Component, write: Any) -> dict:
        from ...catalog import sla_availability

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
        for key in ("cost_source", "same_as", "label"):
            if getattr(node, key) is not None:
                body[key] = getattr(node, key)
        return body

    def schema(self) -> dict:
        number = "#/$defs/number"
        return {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "description": "Unique in the file."},
                "availability": {"$ref": number, "description": "A fraction in [0, 1], or a percentage string."},
                "sla": {"type": "string", "description": "An id in data/cloud_slas.csv."},
                "mtbf_h": {"$ref": number, "description": "Mean time between failures [h], > 0."},
                "mttr_h": {"$ref": number, "description": "Mean time to restore [h], >= 0."},
                "count": {"type": "integer", "minimum": 1, "description": "Identical replicas in parallel."},
                "source": {"type": "string", "description": "Where the figure comes from."},
                "cost_per_year": {"$ref": number, "description": "What one replica costs to run for a year, "
                                  ">= 0 (in the design's currency, else the scenario's)."},
                "cost_source": {"type": "string", "description": (
                    "Where cost_per_year comes from, with its date (a price list and when it was read).")},
                "error_factor": {"$ref": number, "description": "How uncertain the figure is: p95 / p50 of a "
                                 "lognormal unavailability, in [1, 100]."},
                "label": {"type": "string", "minLength": 1, "description": (
                    "What sentences call it, e.g. the primary database (the name stays its id).")},
                "same_as": {"type": "string", "description": (
                    "Another component of the same type: both take one state-of-knowledge draw when "
                    "uncertainty is propagated (same error factor, same direction).")},
            },
            "oneOf": [
                {"required": ["availability"], "not": _any_of("sla", "mtbf_h", "mttr_h")},
                {"required": ["sla"], "not": _any_of("availability", "mtbf_h", "mttr_h")},
                {"required": ["mtbf_h", "mttr_h"], "not": _any_of("availability", "sla")},
            ],
        }

    def examples(self) -> list:
        return [{"name": "x", "mtbf_h": 99.0, "mttr_h": 1.0},
                {"name": "x", "mtbf_h": 49.0, "mttr_h": 1.0, "count": 2, "cost_per_year": 1200.0,
                 "cost_source": "a quote, 2026-12-06"},
                {"name": "x", "availability": 0.999, "source": "a test, 2026-12-06", "error_factor": 3.0,
                 "label": "the x service"}]

    def scalar(self, node: Component, memo: Any) -> tuple[float, float]:
        return memo.get(node)

    def vector(self, node: Component, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        return ev.aq(node, Q, over)

    def frequency(self, node: Component, memo: Any) -> float | None:
        """n replicas in parallel: an outage starts when one fails while the other
        n - 1 are down."""
        f1 = node.replica_failures_per_hour
        if f1 is None:
            return 0.0 if node.replica_unavailability == 0.0 else None  # a perfect part never fails
        n = node.count
        return f1 if n == 1 else n * f1 * node.replica_unavailability ** (n - 1)

    def slopes(self, node: Component, memo: Any) -> list[float]:
        return []

    def outages(self, node: Component, memo: Any, kids: list) -> tuple | None:
        """One exponential: the last replica's repair (MTTR / count)."""
        m = node.mean_outage_h
        return None if m is None else (np.ones(1), np.array([m]))

    def lower(self, node: Component, lower: Any, ctx: Any) -> tuple:
        """A leaf of the plan; a component known only by availability was given an
        MTTR by the simulation first, so only 0 and 1 are left here."""
        if node.availability is not None:
            return ("always",) if node.availability == 0.0 else ("never",)
        if node.mttr_h == 0.0:
            return ("never",)
        return ("leaf", node.count, float(node.mtbf_h), float(node.mttr_h), node.name)  # type: ignore[arg-type]

    def label(self, node: Component) -> str:
        return node.name

    def after_failure(self, node: Component, failed: set[str], recurse: Any) -> tuple[bool, float]:
        return (node.name not in failed or node.count > 1), 1.0


KIND = ComponentKind()
