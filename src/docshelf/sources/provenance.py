"""Where a package's source and docs live, read from its registry metadata (PyPI or npm).

Pure functions over metadata already fetched: they name the repository (and the folder
in it, for a monorepo) and the docs sites a package points to, so a package that ships
no docs can be served from its repository at the release's tag instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "git.sr.ht")
_SHORTHAND_HOSTS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}
# project_urls labels, normalised (lower case, letters only), best first.
_REPOSITORY_LABELS = ("source", "sourcecode", "repository", "code", "github", "gitlab", "git")
_DOCS_LABELS = ("documentation", "docs", "doc", "reference", "manual", "apireference")
_HOME_LABELS = ("homepage", "home")


@dataclass(frozen=True)
class DocsSite:
    """A docs website a package's metadata names, and which field named it."""

    url: str
    named_by: str  # for messages: "the package's homepage", "its project_urls Documentation"


@dataclass(frozen=True)
class Provenance:
    """A package's repository and docs sites, as its metadata states them."""

    repository: str | None = None  # https URL of the repository, e.g. https://github.com/a/b
    directory: str | None = None  # the package's folder inside a monorepo, e.g. packages/zod
    docs_sites: tuple[DocsSite, ...] = ()  # candidate docs sites, best first
    homepage: str | None = None

    @property
    def docs_urls(self) -> tuple[str, ...]:
        return tuple(site.url for site in self.docs_sites)


def provenance_from_pypi(
    project_urls: Mapping[str, str] | Iterable[tuple[str, str]], home_page: str = ""
) -> Provenance:
    """From PyPI's `info.project_urls` (or PKG-INFO's Project-URL pairs) and `home_page`."""
    pairs = list(project_urls.items() if isinstance(project_urls, Mapping) else project_urls)
    keys = [(k, v.strip()) for k, v in pairs if isinstance(v, str) and v.strip()]
    named = {v: f"its project_urls {k}" for k, v in reversed(keys)}  # the first key naming it
    labelled = [(_label(k), v) for k, v in keys]
    if home_page.strip():
        labelled.append(("homepage", home_page.strip()))
        named.setdefault(home_page.strip(), "its Home-page")
    repository: str | None = None
    directory: str | None = None
    for wanted in _REPOSITORY_LABELS:
        for label, url in labelled:
            if label == wanted and repository is None:
                repository, directory = split_repository_url(url)
    homepage = next((url for label, url in labelled if label in _HOME_LABELS), None)
    if repository is None:  # many projects only give a GitHub homepage
        for _, url in labelled:
            repository, directory = split_repository_url(url)
            if repository is not None:
                break
    docs = [url for wanted in _DOCS_LABELS for label, url in labelled if label == wanted]
    if homepage and not _is_code_host(homepage):
        docs.append(homepage)
    sites = tuple(DocsSite(url, named[url]) for url in _unique(docs))
    return Provenance(repository, directory, sites, homepage)


def provenance_from_npm(manifest: Mapping[str, Any]) -> Provenance:
    """From an npm version manifest (package.json): `repository`, `homepage`."""
    raw = manifest.get("repository")
    url: str | None = None
    directory: str | None = None
    if isinstance(raw, str):
        url = raw
    elif isinstance(raw, Mapping):
        url = raw.get("url") if isinstance(raw.get("url"), str) else None
        if isinstance(raw.get("directory"), str):
            directory = _clean_directory(raw["directory"])
    repository, from_url = split_repository_url(url) if url else (None, None)
    directory = directory or from_url
    homepage = manifest.get("homepage") if isinstance(manifest.get("homepage"), str) else None
    return Provenance(repository, directory, npm_docs_sites(homepage), homepage)


def npm_docs_sites(homepage: str | None) -> tuple[DocsSite, ...]:
    """npm's `homepage` as a docs site, unless it is the repository's page on a code host
    (`https://github.com/a/b#readme`, as most packages have it)."""
    if not homepage or _is_code_host(homepage):
        return ()
    return tuple(DocsSite(url, "the package's homepage") for url in _unique([homepage.strip()]))


def split_repository_url(text: str) -> tuple[str | None, str | None]:
    """A repository reference as (https URL, folder inside it), or (None, None).

    Understands `git+https://github.com/a/b.git`, `git@github.com:a/b.git`,
    `git://github.com/a/b`, `github:a/b`, `a/b` (GitHub), `gitlab:a/b`, and browser
    URLs such as `https://github.com/a/b/tree/main/packages/c` (folder `packages/c`).
    Only the code hosts in CODE_HOSTS are recognised from a bare https URL; another host
    when the URL is a git URL (`git+https://git.example.org/a/b.git`, `git://host:9418/a`),
    kept as written, without credentials.
    """
    text = text.strip()
    shorthand = re.fullmatch(r"(?:(github|gitlab|bitbucket):)?([\w.-]+)/([\w.-]+)", text)
    if shorthand:
        host = _SHORTHAND_HOSTS[shorthand.group(1) or "github"]
        return f"https://{host}/{shorthand.group(2)}/{_strip_git(shorthand.group(3))}", None
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):([\w.-]+)/([\w.-]+?)(?:\.git)?/?", text)
    if scp:
        return f"https://{scp.group(1).lower()}/{scp.group(2)}/{scp.group(3)}", None
    explicit = text.startswith("git+")
    text = re.sub(r"^git\+", "", text)
    parts = urlsplit(text)
    if text.startswith("file:///"):  # a path on this machine: kept so the refusal names it
        return f"file://{parts.path}", None
    if parts.scheme not in ("https", "http", "git", "ssh", "git+ssh") or not parts.hostname:
        return None, None
    host = parts.hostname.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None, None
    if host not in CODE_HOSTS:
        # Another host counts only when the URL says it is a repository (git+, git://,
        # ssh://, .git); whether it may be fetched is decided later (allowed hosts).
        is_git = explicit or parts.scheme in ("git", "ssh", "git+ssh")
        if not is_git and not parts.path.endswith(".git"):
            return None, None
        netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
        scheme = "ssh" if parts.scheme == "git+ssh" else parts.scheme
        if scheme == "ssh" and parts.username:  # the ssh user, never a password
            netloc = f"{parts.username}@{netloc}"
        return f"{scheme}://{netloc}{parts.path}", None
    if len(segments) < 2:
        return None, None
    owner, name = segments[0], _strip_git(segments[1])
    directory = None
    # github.com/a/b/tree/<ref>/dir, gitlab.com/a/b/-/tree/<ref>/dir
    rest = segments[2:]
    if rest and rest[0] == "-":
        rest = rest[1:]
    if len(rest) >= 3 and rest[0] in ("tree", "blob", "src"):
        directory = _clean_directory("/".join(rest[2:]))
    return f"https://{host}/{owner}/{name}", directory


def _strip_git(name: str) -> str:
    return name[:-4] if name.endswith(".git") else name


def _clean_directory(path: str) -> str | None:
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _label(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _is_code_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host in CODE_HOSTS


def _unique(urls: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for url in urls:
        if urlsplit(url).scheme in ("http", "https"):
            seen.setdefault(url, None)
    return tuple(seen)
