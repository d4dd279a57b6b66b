"""Widget panels: controls wired to the pure functions, figures updated in place.

One module per tab over ``base.Panel``: each panel makes its widgets once; its
controls funnel into ``update``, which calls the library and shows errors in the
panel (logged, never a traceback). In the app, panels share a ``Workspace``.
"""

from .app import app_panel
from .architecture import ArchitectureAppPanel, ArchitecturePanel
from .backup import BackupPanel
from .base import Panel, update_figure
from .budget import DowntimeBudgetPanel
from .compare import CompareDesignsPanel
from .dr import DRStrategyPanel
from .drills import DrillPanel
from .failover import FailoverPanel
from .overview import OverviewPanel
from .simulation import SimulationPanel
from .slo import SloPanel

__all__ = [
    "ArchitectureAppPanel",
    "ArchitecturePanel",
    "BackupPanel",
    "CompareDesignsPanel",
    "DRStrategyPanel",
    "DowntimeBudgetPanel",
    "DrillPanel",
    "FailoverPanel",
    "OverviewPanel",
    "Panel",
    "SimulationPanel",
    "SloPanel",
    "app_panel",
    "update_figure",
]
