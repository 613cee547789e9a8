"""Time to list a package's exports, cold and warm: pydantic (Python) and @mastra/core (npm).

The packages are installed once under benchmarks/out/ (a virtualenv with pydantic, a
node_modules with @mastra/core; PyPI and npm are needed the first time). Each figure is
the time of one `list_exports` call (with `open_project`), measured inside a fresh Python
process; importing `docshelf.packages.api` is shown apart ("import ms"), as it is paid
once per process, by `serve` at its first such call and by every `docshelf api` run:

- cold: an empty API cache and nothing in memory (griffe imported, the package read);
- warm, disk: a new process whose API cache holds the listing (a CLI run, a restarted
  server);
- warm, memory: the same call again in the process that made the cold one (a server).

Targets: cold <= 3 s, warm <= 50 ms (both warm figures), in wall-clock time. "cold CPU s"
is the CPU time of the cold call: on a machine shared with other work it says what the
wall-clock figure would be on an idle one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import OUT_DIR, BenchmarkError, print_table, run_main, verdict

PYDANTIC = "pydantic==2.11.7"
MASTRA_CORE = "@mastra/core@1.71.0"
COLD_TARGET_S = 3.0
WARM_TARGET_S = 0.050

_PROBE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from docshelf.packages.api import list_exports
from docshelf.packages.project import open_project
imported = time.perf_counter() - started
started, cpu = time.perf_counter(), time.process_time()
project = open_project(sys.argv[1])
first = list_exports(project, sys.argv[2], cache_dir=Path(sys.argv[3]))
once, once_cpu = time.perf_counter() - started, time.process_time() - cpu
started = time.perf_counter()
list_exports(open_project(sys.argv[1]), sys.argv[2], cache_dir=Path(sys.argv[3]))
again = time.perf_counter() - started
print(json.dumps({"import": imported, "first": once, "first_cpu": once_cpu, "again": again,
                  "exports": len(first.exports), "version": first.package.version}))
"""


def python_project(out: Path) -> Path:
    """A virtualenv under `out` with pydantic installed (made on first use)."""
    venv = out / "api-venv"
    python = venv / "bin" / "python"
    if not (venv / "pyvenv.cfg").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    found = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pydantic'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.stdout.strip() != PYDANTIC.split("==")[1]:
        print(f"installing {PYDANTIC} into {venv} ...", file=sys.stderr)
        _run([str(python), "-m", "pip", "install", "--quiet", PYDANTIC], cwd=out)
    return venv


def node_project(out: Path) -> Path:
    """A folder under `out` with @mastra/core installed by npm (on first use)."""
    root = out / "api-npm"
    name, version = MASTRA_CORE.rsplit("@", 1)
    manifest = root / "node_modules" / name / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text()).get("version") == version:
        return root
    npm = shutil.which("npm")
    if npm is None:
        raise BenchmarkError("npm is not on PATH; it installs @mastra/core for this benchmark.")
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "package.json").is_file():
        (root / "package.json").write_text('{"name": "api-bench", "private": true}\n')
    print(f"installing {MASTRA_CORE} into {root} ...", file=sys.stderr)
    _run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", MASTRA_CORE], cwd=root)
    return root


def _run(command: list[str], cwd: Path) -> None:
    try:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchmarkError(f"`{' '.join(command)}` failed: {exc}") from exc


def probe(project: Path, package: str, cache: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(project), package, str(cache)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"listing {package} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(project: Path, package: str, runs: int) -> list[object]:
    cold, cold_cpu, memory, disk, imports = [], [], [], [], []
    result: dict[str, float] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="api-cache-") as folder:
            cache = Path(folder)
            result = probe(project, package, cache)
            cold.append(result["first"])
            cold_cpu.append(result["first_cpu"])
            memory.append(result["again"])
            again = probe(project, package, cache)
            disk.append(again["first"])
            imports.append(again["import"])
    cold_s, disk_s, memory_s = (statistics.median(v) for v in (cold, disk, memory))
    warm = max(disk_s, memory_s)
    return [
        f"{package} {result['version']}",
        int(result["exports"]),
        f"{statistics.median(imports) * 1000:.0f}",
        f"{cold_s:.2f}",
        f"{statistics.median(cold_cpu):.2f}",
        f"{disk_s * 1000:.1f}",
        f"{memory_s * 1000:.1f}",
        verdict(cold_s, COLD_TARGET_S, higher_is_better=False),
        verdict(warm, WARM_TARGET_S, higher_is_better=False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Runs per package (median shown).")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="Where packages are installed.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [
        measure(python_project(args.out), "pydantic", args.runs),
        measure(node_project(args.out), "@mastra/core", args.runs),
    ]
    header = [
        "package",
        "exports",
        "import ms",
        "cold s",
        "cold CPU s",
        "warm disk ms",
        "warm memory ms",
    ]
    print_table([*header, "cold<=3s", "warm<=50ms"], rows)


if __name__ == "__main__":
    run_main(main)
