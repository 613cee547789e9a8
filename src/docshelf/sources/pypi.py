"""PyPI releases in the download cache: resolved, downloaded, verified and unpacked once.

Layout, as for npm: `cache/pypi/<normalized name>/<version>/` holds the file as published
(`click-8.1.7.tar.gz`), unpacked/ and release.json, written last so it marks a complete
fetch; a pinned version already cached is served without the network. As for npm, a
fetch holds the version folder's `.lock` while it works, and the next fetch removes what
a killed one left (a partial download, a half unpacked tree). The HTTP client is
`pypi_index.py`; what of a release is served is `python_docs.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docshelf.errors import SourceError
from docshelf.files import write_atomically
from docshelf.locks import hold_lock, remove_stale
from docshelf.settings import get_float
from docshelf.sources.archive import extract_archive, max_archive_bytes
from docshelf.sources.pypi_index import ProgressFn, PypiIndex
from docshelf.sources.pypi_release import PypiRelease, PypiSpec, parse_pypi_spec

_SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+!-]{0,200}$")
_CHUNK = 64 * 1024
_RELEASE_FILE = "release.json"
CACHE_LOCK = ".lock"
# What a fetch writes before it is complete (see pypi_index.download and archive.py).
_DEBRIS = (".*.part", ".unpacked.*.partial", ".unpacked.*.old")


@dataclass(frozen=True)
class FetchedPypiPackage:
    """An unpacked release in the download cache."""

    name: str
    version: str
    root: Path  # the sdist's own folder (`click-8.1.7/`), or the unpacked wheel
    release: PypiRelease
    info: dict[str, Any] = field(default_factory=dict, compare=False)  # JSON `info`, if fetched


def package_root(unpacked: Path) -> Path:
    """The sdist's top folder (`name-version/`), or the unpacked folder itself (a wheel)."""
    children = [c for c in unpacked.iterdir() if not c.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        return children[0]
    return unpacked


def _load_cached(version_dir: Path, name: str, version: str) -> FetchedPypiPackage | None:
    """The cached release if a previous fetch completed, else None."""
    unpacked = version_dir / "unpacked"
    try:
        data = json.loads((version_dir / _RELEASE_FILE).read_text(encoding="utf-8"))
        release = PypiRelease.from_json(data["release"])
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if (release.name, release.version) != (name, version) or not unpacked.is_dir():
        return None
    return FetchedPypiPackage(name, version, package_root(unpacked), release, info)


def _write_release(version_dir: Path, release: PypiRelease, info: dict[str, Any]) -> None:
    wanted = ("name", "version", "summary", "project_urls", "home_page")
    kept = {k: info[k] for k in wanted if k in info}
    data = {"release": release.to_json(), "info": kept}
    write_atomically(version_dir / _RELEASE_FILE, json.dumps(data, indent=2))


def fetch_pypi_package(
    spec: PypiSpec | str,
    cache_dir: Path,
    *,
    index: PypiIndex | None = None,
    progress: ProgressFn | None = None,
) -> FetchedPypiPackage:
    """Resolve, download, verify and unpack a PyPI release into `cache_dir`.

    Layout, as for npm: cache_dir/pypi/<normalized name>/<version>/ holds the file as
    published (`click-8.1.7.tar.gz`), unpacked/ and release.json (written last, so it
    marks a complete fetch). A pinned version already cached is returned without
    touching the network.
    """
    spec = parse_pypi_spec(spec) if isinstance(spec, str) else spec
    remove_debris(Path(cache_dir) / "pypi")
    base = Path(cache_dir) / "pypi" / spec.normalized
    if spec.pinned is not None:
        cached = _load_cached(base / str(spec.pinned), spec.normalized, str(spec.pinned))
        if cached is not None:
            return cached
    owned = index is None
    active = index or PypiIndex()
    try:
        release, info = active.resolve(spec)
        version_dir = base / release.version
        with hold_lock(
            version_dir / CACHE_LOCK,
            wait=get_float("download_timeout"),
            busy=lambda: _busy(release, version_dir),
        ):
            cached = _load_cached(version_dir, release.name, release.version)
            if cached is not None:  # complete, possibly by the process we waited for
                return cached
            filename = release.file.filename
            if not _SAFE_FILENAME.match(filename):  # it names a file in the cache
                zipped = filename.lower().endswith((".zip", ".whl"))
                filename = "package.zip" if zipped else "package.tar.gz"
            archive = version_dir / filename
            if not _sha256_matches(archive, release.file.sha256):
                active.download(release, archive, progress)
            unpacked = version_dir / "unpacked"
            try:
                extract_archive(archive, unpacked, max_bytes=max_archive_bytes())
            except SourceError:
                archive.unlink(missing_ok=True)  # a bad archive must not be reused next time
                shutil.rmtree(unpacked, ignore_errors=True)
                raise
            _write_release(version_dir, release, info)
    finally:
        if owned:
            active.close()
    return FetchedPypiPackage(
        release.name, release.version, package_root(version_dir / "unpacked"), release, info
    )


def remove_debris(pypi_dir: Path) -> None:
    """Delete what killed fetches left in any version folder (`<name>/<version>/`); those
    whose lock a running fetch holds are left alone."""
    for pattern in _DEBRIS:
        remove_stale(pypi_dir.glob(f"*/*/{pattern}"), CACHE_LOCK)


def _busy(release: PypiRelease, version_dir: Path) -> SourceError:
    return SourceError(
        f"Another docshelf process has been fetching {release.name}=={release.version} into "
        f"{version_dir} for longer than DOCSHELF_DOWNLOAD_TIMEOUT; let it finish (or stop "
        "it) and run the command again."
    )


def _sha256_matches(path: Path, sha256: str) -> bool:
    if not path.is_file():
        return False
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest() == sha256.lower()
