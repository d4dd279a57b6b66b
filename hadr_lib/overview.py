"""The manager's overview of a scenario: availability against the target, the
expected annual cost of downtime, the DR strategy to pick, and one colour."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

from .availability import DAYS_PER_YEAR, check_availability
from .dr import nothing_happens, recommend, strategy_table
from .formatting import format_duration, format_money
from .model import Architecture, Evaluation
from .scenario import Scenario, load_scenario
from .verdict import target_verdict

__all__ = ["Overview", "design_change_sentence", "overview"]

_RANK = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Overview:
    """What a manager needs from a scenario, in words and numbers."""

    scenario: Scenario
    target: float
    architecture: Architecture | None
    evaluation: Evaluation | None
    availability_status: str | None
    availability_sentence: str
    recommended: str | None
    recommended_label: str | None
    recommendation_reason: str
    annual_cost: float | None
    expected_loss: float | None
    downtime_cost_per_year: float | None
    status: str
    no_incidents: bool = False  # every incident rate 0: the DR pick is a default
    #: The design given before the what-ifs (the scenario file's own), when it is another one.
    before: Architecture | None = None

    @property
    def design_cost_per_year(self) -> float | None:
        """What running the design costs a year (None: a part has no ``cost_per_year``)."""
        return None if self.architecture is None else self.architecture.cost_per_year

    @property
    def design_currency(self) -> str:
        """The currency of the design's running costs: its own, else the scenario's."""
        arch = self.architecture
        return (arch.currency if arch is not None and arch.currency else None) or self.scenario.currency

    @property
    def all_in_cost(self) -> float | None:
        """The all-in cost of risk a year: the design's running cost + the DR strategy's
        running cost + the expected losses from disruptions (the incident lens). The cost
        of the design's own downtime prices the same risk another way and is not added.
        None when a part is unknown or the design is priced in another currency."""
        parts = (self.design_cost_per_year, self.annual_cost, self.expected_loss)
        if any(p is None for p in parts) or self.design_currency != self.scenario.currency:
            return None
        return math.fsum(float(p) for p in parts if p is not None)

    def lines(self) -> list[str]:
        """The overview in plain sentences, money in the scenario's currency."""
        money = partial(format_money, currency=self.scenario.currency)
        out = [self.availability_sentence]
        cost, loss, paid = self.annual_cost, self.expected_loss, self.downtime_cost_per_year
        if self.evaluation is not None and paid is not None:
            out.append(
                f"At {money(self.scenario.downtime_cost_per_hour)} an hour, its "
                f"{format_duration(self.evaluation.downtime_per_year_s)} of expected downtime a "
                f"year cost about {money(paid)} a year (the design's "
                "own failures, from its components' failure and repair rates).")
        if self.recommended and cost is not None and self.no_incidents:
            out.append(
                f"DR strategy: {self.recommended_label} ({money(cost)} a year), the "
                "cheapest to run, by default: no disruption is expected (every incident rate is "
                "0), so every strategy meets the RTO and RPO only on paper.")
        elif self.recommended and cost is not None and loss is not None:
            out.append(
                f"DR strategy: {self.recommended_label}, {money(cost)} a year to run "
                f"plus {money(loss)} of expected losses from disruptions: the "
                "cheapest in total that meets the RTO and RPO.")
        else:
            out.append(f"DR strategy: none fits: {self.recommendation_reason}.")
        if self.evaluation is not None and not self.no_incidents:
            out.append(
                "The two loss figures count different things and are not to be added: the first "
                "prices the design's expected downtime; the second prices the scenario's incident "
                "counts (instances, zones, regions lost, data corrupted) at the strategy's recovery "
                "time and data loss, so an instance or zone lost is in both.")
        out += self._money_lines(money)
        return out

    def _money_lines(self, money) -> list[str]:
        """What the design costs to run, the all-in cost of risk, and what a change of
        design since the scenario's own costs and saves."""
        out: list[str] = []
        arch, spend = self.architecture, self.design_cost_per_year
        if arch is None:
            return out
        if spend is None:
            out.append("What the design costs to run is unknown: not every part has a running cost.")
        elif self.design_currency != self.scenario.currency:
            out.append(f"Running the design costs {format_money(spend, self.design_currency)} a year; its "
                       f"prices are in {self.design_currency} and the scenario's money in "
                       f"{self.scenario.currency}, so they are not added together.")
        else:
            all_in = self.all_in_cost
            out.append(f"Running the design costs {money(spend)} a year (its parts' running costs).")
            if all_in is not None and self.annual_cost is not None and self.expected_loss is not None:
                out.append(
                    f"All in, the risk costs {money(all_in)} a year: the design {money(spend)} + the DR "
                    f"strategy {money(self.annual_cost)} + expected losses from disruptions "
                    f"{money(self.expected_loss)}. The cost of the design's own downtime is the other "
                    "way of pricing the same outages and is not added again.")
        if self.before is not None:
            out.append(design_change_sentence(self.before, arch, self.scenario.downtime_cost_per_hour,
                                              self.scenario.currency))
        return out


def design_change_sentence(before: Architecture, after: Architecture, downtime_cost_per_hour: float,
                           currency: str = "USD", *, year_days: float = DAYS_PER_YEAR) -> str:
    """A change of design in money: "Single server to Multi-AZ PostgreSQL costs X a year
    more to run and saves Y of downtime a year, worth Z"; a running cost it cannot know
    (an unpriced part, or prices in another currency) is said, not guessed."""
    from .formatting import format_duration

    eb, ea = before.evaluate(year_days=year_days), after.evaluate(year_days=year_days)
    delta_s = float(ea.downtime_per_year_s - eb.downtime_per_year_s)
    money = partial(format_money, currency=currency)
    head = f"{before.name} to {after.name}"
    cb, ca = before.cost_per_year, after.cost_per_year
    currencies = {a.currency or currency for a in (before, after)}
    if cb is None or ca is None:
        cost = "has a running cost that is unknown (not every part of both designs is priced)"
    elif currencies != {currency}:
        cost = f"changes the running cost in {'/'.join(sorted(currencies))}, not in {currency}"
    else:
        d = ca - cb
        cost = (f"costs {money(abs(d))} a year {'more' if d > 0 else 'less'} to run" if abs(d) >= 0.005
                else "costs the same to run")
    if delta_s == 0:
        return f"{head} {cost} and changes no expected downtime."
    worth = abs(delta_s) / 3600 * downtime_cost_per_hour
    verb = "saves" if delta_s < 0 else "adds"
    return (f"{head} {cost} and {verb} {format_duration(abs(delta_s))} of downtime a year, "
            f"worth {money(worth)} at {money(downtime_cost_per_hour)} an hour.")


def overview(scenario, target: float = 0.9995, *, year_days: float = DAYS_PER_YEAR,
             before: Architecture | None = None) -> Overview:
    """The overview of a scenario (a ``Scenario``, a name or a path) against a target.
    ``before``: the design the scenario came with, when the workspace has changed it
    (its lines then price the change of design).

    The colour is the worse of the design's verdict against the target (green,
    amber, red; none without an architecture) and the DR verdict (green when a
    strategy meets the RTO and RPO, red when none does).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    target = float(check_availability(target, "target"))
    arch = evaluation = status_a = None
    sentence = "No architecture is attached to this scenario."
    if sc.design is not None:
        arch = sc.design
        evaluation = arch.evaluate(year_days=year_days)
        status_a, sentence = target_verdict(evaluation.availability, target, arch.name)
    table = strategy_table(sc)
    rec, reason = recommend(table, sc)
    row = table.set_index("strategy").loc[rec] if rec else None
    status_dr = "green" if rec else "red"
    status = max([s for s in (status_a, status_dr) if s], key=lambda s: _RANK[s])
    downtime_cost = (evaluation.downtime_per_year_s / 3600 * sc.downtime_cost_per_hour
                     if evaluation is not None else None)
    return Overview(
        scenario=sc, target=target, architecture=arch, evaluation=evaluation,
        availability_status=status_a, availability_sentence=sentence, recommended=rec,
        recommended_label=None if row is None else row["label"], recommendation_reason=reason,
        annual_cost=None if row is None else float(row["annual_cost"]),
        expected_loss=None if row is None else float(row["expected_loss"]),
        downtime_cost_per_year=downtime_cost, status=status, no_incidents=nothing_happens(table),
        before=before if before is not None and arch is not None and before is not arch else None)


def __getattr__(name: str):
    """``overview_html`` and ``overview_markdown`` moved to ``hadr_lib.views`` (this
    module computes; that one writes HTML): the old path works for one release."""
    if name in ("overview_html", "overview_markdown"):
        import importlib
        import warnings

        warnings.warn(f"hadr_lib.overview.{name} moved to hadr_lib.views.{name}; the old path "
                      "goes in the next release", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module("hadr_lib.views"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
