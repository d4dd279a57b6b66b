"""Failure domains: zones and regions with their own outage rate and length.

A design file may name them at the top::

    regions:
      eu-west: {rate_per_year: 0.2, mttr_h: 6}
    zones:
      eu-west-a: {rate_per_year: 1, mttr_h: 2, region: eu-west}

and place any block in one with ``zone: NAME`` or ``region: NAME`` beside the
block's kind (``{series: [...], zone: eu-west-a}``). A domain outage takes down
everything placed in it; a zone is also down while its region is.

Each domain is an alternating up/down process independent of the parts and of the
other domains: ``rate_per_year`` outages per year of running (a year of
``DAYS_PER_YEAR`` days, up time only), each lasting ``mttr_h`` hours on average, so
its unavailability is ``r m / (H + r m)`` with ``H`` the hours of a year. Because
the processes are independent, the design's unavailability is exact when it is
conditioned on the domains' states: ``U = sum_s P(s) U(design | s)`` over the
``2^D`` states of ``D`` domains (``MAX_DOMAINS`` at most), with every block placed
in a down domain forced down. Terms are all non-negative: no cancellation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..availability import DAYS_PER_YEAR
from ..checks import InvalidInputError, check_number, read_number
from ..safe_load import check_text, shown_key

__all__ = ["DOMAIN_KEYS", "MAX_DOMAINS", "Domain", "Domains", "domains_schema", "read_domains"]

#: The keys that place a block in a domain, beside its kind.
DOMAIN_KEYS = ("zone", "region")
#: Most zones and regions in one design: evaluation conditions on all 2^D states.
MAX_DOMAINS = 10
HOURS_PER_YEAR = DAYS_PER_YEAR * 24.0
_FIELDS = {"zone": ("rate_per_year", "mttr_h", "region", "source", "label"),
           "region": ("rate_per_year", "mttr_h", "source", "label")}


@dataclass(frozen=True)
class Domain:
    """One zone or region: ``rate_per_year`` outages a year, ``mttr_h`` hours each."""

    name: str
    kind: str  # "zone" or "region"
    rate_per_year: float
    mttr_h: float
    region: str | None = None  # a zone's region
    source: str | None = None
    label: str | None = None  # what sentences call it ("zone A", "us-east-1"); the name if None

    @property
    def display(self) -> str:
        """What sentences call it: its ``label``, else its name."""
        return self.label or self.name

    @property
    def mtbf_h(self) -> float:
        """Mean up time between outages [h] (inf when it never fails)."""
        return math.inf if self.rate_per_year == 0 else HOURS_PER_YEAR / self.rate_per_year

    @property
    def unavailability(self) -> float:
        x = self.rate_per_year * self.mttr_h
        return x / (HOURS_PER_YEAR + x)

    @property
    def failure_rate_h(self) -> float:
        """Outages per hour of up time."""
        return self.rate_per_year / HOURS_PER_YEAR


class Domains:
    """The zones and regions of a design, in file order (regions first)."""

    def __init__(self, domains: list[Domain] | tuple[Domain, ...] = ()) -> None:
        self.all: tuple[Domain, ...] = tuple(domains)
        self.by_name: dict[str, Domain] = {}
        for d in self.all:
            if d.name in self.by_name:
                raise InvalidInputError(
                    f"{d.kind}s.{d.name}: {d.name!r} names a zone and a region (or two of either); "
                    "domain names must be unique")
            self.by_name[d.name] = d
        for d in self.all:
            if d.kind == "zone" and d.region is not None:
                r = self.by_name.get(d.region)
                if r is None or r.kind != "region":
                    regions = [x.name for x in self.all if x.kind == "region"]
                    raise InvalidInputError(
                        f"zones.{d.name}.region: {d.region!r} is not a region of this design; "
                        f"use one of {', '.join(regions) or '(none: add regions:)'}")
        if len(self.all) > MAX_DOMAINS:
            raise InvalidInputError(
                f"zones, regions: {len(self.all)} domains; at most {MAX_DOMAINS} are evaluated exactly "
                f"(2^{MAX_DOMAINS} states). Merge zones that fail alike, or model a few as beta-factor groups")

    def __bool__(self) -> bool:
        return bool(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Domains) and self.all == other.all

    def __hash__(self) -> int:
        return hash(self.all)

    def lost_with(self, name: str) -> set[str]:
        """The domains down while ``name`` is: itself and, for a region, its zones."""
        d = self.by_name[name]
        return {name} | ({x.name for x in self.all if x.region == name} if d.kind == "region" else set())

    def check_placement(self, domain: str, path: str) -> None:
        if domain not in self.by_name:
            raise InvalidInputError(
                f"{path}: {domain!r} is not a zone or region of this design; "
                f"use one of {', '.join(self.by_name) or '(none: add zones: or regions: at the top)'}")

    # -- states -------------------------------------------------------------
    def states(self) -> tuple[np.ndarray, np.ndarray]:
        """(down, p): ``down[s, j]`` whether domain j's own process is down in state s,
        and ``p[s]`` the state's probability; all ``2^D`` states, all-up first."""
        d = len(self.all)
        down = np.array(list(itertools.product((False, True), repeat=d)), dtype=bool).reshape(-1, d)
        u = np.array([x.unavailability for x in self.all], dtype=float)
        p = np.prod(np.where(down, u, 1.0 - u), axis=1) if d else np.ones(1)
        return down, p

    def effective_down(self, down: np.ndarray) -> dict[str, np.ndarray]:
        """Per domain name, whether it is down in each state: its own process, or, for
        a zone, its region's."""
        col = {x.name: j for j, x in enumerate(self.all)}
        out = {}
        for x in self.all:
            eff = down[:, col[x.name]]
            if x.kind == "zone" and x.region is not None:
                eff = eff | down[:, col[x.region]]
            out[x.name] = eff
        return out

    # -- file ---------------------------------------------------------------
    def dump(self) -> dict:
        out: dict = {}
        for kind in ("regions", "zones"):
            body = {}
            for x in self.all:
                if f"{x.kind}s" != kind:
                    continue
                entry: dict = {"rate_per_year": float(x.rate_per_year), "mttr_h": float(x.mttr_h)}
                if x.region is not None:
                    entry["region"] = x.region
                if x.source is not None:
                    entry["source"] = x.source
                if x.label is not None:
                    entry["label"] = x.label
                body[x.name] = entry
            if body:
                out[kind] = body
        return out


def _read_one(kind: str, name: Any, body: Any) -> Domain:
    where = f"{kind}s.{shown_key(name)}"
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"{where}: {name!r} is not a {kind} name (a non-empty string)")
    check_text(where, name, max_len=200)
    if not isinstance(body, Mapping):
        raise InvalidInputError(
            f"{where}: {body!r} is not a mapping (a {kind} has {', '.join(_FIELDS[kind])})")
    for key in body:
        if key not in _FIELDS[kind]:
            raise InvalidInputError(f"{where}.{shown_key(key)}: unknown field; allowed: {', '.join(_FIELDS[kind])}")
    for key in ("rate_per_year", "mttr_h"):
        if key not in body:
            raise InvalidInputError(f"{where}.{key}: missing")
    rate = check_number(f"{where}.rate_per_year", read_number(f"{where}.rate_per_year", body["rate_per_year"]),
                        0, 1e4, what=" outages a year")
    mttr = check_number(f"{where}.mttr_h", read_number(f"{where}.mttr_h", body["mttr_h"]), 0, 1e5,
                        what=" hours")
    region = body.get("region")
    if region is not None and not isinstance(region, str):
        raise InvalidInputError(f"{where}.region: {region!r} is not a region name")
    source = body.get("source")
    if source is not None:
        source = check_text(f"{where}.source", source, max_len=500)
    label = body.get("label")
    if label is not None:
        label = check_text(f"{where}.label", label, max_len=200)
    return Domain(name, kind, rate, mttr, region, source, label)


def read_domains(data: Mapping) -> Domains:
    """The ``regions:`` and ``zones:`` of a design file's top level (either may be absent)."""
    found: list[Domain] = []
    for kind in ("region", "zone"):
        section = data.get(f"{kind}s")
        if section is None:
            continue
        if not isinstance(section, Mapping):
            raise InvalidInputError(
                f"{kind}s: {section!r} is not a mapping of {kind} names to {{rate_per_year, mttr_h}}")
        if len(section) > MAX_DOMAINS:
            raise InvalidInputError(f"{kind}s: {len(section)} {kind}s; at most {MAX_DOMAINS} domains in all")
        found.extend(_read_one(kind, name, body) for name, body in section.items())
    return Domains(found)


def domains_schema() -> dict:
    """JSON-Schema fragments of the top-level ``regions`` and ``zones``."""
    number = {"$ref": "#/$defs/number"}

    def section(kind: str) -> dict:
        props: dict = {
            "rate_per_year": {**number, "description": "Outages a year of running, >= 0."},
            "mttr_h": {**number, "description": "Mean length of an outage [h], >= 0."},
            "source": {"type": "string", "description": "Where the figures come from, and when."},
            "label": {"type": "string", "description": "What sentences call it (\"zone A\", \"us-east-1\")."},
        }
        if kind == "zone":
            props["region"] = {"type": "string", "description": "The region the zone is in (a name under regions)."}
        return {"type": "object", "description": (
            f"{kind.capitalize()}s by name. A {kind} outage takes down every block placed in it "
            f"({kind}: NAME beside the block's kind)" + ("; a zone is also down while its region is." if kind == "zone"
                                                          else ".")),
            "maxProperties": MAX_DOMAINS,
            "additionalProperties": {"type": "object", "additionalProperties": False,
                                     "required": ["rate_per_year", "mttr_h"], "properties": props}}

    return {"regions": section("region"), "zones": section("zone")}
