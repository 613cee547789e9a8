"""The npm source: a package version fetched into the download cache, verified and unpacked.

Registered as `npm:` in sources/__init__.py. Layout: `cache/npm/<name>/<version>/` holds
package.tgz, unpacked/ and release.json, written last so it marks a complete fetch; an
exact version already cached is served without the network. A fetch holds the version
folder's `.lock` while it works, so the half-written files of a fetch that was killed
(found with the lock free) are removed by the next fetch of any version.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.files import write_atomically
from docshelf.locks import hold_lock, remove_stale
from docshelf.progress import Reporter
from docshelf.semver import find_version
from docshelf.settings import get_float
from docshelf.sources import FetchedDocs, fetched_from_layout
from docshelf.sources.archive import extract_tarball, max_archive_bytes
from docshelf.sources.docsites import FolderTree, discover_docs, readme_layout
from docshelf.sources.integrity import file_matches
from docshelf.sources.npm_registry import NpmRegistry, NpmRelease, ProgressFn
from docshelf.sources.npm_spec import NpmSpec, parse_npm_spec
from docshelf.sources.provenance import Provenance, npm_docs_sites, provenance_from_npm
from docshelf.sources.repo_docs import RepoPlan, docs_from_repository, plan_from_provenance
from docshelf.sources.site_docs import SiteCheck, docs_from_site

_RELEASE_FILE = "release.json"
CACHE_LOCK = ".lock"
# What a fetch writes before it is complete (see npm_registry.download and archive.py).
_DEBRIS = (".package.tgz.*.part", ".unpacked.*.partial", ".unpacked.*.old", ".release.*.part")


@dataclass(frozen=True)
class FetchedPackage:
    """An unpacked package in the download cache."""

    name: str
    version: str
    root: Path  # the package's own folder (npm's `package/`)
    release: NpmRelease


def package_root(unpacked: Path) -> Path:
    if (unpacked / "package").is_dir():
        return unpacked / "package"
    children = list(unpacked.iterdir())
    if len(children) == 1 and children[0].is_dir():
        return children[0]  # some registries name the top folder after the package
    return unpacked


def _load_cached(version_dir: Path, name: str, version: str) -> FetchedPackage | None:
    """The cached package if a previous fetch completed, else None."""
    unpacked = version_dir / "unpacked"
    try:
        data = json.loads((version_dir / _RELEASE_FILE).read_text(encoding="utf-8"))
        release = NpmRelease(**data)
    except (OSError, ValueError, TypeError):
        return None
    if (release.name, release.version) != (name, version) or not unpacked.is_dir():
        return None
    return FetchedPackage(name, version, package_root(unpacked), release)


def _write_release(version_dir: Path, release: NpmRelease) -> None:
    write_atomically(version_dir / _RELEASE_FILE, json.dumps(asdict(release), indent=2))


def fetch_npm_package(
    spec: NpmSpec | str,
    cache_dir: Path,
    *,
    registry: NpmRegistry | None = None,
    progress: ProgressFn | None = None,
) -> FetchedPackage:
    """Resolve, download, verify and unpack an npm package into `cache_dir`.

    Layout: cache_dir/npm/<name>/<version>/ holds package.tgz, unpacked/ and
    release.json (written last, so it marks a complete fetch). An exact version that
    is already cached is returned without touching the network.
    """
    spec = parse_npm_spec(spec) if isinstance(spec, str) else spec
    remove_debris(Path(cache_dir) / "npm")
    base = Path(cache_dir) / "npm" / spec.name
    exact = find_version(spec.wanted) if spec.wanted else None
    if exact is not None:
        cached = _load_cached(base / str(exact), spec.name, str(exact))
        if cached is not None:
            return cached
    owned = registry is None
    active = registry or NpmRegistry()
    try:
        release = active.resolve(spec)
        version_dir = base / release.version
        with hold_lock(
            version_dir / CACHE_LOCK,
            wait=get_float("download_timeout"),
            busy=lambda: _busy(release, version_dir),
        ):
            cached = _load_cached(version_dir, spec.name, release.version)
            if cached is not None:  # complete, possibly by the process we waited for
                return cached
            tgz = version_dir / "package.tgz"
            if not file_matches(tgz, release.integrity):
                active.download(release, tgz, progress)
            try:
                extract_tarball(tgz, version_dir / "unpacked", max_bytes=max_archive_bytes())
            except SourceError:
                tgz.unlink(missing_ok=True)  # a bad archive must not be reused on the next try
                shutil.rmtree(version_dir / "unpacked", ignore_errors=True)
                raise
            _write_release(version_dir, release)
    finally:
        if owned:
            active.close()
    return FetchedPackage(
        spec.name, release.version, package_root(version_dir / "unpacked"), release
    )


def remove_debris(npm_dir: Path) -> None:
    """Delete what killed fetches left in any version folder (a partial download, a half
    unpacked tree); folders whose lock a running fetch holds are left alone."""
    for pattern in _DEBRIS:
        # <name>/<version>/ and @<scope>/<name>/<version>/: no walk through unpacked trees.
        found = [*npm_dir.glob(f"*/*/{pattern}"), *npm_dir.glob(f"@*/*/*/{pattern}")]
        remove_stale(found, CACHE_LOCK)


def _busy(release: NpmRelease, version_dir: Path) -> SourceError:
    return SourceError(
        f"Another docshelf process has been fetching {release.name}@{release.version} into "
        f"{version_dir} for longer than DOCSHELF_DOWNLOAD_TIMEOUT; let it finish (or stop "
        "it) and run the command again."
    )


def fetch_docs(
    spec: str,
    cache_dir: Path,
    docs_root: str | None,
    reporter: Reporter,
    docs_from: str | None = None,
    check_site: SiteCheck | None = None,
) -> FetchedDocs:
    """The docs of `npm:SPEC`: the package fetched into the cache, its docs folder found.

    A package that ships no docs folder is served from its repository at the release's
    tag (see `repo_docs`), else its README with a warning. `docs_from` forces one:
    "tarball" (the package's own files), "repo" (its repository, or an error) or "site"
    (the website its `homepage` names, see `site_docs`; `check_site` may refuse it).
    """
    parsed = parse_npm_spec(spec)
    reporter.message(f"Fetching npm:{spec}")
    fetched = fetch_npm_package(parsed, cache_dir, progress=reporter.download)
    source = f"npm:{fetched.name}@{fetched.version}"
    short = fetched.name.rsplit("/", 1)[-1]
    provenance = npm_provenance(fetched)
    plan = plan_from_provenance(fetched.name, fetched.version, provenance)
    if docs_from in ("repo", "site"):
        tarball = fetched_from_layout(
            source, short, fetched.version, fetched.root, readme_layout(FolderTree(fetched.root))
        )
        if docs_from == "site":
            return docs_from_site(
                tarball,
                provenance,
                cache_dir,
                reporter,
                missing="it has no `homepage`",
                docs_root=docs_root,
                check_site=check_site,
            )
        return docs_from_repository(tarball, plan, "repo", cache_dir, reporter, docs_root=docs_root)
    layout = discover_docs(FolderTree(fetched.root), docs_root)
    tarball = fetched_from_layout(source, short, fetched.version, fetched.root, layout)
    if not layout.readme_only:
        return tarball
    if docs_from == "tarball" or docs_root:
        return replace(tarball, warnings=(readme_warning(source, plan, provenance),))
    return docs_from_repository(tarball, plan, None, cache_dir, reporter)


def npm_provenance(fetched: FetchedPackage) -> Provenance:
    """Where the package's source is: the registry's metadata, else its package.json (a
    release cached before docshelf recorded that)."""
    release = fetched.release
    if release.repository or release.homepage:
        sites = npm_docs_sites(release.homepage)
        return Provenance(release.repository, release.directory, sites, release.homepage)
    try:
        manifest = json.loads((fetched.root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Provenance()
    return provenance_from_npm(manifest) if isinstance(manifest, dict) else Provenance()


def readme_warning(source: str, plan: RepoPlan | None, provenance: Provenance) -> str:
    """Say that only the README was indexed, and where the docs may be instead."""
    where = []
    if plan is not None:
        where.append(f"its repository {plan.label} (`docshelf add {source} --from repo`)")
    if provenance.homepage:
        where.append(f"its website ({provenance.homepage})")
    hint = " or ".join(where) or "its repository (`docshelf add git:URL@TAG --name NAME`)"
    return (
        f"{source}: the package ships no docs folder (.docs, dist/docs, docs), so only its "
        f"README and CHANGELOG were indexed. Its docs are likely in {hint}; --docs-root picks "
        "another folder of the package."
    )
