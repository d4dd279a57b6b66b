"""Registries of things that are each one module: the app's tabs, the CLI's commands.

A registry is a tuple of module names inside a package, each module defining one
object under a fixed attribute (``TAB``, ``COMMAND``); ``read_registry`` imports them
in order and refuses a module without one, or two with the same name.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from .checks import InvalidInputError

__all__ = ["read_registry"]


def read_registry(package: str, modules: Sequence[str], attribute: str, kind: type, *,
                  listed_in: str, noun: str) -> tuple[Any, ...]:
    """The ``attribute`` of each of ``package``'s ``modules``, in order: each must be a
    ``kind`` with a ``name`` no other has (``listed_in`` and ``noun`` are for errors)."""
    found: list[Any] = []
    for module_name in modules:
        item = getattr(importlib.import_module(f"{package}.{module_name}"), attribute, None)
        if not isinstance(item, kind):
            article = "an" if kind.__name__[0] in "AEIOU" else "a"
            raise InvalidInputError(
                f"{package}.{module_name}: {attribute} is {type(item).__name__}, not {article} "
                f"{kind.__name__}; every module in {listed_in} defines one")
        found.append(item)
    names = [item.name for item in found]
    if len(set(names)) != len(names):
        raise InvalidInputError(f"{listed_in}: {noun} names repeat ({', '.join(names)})")
    return tuple(found)
