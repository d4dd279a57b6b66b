"""The app's tabs, found through one registry.

Each tab is one panel module that defines ``TAB``, an ``AppTab``: its name, its label
on the tab bar, how to build its panel over the app's workspace, the CSS selector of
the element that shows its numbers, and one line saying what it shows. ``TAB_MODULES``
lists those modules in the order of the tab bar: a new tab is its module and one line
here. The app, the tests, ``make bench`` and the README all read this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..registry import read_registry

__all__ = ["TAB_MODULES", "AppTab", "TabContext", "app_tabs"]

#: The modules of ``hadr_lib.panels`` that are the app's tabs, in tab-bar order.
TAB_MODULES = ("overview", "budget", "architecture", "compare", "dr", "backup", "slo", "drills", "portfolio")


@dataclass(frozen=True)
class TabContext:
    """What every tab is built from: the app's one workspace and its parameters."""

    workspace: Any
    target: float
    period: str
    year_days: float
    #: The shipped design a tab starts from when the scenario has none.
    architecture: str
    #: Brings the tab called NAME to the front (the app's tab bar; nothing outside the app).
    show_tab: Callable[[str], None] = lambda name: None


@dataclass(frozen=True)
class AppTab:
    """One tab of the app."""

    #: Its key: ``app.panel(name)``.
    name: str
    #: Its label on the tab bar.
    title: str
    #: Builds its panel (a ``Panel``) over the app's workspace.
    build: Callable[[TabContext], Any]
    #: CSS selector of the element that shows its numbers once it is drawn.
    ready: str
    #: What it shows, in one line (the README's list of tabs).
    about: str


def app_tabs() -> tuple[AppTab, ...]:
    """The app's tabs in tab-bar order, each read from its module's ``TAB``."""
    return read_registry(__package__, TAB_MODULES, "TAB", AppTab, listed_in="TAB_MODULES", noun="tab")
