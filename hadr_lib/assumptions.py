"""What the figures assume, said once: the CLI, the app and the report read these.

Each is a sentence or two for people; the library's docstrings say the same in more
detail. ``SIMULATION`` is a template with the run's repair distribution and the repair
time given to a component known only by its SLA.
"""

from __future__ import annotations

from .catalog import SLA_DISCLAIMER

__all__ = ["DR", "FIT", "MODEL", "PERIODS", "SIMULATION", "SLA", "STRATEGY_COSTS", "report_items"]

#: An SLA is a contractual floor, not a measured uptime.
SLA = SLA_DISCLAIMER

#: How a year and a month are counted.
PERIODS = ("Downtime is counted over a 365.25-day year; a month is 1/12 of it (30.44 days) "
           "unless you pick the 30-day month.")

#: The block model's assumptions (evaluate, compare, the Architecture and Overview tabs).
MODEL = ("Failures are independent except inside common-cause groups and failure domains (a "
         "zone or region takes down everything placed in it); each component has "
         "its own repair crew unless a group says crews (its replicas then queue for them, first "
         "come, first served); active-active groups and quorums switch over instantly, and "
         "standbys take their stated failover time.")

#: How DR strategies are priced.
DR = ("Expected annual loss = sum over disruption types of incidents per year x (outage "
      "hours x downtime cost + data lost x its cost); data lost is the mean (half the "
      "interval of a periodic backup), not the worst case. A strategy that does not cover a "
      "disruption (replication copies a corrupted table faithfully) recovers by the "
      "scenario's fallback (72 h and 24 h of data by default). The design's downtime and "
      "the DR incidents are two lenses on risk, not a sum.")

#: Where the strategies' prices come from.
STRATEGY_COSTS = "Strategy costs are illustrative until you enter yours."

#: The simulation's assumptions; ``.format(repair=..., default_mttr_h=...)``.
SIMULATION = ("Failures are independent except inside common-cause groups and failure domains, "
              "one repair crew per "
              "component unless a group says crews, {repair} repairs; a component known only by its SLA gets a "
              "{default_mttr_h:g} h repair time. SLAs are checked per calendar month.")

#: How incident logs are fitted.
FIT = "Assumes exponential times to failure and repair; 90% intervals with Jeffreys priors."


def report_items(*, simulated_years: int, seed: int) -> list[str]:
    """The report's list of assumptions, from the constants above."""
    return [MODEL, SLA, PERIODS, DR, STRATEGY_COSTS,
            f"The bad year comes from {simulated_years:,} simulated years (seed {seed}): "
            + SIMULATION.format(repair="exponential", default_mttr_h=1.0)]
