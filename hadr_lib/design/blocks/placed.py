"""A block placed in a failure domain: ``zone: NAME`` or ``region: NAME`` beside any
block's kind (``{series: [...], zone: eu-west-a}``), or spelled out as
``placed: {block: {...}, zone: NAME}``.

The block is down while it is down by itself or while its domain is (a zone also
while its region is). The domains (top-level ``zones:`` and ``regions:``, see
``hadr_lib.design.domains``) are conditioned on by the ``Architecture``: a block
knows only whether the state being evaluated has its domain down (``Memo.down``
holds such blocks; ``Vector``'s ``over`` gives a mask per state). On its own, with
its domain up, it is its block.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...checks import InvalidInputError
from ...safe_load import check_text, shown_key
from ..domains import DOMAIN_KEYS
from ..kinds import BlockKind, example_leaf, is_block, map_tree

__all__ = ["KIND", "Placed", "placed_in", "unplaced"]


@dataclass(frozen=True)
class Placed:
    """``block`` placed in the zone or region named ``domain`` (``where`` says which)."""

    block: Any
    domain: str
    where: str = "zone"
    path: str = field(default="placed", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not is_block(self.block):
            raise InvalidInputError(f"{self.path}.block: {self.block!r} is not a block (component, series, ...)")
        if self.where not in DOMAIN_KEYS:
            raise InvalidInputError(f"{self.path}: {self.where!r} is not zone or region")
        check_text(f"{self.path}.{self.where}", self.domain, max_len=200)


def placed_in(order: list) -> tuple[Placed, ...]:
    """The placed blocks among ``preorder`` entries, in walk order."""
    return tuple(node for node, _ in order if type(node) is Placed)


def unplaced(node: Any) -> Any:
    """The tree with every placement taken off (each block where it stands, no domain)."""
    return map_tree(node, block=lambda _, rebuilt: rebuilt.block if type(rebuilt) is Placed else rebuilt)


class PlacedKind(BlockKind):
    key = "placed"
    cls = Placed

    def children(self, node: Placed) -> tuple:
        return (node.block,)

    def rebuild(self, node: Placed, kids: tuple) -> Placed:
        return replace(node, block=kids[0])

    def needed_up(self, node: Placed) -> int:
        return 1

    # -- file ----------------------------------------------------------------
    def parse(self, body: Any, path: str, read: Any) -> Placed:
        if not isinstance(body, dict) or "block" not in body:
            raise InvalidInputError(f"{path}: {body!r} is not a mapping with block and zone or region")
        keys = [k for k in body if k != "block"]
        if len(keys) != 1 or keys[0] not in DOMAIN_KEYS:
            shown = ", ".join(map(shown_key, keys)) or "nothing"
            raise InvalidInputError(f"{path}: {shown} beside block; give one of zone or region")
        return self.wrap(read(body["block"], f"{path}.block"), keys[0], body[keys[0]], path)

    @staticmethod
    def wrap(block: Any, where: str, domain: Any, path: str) -> Placed:
        if not isinstance(domain, str) or not domain.strip():
            raise InvalidInputError(f"{path}.{where}: {domain!r} is not a {where} name")
        return Placed(block, domain, where, path)

    def dump(self, node: Placed, write: Any) -> Any:
        return {"block": write(node.block), node.where: node.domain}

    def dump_mapping(self, node: Placed, write: Any) -> dict:
        """Written beside the block's kind, as people write it, unless the block
        already carries that key (a block placed in two zones: spelled out)."""
        inner = write(node.block)
        if node.where in inner:
            return {self.key: self.dump(node, write)}
        return {**inner, node.where: node.domain}

    def schema(self) -> dict:
        return {"type": "object", "additionalProperties": False, "required": ["block"],
                "minProperties": 2, "maxProperties": 2,
                "properties": {"block": {"$ref": "#/$defs/block"},
                               "zone": {"type": "string", "description": "A zone under zones."},
                               "region": {"type": "string", "description": "A region under regions."}}}

    def examples(self) -> list:
        return [{"block": {"parallel": [example_leaf("a", 300.0, 3.0), example_leaf("b", 400.0, 2.0)]},
                 "zone": "z1"},
                {"block": example_leaf("c", 500.0, 6.0), "region": "r1"}]

    def example_domains(self) -> dict:
        return {"regions": {"r1": {"rate_per_year": 20.0, "mttr_h": 5.0}},
                "zones": {"z1": {"rate_per_year": 30.0, "mttr_h": 3.0, "region": "r1"}}}

    # -- evaluation ------------------------------------------------------------
    def scalar(self, node: Placed, memo: Any) -> tuple[float, float]:
        if id(node) in memo.down:
            return 0.0, 1.0
        return memo.get(node.block)

    def vector(self, node: Placed, ev: Any, Q: Any, over: Any) -> tuple[Any, Any]:
        a, u = ev.aq(node.block, Q, over)
        mask = over.get(id(node))
        if mask is None:
            return a, u
        return np.where(mask, 0.0, a), np.where(mask, 1.0, u)

    def frequency(self, node: Placed, memo: Any) -> float | None:
        if id(node) in memo.down:
            return 0.0
        return memo.frequency(node.block)

    def slopes(self, node: Placed, memo: Any) -> list[float]:
        return [0.0 if id(node) in memo.down else 1.0]

    def outages(self, node: Placed, memo: Any, kids: list) -> tuple | None:
        return kids[0]  # with its domain up, its block's outages

    def lower(self, node: Placed, lower: Any, ctx: Any) -> tuple:
        domains = getattr(ctx, "domains", None)
        if not domains or node.domain not in domains.by_name:
            raise InvalidInputError(f"{node.path}: {node.domain!r} is not a zone or region of this design")
        shared = []
        d = domains.by_name[node.domain]
        for x in (d, domains.by_name.get(d.region) if d.region else None):
            if x is not None:
                shared.append(("shared", x.name, x.mtbf_h, x.mttr_h))
        return ("atleast", 1, (lower(node.block), *shared))

    def label(self, node: Placed) -> str:
        return f"in {node.where} {node.domain}"

    def after_failure(self, node: Placed, failed: set[str], recurse: Any) -> tuple[bool, float]:
        return recurse(node.block)


KIND = PlacedKind()
