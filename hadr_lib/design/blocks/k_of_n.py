"""``k_of_n: {k: 2, of: [block, ...]}``: up while at least ``k`` children are up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...availability import k_of_n_aq
from ...checks import InvalidInputError
from ...safe_load import check_text
from ..evaluation import k_of_n_scalar
from ..kinds import body_mapping, example_leaf, read_blocks, required_fields, whole_number
from ..repair import CREWS_SCHEMA, check_crews, crews_label, read_crews, shares_repair
from .gate import Gate, check_k, checked_children

__all__ = ["KIND", "KofN", "named_quorums"]

_FIELDS = ("k", "of", "name", "crews")


@dataclass(frozen=True)
class KofN:
    """Up while at least ``k`` children are up (exact for non-identical children)."""

    k: int
    children: tuple
    path: str = field(default="k_of_n", compare=False, repr=False)
    #: What people call it ("etcd quorum"); ``optimize`` varies a named quorum's size.
    name: str | None = None
    #: Repair crews the members share (None: each member has its own); see ``design.repair``.
    crews: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", checked_children(f"{self.path}.of", "k_of_n", self.children))
        check_k(f"{self.path}.k", self.k, len(self.children))
        if self.name is not None:
            check_text(f"{self.path}.name", self.name, max_len=200)
        check_crews(self.path, self.crews, self.children)
        if self.crews is not None and self.k > 1:
            for i, c in enumerate(self.children):
                if c.count != 1:
                    raise InvalidInputError(
                        f"{self.path}.of[{i}].count: {c.count} replicas in a quorum with crews; give each "
                        "member as its own component (count 1)")


def named_quorums(order: list) -> dict[str, KofN]:
    """The k-of-n blocks with a name among ``preorder`` entries, by name."""
    return {node.name: node for node, _ in order if type(node) is KofN and node.name}


class KofNKind(Gate):
    key = "k_of_n"
    cls = KofN

    def needed_up(self, node: KofN) -> int:
        return int(node.k)

    def parse(self, body: Any, path: str, read: Any) -> KofN:
        body = body_mapping(path, body, self.key, _FIELDS)
        required_fields(path, body, "k", "of")
        kids = read_blocks(f"{path}.of", body["of"], read)
        return KofN(whole_number(f"{path}.k", body["k"]), kids, path=path, name=body.get("name"),
                    crews=read_crews(path, body))

    def dump(self, node: KofN, write: Any) -> dict:
        body: dict = {"k": node.k, "of": [write(c) for c in node.children]}
        if node.name is not None:
            body["name"] = node.name
        if node.crews is not None:
            body["crews"] = node.crews
        return body

    def schema(self) -> dict:
        return {
            "type": "object", "additionalProperties": False, "required": ["k", "of"],
            "properties": {
                "k": {"type": "integer", "minimum": 1,
                      "description": "Children that must be up; at most the number of children."},
                "of": {"$ref": "#/$defs/blocks"},
                "name": {"type": "string", "description": (
                    "What people call it, e.g. etcd quorum; hadr optimize --vary NAME=3..7 varies its size.")},
                "crews": CREWS_SCHEMA,
            },
        }

    def examples(self) -> list:
        return [{"k": 2, "of": [example_leaf("a", 50.0, 5.0), example_leaf("b", 60.0, 4.0),
                                example_leaf("c", 40.0, 3.0)]},
                {"k": 3, "of": [example_leaf(f"n{i}", 300.0, 2.0) for i in range(5)], "name": "etcd quorum"},
                {"k": 2, "of": [example_leaf("a", 40.0, 6.0), example_leaf("b", 60.0, 4.0),
                                example_leaf("c", 50.0, 5.0)], "crews": 1, "name": "one on-call engineer"}]

    def scalar(self, node: KofN, memo: Any) -> tuple[float, float]:
        if shares_repair(node):
            return self.crews_scalar(node, memo)[:2]
        a, q = memo.kids(node.children)
        return k_of_n_scalar(node.k, a, q)

    def vector(self, node: KofN, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        if shares_repair(node):
            return self.crews_vector(node, ev, Q, over)
        return k_of_n_aq(node.k, *ev.children_aq(node, node.children, Q, over))

    def label(self, node: KofN) -> str:
        name = f"{node.name}: " if node.name else ""
        return f"{name}quorum: {node.k} of {len(node.children)} needed{crews_label(node)}"


KIND = KofNKind()
