"""Defer an import that every kernel paid for and none used.

plotly imports nbformat, nbformat imports jsonschema, and jsonschema, when the optional
``rfc3987-syntax`` package is installed (jupyter-events asks for it), imports it to check
the "iri" and "iri-reference" formats. That package compiles dozens of Lark grammars
when imported: about 1.8 s of CPU in every app kernel, report kernel and CLI process,
though nothing here ever checks an IRI.

``defer_iri_grammar`` puts a stand-in module in its place. It has the one function
jsonschema takes from it, ``is_valid_syntax``; the first call (or any other public
attribute asked of the module) imports the real package and hands over to it. Behaviour is the
same, the cost is paid by whoever checks an IRI, if anyone does.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

__all__ = ["defer_iri_grammar"]

NAME = "rfc3987_syntax"
_lock = threading.Lock()


def _real() -> types.ModuleType:
    """The real package, imported on first use (the stand-in leaves ``sys.modules``)."""
    with _lock:
        if getattr(sys.modules.get(NAME), "_hadr_stand_in", False):
            del sys.modules[NAME]
        return importlib.import_module(NAME)


def _is_valid_syntax(*args, **kwargs):
    return _real().is_valid_syntax(*args, **kwargs)


def _module_getattr(name: str):
    if name.startswith("__"):  # tools that walk sys.modules ask for __file__ and such
        raise AttributeError(name)
    return getattr(_real(), name)


def defer_iri_grammar() -> bool:
    """Put the stand-in in place if neither jsonschema nor the package is imported yet
    and the package is installed; returns whether it did."""
    if NAME in sys.modules or "jsonschema" in sys.modules:
        return False
    try:
        if importlib.util.find_spec(NAME) is None:
            return False
    except (ImportError, ValueError):
        return False
    stand_in = types.ModuleType(NAME, "Stand-in: the real rfc3987_syntax is imported on first use.")
    stand_in._hadr_stand_in = True  # type: ignore[attr-defined]
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _module_getattr  # type: ignore[method-assign]
    sys.modules[NAME] = stand_in
    return True


defer_iri_grammar()  # on import: hadr_lib imports this module first
