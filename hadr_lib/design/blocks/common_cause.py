"""``common_cause: {beta: 0.05, of: [block, block], k: 1, name: "zone a"}``: a
beta-factor group of redundant members.

A fraction ``beta`` of each member's unavailability is a shared shock that takes the
whole group down: members keep an independent part ``(1 - beta) U_i`` (combined as
``k`` of ``n``, parallel by default) and the group suffers a shared shock of
unavailability ``beta * mean(U_i)``, in series. For identical members this is the
textbook beta-factor model (``Q_ccf = beta Q``): ``beta = 0`` is independent,
``beta = 1`` makes the group one unit.

A member may be placed in a zone or region (``{component: ..., zone: a}``, a member of
the group itself): while its domain is down it is down, whatever the shock; the
shock's unavailability is still set by the members' own figures (their domains up),
as the simulation draws it. In a state with a member's domain down, how much its own
figures move the shock is not carried down to it (importance leaves out a term of the
order of its domain's unavailability, 1e-4 for a zone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...availability import k_of_n_aq
from ...checks import check_number, read_number
from ...safe_load import check_text
from ..evaluation import block_mean_outage_h, critical_scalar, k_of_n_scalar, stack_aq
from ..kinds import BlockKind, body_mapping, example_leaf, optional_number, read_blocks, required_fields, whole_number
from .gate import check_k, checked_children
from .placed import Placed

__all__ = ["KIND", "CommonCause", "group_label", "groups_in"]

_FIELDS = ("beta", "of", "k", "name", "beta_error_factor")


@dataclass(frozen=True)
class CommonCause:
    """A beta-factor group of redundant members, up while ``k`` are up (1 by default)."""

    beta: float
    children: tuple
    k: int = 1
    name: str | None = None
    path: str = field(default="common_cause", compare=False, repr=False)
    #: How uncertain beta is: p95 / p50 of a lognormal, cut at 1 (None: certain).
    beta_error_factor: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(f"{self.path}.of", "common_cause", self.children))
        check_number(f"{self.path}.beta", self.beta, 0, 1, what=" (a fraction of failures)")
        if self.beta_error_factor is not None:
            check_number(f"{self.path}.beta_error_factor", self.beta_error_factor, 1, 100,
                         what=" (p95 / p50)")
        check_k(f"{self.path}.k", self.k, len(self.children))


def groups_in(order: list) -> tuple[CommonCause, ...]:
    """The common-cause groups among ``preorder`` entries, in walk order (the order
    ``Architecture.groups`` and ``with_changes(betas=...)`` number them)."""
    return tuple(node for node, _ in order if type(node) is CommonCause)


def group_label(group: CommonCause, index: int) -> str:
    """A common-cause group as people read it: its name, else its place."""
    return group.name or f"common cause {index + 1}"


def _own(member: Any) -> Any:
    """A member as the shock sees it: a placed member's block (its domain left out)."""
    return member.block if type(member) is Placed else member


def _down(node: CommonCause, memo: Any) -> list[bool]:
    """Whether each member's domain is down in the state ``memo`` evaluates."""
    return [id(c) in memo.down for c in node.children]


def _group(node: CommonCause, memo: Any) -> tuple[list[float], list[float], float, float, float]:
    """The independent part, a k-of-n of the members with a fraction ``1 - beta`` of
    their U (``a2``, ``q2``; a member whose domain is down: down), that part's A and
    U, and the shared shock's U (from the members' own U):
    ``U = 1 - (1 - U_struct)(1 - U_cc)``."""
    a, q = memo.kids([_own(c) for c in node.children])
    b = node.beta
    down = _down(node, memo)
    a2 = [0.0 if d else x + b * y for x, y, d in zip(a, q, down)]
    q2 = [1.0 if d else (1 - b) * y for y, d in zip(q, down)]
    a_struct, u_struct = k_of_n_scalar(node.k, a2, q2)
    return a2, q2, a_struct, u_struct, b * math.fsum(q) / len(q)


class CommonCauseKind(BlockKind):
    key = "common_cause"
    cls = CommonCause
    linear = False  # quadratic in a member: ``delta`` follows a change exactly

    def needed_up(self, node: CommonCause) -> int:
        return int(node.k)

    def parse(self, body: Any, path: str, read: Any) -> CommonCause:
        body = body_mapping(path, body, self.key, _FIELDS)
        required_fields(path, body, "beta", "of")
        kids = read_blocks(f"{path}.of", body["of"], read)
        name = body.get("name")
        if name is not None:
            check_text(f"{path}.name", name, max_len=200)
        return CommonCause(read_number(f"{path}.beta", body["beta"]), kids,
                           k=whole_number(f"{path}.k", body.get("k", 1)), name=name, path=path,
                           beta_error_factor=optional_number(path, body, "beta_error_factor"))

    def dump(self, node: CommonCause, write: Any) -> dict:
        body: dict = {"beta": float(node.beta), "of": [write(c) for c in node.children]}
        if node.k != 1:
            body["k"] = node.k
        if node.name is not None:
            body["name"] = node.name
        if node.beta_error_factor is not None:
            body["beta_error_factor"] = float(node.beta_error_factor)
        return body

    def schema(self) -> dict:
        number = "#/$defs/number"
        return {
            "type": "object", "additionalProperties": False, "required": ["beta", "of"],
            "properties": {
                "beta": {"$ref": number,
                         "description": "Fraction of failures shared by the whole group, in [0, 1]."},
                "of": {"$ref": "#/$defs/blocks"},
                "k": {"type": "integer", "minimum": 1,
                      "description": "Members that must be up; default 1 (redundant members)."},
                "name": {"type": "string"},
                "beta_error_factor": {"$ref": number, "description": (
                    "How uncertain beta is: p95 / p50 of a lognormal (cut at 1), in [1, 100].")},
            },
        }

    def examples(self) -> list:
        return [{"beta": 0.1, "of": [example_leaf("a", 50.0, 5.0), example_leaf("b", 60.0, 4.0)],
                 "name": "zone a"},
                {"beta": 0.2, "k": 2, "beta_error_factor": 5.0,
                 "of": [example_leaf("a", 50.0, 5.0), example_leaf("b", 60.0, 4.0), example_leaf("c", 40.0, 3.0)]}]

    def scalar(self, node: CommonCause, memo: Any) -> tuple[float, float]:
        _, _, a_struct, u_struct, u_cc = _group(node, memo)
        if u_struct >= 1.0 or u_cc >= 1.0:
            u = 1.0
        else:
            u = -math.expm1(math.log1p(-u_struct) + math.log1p(-u_cc))
        return a_struct * (1 - u_cc), u

    def vector(self, node: CommonCause, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        b = over.get(id(node), node.beta)
        masks = [over.get(id(c)) if type(c) is Placed else None for c in node.children]
        if any(m is not None for m in masks):  # members' own U; those whose domain is down: down
            a, q = stack_aq([ev.aq(_own(c), Q, over) for c in node.children])
            a2, q2 = np.array(a + b * q), np.array((1 - b) * q)
            for i, m in enumerate(masks):
                if m is not None:
                    a2[i], q2[i] = np.where(m, 0.0, a2[i]), np.where(m, 1.0, q2[i])
        else:
            a, q = ev.children_aq(node, node.children, Q, over)
            a2, q2 = a + b * q, (1 - b) * q
        a_struct, u_struct = k_of_n_aq(node.k, a2, q2)
        u_cc = b * np.mean(q, axis=0)
        with np.errstate(divide="ignore"):
            u = -np.expm1(np.log1p(-u_struct) + np.log1p(-u_cc))
        return a_struct * (1 - u_cc), u

    def frequency(self, node: CommonCause, memo: Any) -> float | None:
        freqs = [memo.frequency(_own(c)) for c in node.children]
        if any(f is None for f in freqs):
            return None
        b = node.beta
        a2, q2, _, u_struct, u_cc = _group(node, memo)
        crit = critical_scalar(node.k, a2, q2)
        f_struct = math.fsum((1 - b) * f * w for f, w, d in zip(freqs, crit, _down(node, memo)) if not d)
        f_cc = b * math.fsum(freqs) / len(freqs)
        return f_struct * (1 - u_cc) + f_cc * (1 - u_struct)

    def slopes(self, node: CommonCause, memo: Any) -> list[float]:
        b = node.beta
        a2, q2, _, u_struct, u_cc = _group(node, memo)
        n = len(node.children)
        return [(0.0 if d else (1 - u_cc) * (1 - b) * w) + (1 - u_struct) * b / n
                for w, d in zip(critical_scalar(node.k, a2, q2), _down(node, memo))]

    def delta(self, node: CommonCause, memo: Any, index: int, change: float) -> float:
        """``U = 1 - (1 - U_s)(1 - U_cc)`` with both parts linear in the member, so the
        product term is kept."""
        b, n = node.beta, len(node.children)
        a2, q2, _, u_s, u_cc = _group(node, memo)
        crit = 0.0 if _down(node, memo)[index] else critical_scalar(node.k, a2, q2)[index]
        d_s, d_cc = crit * (1 - b) * change, b * change / n
        return float(d_s * (1 - u_cc) + d_cc * (1 - u_s) - d_s * d_cc)

    def lower(self, node: CommonCause, lower: Any, ctx: Any) -> tuple:
        """Each member keeps failures at a rate that gives it ``(1 - beta)`` of its U;
        shared shocks (U ``beta x`` the members' mean, as long as a member's mean
        outage) take all members down together."""
        b = float(node.beta)
        members = node.children
        qs = [ctx.unavailability(m) for m in members]
        thinned = [ctx.thinned(m, (1.0 - b) * q) for m, q in zip(members, qs)]
        struct = ("atleast", len(members) - self.needed_up(node) + 1, tuple(lower(m) for m in thinned))
        u = b * float(np.mean(qs))
        if u <= 0.0:
            return struct
        outs = [block_mean_outage_h(m) for m in members]
        d = float(np.mean([o if o else ctx.default_mttr_h for o in outs]))
        shock = ("always",) if u >= 1.0 else ("leaf", 1, d * (1.0 - u) / u, d, None)
        return ("atleast", 1, (struct, shock))

    def label(self, node: CommonCause) -> str:
        name = f"{node.name}: " if node.name else ""
        k = f", {node.k} of {len(node.children)} needed" if node.k > 1 else ""
        return f"{name}common cause β = {node.beta:g}{k}"


KIND = CommonCauseKind()
