"""Packaging, the one source of dependencies, and the commands the README promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import yaml

import hadr_lib
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    conda_deps = dict(_split(d) for d in conda)
    python = conda_deps.pop("python")
    assert python == PYPROJECT["project"]["requires-python"]
    conda_deps.pop("pip")
    runtime = dict(_split(d) for d in PYPROJECT["project"]["dependencies"])
    assert conda_deps == runtime, "environment.yml and pyproject.toml dependencies differ"
    # pip then installs the project itself, with its test extra, from the same pyproject.
    assert pip == [{"pip": ["-e .[test]"]}]


def test_product_dependencies_are_declared():
    names = {_split(d)[0] for d in PYPROJECT["project"]["dependencies"]}
    for required in ("jupyterlab", "ipywidgets", "voila", "plotly", "pandas", "papermill",
                     "nbval", "anywidget", "numpy"):
        assert required in names
    test = {_split(d)[0] for d in PYPROJECT["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "playwright", "hypothesis", "mpmath"} <= test


def test_version_is_one_source():
    out = subprocess.run([sys.executable, "-m", "hadr_lib", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"hadr {hadr_lib.__version__}"


def test_ci_runs_make_test_with_the_browser_required():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "HADR_REQUIRE_BROWSER=1 make test" in ci
    assert "|| true" not in ci and "-k " not in ci


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    for command in ("make run", "make test", "make lab", "make bench",
                    "conda env create -f environment.yml"):
        assert command in readme
    assert "365.25" in readme


def test_voila_config_is_loopback_and_hides_code():
    import json
    cfg = json.loads((ROOT / "voila.json").read_text())
    assert cfg["Voila"]["ip"] == "127.0.0.1"
    assert cfg["VoilaConfiguration"]["strip_sources"] is True
    assert cfg["VoilaConfiguration"]["show_tracebacks"] is False
    assert cfg["VoilaConfiguration"]["template"] == "hadr"  # no CDN requests
    assert cfg["VoilaConfiguration"]["preheat_kernel"] is True
    cull = cfg["MappingKernelManager"]
    assert cull["cull_idle_timeout"] > 0 and cull["cull_interval"] > 0
    assert cull["cull_connected"] is False  # an open page keeps its kernel
    template = ROOT / "hadr_lib" / "share" / "jupyter" / "voila" / "templates" / "hadr"
    assert "fontawesome" in (template / "index.html.j2").read_text()  # the links it removes


def _browser_tests_without_chromium(require: str):
    env = {**os.environ, "HADR_CHROMIUM": "/nonexistent/chromium", "HADR_REQUIRE_BROWSER": require}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs",
         "tests/test_app_browser.py"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_missing_browser_fails_the_run_when_required():
    out = _browser_tests_without_chromium("1")
    assert out.returncode == 1, out.stdout
    assert "HADR_REQUIRE_BROWSER=1" in out.stdout


def test_missing_browser_skips_otherwise():
    out = _browser_tests_without_chromium("0")
    assert out.returncode == 0, out.stdout
    assert "skipped" in out.stdout and "passed" not in out.stdout
    assert "Chromium not found" in out.stdout
