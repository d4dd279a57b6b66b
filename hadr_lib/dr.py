"""DR strategies priced against business impact.

For each strategy and each disruption type (instance, zone, region, data
corruption or deletion):

- outage length [h]: the strategy's RTO where it covers the disruption, else the
  scenario's fallback RTO (by default 72 h: rebuild by hand from the last
  off-site copy);
- data lost [units]: the strategy's RPO (or the fallback RPO) times the data
  written per hour.

Expected annual loss = sum over disruption types of incidents per year x
(outage hours x downtime cost per hour + data lost x cost per unit); the total
annual cost is the strategy's own annual cost plus that expected loss.

Why not the source article's calculator? It computes
``annual_failure_hours = (365*24) / (24/rto_hours)``, which is ``365 x RTO``: as if
the system failed every single day and each failure lasted one RTO. Failure
hours come from how often disruptions happen, not from the RTO alone; here they
are ``incidents per year x outage length``, per disruption type, and a strategy
that does not cover a disruption (replication copies a corrupted table
faithfully) does not get its RTO for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from .availability import finite_or_none
from .checks import InvalidInputError
from .formatting import format_duration, format_money
from .scenario import Scenario
from .strategies import DISRUPTIONS, Strategy, load_strategies

__all__ = [
    "Strategy",
    "Blockers",
    "blockers",
    "CostSweep",
    "break_even_sentence",
    "break_even_table",
    "dr_summary",
    "cost_sweep",
    "format_strategy_table",
    "load_strategies",
    "recommend",
    "nothing_happens",
    "seed_article_risk",
    "DESIGN_DISRUPTIONS",
    "LayeredStrategy",
    "design_recovery_h",
    "design_rpo_h",
    "domain_recovery_h",
    "layered",
    "design_domain_rates",
    "domain_rate_sentence",
    "recommendation_sentence",
    "shortfalls",
    "scenario_design_recovery_h",
    "scenario_strategies",
    "strategy_table",
    "total_cost_sweep",
]


@dataclass(frozen=True)
class LayeredStrategy:
    """Strategies run together (replication + point-in-time backups): each disruption
    recovers by the best layer that covers it (the shortest RTO, then the shortest
    RPO), and the running costs add."""

    layers: tuple[Strategy, ...]

    @property
    def id(self) -> str:
        return "+".join(s.id for s in self.layers)

    @property
    def label(self) -> str:
        return " + ".join(s.label for s in self.layers)

    @property
    def annual_cost(self) -> float:
        return math.fsum(s.annual_cost for s in self.layers)

    @property
    def protects_against(self) -> frozenset:
        return frozenset().union(*(s.protects_against for s in self.layers))

    def _best(self, disruption: str) -> Strategy | None:
        covering = [(t, s) for s in self.layers if (t := s.times_for(disruption)) is not None]
        return min(covering, key=lambda ts: ts[0])[1] if covering else None

    def times_for(self, disruption: str) -> tuple[float, float] | None:
        best = self._best(disruption)
        return None if best is None else best.times_for(disruption)

    def periodic_for(self, disruption: str) -> bool:
        best = self._best(disruption)
        return bool(best and best.periodic_for(disruption))


def layered(ids, strategies: list[Strategy]) -> LayeredStrategy:
    """The layered strategy of catalogue ids (2 to 4 different ones)."""
    by_id = {s.id: s for s in strategies}
    ids = list(ids)
    if not 2 <= len(ids) <= 4 or len(set(ids)) != len(ids):
        raise InvalidInputError(f"layered_strategies: {ids!r} is not 2 to 4 different strategy ids")
    for i in ids:
        if i not in by_id:
            raise InvalidInputError(f"layered_strategies: {i!r} is not a strategy; use one of "
                                    f"{', '.join(sorted(by_id))}")
    return LayeredStrategy(tuple(by_id[i] for i in ids))


def scenario_strategies(scenario: Scenario) -> list:
    """The catalogue and the scenario's own strategies (with the scenario's cost
    edits), and its layered strategies."""
    catalogue = load_strategies(costs=scenario.strategy_costs, custom=scenario.custom_strategies)
    return [*catalogue, *(layered(ids, catalogue) for ids in scenario.layered_strategies)]


#: Disruptions a design's own redundancy handles (its failover, not a DR recovery).
DESIGN_DISRUPTIONS = ("instance", "zone")


def design_recovery_h(architecture) -> float | None:
    """How long the design itself takes to recover from the loss of an instance [h]:
    its mean outage length from its parts' failures (its zones and regions left out:
    ``domain_recovery_h`` prices those) where every part has MTBF and MTTR, else its
    slowest standby failover; None when it has neither (no redundancy to recover with)."""
    from .design.blocks.placed import unplaced
    from .design.blocks.standby import failover_times_s
    from .model import Architecture

    parts = Architecture(unplaced(architecture.root)) if architecture.placed else architecture
    e = parts.evaluate()
    if e.mean_outage_s is not None:
        return e.mean_outage_s / 3600.0
    failovers = failover_times_s(architecture.root)
    return max(failovers) / 3600.0 if failovers else None


def design_rpo_h(architecture) -> float | None:
    """The data the design's own failovers lose [h]: the largest ``rpo_s`` of its
    standbys that say how they replicate (0 synchronous, the lag asynchronous); None
    when none says (the strategy's RPO stands)."""
    from .design.blocks.standby import standbys_in
    from .design.kinds import preorder

    stated = [sb.rpo_s for sb in standbys_in(preorder(architecture.root)) if sb.rpo_s is not None]
    return max(stated) / 3600.0 if stated else None


def domain_recovery_h(architecture) -> dict[str, float]:
    """How long the design is down when it loses one zone, or one region [h], from its
    failure domains: 0 when its redundancy spans every such domain (it survives the loss
    of any one, all else up); its slowest standby failover when it survives the loss once
    its standbys have taken over (a primary in the lost zone); else the longest outage
    (``mttr_h``) of a domain it cannot lose. Only the kinds of domain the design places
    blocks in."""
    from .design.blocks.standby import failover_times_s

    out: dict[str, float] = {}
    used = {node.domain for node in architecture.placed}
    failovers = failover_times_s(architecture.root)
    taken_over = None  # the design with every failover instant and certain, made once
    for kind in ("zone", "region"):
        mine = [d for d in architecture.domains.all if d.kind == kind and d.name in used]
        worst = 0.0
        for d in mine:
            if architecture.survives_loss_of(d.name):
                continue
            if failovers and taken_over is None:
                taken_over = architecture.with_changes(standbys={
                    i: {"failover_s": 0.0, "coverage": 1.0} for i in range(len(architecture.standbys))})
            if taken_over is not None and taken_over.survives_loss_of(d.name):
                worst = max(worst, max(failovers) / 3600.0)
            else:
                worst = max(worst, d.mttr_h)
        if mine:
            out[kind] = worst
    return out


def backup_recovery_h(scenario: Scenario) -> tuple[float, float] | None:
    """(worst restore, worst data lost) [h] from corrupted data with the scenario's own
    backup schedule (``backup:``, the Backup tab's), or None without one or without its
    ``data_gb`` and ``daily_change`` (a restore's length needs them)."""
    kept = scenario.backup
    if not kept or kept.get("data_gb") is None or kept.get("daily_change") is None:
        return None
    from .backup import BackupPlan, plan_backups

    result = plan_backups(BackupPlan(**dict(kept)))  # type: ignore[arg-type]
    return result.restore_h, result.rpo_worst_h


def scenario_design_recovery_h(scenario: Scenario) -> float | None:
    """``design_recovery_h`` of the scenario's design (None without one); the design
    is loaded once per scenario (``Scenario.design``), so slider moves do not reload it."""
    design = scenario.design
    return None if design is None else design_recovery_h(design)


def _recovery(scenario: Scenario, strategies):
    """Per strategy (rows) and disruption type (columns, ``DISRUPTIONS``): outage
    hours and hours of data lost at worst, fallback and the design's own recovery
    included (the design's own failover, losing its replicas' lag, ``design_rpo_h``; the
    scenario's own backups for corrupted data, ``backup_recovery_h``, whose storage costs
    the same under every strategy and is not added); the strategies' ``times_for`` per
    disruption; and the share of ``lost_h`` an incident loses on average."""
    times = [[s.times_for(d) for d in DISRUPTIONS] for s in strategies]
    outage = np.array([[t[0] if t else scenario.fallback_rto_h for t in row] for row in times])
    # HA and DR joined: an instance or a zone lost is the design's to recover from when it
    # has the redundancy to do so (a 90 s standby is not priced at a strategy's RTO).
    design_h = scenario_design_recovery_h(scenario)
    domains_h = {} if scenario.design is None else domain_recovery_h(scenario.design)
    lost_h = np.array([[t[1] if t else scenario.fallback_rpo_h for t in row] for row in times])
    # Where the design recovers sooner than the strategy, it is the design's failover that
    # recovers: the data lost is its replicas' (when its standbys say how they replicate).
    by_design = np.zeros(outage.shape, dtype=bool)
    for j, d in enumerate(DISRUPTIONS):
        own = domains_h[d] if d in domains_h else (design_h if d in DESIGN_DISRUPTIONS else None)
        if own is not None:
            by_design[:, j] = own < outage[:, j]
            outage[:, j] = np.minimum(outage[:, j], own)
    rpo_h = None if scenario.design is None else design_rpo_h(scenario.design)
    if rpo_h is None:
        by_design[:] = False
    else:
        lost_h = np.where(by_design, rpo_h, lost_h)
    # What an incident loses on average, as a share of ``lost_h``: the fallback restores the
    # last off-site copy, a periodic one, so half; a replica the design fails over to loses
    # its lag in full.
    share = np.array([[0.5 if (not t or s.periodic_for(d)) else 1.0 for d, t in zip(DISRUPTIONS, row)]
                      for s, row in zip(strategies, times)])
    share = np.where(by_design, 1.0, share)
    # The scenario's own backups restore corrupted data too: where that costs less than the
    # strategy's way (downtime and data lost, at the scenario's prices), it is the way taken;
    # they are periodic too.
    backups = backup_recovery_h(scenario)
    if backups is not None:
        j = DISRUPTIONS.index("data_corruption")
        restore_h, backup_rpo_h = backups
        per_h = scenario.data_written_per_hour * scenario.data_cost_per_unit
        theirs = outage[:, j] * scenario.downtime_cost_per_hour + share[:, j] * lost_h[:, j] * per_h
        mine = restore_h * scenario.downtime_cost_per_hour + 0.5 * backup_rpo_h * per_h
        by_backup = (mine < theirs) & ~by_design[:, j]
        outage[:, j] = np.where(by_backup, restore_h, outage[:, j])
        lost_h[:, j] = np.where(by_backup, backup_rpo_h, lost_h[:, j])
        share[:, j] = np.where(by_backup, 0.5, share[:, j])
    return outage, lost_h, times, share


def _arrays(scenario: Scenario, strategies):
    """Per strategy: hours down per year, data lost per year [units] on average and
    at worst (every incident losing the full RPO), and whether every disruption that
    happens is recovered within its RTO and RPO target."""
    incidents = np.array([scenario.incidents_per_year[d] for d in DISRUPTIONS])
    outage, lost_h, _, share = _recovery(scenario, strategies)
    hours = outage @ incidents                                       # [h/year]
    data_units = (share * lost_h * scenario.data_written_per_hour) @ incidents
    data_worst = (lost_h * scenario.data_written_per_hour) @ incidents
    happens = incidents > 0
    rto_t = np.array([scenario.rto_targets[d] for d in DISRUPTIONS])
    rpo_t = np.array([scenario.rpo_targets[d] for d in DISRUPTIONS])
    tol = 1 + 1e-12
    meets_rto = ((outage <= rto_t * tol) | ~happens).all(axis=1)
    meets_rpo = ((lost_h <= rpo_t * tol) | ~happens).all(axis=1)
    worst_out = np.where(happens, outage, 0.0).max(axis=1)
    worst_lost = np.where(happens, lost_h, 0.0).max(axis=1)
    return hours, data_units, data_worst, worst_out, worst_lost, meets_rto, meets_rpo


def strategy_table(scenario: Scenario, strategies=None) -> pd.DataFrame:
    """Cost, expected loss and total per strategy, and whether it meets the targets.

    Columns: ``strategy``, ``label``, ``annual_cost``, ``downtime_per_year_h``,
    ``data_lost_per_year`` (in the scenario's unit, on average: half an interval for
    periodic copies), ``data_lost_per_year_worst`` (every incident losing the full
    RPO), ``expected_loss``, ``worst_case_loss`` (the same with the worst data loss),
    ``total_cost``, ``worst_outage_h``, ``worst_data_loss_h``, ``meets_rto`` and
    ``meets_rpo`` (every disruption type with incidents recovered within its
    target), sorted by annual cost.
    """
    strategies = strategies or scenario_strategies(scenario)
    hours, units, units_worst, worst_out, worst_lost, meets_rto, meets_rpo = _arrays(
        scenario, strategies)
    cost = np.array([s.annual_cost for s in strategies])
    loss = hours * scenario.downtime_cost_per_hour + units * scenario.data_cost_per_unit
    loss_worst = hours * scenario.downtime_cost_per_hour + units_worst * scenario.data_cost_per_unit
    df = pd.DataFrame({
        "strategy": [s.id for s in strategies],
        "label": [s.label for s in strategies],
        "annual_cost": cost,
        "downtime_per_year_h": hours,
        "data_lost_per_year": units,
        "data_lost_per_year_worst": units_worst,
        "expected_loss": loss,
        "worst_case_loss": loss_worst,
        "total_cost": cost + loss,
        "worst_outage_h": worst_out,
        "worst_data_loss_h": worst_lost,
        "meets_rto": meets_rto,
        "meets_rpo": meets_rpo,
    })
    return df.sort_values(["annual_cost", "strategy"], kind="stable").reset_index(drop=True)


def nothing_happens(table: pd.DataFrame) -> bool:
    """True when no disruption is expected (every incident rate 0): each strategy
    then meets the targets only on paper, and none saves anything."""
    return bool((table["worst_outage_h"] == 0).all() and (table["expected_loss"] == 0).all())


def recommend(table: pd.DataFrame, scenario: Scenario | None = None) -> tuple[str | None, str]:
    """(strategy id or None, reason): the cheapest in total that meets both targets.
    With no disruption expected that is the cheapest to run, and the reason says so.
    When none meets them, the reason says what blocks them (``blockers``; with the
    ``scenario``): never a strategy that merely recovers fastest, which may lose hours
    of a ledger's data."""
    if nothing_happens(table):
        row = table.loc[table["annual_cost"].idxmin()]
        return row["strategy"], (f"no disruption is expected (every incident rate is 0), so every "
                                 f"strategy meets the targets only on paper; {row['label']} is the "
                                 "cheapest to run")
    ok = table[table["meets_rto"] & table["meets_rpo"]]
    if ok.empty:
        if scenario is not None:
            return None, blockers(scenario, table=table).sentence
        return None, "no strategy in the catalogue meets both targets for every disruption"
    row = ok.loc[ok["total_cost"].idxmin()]
    return row["strategy"], f"{row['label']} is the cheapest in total that meets both targets"


def _among(scenario: Scenario) -> str:
    """Where the strategies come from, as sentences say it."""
    return "in the catalogue or yours" if scenario.custom_strategies else "in the catalogue"


def recommendation_sentence(scenario: Scenario, table: pd.DataFrame) -> str:
    """The recommendation in one or two sentences, in the scenario's currency."""
    rec, reason = recommend(table, scenario)
    cheapest = table.loc[table["total_cost"].idxmin()]
    money = partial(format_money, currency=scenario.currency)
    targets = (f"your {format_duration(scenario.rto_target_h * 3600)} RTO and "
               f"{format_duration(scenario.rpo_target_h * 3600)} RPO")
    if rec is None:
        return (f"Nothing {_among(scenario)} meets {targets}: {reason}. Cheapest overall: "
                f"{cheapest['label']} at {money(cheapest['total_cost'])} a year.")
    if nothing_happens(table):
        row = table.set_index("strategy").loc[rec]
        return (f"No disruption is expected: every incident rate is 0, so no strategy saves "
                f"anything and each meets {targets} only on paper. The cheapest to run is "
                f"{row['label']} ({money(row['annual_cost'])} a year). Enter how often you lose "
                "an instance, a zone, a region or data to compare the strategies.")
    row = table.set_index("strategy").loc[rec]
    text = (f"Recommended: {row['label']}, {money(row['total_cost'])} a year in total "
            f"({money(row['annual_cost'])} to run plus {money(row['expected_loss'])} of expected "
            f"losses), the cheapest that meets {targets}.")
    if cheapest["strategy"] != rec:
        why = shortfalls(scenario, [s for s in scenario_strategies(scenario)
                                    if s.id == cheapest["strategy"]]).get(cheapest["strategy"])
        text += (f" {cheapest['label']} would cost less in total "
                 f"({money(cheapest['total_cost'])}) but misses the targets"
                 + (f" ({why[0]})." if why else "."))
    return text


def design_domain_rates(scenario: Scenario) -> dict[str, dict]:
    """Where the scenario's design has zones or regions: per kind (``zone``,
    ``region``), the scenario's incidents a year, the design's (its domains' rates
    summed: any of them down is an incident for the service) and each domain's."""
    design = scenario.design
    if design is None or not design.placed:
        return {}
    out: dict[str, dict] = {}
    for kind in ("zone", "region"):
        mine = [d for d in design.used_domains if d.kind == kind]
        if mine:
            out[kind] = {"scenario": float(scenario.incidents_per_year.get(kind, 0.0)),
                         "design": math.fsum(d.rate_per_year for d in mine),
                         "domains": {d.name: float(d.rate_per_year) for d in mine}}
    return out


def domain_rate_sentence(scenario: Scenario) -> str:
    """Where the scenario's zone or region incident rate and its design's domains
    disagree (by more than 1%), what each says and which the DR table uses; else ""."""
    parts = []
    for kind, r in design_domain_rates(scenario).items():
        if math.isclose(r["scenario"], r["design"], rel_tol=0.01, abs_tol=1e-12):
            continue
        shown = scenario.design.domains.by_name if scenario.design is not None else {}
        each = ", ".join(f"{shown[name].display if name in shown else name} {rate:g}"
                         for name, rate in r["domains"].items())
        parts.append(f"the design's {kind}s fail {r['design']:g} times a year in all ({each}), "
                     f"the scenario says {r['scenario']:g} {kind} incidents a year")
    if not parts:
        return ""
    return ("Rates disagree: " + "; ".join(parts) + ". The DR table prices the scenario's "
            "figures; set incidents_per_year in the scenario, or the design's domains, to the "
            "rates you believe.")


_DISRUPTION_WORDS = {"instance": "an instance lost", "zone": "a zone lost",
                     "region": "a region lost", "data_corruption": "data corrupted"}
_DISRUPTION_NOUNS = {"instance": "a lost instance", "zone": "a lost zone",
                     "region": "a lost region", "data_corruption": "corrupted data"}


@dataclass(frozen=True)
class Blockers:
    """What keeps every strategy from the targets: ``disruptions`` no strategy
    recovers from within its RTO and RPO, and ``best``, the strategy (id) that meets
    the targets for every other disruption at the lowest total cost (None if none
    does), with ``sentence`` saying both in one line."""

    disruptions: tuple[str, ...]
    best: str | None
    best_label: str | None
    sentence: str


def blockers(scenario: Scenario, strategies=None, table: pd.DataFrame | None = None) -> Blockers:
    """Which disruptions block the targets whatever the strategy, and the cheapest
    strategy that meets them for everything else: the line a manager needs when
    nothing fits (for a ledger: "only corrupted data; warm standby + point-in-time
    backups meets everything else"), instead of a strategy that is merely fastest.
    ``table`` is ``strategy_table(scenario, strategies)`` when the caller has it."""
    strategies = strategies or scenario_strategies(scenario)
    outage, lost_h, _, _ = _recovery(scenario, strategies)
    happens = np.array([scenario.incidents_per_year[d] > 0 for d in DISRUPTIONS])
    rto_t = np.array([scenario.rto_targets[d] for d in DISRUPTIONS])
    rpo_t = np.array([scenario.rpo_targets[d] for d in DISRUPTIONS])
    tol = 1 + 1e-12
    in_time, little_lost = outage <= rto_t * tol, lost_h <= rpo_t * tol
    met = (in_time & little_lost) | ~happens  # strategies x disruptions
    blocked = ~met.any(axis=0)
    names = tuple(d for d, b in zip(DISRUPTIONS, blocked) if b)
    table = (strategy_table(scenario, strategies) if table is None else table).set_index("strategy")
    others = met[:, ~blocked].all(axis=1)
    best = best_label = None
    if others.any():
        candidates = [s.id for s, ok in zip(strategies, others) if ok]
        best = min(candidates, key=lambda sid: (table.loc[sid, "total_cost"], sid))
        best_label = str(table.loc[best, "label"])
    if not names:  # each disruption is met by some strategy, but no one strategy meets all
        sentence = ("each disruption is met by some strategy but none meets them all; run two "
                    "together (layered_strategies)")
    else:
        nouns = [_DISRUPTION_NOUNS[d] for d in names]
        what = nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} and {nouns[-1]}"
        only = "only " if len(names) < int(happens.sum()) else ""
        named = len(names) > 1  # each target says whose it is
        targets = "; ".join(f"{_DISRUPTION_NOUNS[d] + ': ' if named else ''}RTO "
                            f"{format_duration(scenario.rto_targets[d] * 3600)}, RPO "
                            f"{format_duration(scenario.rpo_targets[d] * 3600)}" for d in names)
        # What no strategy does, said as it is: back in time, that little data lost, or
        # (each done by some strategy) the two together. "Recovers from it in time" was said
        # when an hourly snapshot was back within the hour and only the data loss blocked.
        late = bool((~in_time[:, blocked].any(axis=0)).any())
        lossy = bool((~little_lost[:, blocked].any(axis=0)).any())
        it = "it" if len(names) == 1 else "them"
        short = (f"recovers from {it} in time or loses that little data" if late and lossy
                 else f"recovers from {it} in time" if late
                 else f"loses that little data to {it}" if lossy
                 else f"both recovers from {it} in time and loses that little data")
        sentence = (f"{only}{what} {'blocks' if len(names) == 1 else 'block'} the targets ({targets}): no "
                    f"strategy {_among(scenario)} {short}")
        if best_label is not None:
            sentence += f"; {best_label} meets everything else"
    return Blockers(names, best, best_label, sentence)


def shortfalls(scenario: Scenario, strategies=None) -> dict[str, list[str]]:
    """Why each strategy misses the targets, in words: per strategy id, one phrase per
    disruption type that happens and is recovered too slowly or with too much data
    lost (empty for a strategy that meets them), e.g. ``"a region lost: back in
    4 hours, RTO 1 hour"``."""
    strategies = strategies or scenario_strategies(scenario)
    outage, lost_h, times, _ = _recovery(scenario, strategies)
    rto, rpo = scenario.rto_targets, scenario.rpo_targets
    tol = 1 + 1e-12
    out: dict[str, list[str]] = {}
    for i, s in enumerate(strategies):
        phrases = []
        for j, d in enumerate(DISRUPTIONS):
            if scenario.incidents_per_year[d] <= 0:
                continue
            parts = []
            how = "" if times[i][j] else " (not covered: the fallback)"
            if outage[i, j] > rto[d] * tol:
                parts.append(f"back in {format_duration(outage[i, j] * 3600)}{how}, "
                             f"RTO {format_duration(rto[d] * 3600)}")
                how = ""
            if lost_h[i, j] > rpo[d] * tol:
                parts.append(f"loses up to {format_duration(lost_h[i, j] * 3600)} of data{how}, "
                             f"RPO {format_duration(rpo[d] * 3600)}")
            if parts:
                phrases.append(f"{_DISRUPTION_WORDS[d]}: {'; '.join(parts)}")
        out[s.id] = phrases
    return out


def _round_money(x: float) -> float:
    """Three significant figures, for sentences (``48,523`` -> ``48,500``)."""
    if x <= 0 or not math.isfinite(x):
        return x
    return float(f"{x:.3g}")


def break_even_sentence(scenario: Scenario, table: pd.DataFrame | None = None) -> str:
    """Where the choice flips as the cost of downtime moves, in one sentence, among
    the strategies that meet the targets (all of them when none does): e.g. "At
    $50,000/h, Warm standby is cheapest in total; above $485,000/h, switch to
    Active-active; below $4,850/h, Pilot light would do."."""
    t = table if table is not None else strategy_table(scenario)
    ok = t[t["meets_rto"] & t["meets_rpo"]]
    pool = (ok if not ok.empty else t).reset_index(drop=True)
    be = break_even_table(scenario, pool)
    money = partial(format_money, currency=scenario.currency)
    c = scenario.downtime_cost_per_hour
    # The cheapest at c: walk the envelope.
    current = be["from"].iloc[0] if not be.empty else pool.loc[pool["total_cost"].idxmin(), "strategy"]
    below = above = None
    for r in be.itertuples():
        if r.break_even_cost_per_hour <= c:
            current, below = r.to, r
        elif above is None:
            above = r
    label = pool.set_index("strategy").loc[current, "label"]
    among = "" if not ok.empty else " (none meets the targets)"
    text = f"At {money(c)}/h of downtime, {label} is cheapest in total{among}"
    if above is not None:
        text += (f"; above {money(_round_money(above.break_even_cost_per_hour))}/h, switch to "
                 f"{above.to_label}")
    if below is not None:
        text += (f"; below {money(_round_money(below.break_even_cost_per_hour))}/h, "
                 f"{below.from_label} would do")
    if above is None and below is None:
        text += (", the only one that meets your targets" if len(pool) == 1 and not ok.empty
                 else " whatever downtime costs")
    return text + "."


def total_cost_sweep(scenario: Scenario, downtime_costs, strategies=None) -> np.ndarray:
    """Total annual cost [currency/year] of each strategy (rows, in catalogue cost
    order) at each downtime cost per hour (columns): one outer product, so a sweep
    of a thousand values redraws at once."""
    strategies = strategies or scenario_strategies(scenario)
    strategies = sorted(strategies, key=lambda s: (s.annual_cost, s.id))
    c = np.asarray(downtime_costs, dtype=float)
    if c.ndim != 1 or (c < 0).any() or not np.isfinite(c).all():
        raise InvalidInputError("downtime_costs: not a list of finite numbers >= 0")
    hours, units, *_ = _arrays(scenario, strategies)
    cost = np.array([s.annual_cost for s in strategies])
    return (cost + units * scenario.data_cost_per_unit)[:, None] + np.outer(hours, c)


@dataclass(frozen=True)
class CostSweep:
    """Total annual cost of each strategy as the cost of downtime varies (for the DR
    chart): ``strategies`` in annual-cost order, ``totals[i, j]`` for strategy ``i``
    at ``downtime_costs[j]``, the strategy ``table``, the ``break_even`` table and
    each break-even point's total (``break_even_totals``)."""

    scenario: Scenario
    strategies: list
    downtime_costs: np.ndarray
    totals: np.ndarray
    table: pd.DataFrame
    break_even: pd.DataFrame
    break_even_totals: np.ndarray


def cost_sweep(scenario: Scenario, downtime_costs=None, strategies=None) -> CostSweep:
    """A ``CostSweep`` over ``downtime_costs`` [currency/h] (400 points from 100 to
    10 million on a log scale by default)."""
    strategies = strategies or scenario_strategies(scenario)
    ordered = sorted(strategies, key=lambda s: (s.annual_cost, s.id))
    c = np.geomspace(100, 1e7, 400) if downtime_costs is None else np.asarray(downtime_costs, float)
    totals = total_cost_sweep(scenario, c, ordered)
    table = strategy_table(scenario, ordered)
    be = break_even_table(scenario, table)
    be = be[np.isfinite(be["break_even_cost_per_hour"])].reset_index(drop=True)
    bx = be["break_even_cost_per_hour"].to_numpy()
    at_be = total_cost_sweep(scenario, bx, ordered) if len(bx) else np.zeros((len(ordered), 0))
    index = {s.id: i for i, s in enumerate(ordered)}
    by = np.array([at_be[index[t], j] for j, t in enumerate(be["to"])], dtype=float)
    return CostSweep(scenario, ordered, c, totals, table, be, by)


def dr_summary(scenario: Scenario, table: pd.DataFrame | None = None) -> dict:
    """The strategies priced for ``scenario``, the recommendation and the break-even
    costs of downtime, as JSON takes them (money per year in the scenario's currency)."""
    table = strategy_table(scenario) if table is None else table
    rec, reason = recommend(table, scenario)
    yours = {st.id for st in scenario.custom_strategies}
    return {
        "scenario": scenario.name,
        "currency": scenario.currency,
        "strategies": [
            {"name": r.strategy, "label": r.label, "annual_cost": float(r.annual_cost),
             "expected_loss": float(r.expected_loss), "worst_case_loss": float(r.worst_case_loss),
             "total_cost": float(r.total_cost), "data_lost_per_year": float(r.data_lost_per_year),
             "data_lost_per_year_worst": float(r.data_lost_per_year_worst),
             "downtime_per_year_h": float(r.downtime_per_year_h),
             "meets_rto": bool(r.meets_rto), "meets_rpo": bool(r.meets_rpo),
             "custom": any(part in yours for part in str(r.strategy).split("+"))}
            for r in table.itertuples()
        ],
        "recommended": rec,
        "reason": reason,
        "design_domains": design_domain_rates(scenario),
        "break_even": [
            {"from": r["from"], "to": r["to"],
             "downtime_cost_per_hour": finite_or_none(r["break_even_cost_per_hour"])}
            for _, r in break_even_table(scenario, table).iterrows()
        ],
    }


def break_even_table(scenario: Scenario, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which strategy is cheapest in total as the downtime cost per hour rises, and
    the break-even costs where the next strategy up (less downtime) takes over.

    Each strategy's total is a line in the downtime cost ``c``:
    ``total(c) = annual cost + data loss cost + c x hours down per year``. The rows
    walk the lower envelope of those lines from ``c = 0``: ``from`` is cheapest
    below ``break_even_cost_per_hour``, ``to`` from there on. A strategy that is
    never cheapest at any downtime cost does not appear.
    """
    t = table if table is not None else strategy_table(scenario)
    fixed = (t["annual_cost"] + t["data_lost_per_year"] * scenario.data_cost_per_unit).to_numpy()
    hours = t["downtime_per_year_h"].to_numpy()
    # Cheapest at c = 0; among ties, the one with the least downtime.
    current = min(range(len(t)), key=lambda i: (fixed[i], hours[i]))
    c, rows = 0.0, []
    while True:
        best, best_c = None, np.inf
        for j in range(len(t)):
            if hours[j] < hours[current]:
                cj = max((fixed[j] - fixed[current]) / (hours[current] - hours[j]), c)
                if cj < best_c or (cj == best_c and hours[j] < hours[best]):
                    best, best_c = j, cj
        if best is None:
            break
        rows.append({"from": t.loc[current, "strategy"], "to": t.loc[best, "strategy"],
                     "from_label": t.loc[current, "label"], "to_label": t.loc[best, "label"],
                     "break_even_cost_per_hour": best_c})
        current, c = best, best_c
    return pd.DataFrame(rows, columns=["from", "to", "from_label", "to_label",
                                       "break_even_cost_per_hour"]).astype(
        {"break_even_cost_per_hour": float})


def seed_article_risk(impact_per_hour: float, rto_hours: float, rpo_hours: float) -> float:
    """What the source article's calculator prints as "annual risk" (wrong; shown only
    to compare): ``(365*24) / (24/rto_hours) * impact + rpo_hours * 1000 * 50``.

    Its failure hours, ``365 x RTO``, assume a failure every day of the year.
    """
    annual_failure_hours = (365 * 24) / (24 / rto_hours)
    return annual_failure_hours * impact_per_hour + rpo_hours * 1000 * 50


def format_strategy_table(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """The strategy table in managers' units (money per year, downtime in words)."""
    money = (lambda x: f"{x:,.0f}")  # noqa: E731
    yes = {True: "yes", False: "no"}
    return pd.DataFrame({
        "strategy": table["label"],
        f"running ({scenario.currency}/yr)": table["annual_cost"].map(money),
        "downtime per year": [format_duration(h * 3600) for h in table["downtime_per_year_h"]],
        f"expected loss ({scenario.currency}/yr)": table["expected_loss"].map(money),
        f"worst-case loss ({scenario.currency}/yr)":
            table["worst_case_loss"].map(money),
        f"total ({scenario.currency}/yr)": table["total_cost"].map(money),
        "meets RTO": table["meets_rto"].map(yes),
        "meets RPO": table["meets_rpo"].map(yes),
    })
