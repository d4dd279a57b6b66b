"""Re-execute the notebooks and store only the outputs nbval compares.

    python tests/refresh_notebooks.py [NOTEBOOK ...]   (``make notebooks``)

Cells marked ``# NBVAL_CHECK_OUTPUT`` keep their outputs and execution counts
(the references nbval compares); every other output and count, and all widget
state, is stripped, so committed notebooks stay small and their diffs readable.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHECK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=False, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # nbval skips a reference cell without an execution count ("unrun"),
        # so checked cells keep theirs; the rest are stripped.
        if CHECK not in cell.source:
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, path)
    print(f"refreshed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    targets = [Path(p).resolve() for p in sys.argv[1:]] or sorted(ROOT.glob("notebooks/*.ipynb"))
    for target in targets:
        refresh(target)
