"""A design against a target, and against the design it replaces: the gate a pull
request passes (``hadr check``).

``check_design`` is pure: it evaluates the design (and the base, if any) and says
whether the design meets the target and loses at most ``max_drop`` nines against the
base; what changed is listed twice: by part (``compare.changed_blocks``) and by file
field (every value of the file format that differs, by its path). ``check_text`` and
``check_markdown`` write the result for a terminal and for a pull-request comment
(user strings escaped, so a part's name cannot add links or markup to the comment).
"""

from __future__ import annotations

import math
from typing import Any

from .architecture_file import dump_architecture
from .availability import check_availability, unavailability
from .checks import InvalidInputError, check_number
from .compare import changed_blocks
from .formatting import format_duration, format_percent
from .model import Architecture

__all__ = ["MAX_FIELD_CHANGES", "check_design", "check_markdown", "check_text", "field_changes", "md_escape"]

#: At most this many file-field changes are listed (the count of the rest is given).
MAX_FIELD_CHANGES = 40
#: Nines are compared with this slack: the same design evaluates to the same figure,
#: but a file that writes 0.9995 as "99.95%" may differ in the last bit.
_NINES_SLACK = 1e-9


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{path}[{i}]", out)
    else:
        out[path] = value


def field_changes(base: Architecture, design: Architecture) -> list[tuple[str, Any, Any]]:
    """Every value of the file format that differs from ``base`` to ``design``, as
    (path, before, after), None for a field one of them lacks; in path order."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(dump_architecture(base), "", a)
    _flatten(dump_architecture(design), "", b)
    a.pop("name", None), b.pop("name", None)
    return [(p, a.get(p), b.get(p)) for p in sorted(a.keys() | b.keys()) if a.get(p) != b.get(p)]


def _figures(arch: Architecture, year_days: float) -> dict:
    e = arch.evaluate(year_days=year_days)
    nines = e.nines
    return {"name": arch.name, "availability": float(e.availability), "unavailability": e.unavailability,
            "nines": nines if math.isfinite(nines) else None,
            "downtime_per_year_s": e.downtime_per_year_s}


def check_design(design: Architecture, target: float, against: Architecture | None = None,
                 max_drop: float = 0.0, *, year_days: float = 365.25) -> dict:
    """Whether ``design`` meets ``target`` (an availability) and, with ``against``,
    loses at most ``max_drop`` nines against it. Returns the figures of both, the
    verdicts (``meets_target``, ``within_drop``, ``ok``), the parts and the file
    fields that changed, and the design's three biggest sources of downtime."""
    if not isinstance(design, Architecture):
        raise InvalidInputError(f"design: {type(design).__name__} is not an Architecture")
    check_availability(target, "target")
    check_number("max_drop", max_drop, 0, 20, what=" nines")
    mine = _figures(design, year_days)
    u_target = float(unavailability(target))
    meets = mine["unavailability"] <= u_target
    out: dict[str, Any] = {
        "design": mine, "target": float(target), "target_unavailability": u_target,
        "meets_target": bool(meets), "against": None, "max_drop_nines": float(max_drop),
        "drop_nines": None, "within_drop": None, "changed_parts": [], "changed_fields": [],
        "more_fields_changed": 0,
    }
    imp = design.importance(year_days=year_days)
    out["biggest_parts"] = [{"name": str(r.name), "downtime_saved_per_year_s": float(r.downtime_saved_per_year_s)}
                            for r in imp.head(3).itertuples() if r.downtime_saved_per_year_s > 0]
    ok = meets
    if against is not None:
        if not isinstance(against, Architecture):
            raise InvalidInputError(f"against: {type(against).__name__} is not an Architecture")
        base = _figures(against, year_days)
        out["against"] = base
        # in unavailability: log10 of the ratio, exact where the nines are large or infinite
        ub, ud = base["unavailability"], mine["unavailability"]
        if ud == ub:
            drop = 0.0
        elif ub == 0 or ud == 0:  # from or to a design that never fails
            drop = math.inf if ub == 0 else -math.inf
        else:
            drop = math.log10(ud / ub)
        out["drop_nines"] = drop if math.isfinite(drop) else None
        within = drop <= max_drop + _NINES_SLACK
        out["within_drop"] = bool(within)
        ok = ok and within
        out["changed_parts"] = changed_blocks(against, design)
        fields = field_changes(against, design)
        out["changed_fields"] = [{"field": p, "before": x, "after": y} for p, x, y in fields[:MAX_FIELD_CHANGES]]
        out["more_fields_changed"] = max(0, len(fields) - MAX_FIELD_CHANGES)
    out["ok"] = bool(ok)
    return out


def _value(x: Any) -> str:
    """A file value as the change lists show it (a field one side lacks: not set)."""
    return "not set" if x is None else repr(x)


def _nines(x: float | None) -> str:
    return "infinite" if x is None else f"{x:.2f}"


def _summary(doc: dict) -> list[str]:
    d = doc["design"]
    lines = [f"{d['name']}: {format_percent(d['availability'])} ({_nines(d['nines'])} nines), "
             f"{format_duration(d['downtime_per_year_s'])} of downtime a year",
             f"target {format_percent(doc['target'])}: " + ("met" if doc["meets_target"] else "MISSED")]
    base = doc["against"]
    if base is not None:
        drop = doc["drop_nines"]
        said = ("to or from a design that never fails" if drop is None else
                f"{drop:.2f} nines lost" if drop > 0 else f"{-drop:.2f} nines gained" if drop < 0 else "no change")
        lines.append(f"against {base['name']}: {format_percent(base['availability'])} "
                     f"({_nines(base['nines'])} nines): {said}, at most {doc['max_drop_nines']:g} allowed: "
                     + ("within" if doc["within_drop"] else "TOO MUCH"))
    return lines


#: Traps of infrastructure code listed in a check's text or comment at most.
MAX_FINDINGS = 20


def check_text(doc: dict) -> str:
    """The result for a terminal."""
    lines = ["PASS" if doc["ok"] else "FAIL", *(f"  {x}" for x in _summary(doc))]
    if doc["changed_parts"]:
        lines.append("parts changed:")
        lines += [f"  {x}" for x in doc["changed_parts"]]
    if doc["changed_fields"]:
        lines.append("file fields changed:")
        lines += [f"  {c['field']}: {_value(c['before'])} -> {_value(c['after'])}" for c in doc["changed_fields"]]
        if doc["more_fields_changed"]:
            lines.append(f"  and {doc['more_fields_changed']} more")
    if doc["biggest_parts"]:
        lines.append("most downtime (saved if made perfect): " + ", ".join(
            f"{p['name']} {format_duration(p['downtime_saved_per_year_s'])}" for p in doc["biggest_parts"]))
    if doc.get("findings"):
        lines.append("traps in the infrastructure code:")
        lines += [f"  {f['severity']}: {f['message']} [{f['source']}]" for f in doc["findings"][:MAX_FINDINGS]]
        if len(doc["findings"]) > MAX_FINDINGS:
            lines.append(f"  and {len(doc['findings']) - MAX_FINDINGS} more (hadr import lists them)")
    return "\n".join(lines)


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&")


def md_escape(text: Any) -> str:
    """A user's text as Markdown shows it literally, on one line."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in " ".join(str(text).split()))


def check_markdown(doc: dict) -> str:
    """The result as a pull-request comment (GitHub-flavoured Markdown)."""
    d, base = doc["design"], doc["against"]
    head = "✅ **HA/DR check passed**" if doc["ok"] else "❌ **HA/DR check failed**"
    rows = ["| | availability | nines | downtime a year |", "|---|---|---|---|",
            f"| this change: {md_escape(d['name'])} | {format_percent(d['availability'])} | {_nines(d['nines'])} | "
            f"{format_duration(d['downtime_per_year_s'])} |"]
    if base is not None:
        rows.append(f"| base: {md_escape(base['name'])} | {format_percent(base['availability'])} | "
                    f"{_nines(base['nines'])} | {format_duration(base['downtime_per_year_s'])} |")
    verdicts = [f"- target {format_percent(doc['target'])}: " + ("met" if doc["meets_target"] else "**missed**")]
    if base is not None:
        drop = doc["drop_nines"]
        said = ("to or from a design that never fails" if drop is None else
                f"{drop:.2f} nines lost" if drop > 0 else f"{-drop:.2f} nines gained" if drop < 0 else "no change")
        verdicts.append(f"- {said} against the base (at most {doc['max_drop_nines']:g} allowed): "
                        + ("within" if doc["within_drop"] else "**too much**"))
    out = [head, "", *rows, "", *verdicts]
    if doc["changed_parts"]:
        out += ["", "**Parts changed**", "", *(f"- {md_escape(x)}" for x in doc["changed_parts"])]
    if doc["changed_fields"]:
        out += ["", "<details><summary>File fields changed</summary>", "",
                *(f"- `{c['field']}`: {md_escape(_value(c['before']))} → {md_escape(_value(c['after']))}"
                  for c in doc["changed_fields"])]
        if doc["more_fields_changed"]:
            out.append(f"- and {doc['more_fields_changed']} more")
        out += ["", "</details>"]
    if doc["biggest_parts"]:
        out += ["", "Most downtime (saved a year if made perfect): " + ", ".join(
            f"{md_escape(p['name'])} ({format_duration(p['downtime_saved_per_year_s'])})"
            for p in doc["biggest_parts"])]
    if doc.get("findings"):
        shown = doc["findings"][:MAX_FINDINGS]
        out += ["", f"<details><summary>Traps in the infrastructure code ({len(doc['findings'])})</summary>", "",
                *(f"- {f['severity']}: {md_escape(f['message'])} ({md_escape(f['source'])})" for f in shown)]
        if len(doc["findings"]) > len(shown):
            out.append(f"- and {len(doc['findings']) - len(shown)} more (hadr import lists them)")
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
