"""The manager's overview of a scenario: availability against the target, the
expected annual cost of downtime, the DR strategy to pick, and one colour."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from .availability import DAYS_PER_YEAR, check_availability
from .dr import nothing_happens, recommend, strategy_table
from .formatting import format_duration, format_money
from .model import Architecture, Evaluation
from .scenario import Scenario, load_scenario
from .verdict import target_verdict

__all__ = ["Overview", "overview"]

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
        return out


def overview(scenario, target: float = 0.9995, *, year_days: float = DAYS_PER_YEAR) -> Overview:
    """The overview of a scenario (a ``Scenario``, a name or a path) against a target.

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
        downtime_cost_per_year=downtime_cost, status=status, no_incidents=nothing_happens(table))


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
