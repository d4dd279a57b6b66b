"""The design model's block kinds: one module per kind under ``design.blocks``, the
registry and the traversal in ``design.kinds``, the evaluation passes in
``design.evaluation``. ``hadr_lib.model`` builds architectures on top of them.

To add a kind, write one module: a frozen dataclass for the block and a ``KIND``, a
``BlockKind`` subclass instance (see ``design.kinds.BlockKind`` for what it owns);
register it with ``register(KIND)`` or, from an installed package, with an entry
point in the group ``hadr_lib.blocks``. ``tests/test_block_kinds.py`` is the
conformance suite every registered kind must pass.
"""

from .kinds import (
    ENTRY_POINT_GROUP,
    BlockKind,
    block_kinds,
    children,
    kind_named,
    kind_of,
    leaves,
    map_leaves,
    register,
    unregister,
    walk,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "BlockKind",
    "block_kinds",
    "children",
    "kind_named",
    "kind_of",
    "leaves",
    "map_leaves",
    "register",
    "unregister",
    "walk",
]
