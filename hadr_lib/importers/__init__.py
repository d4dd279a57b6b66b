"""Designs read from infrastructure code (``hadr import``): each source format is one
module of this package, found through ``IMPORTER_MODULES`` (each defines ``IMPORTER``,
an ``Importer``); one conformance suite runs on every importer.

An importer never runs what it reads. It returns the blocks it could infer (each with
the file and line, or the resource address, it came from), the failure domains, and
findings: the traps the files contain and every value it had to assume or could not
know. ``import_paths`` reads files and folders, gives each file to the importer that
recognises it, and joins what they found into one design of the architecture file
format: the services in series (each must be up for the whole to be), the domains at
the top. A file no importer recognises is a finding, not an error; a file that cannot
be read at all (missing, not text, over the size limits) is an ``InvalidInputError``.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import InvalidInputError
from ..registry import read_registry
from ..safe_load import read_text

__all__ = ["FROM_FOLDERS", "IMPORTER_MODULES", "MAX_FILES", "Finding", "Importer", "Imported", "TemplateFile",
           "as_mapping", "dig", "every_said", "hours_said", "import_paths", "import_text", "importers", "printable",
           "schedule_h", "whole"]

#: True while files are read from the paths given (an importer may then read the files
#: beside one, e.g. a .tf file's variables.tf); False for text from elsewhere (an upload),
#: whose name must never lead to a file on the server.
FROM_FOLDERS: contextvars.ContextVar[bool] = contextvars.ContextVar("hadr_import_from_folders", default=False)

#: The importers' modules, in the order they are asked whether a file is theirs.
IMPORTER_MODULES = ("boto3", "hcl", "terraform", "cloudformation", "kubernetes")
#: At most this many files are read from the paths given (folders walked).
MAX_FILES = 2_000
#: File names an importer may read, by suffix.
SUFFIXES = (".yaml", ".yml", ".json", ".py", ".tf", ".tfstate")
SEVERITIES = ("error", "warning", "info")


class TemplateFile(InvalidInputError):
    """A file that is a template of the format (a Helm chart's ``templates/``), not the
    format itself until it is rendered: an error when it is named, passed over (and said)
    when a folder holds it. ``path`` is the file; ``also``, other files of the same read
    that are templates for the same reason."""

    def __init__(self, path: str, message: str, also: Sequence[str] = ()):
        super().__init__(f"{path}: {message}")
        self.path, self.why, self.also = path, message, tuple(also)


@dataclass(frozen=True)
class Finding:
    """A trap in the files, or a value assumed or unknown: ``severity`` (error: the
    design does not do what the file seems to say; warning: a risk; info: an
    assumption), a sentence, where (``file:line`` or a resource address) and the field."""

    severity: str
    message: str
    source: str
    field: str = ""

    def to_dict(self) -> dict:
        return {"severity": self.severity, "message": printable(self.message, 2000),
                "source": printable(self.source, 2000), "field": printable(self.field, 2000)}


def dig(doc: Any, *keys: Any, default: Any = None) -> Any:
    """``doc[k1][k2]...`` through mappings and lists, or ``default`` where a key or an
    index is missing (a file may hold anything)."""
    for k in keys:
        if isinstance(doc, dict) and k in doc:
            doc = doc[k]
        elif isinstance(doc, list) and isinstance(k, int) and 0 <= k < len(doc):
            doc = doc[k]
        else:
            return default
    return doc


def as_mapping(value: Any) -> dict:
    """``value`` if it is a mapping, else an empty one (a file may hold anything)."""
    return value if isinstance(value, dict) else {}


def whole(value: Any, default: int | None = None) -> int | None:
    """``value`` if it is a whole number (not a bool), else ``default``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def printable(text: object, limit: int) -> str:
    """A text from a file as a design file may hold it: printable characters only (others
    become ``?``), at most ``limit`` long."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))[:limit]


#: A region's outages where the files do not say: outages a year, hours each (assumed, and said).
REGION_RATE_PER_YEAR, REGION_MTTR_H = 0.1, 8.0


def assumed_region(unsaid: str) -> dict:
    """A region's figures where ``unsaid`` ("the manifests do not say") names what is silent."""
    return {"rate_per_year": REGION_RATE_PER_YEAR, "mttr_h": REGION_MTTR_H,
            "source": f"assumed by hadr import: {REGION_RATE_PER_YEAR:g} region outages a year of "
                      f"{REGION_MTTR_H:g} hours; {unsaid}"}


def hours_said(h: float) -> str:
    """"a day", "a week", "3 days", "an hour", "4 hours"."""
    if h % 24 == 0:
        days = int(h // 24)
        return "a day" if days == 1 else ("a week" if days == 7 else f"{days} days")
    return "an hour" if h == 1 else f"{h:g} hours"


def every_said(h: float) -> str:
    """"every day", "every 4 hours", "every week"."""
    said = hours_said(h)
    return "every " + (said[2:] if said.startswith("a ") else said[3:] if said.startswith("an ") else said)


_DAYS = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN", *map(str, range(0, 8))}
_NICKNAMES = {"@hourly": 1.0, "@daily": 24.0, "@midnight": 24.0, "@weekly": 24.0 * 7, "@monthly": 24.0 * 30}


def schedule_h(text: Any) -> float | None:
    """Hours between backups of a schedule: AWS's ``rate(N hours|days)`` or
    ``cron(min hour day month weekday year)``, or a crontab line as Kubernetes CronJobs
    and operators write it (``min hour day month weekday``, or ``@daily`` and its kin),
    that runs hourly (``*``), every N hours (``*/N``, ``0/N``), at listed hours
    (``5,17``), daily, on one weekday or one day of the month; None for anything else
    (said, not guessed)."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    t = text.strip().lower()
    if t in _NICKNAMES:
        return _NICKNAMES[t]
    m = re.fullmatch(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", t)
    if m:
        n = int(m.group(1))
        return n / 60 if m.group(2).startswith("minute") else (n if m.group(2).startswith("hour") else 24.0 * n)
    m = re.fullmatch(r"cron\((.+)\)", t)
    f = m.group(1).split() if m else t.split()
    if len(f) != (6 if m else 5):
        return None
    _, hour, dom, month, dow = f[:5]
    if month != "*":
        return None
    if dom in ("*", "?") and dow in ("*", "?"):
        per_day = 24.0
    elif dom in ("*", "?") and dow.upper() in _DAYS:
        per_day = 24.0 * 7  # one weekday
    elif dow in ("*", "?") and dom.isdigit():
        return 24.0 * 30  # one day of the month: about monthly
    else:
        return None
    if hour == "*":
        step = 1.0
    elif re.fullmatch(r"(\*|\d+)/\d+", hour):
        step = float(hour.split("/")[1])
    elif re.fullmatch(r"\d+(,\d+)*", hour):
        hours = sorted({int(x) for x in hour.split(",")})
        if per_day > 24 or len(hours) == 1:
            return per_day
        gaps = [b - a for a, b in zip(hours, hours[1:])] + [24 - hours[-1] + hours[0]]
        return float(max(gaps))
    else:
        return None
    return step if per_day == 24 and 0 < step <= 24 else (per_day if per_day > 24 else None)

@dataclass
class Imported:
    """What an importer found in one file: blocks of the architecture file format
    (each a mapping with a ``source``), failure domains, findings."""

    blocks: list[dict] = field(default_factory=list)
    zones: dict[str, dict] = field(default_factory=dict)
    regions: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Importer:
    """One source format: ``name``, what it reads (``label``), ``claims(path, text)``
    (whether a file is in its format) and ``read(path, text) -> Imported``; and, for a
    format whose files describe one system between them (Kubernetes manifests),
    ``read_together([(path, text), ...]) -> [Imported per file]``, used when several of
    its files are imported at once."""

    name: str
    label: str
    claims: Callable[[str, str], bool]
    read: Callable[[str, str], Imported]
    read_together: Callable[[list[tuple[str, str]]], list[Imported]] | None = None


def importers() -> tuple[Importer, ...]:
    """The importers, each read from its module's ``IMPORTER``."""
    return read_registry(__name__, IMPORTER_MODULES, "IMPORTER", Importer,
                         listed_in="IMPORTER_MODULES", noun="importer")


def _files(paths: Sequence[str | Path], walked: set[Path] | None = None) -> list[Path]:
    """The files of ``paths``, folders walked (their files added to ``walked``)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not any(
                        part.startswith(".") for part in f.relative_to(p).parts):
                    out.append(f)
                    if walked is not None:
                        walked.add(f)
                    if len(out) > MAX_FILES:
                        raise InvalidInputError(f"{raw}: more than {MAX_FILES:,} files to read; give a smaller folder")
        elif p.exists():
            out.append(p)
        else:
            raise InvalidInputError(f"{raw}: no such file or folder")
    if len(out) > MAX_FILES:
        raise InvalidInputError(f"more than {MAX_FILES:,} files to read; give fewer")
    return out


def import_paths(paths: Sequence[str | Path], name: str | None = None) -> dict:
    """Read every file of ``paths`` (files and folders) and join what the importers
    found: ``{"design": <architecture file mapping>, "findings": [...], "files":
    [{"file", "importer"}]}``. The design is None when nothing was inferred."""
    walked: set[Path] = set()
    files = _files(paths, walked)
    if not files:
        raise InvalidInputError(f"{', '.join(map(str, paths)) or 'no path'}: no files to read")
    token = FROM_FOLDERS.set(True)
    try:
        texts = [(str(f), read_text(f)) for f in files]
        mine = [_claimed(path, text) for path, text in texts]
        found: list[tuple[str, Importer | None, Imported] | None] = [None] * len(texts)

        def passed_over(exc: TemplateFile) -> set[int]:
            """The indices of the templates ``exc`` names, each said as not read; raised
            again when one was named itself (not found in a folder)."""
            at = {i for i, (path, _) in enumerate(texts) if path in (exc.path, *exc.also)}
            if len(at) < 1 + len(exc.also) or any(files[i] not in walked for i in at):
                raise exc
            for i in at:
                found[i] = (texts[i][0], None, Imported(findings=[Finding("info", f"not read: {exc.why}",
                                                                          texts[i][0])]))
            return at

        for imp in {m for m in mine if m is not None and m.read_together is not None}:
            at = [i for i, m in enumerate(mine) if m is imp]
            for _ in range(2):  # templates among them: all passed over, the rest read again once
                if len(at) < 2 or imp.read_together is None:
                    break
                try:
                    for i, got in zip(at, imp.read_together([texts[i] for i in at]), strict=True):
                        found[i] = (texts[i][0], imp, got)
                    break
                except TemplateFile as exc:
                    skipped = passed_over(exc)
                    at = [i for i in at if i not in skipped]
        for i, ((path, text), m) in enumerate(zip(texts, mine, strict=True)):
            if found[i] is None:
                try:
                    found[i] = _one(path, text, m)
                except TemplateFile as exc:
                    passed_over(exc)
        joined = [f for f in found if f is not None]
    finally:
        FROM_FOLDERS.reset(token)
    return _joined(joined, name)


def import_text(name: str, text: str, title: str | None = None) -> dict:
    """``import_paths`` for one file's text from elsewhere (an upload): ``name`` only
    chooses the importer and is shown in sources; no file is read."""
    name = str(name)[:200]
    return _joined([_one(name, text, _claimed(name, text))], title)


def _claimed(name: str, text: str) -> Importer | None:
    """The importer that reads this file, or None."""
    return next((imp for imp in importers() if imp.claims(name, text)), None)


def _one(name: str, text: str, mine: Importer | None) -> tuple[str, Importer | None, Imported]:
    """One file read by the importer that claimed it (``mine``; None: no importer did)."""
    if mine is None:
        return name, None, Imported(findings=[Finding("info", "not read: no importer recognises this file", name)])
    return name, mine, mine.read(name, text)


def _joined(found: list[tuple[str, Importer | None, Imported]], name: str | None) -> dict:
    blocks = [b for _, _, imp in found for b in imp.blocks]
    zones: dict[str, dict] = {}
    regions: dict[str, dict] = {}
    for _, _, imp in found:
        zones.update(imp.zones)
        regions.update(imp.regions)
    findings = [x for _, _, imp in found for x in imp.findings]
    design: dict[str, Any] | None = None
    if blocks:
        design = {"name": name or "imported design",
                  "description": "Read by hadr import from " + ", ".join(str(f) for f, imp, _ in found
                                                                       if imp is not None)[:1900]}
        if regions:
            design["regions"] = regions
        if zones:
            design["zones"] = zones
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda x: order.get(x.severity, 9))
    if design is not None:
        if findings:  # kept with the design: the app and the report show them
            design["findings"] = [x.to_dict() for x in findings[:2000]]
        design["architecture"] = blocks[0] if len(blocks) == 1 else {"series": blocks}
    return {"design": design, "findings": [x.to_dict() for x in findings],
            "files": [{"file": str(f), "importer": None if imp is None else imp.name} for f, imp, _ in found]}
