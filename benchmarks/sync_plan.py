"""Time `docshelf sync --dry-run`'s plan for a project with 30 direct dependencies.

python benchmarks/sync_plan.py                     # 20 npm + 10 PyPI, registries on 127.0.0.1
python benchmarks/sync_plan.py --latency-ms 150    # each answer delayed, like a far registry
python benchmarks/sync_plan.py --project DIR       # a real project, against the real registries

The generated project locks each package at an older version than its newest, with a
package-lock.json and a requirements.txt; the fake npm registry and PyPI (one process of
their own) answer each metadata request after `--latency-ms`. Printed: the time to read
the lockfiles and plan without lookups, the time of the plan with a registry lookup per
package (where its docs would come from, 4 lookups at a time), and the same plan again,
its lookups answered by the cache (`cache/lookups.json`: exact versions never change).
Target: the plan of 30 dependencies, lookups cached, in <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TARGET_SECONDS = 2.0


def npm_names(count: int) -> list[str]:
    return [f"pkg-{i}" if i % 3 else f"@bench/pkg-{i}" for i in range(count)]


def pypi_names(count: int) -> list[str]:
    return [f"pylib-{i}" for i in range(count)]


def serve(port_out: multiprocessing.Queue, npm: list[str], pypi: list[str], latency: float) -> None:
    """The fake registries: npm packuments at /npm/NAME, PyPI JSON at /pypi/NAME/json."""

    def packument(name: str, base: str) -> dict:
        versions = {
            v: {
                "name": name,
                "version": v,
                "repository": {"url": f"git+https://github.com/bench/{name.split('/')[-1]}.git"},
                "dist": {"tarball": f"{base}/tgz/{name}-{v}.tgz", "shasum": "0" * 40},
            }
            for v in ("1.0.0", "1.1.0", "2.0.0")
        }
        return {"name": name, "dist-tags": {"latest": "2.0.0"}, "versions": versions}

    def project(name: str, version: str | None) -> dict:
        def files(v: str) -> list[dict]:
            return [
                {
                    "filename": f"{name}-{v}.tar.gz",
                    "url": f"http://127.0.0.1/files/{name}-{v}.tar.gz",
                    "digests": {"sha256": "0" * 64},
                    "packagetype": "sdist",
                    "yanked": False,
                }
            ]

        info = {
            "name": name,
            "version": version or "2.0.0",
            "project_urls": {"Source": f"https://github.com/bench/{name}"},
            "home_page": "",
        }
        if version:
            return {"info": info, "urls": files(version)}
        return {"info": info, "releases": {v: files(v) for v in ("1.0.0", "1.1.0", "2.0.0")}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)  # the registry is far away
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            path = self.path
            body: dict | None = None
            if path.startswith("/npm/"):
                name = path[5:].replace("%2f", "/").replace("%2F", "/")
                body = packument(name, base) if name in npm else None
            elif path.startswith("/pypi/") and path.endswith("/json"):
                parts = path[6:-5].strip("/").split("/")
                if parts[0] in pypi:
                    body = project(parts[0], parts[1] if len(parts) > 1 else None)
            data = json.dumps(body or {"message": "Not Found"}).encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.serve_forever()


def write_project(root: Path, npm: list[str], pypi: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    deps = {name: "^1.0.0" for name in npm}
    packages: dict[str, dict] = {"": {"name": "bench-app", "dependencies": deps}}
    packages.update({f"node_modules/{name}": {"version": "1.1.0"} for name in npm})
    (root / "package.json").write_text(json.dumps({"name": "bench-app", "dependencies": deps}))
    lock = {"name": "bench-app", "lockfileVersion": 3, "packages": packages}
    (root / "package-lock.json").write_text(json.dumps(lock))
    (root / "requirements.txt").write_text("".join(f"{name}==1.1.0\n" for name in pypi))
    return root


def timed_plan(home: Path, project: Path, *, look_up: bool) -> tuple[float, object]:
    from docshelf.packages.sync import plan_project
    from docshelf.shelf import Shelf

    with Shelf(home) as shelf:
        start = time.perf_counter()
        plan = plan_project(shelf, project, look_up=look_up)
        return time.perf_counter() - start, plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--npm", type=int, default=20, help="npm packages (default 20)")
    parser.add_argument("--pypi", type=int, default=10, help="PyPI packages (default 10)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="delay per answer")
    parser.add_argument("--project", type=Path, help="a real project, real registries")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docshelf-sync-bench-"))
    home = work / "home"
    if args.project is None:
        npm, pypi = npm_names(args.npm), pypi_names(args.pypi)
        ports: multiprocessing.Queue = multiprocessing.Queue()
        server = multiprocessing.Process(
            target=serve, args=(ports, npm, pypi, args.latency_ms / 1000), daemon=True
        )
        server.start()
        port = ports.get(timeout=30)
        os.environ["DOCSHELF_NPM_REGISTRY"] = f"http://127.0.0.1:{port}/npm"
        os.environ["DOCSHELF_PYPI_INDEX"] = f"http://127.0.0.1:{port}/pypi"
        project = write_project(work / "app", npm, pypi)
        where = f"generated: {len(npm)} npm + {len(pypi)} PyPI, {args.latency_ms:.0f} ms a request"
    else:
        server = None
        project = args.project.resolve()
        where = f"{project} (real registries)"
    try:
        read_s, _ = timed_plan(home, project, look_up=False)
        look_s, looked = timed_plan(home, project, look_up=True)
        warm_s, _ = timed_plan(home, project, look_up=True)
    finally:
        if server is not None:
            server.terminate()
    rows = looked.rows  # type: ignore[attr-defined]
    found = sum(1 for r in rows if r.docs_from and not r.docs_from.startswith("not found"))
    print(f"project: {where}")
    print(f"{'step':<40} {'seconds':>8}")
    print(f"{'read lockfiles + plan (no lookups)':<40} {read_s:>8.2f}")
    print(f"{'plan with a lookup per package':<40} {look_s:>8.2f}")
    print(f"{'the same plan again (lookups cached)':<40} {warm_s:>8.2f}")
    print(f"dependencies: {len(rows)}; docs origin found for {found}")
    if args.project is not None:
        from docshelf.packages.sync_plan import format_plan

        print(format_plan(looked))  # type: ignore[arg-type]
    verdict = "PASS" if warm_s <= TARGET_SECONDS else "MISS"
    print(
        f"target: plan of {len(rows)} dependencies, lookups cached, <= {TARGET_SECONDS:.0f} s: "
        f"{verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
