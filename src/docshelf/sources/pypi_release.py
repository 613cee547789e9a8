"""Which release and file a PyPI spec names: PEP 440 specifiers, yanked and prerelease rules.

Pure functions over the index's JSON; the HTTP client is sources/pypi.py.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from docshelf.errors import UsageError
from docshelf.sources.errors import IntegrityError, PackageNotFoundError

SPEC_EXAMPLE = "pypi:click==8.1.7 (or pypi:requests, pypi:httpx>=0.27,<0.28)"
# PEP 508 names: letters, digits, '.', '_' and '-', starting and ending alphanumeric.
_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar")

Candidates = dict[Version, "list[Any] | None"]


@dataclass(frozen=True)
class PypiSpec:
    """What the user asked for: a project name and a PEP 440 version specifier."""

    name: str
    specifier: str = ""  # "" means the newest release; "==8.1.7", ">=0.27,<0.28"

    @property
    def normalized(self) -> str:
        """The name as PyPI files it (PEP 503): lower case, runs of -_. as one '-'."""
        return canonicalize_name(self.name)

    @property
    def pinned(self) -> Version | None:
        """The version of a single `==` pin (no wildcard), which may name a yanked release."""
        specs = list(SpecifierSet(self.specifier))
        if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
            try:
                return Version(specs[0].version)
            except InvalidVersion:
                return None
        return None

    def __str__(self) -> str:
        return f"pypi:{self.name}{self.specifier}"


@dataclass(frozen=True)
class PypiFile:
    """One file of a release: an sdist or a wheel."""

    filename: str
    url: str  # absolute, resolved against the JSON document it came from
    sha256: str  # hex
    packagetype: str  # "sdist", "bdist_wheel", ...
    size: int | None = None


@dataclass(frozen=True)
class PypiRelease:
    """One release of a project and the file docshelf takes from it."""

    name: str  # normalized project name
    version: str  # normalized version
    file: PypiFile
    project_urls: tuple[tuple[str, str], ...] = ()  # ("Documentation", "https://...")
    home_page: str = ""
    yanked: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PypiRelease:
        return cls(
            name=str(data["name"]),
            version=str(data["version"]),
            file=PypiFile(**data["file"]),
            project_urls=tuple((str(k), str(v)) for k, v in data.get("project_urls", [])),
            home_page=str(data.get("home_page", "")),
            yanked=bool(data.get("yanked", False)),
        )


def parse_pypi_spec(text: str) -> PypiSpec:
    """Parse 'pypi:NAME[SPECIFIER]': `click`, `click==8.1.7`, `httpx>=0.27,<0.28`."""
    body = text.strip().removeprefix("pypi:").strip()
    match = re.match(r"^([A-Za-z0-9._-]+)\s*(.*)$", body, re.DOTALL)
    name, rest = (match.group(1), match.group(2).strip()) if match else (body, "")
    if not name or not _NAME_RE.match(name):
        raise UsageError(
            f"Bad PyPI spec {text!r}: {name or body!r} is not a valid project name (letters, "
            f"digits, '.', '_' and '-'). Write it like {SPEC_EXAMPLE}."
        )
    if rest.startswith("@"):
        version = rest[1:].strip()
        raise UsageError(
            f"Bad PyPI spec {text!r}: PyPI versions follow '==', not '@'. Write "
            f"pypi:{name}=={version or '1.0'}."
        )
    if rest.startswith("["):
        raise UsageError(
            f"Bad PyPI spec {text!r}: extras such as {rest.split(']')[0]}] do not change the "
            f"docs; leave them out, e.g. pypi:{name}{rest.partition(']')[2].strip()}."
        )
    try:
        specifier = SpecifierSet(rest)
    except InvalidSpecifier:
        raise UsageError(
            f"Bad PyPI spec {text!r}: {rest!r} is not a PEP 440 version specifier. Write it "
            f"like {SPEC_EXAMPLE}."
        ) from None
    # Keep the user's order of clauses; SpecifierSet's str() sorts them.
    return PypiSpec(name, ",".join(str(s) for s in _ordered(specifier, rest)))


def _ordered(specifier: SpecifierSet, raw: str) -> list[Any]:
    by_text = {str(s): s for s in specifier}
    wanted = [part.replace(" ", "") for part in raw.split(",") if part.strip()]
    ordered = [by_text[w] for w in wanted if w in by_text]
    return ordered if len(ordered) == len(by_text) else sorted(specifier, key=str)


def pick_version(spec: PypiSpec, candidates: Candidates) -> Version:
    """The newest usable release the spec allows; raises PackageNotFoundError naming the nearest."""
    usable = usable_versions(candidates, spec.pinned)
    matching = list(SpecifierSet(spec.specifier).filter(usable))
    if matching:
        return max(matching)
    yanked = sorted((v for v in candidates if v not in usable and candidates[v]), reverse=True)
    nearest = _nearest(spec, sorted(usable, reverse=True))
    example = (nearest or yanked or [Version("1.0")])[0]
    if not spec.specifier:
        why = "has no release with files" + (
            f" that is not yanked (yanked: {_listed(yanked[:5])})" if yanked else ""
        )
    else:
        why = f"has no release matching {spec.specifier!r}; nearest releases: " + (
            _listed(nearest) or "none"
        )
        if yanked:
            why += f" (yanked, usable only when pinned with ==: {_listed(yanked[:5])})"
    raise PackageNotFoundError(
        f"PyPI project {spec.normalized!r} {why}. Ask for one of those, e.g. "
        f"pypi:{spec.normalized}=={example}."
    )


def candidates_from(doc: dict[str, Any]) -> Candidates:
    """Release files by version; None where the files must come from the release's document.

    Versions packaging cannot parse (pre-PEP 440 ones) are left out.
    """
    releases = doc.get("releases")
    found: Candidates = {}
    if isinstance(releases, dict):
        for raw, files in releases.items():
            try:
                found[Version(raw)] = files if isinstance(files, list) else []
            except (InvalidVersion, TypeError):
                continue
        return found
    # PyPI may drop the deprecated `releases`; then only the newest release is known,
    # with its files in `urls`.
    urls = doc.get("urls")
    with contextlib.suppress(InvalidVersion):
        found[Version(str(doc["info"].get("version")))] = urls if isinstance(urls, list) else None
    return found


def usable_versions(candidates: Candidates, pinned: Version | None) -> list[Version]:
    """Versions with files, leaving out yanked ones unless pinned."""
    return [
        v
        for v, files in candidates.items()
        if files is None or (files and (v == pinned or not all(is_yanked(f) for f in files)))
    ]


def same_version(raw: object, version: Version) -> bool:
    try:
        return isinstance(raw, str) and Version(raw) == version
    except InvalidVersion:
        return False


def is_yanked(raw: object) -> bool:
    return isinstance(raw, dict) and bool(raw.get("yanked"))


def file_from(raw: object, base_url: str) -> PypiFile | None:
    if not isinstance(raw, dict) or raw.get("placeholder"):
        return None
    digests = raw.get("digests")
    sha256 = digests.get("sha256") if isinstance(digests, dict) else None
    filename, url = raw.get("filename"), raw.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        return None
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise IntegrityError(
            f"The index published no sha256 for {filename}; docshelf does not use unverified "
            "downloads. Use an index that publishes file digests (PyPI's JSON API does)."
        )
    size = raw.get("size")
    return PypiFile(
        filename=filename,
        url=urljoin(base_url, url),
        sha256=sha256.lower(),
        packagetype=str(raw.get("packagetype") or ""),
        size=size if isinstance(size, int) else None,
    )


def choose_file(files: list[PypiFile]) -> PypiFile | None:
    """The sdist (a .tar.gz first), else the most portable wheel; None if neither exists."""

    def rank(file: PypiFile) -> tuple[int, int] | None:
        name = file.filename.lower()
        if file.packagetype == "sdist" or (not file.packagetype and name.endswith(".tar.gz")):
            for i, suffix in enumerate(_SDIST_SUFFIXES):
                if name.endswith(suffix):
                    return (0, i)
            return None
        if name.endswith(".whl"):
            return (1, 0 if name.endswith("-none-any.whl") else 1)
        return None

    ranked = [(r, f.filename, f) for f in files if (r := rank(f)) is not None]
    return min(ranked, key=lambda item: (item[0], item[1]))[2] if ranked else None


def _nearest(spec: PypiSpec, versions: list[Version], count: int = 5) -> list[Version]:
    """Releases closest to the version the specifier names (newest first), else the newest."""
    anchor: Version | None = None
    for clause in SpecifierSet(spec.specifier):
        try:
            anchor = Version(clause.version.rstrip(".*"))
            break
        except InvalidVersion:
            continue
    if anchor is None or not versions:
        return versions[:count]
    ordered = sorted(versions)
    below = [v for v in ordered if v < anchor][-(count // 2 + 1) :]
    above = [v for v in ordered if v >= anchor][: count - len(below)]
    return sorted(below + above, reverse=True)[:count]


def _listed(versions: list[Version]) -> str:
    return ", ".join(str(v) for v in versions)
