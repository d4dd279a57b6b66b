"""Reports: a scenario in, an executed notebook out, exported as self-contained HTML
(or PDF through headless Chromium). One or many at once.

Every file is written to a temporary name in the output folder and renamed into
place, so a failed scenario leaves no partial file and a reader never sees half a
report. A batch goes on past a failure and says which scenario and which cell failed.
"""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .availability import check_availability
from .checks import InvalidInputError
from .files import atomic_write
from .pdf import CHROMIUM_ARGS as CHROMIUM_ARGS
from .pdf import OFFLINE_ARGS, unlimited_address_space
from .scenario import load_scenario, reference_scenarios

__all__ = ["REPORT_NOTEBOOK", "ReportResult", "ReportWorker", "build_report", "build_reports",
           "content_security_policy", "find_chromium", "print_pdf", "unique_stems"]

#: The report notebook ships inside the package (the repository's notebooks/report.ipynb).
REPORT_NOTEBOOK = Path(str(resources.files("hadr_lib").joinpath("report.ipynb")))
_TEMPLATES = Path(str(resources.files("hadr_lib").joinpath("templates")))
#: What `build_report` writes (and `hadr report --format` offers).
REPORT_FORMATS = ("html", "pdf")
# plotly's notebook_connected renderer loads plotly.js from its CDN, as a classic
# script or as a module import depending on the version: point either at the copy
# beside the report.
_PLOTLY_TAG = re.compile(
    r'<script[^>]*src="https://cdn\.plot\.ly/plotly-[^"]*"[^>]*></script>'
    r'|<script type="module">\s*import "https://cdn\.plot\.ly/plotly-[^"]*"\s*;?\s*</script>')


# plotly's notebook renderers always add MathJax from a CDN; our charts use no LaTeX,
# and a report must open with no network.
_MATHJAX_TAG = re.compile(r'<script[^>]*src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*"[^>]*></script>')


def content_security_policy(shared_plotly: bool = False) -> str:
    """The policy every report carries: its own inline scripts and styles run, and
    nothing is fetched: no network, no ``file://`` (so no text a scenario smuggles in
    can pull a local file or an internal URL into the page or its PDF). A batch
    report may load the ``plotly.min.js`` beside it."""
    scripts = "'unsafe-inline' 'unsafe-eval'" + (" file: 'self'" if shared_plotly else "")
    return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
            "img-src data:; font-src data:; form-action 'none'; base-uri 'none'")


def _with_policy(page: str, shared_plotly: bool) -> str:
    meta = (f'<meta http-equiv="Content-Security-Policy" '
            f'content="{html.escape(content_security_policy(shared_plotly), quote=False)}">')
    page, n = re.subn(r"<head>", "<head>\n" + meta, page, count=1)
    if not n:
        raise RuntimeError("the report template has no <head>")
    return page


def _printable(page: str) -> str:
    """``page`` with the report's policy, unless it carries a policy of its own."""
    return page if "Content-Security-Policy" in page else _with_policy(page, False)


def print_pdf(page: str, pdf: Path, chromium: str, *, workdir: Path, timeout: int = 600) -> None:
    """Print an HTML page to ``pdf`` with headless Chromium, offline: the page's
    policy blocks every fetch, and Chromium itself resolves no host name and goes
    through a proxy that does not exist, so nothing leaves the machine."""
    source = Path(workdir).resolve() / "page.html"
    source.write_text(_printable(page), encoding="utf-8")
    subprocess.run([chromium, "--headless", *CHROMIUM_ARGS, *OFFLINE_ARGS,
                    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
                    f"--user-data-dir={workdir}/chrome", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", source.as_uri()],
                   check=True, capture_output=True, timeout=timeout, preexec_fn=unlimited_address_space)


@dataclass(frozen=True)
class ReportResult:
    """One scenario's outcome: the file written, or the error that stopped it."""

    scenario: str
    path: Path | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def find_chromium(explicit: str | None = None) -> str | None:
    """Debian's Chromium (for PDF output and the browser tests): ``explicit`` or
    ``$HADR_CHROMIUM`` when given and present, else ``chromium`` on the PATH."""
    explicit = explicit or os.environ.get("HADR_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _out_dir(out_dir) -> Path:
    """The output folder, created if missing and checked writable, or a clear error."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InvalidInputError(f"out: {str(out)!r} exists and is not a folder") from None
    except OSError as exc:
        raise InvalidInputError(f"out: {str(out)!r} cannot be created ({exc.strerror})") from None
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise InvalidInputError(f"out: {str(out)!r} is not writable ({exc.strerror})") from None
    return out


def _stem(scenario: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(scenario).stem).lstrip(".")[:100] or "report"


def build_report(scenario: str, out_dir, *, target: float | None = None, fmt: str = "html",
                 shared_plotly: bool = False, timeout: int = 600,
                 notebook: str | Path | None = None, stem: str | None = None,
                 incidents: str | Path | None = None, kernel_manager=None, kernel_client=None) -> Path:
    """Execute ``notebooks/report.ipynb`` for one scenario and write its report.

    Parameters
    ----------
    scenario : str
        A scenario name in ``data/scenarios`` or a path to a YAML file.
    out_dir : path
        Folder for the report (created if missing).
    target : float, optional
        The availability promised [fraction]; by default the scenario's own
        ``availability_target``, else 0.9995.
    fmt : str
        ``html`` (self-contained: plotly.js inlined, about 5 MB) or ``pdf``.
    shared_plotly : bool
        HTML that loads ``plotly.min.js`` from beside it instead of inlining it.
    notebook : path, optional
        Another report notebook with the same parameters (default ``notebooks/report.ipynb``).
    incidents : path, optional
        An incident log (CSV, Statuspage JSON, PagerDuty CSV): the report then sets the
        design's figures against those fitted from it.
    kernel_manager : jupyter_client.KernelManager, optional
        A kernel already started (and warmed: ``ReportWorker``) to run the notebook in,
        instead of a fresh one (about 4 s of start-up and imports). It is left running:
        its owner restarts it for the next report once this one is delivered.
    kernel_client : jupyter_client.KernelClient, optional
        A client of that kernel with its channels started and the kernel ready (the
        worker's), saving the report a new client's start (about 0.2 s).

    Raises ``InvalidInputError`` for a bad scenario or option, and ``RuntimeError``
    naming the failing cell when the notebook fails.
    """
    import nbformat
    import papermill as pm

    if fmt not in REPORT_FORMATS:
        raise InvalidInputError(f"format: {fmt!r} is not a report format; use one of {', '.join(REPORT_FORMATS)}")
    sc = load_scenario(scenario)  # a clear message before any kernel starts
    if incidents:
        from .history import read_incidents

        read_incidents(incidents)  # a bad log is said before any kernel starts
        incidents = str(Path(incidents).resolve())
    if target is None:
        target = sc.availability_target if sc.availability_target is not None else 0.9995
    check_availability(target, "target")
    out_dir = _out_dir(out_dir)
    chromium = find_chromium() if fmt == "pdf" else None
    if fmt == "pdf" and not chromium:
        raise InvalidInputError("format: 'pdf' needs Debian's chromium (apt-get install chromium)")
    parameters = {"scenario": str(Path(scenario).resolve()) if Path(scenario).exists() else scenario,
                  "target": float(target), "incidents": str(incidents or ""),
                  "plotly_renderer": "notebook_connected" if shared_plotly else "notebook"}
    with tempfile.TemporaryDirectory() as tmp:
        if kernel_manager is not None:
            nb = _run_in(kernel_manager, str(notebook or REPORT_NOTEBOOK), parameters, scenario, timeout,
                         kc=kernel_client)
        else:
            executed = Path(tmp) / "report.ipynb"
            try:
                pm.execute_notebook(
                    str(notebook or REPORT_NOTEBOOK), str(executed), kernel_name="python3",
                    parameters=parameters, cwd=tmp, progress_bar=False, execution_timeout=timeout,
                    log_output=False, kernel_manager_class=_ipc_kernel_manager())
            except pm.PapermillExecutionError as exc:
                first = (exc.source or "").strip().splitlines()[0] if exc.source else ""
                raise RuntimeError(f"scenario {scenario!r} failed in cell {exc.cell_index} "
                                   f"({first!r}): {exc.ename}: {exc.evalue}") from None
            nb = nbformat.read(executed, as_version=4)
        return _export(nb, sc.name, out_dir, fmt=fmt, stem=stem or _stem(scenario), shared_plotly=shared_plotly,
                       chromium=chromium, workdir=Path(tmp), timeout=timeout)


@functools.lru_cache(maxsize=1)
def _ipc_kernel_manager():
    """jupyter_client's async kernel manager on unix sockets in a folder of its own
    (removed with the kernel): on TCP it picks five free ports that another process may
    take before the kernel binds them, and a report run beside others lost its kernel to
    'Address already in use'."""
    from jupyter_client.manager import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kw: Any):
            folder = tempfile.mkdtemp(prefix="hadr-kernel-")
            kw.setdefault("transport", "ipc")
            kw.setdefault("connection_file", os.path.join(folder, "kernel.json"))
            super().__init__(**kw)
            self._hadr_folder = folder

        async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
            await super().cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self._hadr_folder, ignore_errors=True)

    return IpcKernelManager


def _run_in(km, notebook: str, parameters: dict, scenario: str, timeout: int, kc=None):
    """The report notebook, parameterised as papermill does, executed in the running
    kernel of ``km`` (through ``kc``, a ready client of it, if given); a failing cell is a
    ``RuntimeError`` naming it. The kernel is left running: nbclient's clean-up shut it
    down before the report could be written (0.4 s on the way to every report), and its
    owner restarts it for the next report anyway."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(notebook), parameters)
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", allow_errors=False)
    if kc is not None:
        kc.allow_stdin = False
        client.kc = kc
    try:
        client.execute(cleanup_kc=False)
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells) if any(
            o.get("output_type") == "error" for o in c.get("outputs", ()))), "?")
        raise RuntimeError(f"scenario {scenario!r} failed in cell {index}: {exc.ename}: {exc.evalue}") from None
    except DeadKernelError:
        raise RuntimeError(f"scenario {scenario!r}: the report's kernel died") from None
    finally:
        if kc is None and client.kc is not None:  # the client nbclient made for this run
            client.kc.stop_channels()
    return nb


#: What a warm report kernel imports before it is asked for a report.
#: Nothing it runs displays anything (a renderer set here would put plotly.js in no report).
_PRELOAD = ("import html, plotly.io, plotly.graph_objects as go, hadr_lib, hadr_lib.plots, hadr_lib.views, "
            "hadr_lib.overview, hadr_lib.history, hadr_lib.uncertainty, hadr_lib.assumptions\n"
            "from IPython.display import HTML, display\n"
            "plotly.io.renderers  # its module imports nbformat: 1.6 s\n"
            "go.Figure([go.Bar(x=[1], y=['a'], orientation='h'), go.Scatter(x=[1], y=[1]), go.Histogram(x=[1]),"
            " go.Box(y=[1])]).to_dict()  # the validators of the report's traces")


class ReportWorker:
    """Reports prepared in the background for the app: one thread and one kernel kept
    warm (started, hadr_lib and plotly imported) so a report takes the notebook's own
    work, not a kernel's start-up; the kernel is restarted and warmed again after each
    report, so no report sees another's variables.

    ``prepare(source, target, pdf=...)`` returns a future of the HTML report's path and,
    with ``pdf``, a future of the PDF printed from it (Debian's Chromium). Reports are
    made one after another. ``close()`` stops the kernel and removes the files.
    """

    def __init__(self, *, warm: bool = True, timeout: int = 600):
        from concurrent.futures import ThreadPoolExecutor

        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hadr-report")
        self._dir = Path(tempfile.mkdtemp(prefix="hadr-reports-"))
        self._km: Any = None  # a jupyter_client KernelManager, once started
        self._kc: Any = None  # a ready client of it, kept between warming and the report
        self._count = 0
        self._printer: Any = None  # a pdf.PdfPrinter (one Chromium kept), on the first PDF
        self._printer_lock = threading.Lock()
        if warm:
            self._pool.submit(self._warm)

    def _warm(self) -> None:
        """(In the worker thread.) A fresh kernel with the report's imports done."""
        from jupyter_client import KernelManager

        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._km is not None and self._km.is_alive():
            self._km.restart_kernel(now=True)
        else:
            self._km = KernelManager(kernel_name="python3", transport="ipc",  # no TCP port to race for
                                     connection_file=str(self._dir / "kernel.json"))
            self._km.start_kernel(cwd=str(self._dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = self._km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            kc.execute_interactive(_PRELOAD, timeout=120, output_hook=lambda msg: None)
        except BaseException:
            kc.stop_channels()
            raise
        self._kc = kc  # kept ready for the report: a new client and its handshake cost 0.2 s

    def _build(self, source: Path, target: float, stem: str) -> Path:
        try:
            if self._km is None or not self._km.is_alive():
                self._warm()
            out = self._dir / f"report-{self._count}"
            return build_report(str(source), out, target=target, stem=stem, timeout=self.timeout,
                                kernel_manager=self._km, kernel_client=self._kc)
        finally:
            self._pool.submit(self._warm)  # clean for the next report, while nobody waits

    def _printer_for_pdf(self):
        """The Chromium kept for this worker's PDFs (made on first use), with a spare page
        holding the report's policy and plotly.js, so a print does not parse it again."""
        with self._printer_lock:
            if self._printer is None:
                from plotly.offline import get_plotlyjs

                from .pdf import PdfPrinter

                chromium = find_chromium()
                if not chromium:
                    raise InvalidInputError("PDF: needs Debian's chromium (apt-get install chromium)")
                head = (f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
                        f'content="{html.escape(content_security_policy(False), quote=False)}">'
                        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>")
                self._printer = PdfPrinter(chromium, timeout=self.timeout, spare_head=head,
                                           spare_script=get_plotlyjs())
            return self._printer

    def _print(self, html_path: Path) -> Path:
        """(In the worker thread.) The report printed by the Chromium kept for this
        worker: started by the first PDF, stopped after five idle minutes."""
        printer = self._printer_for_pdf()
        pdf = html_path.with_suffix(".pdf")
        work = Path(tempfile.mkdtemp(dir=self._dir))
        try:
            printer.print(_printable(html_path.read_text(encoding="utf-8")), work / "report.pdf")
            atomic_write(pdf, (work / "report.pdf").read_bytes())
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return pdf

    def prepare(self, source: bytes, filename: str, target: float, *, pdf: bool = False):
        """Queue a report of the scenario file ``source`` (its bytes, named ``filename``):
        (future HTML path, future PDF path or None)."""
        self._count += 1
        folder = self._dir / f"in-{self._count}"
        folder.mkdir()
        stem = _stem(filename)
        path = folder / f"{stem}.yaml"
        atomic_write(path, source)
        html_future = self._pool.submit(self._build, path, float(target), stem)
        pdf_future = None
        if pdf:
            # Chromium and its spare page get ready while the kernel makes the report.
            threading.Thread(target=self._warm_printer, name="hadr-pdf-warm", daemon=True).start()
            pdf_future = self._pool.submit(lambda: self._print(html_future.result()))
        return html_future, pdf_future

    def _warm_printer(self) -> None:
        try:
            self._printer_for_pdf().warm()
        except InvalidInputError:  # no Chromium: the print says so
            pass

    def close(self) -> None:
        """Stop the kernel and remove the files (queued reports are cancelled)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._printer is not None:
            self._printer.close()
        kc, self._kc = self._kc, None
        if kc is not None:
            kc.stop_channels()
        km, self._km = self._km, None
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # already gone
                pass
        shutil.rmtree(self._dir, ignore_errors=True)


def _exporter():
    """The HTML exporter of reports (no code, no prompts), built once per process."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="hadr_report", extra_template_basedirs=[str(_TEMPLATES)],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return _EXPORTER


_EXPORTER = None


def _export(nb, name: str, out_dir: Path, *, fmt: str, stem: str, shared_plotly: bool,
            chromium: str | None, workdir: Path, timeout: int) -> Path:
    """An executed report notebook written as ``stem.html`` or ``stem.pdf`` in ``out_dir``
    (atomically): no code, no CDN, the no-fetch policy."""
    nb.metadata["title"] = f"HA/DR report: {name}"
    body, _ = _exporter().from_notebook_node(nb)
    body = _MATHJAX_TAG.sub("", body)
    body = _with_policy(body, shared_plotly and fmt == "html")
    if shared_plotly:
        body = _PLOTLY_TAG.sub('<script charset="utf-8" src="plotly.min.js"></script>', body)
    if fmt == "html":
        path = out_dir / f"{stem}.html"
        if shared_plotly:
            _copy_plotly_js(out_dir)
        atomic_write(path, body.encode("utf-8"))
        return path
    pdf = workdir / f"{stem}.pdf"
    assert chromium is not None  # checked before the kernel started
    print_pdf(body, pdf, chromium, workdir=workdir, timeout=timeout)
    path = out_dir / f"{stem}.pdf"
    atomic_write(path, pdf.read_bytes())
    return path


def _copy_plotly_js(out_dir: Path) -> None:
    from plotly.offline import get_plotlyjs

    target = out_dir / "plotly.min.js"
    if not target.exists():
        atomic_write(target, get_plotlyjs().encode("utf-8"))


_IN_WORKER = False


def _worker_init(parent_pid: int | None = None) -> None:
    """A batch worker: Ctrl-C is the parent's to handle; SIGTERM (the parent stopping
    the batch, or the parent's death, even by SIGKILL) interrupts the report, whose
    kernel and temporary files are then cleaned up, and the worker exits."""
    global _IN_WORKER
    _IN_WORKER = True
    # A kernel stopped mid-cell logs its own teardown noise to the stderr it inherits;
    # a batch reports each failure in its results, so the workers' stderr is muted.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    from .workers import die_with_parent

    die_with_parent(parent_pid)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _one(args):
    scenario, out_dir, target, fmt, shared, notebook, stem, incidents = args
    try:
        return ReportResult(scenario, build_report(scenario, out_dir, target=target, fmt=fmt,
                                                   shared_plotly=shared, notebook=notebook,
                                                   stem=stem, incidents=incidents))
    except (InvalidInputError, RuntimeError, subprocess.SubprocessError) as exc:
        return ReportResult(scenario, None, str(exc))
    except OSError as exc:  # a full disk or a vanished folder fails this report only
        return ReportResult(scenario, None, f"cannot write the report: {exc.strerror or exc}")
    except KeyboardInterrupt:
        if _IN_WORKER:  # cleaned up while unwinding; leave the pool at once
            os._exit(130)
        raise


_RESERVED = {"index", "plotly.min", "plotly"}


def unique_stems(scenarios) -> list[str]:
    """File names (without suffix) for a batch: one per scenario, never the same
    twice (case-insensitively, for case-insensitive disks) and never one that the
    batch itself writes (``index``, ``plotly.min``); clashes get ``-2``, ``-3``..."""
    taken = set(_RESERVED)
    out = []
    for s in scenarios:
        base = _stem(str(s))
        stem, n = base, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{base}-{n}"
        taken.add(stem.lower())
        out.append(stem)
    return out


def build_reports(scenarios, out_dir, *, target: float | None = None, fmt: str = "html",
                  jobs: int = 1, shared_plotly: bool | None = None,
                  progress: bool = True, notebook: str | Path | None = None,
                  executor: Executor | None = None,
                  incidents: str | Path | None = None) -> list[ReportResult]:
    """Reports for many scenarios, ``jobs`` at a time, and an ``index.html`` linking them.

    A batch of more than one HTML report shares one ``plotly.min.js`` unless
    ``shared_plotly`` says otherwise. Two scenarios never write the same file (see
    ``unique_stems``). Failures, a full disk included, are returned, never raised.
    ``executor`` runs the reports elsewhere, e.g. ``distributed.Client(address)
    .get_executor()`` for a Dask cluster whose workers share ``out_dir``.

    Ctrl-C or SIGTERM stops the batch: reports not started are cancelled, local
    workers are stopped (their kernels shut down) and no partial file is left.
    """
    from tqdm.auto import tqdm

    scenarios = list(scenarios) or list(reference_scenarios())
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= 256:
        raise InvalidInputError(f"jobs: {jobs!r} is not a whole number in [1, 256]")
    if executor is not None and not isinstance(executor, Executor):
        raise InvalidInputError(f"executor: {executor!r} is not a concurrent.futures.Executor")
    if shared_plotly is None:
        shared_plotly = fmt == "html" and len(scenarios) > 1
    out_dir = _out_dir(out_dir)
    if shared_plotly and fmt == "html":
        _copy_plotly_js(out_dir)
    stems = unique_stems(scenarios)
    tasks = [(s, out_dir, target, fmt, shared_plotly, notebook, stem, incidents)
             for s, stem in zip(scenarios, stems)]
    bar = tqdm(total=len(tasks), desc="reports", unit="report", disable=not progress)
    results: list[ReportResult | None] = [None] * len(tasks)
    if jobs == 1 and executor is None:
        for i, t in enumerate(tasks):
            results[i] = _one(t)
            bar.update()
    else:
        pool = executor or ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                                                   initargs=(os.getpid(),))
        futures = {}
        try:
            futures = {pool.submit(_one, t): i for i, t in enumerate(tasks)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                bar.update()
        except BaseException:
            for fut in futures:
                fut.cancel()
            if isinstance(pool, ProcessPoolExecutor) and executor is None:
                from .simulation import stop_pool
                stop_pool(pool)
            raise
        finally:
            bar.close()
        if executor is None:
            pool.shutdown()
    bar.close()
    ordered = [r for r in results if r is not None]
    _write_index(out_dir, ordered)
    return ordered


def _write_index(out_dir: Path, results: list[ReportResult]) -> None:
    items = []
    for r in results:
        if r.ok and r.path is not None:
            items.append(f'<li><a href="{html.escape(r.path.name)}">{html.escape(r.scenario)}</a></li>')
        else:
            items.append(f"<li>{html.escape(r.scenario)}: failed ({html.escape(r.error or '')})</li>")
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>HA/DR reports</title></head>"
            "<body><h1>HA/DR reports</h1><ul>" + "".join(items) + "</ul></body></html>")
    atomic_write(out_dir / "index.html", page.encode("utf-8"))
