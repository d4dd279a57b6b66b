"""`hadr import` speed: a manifest file of 400 Deployments (about 0.3 MB) and of 1,500
(about 1.2 MB), read to a design and its findings; the aim is under 1 s a file."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hadr_lib.importers import import_paths

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "import" / "spread.yaml"


def manifest(n: int) -> str:
    src = FIXTURE.read_text(encoding="utf-8")
    return "\n---\n".join(src.replace("name: api", f"name: api-{i}").replace("app: api", f"app: api-{i}")
                          .replace("values: [api]", f"values: [api-{i}]") for i in range(n))


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in (400, 1500):
            path = Path(tmp) / f"manifests-{n}.yaml"
            path.write_text(manifest(n), encoding="utf-8")
            best = min(_timed(path) for _ in range(3))
            size = path.stat().st_size / 1e6
            print(f"hadr import, one file of {n:,} Deployments ({size:.1f} MB): {best:.2f} s (aim < 1 s a file)")


def _timed(path: Path) -> float:
    t0 = time.perf_counter()
    import_paths([path])
    return time.perf_counter() - t0


if __name__ == "__main__":
    run()
