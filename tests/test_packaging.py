"""Packaging, the one source of dependencies, and the commands the README promises."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest
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


def test_license_and_spdx():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_data_ships_inside_the_package():
    """hadr_lib/data and hadr_lib/report.ipynb are the repository's data/ and report
    notebook (links, copied as files into a wheel): one copy of each fact."""
    pkg = ROOT / "hadr_lib"
    assert (pkg / "data").resolve() == (ROOT / "data").resolve()
    assert (pkg / "report.ipynb").resolve() == (ROOT / "notebooks" / "report.ipynb").resolve()
    from hadr_lib.catalog import DATA_DIR
    from hadr_lib.report import REPORT_NOTEBOOK

    assert DATA_DIR == pkg / "data" and REPORT_NOTEBOOK == pkg / "report.ipynb"


def test_a_wheel_works_from_any_folder(tmp_path):
    """Build the wheel, install it (no editable link to this checkout) into a fresh
    venv that borrows only the dependencies, and run the CLI from an empty folder."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True,
                   capture_output=True)
    (wheel,) = wheels.glob("hadr_workbook-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (tmp_path / "venv" / site.split(str(venv) + "/")[1] / "deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    # nbconvert's own templates live in the prefix that installed it; a one-prefix
    # install finds them under sys.prefix, this borrowed-dependencies venv is told.
    env["JUPYTER_PATH"] = os.path.join(sys.prefix, "share", "jupyter")

    def hadr(*args):
        out = subprocess.run([str(venv / "bin" / "hadr"), *args], cwd=work, env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr
        return out.stdout

    where = subprocess.run([str(python), "-c", "import hadr_lib; print(hadr_lib.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(site), where  # the wheel's copy, not this checkout
    listing = json.loads(hadr("list", "--format", "json"))
    assert {d["id"] for d in listing["designs"]} >= {"multi_az_postgres", "single_server"}
    assert {s["id"] for s in listing["scenarios"]} == {"ecommerce_shop", "regulated_payments",
                                                      "small_saas"}
    assert "aws-rds-multi-az" in {s["id"] for s in listing["slas"]}
    assert "Multi-AZ PostgreSQL" in hadr("evaluate", "multi_az_postgres")
    assert "Recommended" in hadr("dr", "ecommerce_shop") or "E-commerce shop" in hadr("dr", "ecommerce_shop")
    assert json.loads(hadr("slo", "multi_az_postgres", "--target", "99.95", "--format",
                           "json"))["window_days"] == 30
    hadr("report", "ecommerce_shop", "--out", "reports", "--quiet")
    page = (work / "reports" / "ecommerce_shop.html").read_text()
    assert "HA/DR report: E-commerce shop" in page and "Multi-AZ PostgreSQL gives" in page


def test_readme_code_fences_pair_up():
    """Every fence that opens a block is closed by a bare fence (an opening fence with
    a language where a closing one belongs swallows the prose after it)."""
    inside = False
    for n, line in enumerate((ROOT / "README.md").read_text().splitlines(), 1):
        if line.startswith("```"):
            if inside:
                assert line == "```", f"README.md:{n}: {line!r} inside a code block"
            inside = not inside
    assert not inside, "README.md ends inside a code block"


def test_list_names_everything_shipped_and_suggests_names(capsys):
    from hadr_lib.cli import main

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for text in ("Reference designs", "multi_az_postgres", "Scenarios", "small_saas",
                 "Cloud SLAs", "aws-rds-multi-az", "DR strategies"):
        assert text in out
    assert main(["evaluate", "--format", "json", "singel_server"]) == 2
    assert "did you mean single_server?" in capsys.readouterr().err
    with pytest.raises(hadr_lib.InvalidInputError, match="did you mean aws-rds-multi-az"):
        hadr_lib.load_architecture({"architecture": {"component": {"name": "db",
                                                                   "sla": "aws-rds-multiaz"}}})


def test_constraints_pin_every_dependency():
    """make run and make test install with -c constraints.txt: each direct dependency
    (runtime, test, bench) is pinned, so a numpy release cannot change seeded outputs."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    extras = PYPROJECT["project"]["optional-dependencies"]
    wanted = PYPROJECT["project"]["dependencies"] + extras["test"] + extras["bench"]
    for req in wanted:
        name = _split(req)[0]
        if name == "setuptools":  # pip never pins itself or its build tools
            continue
        assert name in pins, f"{name} is not pinned in constraints.txt"
    assert "numpy" in pins and "-c constraints.txt" in (ROOT / "Makefile").read_text()
