"""One workspace: the scenario (with its what-ifs), its design and the availability
target, shared by every tab of the managers' app.

Tabs read the workspace and write to it; each observer is told what changed. A
workspace turns into one scenario file (the design inline, the what-ifs in it)
and is read back from one, so a download and an upload are the same workspace.
No widgets here: the app's panels observe a ``Workspace``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .architecture_file import dump_architecture, load_architecture, reference_architectures
from .availability import check_availability
from .checks import InvalidInputError
from .files import safe_file_name
from .model import Architecture
from .safe_load import check_depth, read_yaml
from .scenario import Scenario, load_scenario, reference_scenarios

__all__ = ["CODE_SUFFIXES", "LINK_VERSION", "MAX_LINK_CHARS", "MAX_UPLOAD_BYTES", "Change", "Workspace",
           "parse_design_or_code_upload", "parse_design_upload", "parse_scenario_upload", "query_scenario",
           "workspace_from_link"]

log = logging.getLogger(__name__)

#: An uploaded scenario file is at most this big (a scenario with its design inline
#: is a few kB; a 500-component design about 100 kB).
MAX_UPLOAD_BYTES = 1 << 20

DEFAULT_TARGET = 0.9995


@dataclass(frozen=True)
class Change:
    """What changed in a workspace: the scenario, the design (a new one, not only
    business figures), the target; ``origin`` is whoever made the change."""

    scenario: bool = False
    design: bool = False
    target: bool = False
    origin: object = None


class Workspace:
    """The shared state of the app: ``scenario`` (a ``Scenario``, its design in
    ``scenario.design``), ``target`` (availability, a fraction) and ``key`` (the
    shipped scenario it started from, or None for an upload).

    ``observe(fn)`` registers ``fn(workspace, change)``; every ``set_*`` calls the
    observers once. An observer that raises is logged and the others still run.
    """

    def __init__(self, scenario: Scenario | str, target: float | None = None, *,
                 key: str | None = None):
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        if key is None and isinstance(scenario, str) and scenario in reference_scenarios():
            key = scenario
        self.key = key
        self.scenario = sc
        self.design_key = self._design_key(sc)
        self.target = self._target(target, sc)
        self._opened(sc)
        self._observers: list[Callable[[Workspace, Change], None]] = []

    @staticmethod
    def _design_key(sc: Scenario) -> str | None:
        """The shipped design a scenario names, if it names one by name."""
        arch = sc.architecture
        return arch if isinstance(arch, str) and arch in reference_architectures() else None

    @staticmethod
    def _target(target, sc: Scenario) -> float:
        if target is None:
            target = sc.availability_target if sc.availability_target is not None else DEFAULT_TARGET
        return float(check_availability(target, "target"))

    # -- observing
    def observe(self, fn: Callable[[Workspace, Change], None]) -> None:
        self._observers.append(fn)

    def _notify(self, change: Change) -> None:
        for fn in list(self._observers):
            try:
                fn(self, change)
            except Exception:  # one broken tab must not stop the others
                log.exception("workspace observer %r failed", fn)

    # -- changing
    def set_target(self, target: float, origin=None) -> None:
        """A new availability target (checked), told to every observer but ``origin``."""
        target = float(check_availability(target, "target"))
        if target != self.target:
            self.target = target
            self._notify(Change(target=True, origin=origin))

    def set_scenario(self, scenario: Scenario | str, origin=None, *, key: str | None = None,
                     target: float | None = None) -> None:
        """Another scenario (a shipped name, a path or a ``Scenario``); its own
        availability target, if it names one, unless ``target`` is given."""
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        if key is None and isinstance(scenario, str) and scenario in reference_scenarios():
            key = scenario
        new_target = self.target if target is None and sc.availability_target is None \
            else self._target(target, sc)
        self.key, self.scenario = key, sc
        self._opened(sc)
        self.design_key = self._design_key(sc)
        changed_target = new_target != self.target
        self.target = new_target
        self._notify(Change(scenario=True, design=True, target=changed_target, origin=origin))

    def what_if(self, origin=None, **fields) -> None:
        """The scenario with some business figures changed (``Scenario.replace``
        fields: ``downtime_cost_per_hour``, ``incidents_per_year``, ...)."""
        if not fields:
            return
        self.scenario = self.scenario.replace(**fields)
        if "architecture" in fields:
            self.design_key = self._design_key(self.scenario)
        self._notify(Change(scenario=True, design="architecture" in fields, origin=origin))

    def set_design(self, design: str | Mapping, origin=None) -> None:
        """Another design for the scenario: a reference name, or a design mapping.
        A reference name is put inline, so the workspace's file stands alone."""
        key = design if isinstance(design, str) and design in reference_architectures() else None
        if key is not None:
            design = dump_architecture(load_architecture(key))
        self.scenario = self.scenario.replace(architecture=design)
        self.design_key = key
        self._notify(Change(scenario=True, design=True, origin=origin))

    def _opened(self, sc: Scenario) -> None:
        """Keep what a scenario came with: its design (``changed_design``) and the
        figures its description was written for (``changed_figures``)."""
        self._original = sc.design
        self._original_dump: dict | None = None  # its file mapping, written once when first compared
        self._loaded = sc.to_mapping()

    def changed_design(self) -> Architecture | None:
        """The design the scenario came with, when the workspace's design is now another
        one (the Overview then prices the change); None when it is the same."""
        before, now = self._original, self.scenario.design
        if before is None or now is None or before is now:
            return None
        if self._original_dump is None:
            self._original_dump = dump_architecture(before)
        return None if self._original_dump == dump_architecture(now) else before

    def changed_figures(self, now: Mapping | None = None) -> list[str]:
        """What has changed, in plain words, since the scenario was opened, among the
        figures its description may speak of (the money, rates, targets, strategies, design).
        ``now``: the scenario's mapping, when the caller has it already."""
        now = self.scenario.to_mapping() if now is None else now
        return [plain for key, plain in _FIGURES.items() if now.get(key) != self._loaded.get(key)]

    def description(self, now: Mapping | None = None) -> str:
        """The scenario's description, marked as the original text once its figures
        have changed (the words no longer follow them)."""
        text = self.scenario.description or ""
        changed = self.changed_figures(now)
        if not changed or not text:
            return text  # a file saved after changes keeps its mark
        mark = _MARK.match(text)
        if mark:  # marked in an earlier file: the changes then and now
            earlier = [x for x in mark.group(1).split(", ") if x in _FIGURES.values()]
            changed = [*earlier, *(x for x in changed if x not in earlier)]
            text = text[mark.end():]
        return f"(Original text, written before these changes: {', '.join(changed)}.) " + text

    # -- files
    def to_mapping(self) -> dict:
        """The whole workspace as one scenario mapping: the design inline (a
        reference name or a path becomes the design it names) and the target."""
        data = self.scenario.to_mapping()
        description = self.description(data)  # before the design is put inline: as it was opened
        arch = data.get("architecture")
        if isinstance(arch, str):  # the design the name or path stands for, as the model holds it
            data["architecture"] = dump_architecture(self.scenario.design)
        data["availability_target"] = self.target
        data["description"] = description
        return data

    def to_yaml(self) -> bytes:
        """``to_mapping`` as a YAML scenario file (UTF-8)."""
        import yaml

        head = ("# HA/DR workbook scenario, with its design inline; open it in the app\n"
                "# (Upload) or run: hadr report THIS_FILE\n")
        return (head + yaml.safe_dump(self.to_mapping(), sort_keys=False, allow_unicode=True,
                                      width=100)).encode("utf-8")

    def filename(self) -> str:
        """A safe file name for the download: the scenario's key or a slug of its name."""
        return safe_file_name(self.key or self.scenario.name, "scenario")

    def to_link(self) -> str:
        """The whole workspace (``to_mapping``: scenario, design, what-ifs, target, and the
        shipped scenario it started from) as text for a page's address: JSON, compressed,
        URL-safe base64. ``workspace_from_link`` reads it back."""
        import base64
        import zlib

        doc = {"v": LINK_VERSION, "key": self.key, "scenario": self.to_mapping()}
        raw = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")

    def open_link(self, text: str, origin=None) -> None:
        """Make the workspace the one ``text`` (``to_link``'s) carries; a bad or hostile
        one raises ``InvalidInputError`` and changes nothing."""
        scenario, key = workspace_from_link(text)
        self.set_scenario(scenario, origin=origin, key=key, target=scenario.availability_target)


def _upload_text(name: str, content: bytes, kind: str | None = None) -> tuple[str, str]:
    """An uploaded file's name as errors show it, and its text: at most
    ``MAX_UPLOAD_BYTES``, UTF-8 (a ``kind`` file: the messages say it is YAML or JSON)."""
    shown = json.dumps(str(name)[:80])
    if len(content) > MAX_UPLOAD_BYTES:
        what = f"a {kind} file" if kind else "an upload"
        raise InvalidInputError(f"{shown}: {len(content):,} bytes is more than the "
                                f"{MAX_UPLOAD_BYTES:,} bytes {what} may have")
    try:
        return shown, bytes(content).decode("utf-8")
    except UnicodeDecodeError:
        tail = f"; a {kind} file is YAML or JSON" if kind else ""
        raise InvalidInputError(f"{shown}: not UTF-8 text{tail}") from None


def _read_upload(name: str, content: bytes, kind: str, fields: str) -> tuple[str, Mapping]:
    """An uploaded file's name as errors show it, and its mapping: at most
    ``MAX_UPLOAD_BYTES``, UTF-8, YAML or JSON read within the limits of ``safe_load``,
    a mapping at the top (a ``kind`` file: ``fields``), nested no deeper than allowed."""
    shown, text = _upload_text(name, content, kind)
    data = read_yaml(text, origin=shown)
    if not isinstance(data, Mapping):
        raise InvalidInputError(f"{shown}: {type(data).__name__} at the top; a {kind} file "
                                f"is a mapping ({fields})")
    check_depth(data, shown)
    return shown, data


def parse_scenario_upload(name: str, content: bytes) -> Scenario:
    """A ``Scenario`` from an uploaded file's bytes (YAML or JSON), with the limits of
    ``safe_load`` and at most ``MAX_UPLOAD_BYTES``; errors name the file."""
    shown, data = _read_upload(name, content, "scenario", "name, downtime_cost_per_hour, ...")
    if isinstance(data.get("architecture"), str):
        arch = data["architecture"]
        if arch not in reference_architectures():
            # An uploaded file must not name files on the server.
            raise InvalidInputError(
                f"architecture: {arch!r}: an uploaded scenario names a shipped design "
                f"({', '.join(reference_architectures())}) or carries its design inline")
    try:
        return load_scenario(data)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{shown}: {exc}") from None


def parse_design_upload(name: str, content: bytes) -> Architecture:
    """An ``Architecture`` from an uploaded design file's bytes (YAML or JSON: name,
    description, architecture), with the limits of ``safe_load`` and at most
    ``MAX_UPLOAD_BYTES``; errors name the file."""
    shown, data = _read_upload(name, content, "design", "name, description, architecture")
    try:  # a mapping is read as it is: it cannot name a file on the server
        return load_architecture(data)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{shown}: {exc}") from None


#: Uploads read as infrastructure code (hadr import) rather than as a design file.
CODE_SUFFIXES = (".tf", ".py")


def parse_design_or_code_upload(name: str, content: bytes) -> tuple[Architecture, list[dict]]:
    """A design from an upload: a design file (YAML or JSON: name, description,
    architecture), or infrastructure code that ``hadr import`` reads (Kubernetes
    manifests, Terraform, CloudFormation, boto3), with its findings ([] for a design
    file). No file on the server is read whatever the upload's name."""
    from .importers import import_text

    shown, text = _upload_text(name, content)
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1][:120] or "upload"
    if not base.lower().endswith(CODE_SUFFIXES):
        try:
            return parse_design_upload(name, content), []
        except InvalidInputError as first:
            doc = import_text(base, text)
            if doc["design"] is None:
                raise first from None
            return load_architecture(doc["design"]), doc["findings"]
    doc = import_text(base, text)
    if doc["design"] is None:
        raise InvalidInputError(f"{shown}: nothing in it could be modelled (a design file, Kubernetes manifests, "
                                "Terraform, CloudFormation or boto3 code)")
    return load_architecture(doc["design"]), doc["findings"]


#: The figures a scenario's description may speak of, in plain words.
_FIGURES = {"downtime_cost_per_hour": "the cost of an hour down", "data": "the data figures",
            "incidents_per_year": "the incident rates", "targets": "the RTO and RPO targets",
            "fallback": "the fallback recovery", "strategy_costs": "the strategy costs",
            "strategies": "your strategies", "layered_strategies": "the strategies run together",
            "architecture": "the design"}
#: The mark ``Workspace.description`` puts before a description its figures left behind.
_MARK = re.compile(r"^\(Original text, written before these changes: ([^)]*)\.\) ")

#: The version of ``Workspace.to_link``'s text.
LINK_VERSION = 1
#: The longest workspace text a link may carry (a 500-component design is about 30 kB).
MAX_LINK_CHARS = 200_000


def workspace_from_link(text: str) -> tuple[Scenario, str | None]:
    """The scenario and shipped key a ``Workspace.to_link`` text carries. Hostile text is
    normal input: its length, its inflated size (``MAX_UPLOAD_BYTES``, checked while
    inflating, so a zip bomb stops there) and its scenario are checked like an upload's;
    the scenario may name no file on the server."""
    import base64
    import binascii
    import zlib

    what = "the link's workspace"
    if not isinstance(text, str) or not text or len(text) > MAX_LINK_CHARS:
        size = len(text) if isinstance(text, str) else type(text).__name__
        raise InvalidInputError(f"{what}: {size} characters is not a workspace (at most {MAX_LINK_CHARS:,})")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_UPLOAD_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise InvalidInputError(f"{what}: not the text the app writes (it may have been cut short)") from None
    if len(raw) > MAX_UPLOAD_BYTES or inflate.unconsumed_tail:
        raise InvalidInputError(f"{what}: more than the {MAX_UPLOAD_BYTES:,} bytes a scenario file may have")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInputError(f"{what}: not the text the app writes (it may have been cut short)") from None
    if not isinstance(doc, dict) or doc.get("v") != LINK_VERSION or not isinstance(doc.get("scenario"), dict):
        raise InvalidInputError(f"{what}: not a workspace of this version of the app")
    key = doc.get("key")
    if key is not None and (not isinstance(key, str) or key not in reference_scenarios()):
        key = None
    payload = json.dumps(doc["scenario"]).encode("utf-8")
    return parse_scenario_upload("link", payload), key


def query_scenario(query: str) -> str | None:
    """The shipped scenario named by ``?scenario=NAME`` in a URL's query string, or
    None when the query names none; an unknown name raises, listing the names."""
    from urllib.parse import parse_qs

    values = parse_qs(query.lstrip("?"), max_num_fields=20).get("scenario")
    if not values:
        return None
    name = values[0]
    refs = reference_scenarios()
    if name not in refs:
        raise InvalidInputError(f"scenario: {name[:80]!r} is not a shipped scenario; use one of "
                                f"{', '.join(refs)}")
    return name
