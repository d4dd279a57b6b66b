"""``parallel: [block, ...]``: active-active, up while any child is up.
``parallel: {of: [component, ...], crews: 1}``: the members share repair crews
(``design.repair``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ...availability import parallel_aq
from ..evaluation import log1p_neg_sum
from ..kinds import body_mapping, example_leaf, read_blocks, required_fields
from ..repair import CREWS_SCHEMA, check_crews, crews_label, read_crews, shares_repair
from .gate import ListGate, checked_children

__all__ = ["KIND", "Parallel"]


@dataclass(frozen=True)
class Parallel:
    """Active-active: up while any child is up."""

    children: tuple
    path: str = field(default="parallel", compare=False, repr=False)
    #: Repair crews the members share (None: each member has its own).
    crews: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(self.path, "parallel", self.children))
        check_crews(self.path, self.crews, self.children)


class ParallelKind(ListGate):
    checks_children_only = True  # read from a list: no crews, their default
    key = "parallel"
    cls = Parallel

    def needed_up(self, node: Parallel) -> int:
        return 1

    def parse(self, body: Any, path: str, read: Any) -> Parallel:
        """A list of blocks, or ``{of: [...], crews: N}``."""
        if isinstance(body, list):
            return super().parse(body, path, read)
        body = body_mapping(path, body, self.key, ("of", "crews"))
        required_fields(path, body, "of")
        return Parallel(read_blocks(f"{path}.of", body["of"], read), path=path, crews=read_crews(path, body))

    def dump(self, node: Parallel, write: Any) -> Any:
        kids = [write(c) for c in node.children]
        return kids if node.crews is None else {"of": kids, "crews": node.crews}

    def schema(self) -> dict:
        return {"oneOf": [
            {"$ref": "#/$defs/blocks"},
            {"type": "object", "additionalProperties": False, "required": ["of"],
             "properties": {"of": {"$ref": "#/$defs/blocks"}, "crews": CREWS_SCHEMA}}]}

    def examples(self) -> list:
        return [[example_leaf("a", 50.0, 5.0), example_leaf("b", 30.0, 2.0)],
                {"of": [example_leaf("a", 50.0, 5.0, count=2), example_leaf("b", 30.0, 2.0)], "crews": 1}]

    def scalar(self, node: Parallel, memo: Any) -> tuple[float, float]:
        if shares_repair(node):
            return self.crews_scalar(node, memo)[:2]
        a, q = memo.kids(node.children)
        s = log1p_neg_sum(a)
        return 1.0 if s is None else -math.expm1(s), math.prod(q)

    def vector(self, node: Parallel, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        if shares_repair(node):
            return self.crews_vector(node, ev, Q, over)
        return parallel_aq(*ev.children_aq(node, node.children, Q, over))

    def label(self, node: Parallel) -> str:
        return f"active-active: any 1 of {len(node.children)}{crews_label(node)}"


KIND = ParallelKind()
