"""Where a package's docs would come from, told before anything is downloaded.

`DocsLookup.where(ecosystem, spec)` answers with one line for a plan (`docshelf sync
--dry-run`, the `resolve_library` tool): the package's own docs folder when its release
is already in the download cache (read there, nothing fetched), else what the registry's
metadata says (one metadata request per package): its docs folder if it ships one, else
its repository at the release's tag, else its README. Answers for exact versions (which
registries never change) are kept in `cache/lookups.json`, so planning the same project
again asks no registry. A lookup that fails says so in the line; it never raises.
"""

from __future__ import annotations

import contextlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from docshelf.errors import DocshelfError
from docshelf.files import write_atomically
from docshelf.sources.provenance import Provenance, provenance_from_pypi
from docshelf.sources.repo_docs import allowed_hosts, plan_from_provenance

if TYPE_CHECKING:
    from docshelf.sources.npm_registry import NpmRegistry
    from docshelf.sources.pypi_index import PypiIndex

Ecosystem = Literal["npm", "pypi"]
LOOKUPS_AT_ONCE = 4  # registry requests open at once while a plan is made
CACHE_FILE = "lookups.json"
MAX_CACHED = 5000  # answers kept on disk; the oldest go first


@dataclass(frozen=True)
class Release:
    """A release a spec resolves to, with where its docs would come from."""

    spec: str  # the pinned spec `docshelf add` takes: npm:NAME@VERSION, pypi:NAME==VERSION
    version: str
    docs_from: str


class DocsLookup:
    """Registry lookups for plans, shared and cached for as long as the lookup lives.

    Use as a context manager; its registry clients are opened on first use."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self._lock = threading.Lock()
        self._npm: NpmRegistry | None = None
        self._pypi: PypiIndex | None = None
        self._answers: dict[tuple[str, str], Release | str] = {}
        self._saved = _read_cache(self.cache_dir / CACHE_FILE)
        self._new = False

    def __enter__(self) -> DocsLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._new:
            _write_cache(self.cache_dir / CACHE_FILE, self._saved)
            self._new = False
        if self._npm is not None:
            self._npm.close()
        if self._pypi is not None:
            self._pypi.close()
        self._npm = self._pypi = None

    def where(self, ecosystem: Ecosystem, spec: str) -> str:
        """One line on where the docs of `spec` (`zod@3.23.8`, `httpx==0.28.1`) would come
        from; a failed lookup is described, never raised."""
        found = self.release(ecosystem, spec)
        return found.docs_from if isinstance(found, Release) else found

    def release(self, ecosystem: Ecosystem, spec: str) -> Release | str:
        """The release `spec` names and where its docs would come from, or why it could
        not be looked up (a line for a plan)."""
        key = (ecosystem, spec)
        if key not in self._answers:
            try:
                answer: Release | str = (
                    self._npm_release(spec) if ecosystem == "npm" else self._pypi_release(spec)
                )
            except DocshelfError as exc:
                answer = f"not found: {_first_sentence(str(exc))}"
            self._answers[key] = answer
            if isinstance(answer, Release) and _exact(ecosystem, spec, answer.version):
                with self._lock:
                    self._saved[f"{ecosystem}:{spec}"] = answer
                    self._new = True
        return self._answers[key]

    def where_all(self, items: list[tuple[Ecosystem, str]]) -> dict[tuple[Ecosystem, str], str]:
        """`where` for many packages, a few registry requests at a time."""
        with ThreadPoolExecutor(max_workers=LOOKUPS_AT_ONCE) as pool:
            lines = list(pool.map(lambda item: self.where(*item), items))
        return dict(zip(items, lines, strict=True))

    # -- npm ---------------------------------------------------------------------------

    def _npm_release(self, spec: str) -> Release:
        from docshelf.semver import find_version
        from docshelf.sources.npm_spec import parse_npm_spec

        parsed = parse_npm_spec(spec)
        exact = find_version(parsed.wanted) if parsed.wanted else None
        if exact is not None:
            cached = self._cached_docs("npm", parsed.name, str(exact))
            if cached is not None:
                return Release(f"npm:{parsed.name}@{exact}", str(exact), cached)
            saved = self._saved.get(f"npm:{spec}")
            if saved is not None:
                return saved
        with self._lock:
            if self._npm is None:
                from docshelf.sources.npm_registry import NpmRegistry

                self._npm = NpmRegistry()
            registry = self._npm
        release = registry.resolve(parsed)
        pinned = f"npm:{release.name}@{release.version}"
        cached = self._cached_docs("npm", release.name, release.version)
        if cached is not None:
            return Release(pinned, release.version, cached)
        provenance = Provenance(release.repository, release.directory, (), release.homepage)
        line = _from_metadata(
            "the npm package's docs folder", release.name, release.version, provenance
        )
        return Release(pinned, release.version, line)

    # -- PyPI --------------------------------------------------------------------------

    def _pypi_release(self, spec: str) -> Release:
        from docshelf.sources.pypi_release import parse_pypi_spec

        parsed = parse_pypi_spec(spec)
        if parsed.pinned is not None:
            cached = self._cached_docs("pypi", parsed.normalized, str(parsed.pinned))
            if cached is not None:
                version = str(parsed.pinned)
                return Release(f"pypi:{parsed.normalized}=={version}", version, cached)
            saved = self._saved.get(f"pypi:{spec}")
            if saved is not None:
                return saved
        with self._lock:
            if self._pypi is None:
                from docshelf.sources.pypi_index import PypiIndex

                self._pypi = PypiIndex()
            index = self._pypi
        release, _ = index.resolve(parsed)
        pinned = f"pypi:{release.name}=={release.version}"
        cached = self._cached_docs("pypi", release.name, release.version)
        if cached is not None:
            return Release(pinned, release.version, cached)
        provenance = provenance_from_pypi(release.project_urls, release.home_page)
        line = _from_metadata(
            "the release's docs folder", release.name, release.version, provenance
        )
        return Release(pinned, release.version, line)

    # -- the download cache --------------------------------------------------------------

    def _cached_docs(self, ecosystem: Ecosystem, name: str, version: str) -> str | None:
        """Where the docs of a release already in the download cache come from, read
        from its files; None when it is not cached."""
        from docshelf.sources.docsites import FolderTree, discover_docs

        folder = self.cache_dir / ecosystem / name / version
        if not (folder / "release.json").is_file():
            return None
        if ecosystem == "npm":
            from docshelf.sources.npm import package_root as npm_root

            root = npm_root(folder / "unpacked")
        else:
            from docshelf.sources.pypi import package_root as pypi_root

            root = pypi_root(folder / "unpacked")
        try:
            layout = discover_docs(FolderTree(root), None)
        except (DocshelfError, OSError):
            return None
        if layout.readme_only:
            return "no docs folder in the package (cached): its repository, else its README"
        return f"the package (cached): {layout.describe()}"


def _from_metadata(own: str, package: str, version: str, provenance: Provenance) -> str:
    plan = plan_from_provenance(package, version, provenance)
    if plan is None:
        return f"{own}, else its README (no repository named)"
    if plan.host not in allowed_hosts():
        return f"{own}, else its README ({plan.label} is not an allowed repository host)"
    return f"{own}, else {plan.label} at the release's tag"


def _exact(ecosystem: Ecosystem, spec: str, version: str) -> bool:
    """Whether `spec` names exactly `version` (its answer then never changes), and the
    answer came from the registry, not from a cached package that could still go."""
    return spec.endswith(f"@{version}" if ecosystem == "npm" else f"=={version}")


def _read_cache(file: Path) -> dict[str, Release]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {str(k): Release(**v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # missing or damaged: asked again, and rewritten


def _write_cache(file: Path, answers: dict[str, Release]) -> None:
    kept = dict(list(answers.items())[-MAX_CACHED:])
    with contextlib.suppress(OSError):  # a cache not written only costs requests next time
        write_atomically(file, json.dumps({k: asdict(v) for k, v in kept.items()}))


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")
