"""Git sources: `git:URL[@REF]`, `github:OWNER/REPO[@REF]`, `gitlab:GROUP/REPO[@REF]`.

A local repository is read in place, without a work tree (`ls-tree` + `cat-file`). A
remote one is fetched shallow (`--depth 1`) and without blobs (`--filter=blob:none`)
into a temporary bare repository; only the blobs the docs need are then fetched, in
one request (falling back to a plain shallow or full fetch where the server refuses).
Nothing is checked out, no hook runs, submodules are never followed, and symlinks are
kept only when they point at a file inside the repository. The chosen files are kept
in the download cache, one copy per (repository, commit).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.progress import Reporter
from docshelf.settings import get_int
from docshelf.sources import FetchedDocs, fetched_from_layout
from docshelf.sources.archive import max_archive_bytes
from docshelf.sources.docsites import DocFile, DocsLayout, discover_docs
from docshelf.sources.gitclient import Git, TreeEntry
from docshelf.sources.gitrefs import Resolved, resolve_ref
from docshelf.sources.gitspec import GitSpec, parse_git_spec
from docshelf.sources.includes import MAX_INCLUDE_BYTES, included_paths

MAX_FILE_BYTES = 8 * 1024 * 1024  # one page; larger files are skipped with a warning
MAX_INCLUDED_FILES = 2000  # code files the pages include (FastAPI's docs_src examples)
_LAYOUT_FILE = "layout.json"
_CONFIG_NAMES = re.compile(
    r"(^|/)(mkdocs\.ya?ml|conf\.py|docusaurus\.config\.\w+|astro\.config\.\w+|"
    r"\.vitepress/config\.\w+)$"
)
_DOC_LIKE = re.compile(r"\.(md|mdx|markdown|rst|txt|mdoc)$", re.IGNORECASE)


@dataclass(frozen=True)
class GitDocs:
    """A repository's docs at one commit, materialised in the cache."""

    spec: GitSpec
    resolved: Resolved
    root: Path  # the cache folder holding the files at their repository paths
    layout: DocsLayout
    warnings: tuple[str, ...] = field(default=())


@dataclass
class _Limits:
    max_files: int
    max_bytes: int
    max_file_bytes: int


class GitTree:
    """A RepoTree over one commit of a (possibly partial) bare repository."""

    def __init__(
        self,
        git: Git,
        git_dir: Path,
        entries: Sequence[TreeEntry],
        *,
        partial: bool,
        limits: _Limits,
    ) -> None:
        self.git = git
        self.git_dir = git_dir
        self.partial = partial
        self.limits = limits
        self.warnings: list[str] = []
        self._blobs: dict[str, bytes] = {}
        self._oid = {e.path: e.oid for e in entries if e.mode in ("100644", "100755")}
        self._size = {e.path: e.size for e in entries}
        self._links = [e for e in entries if e.mode == "120000" and _relevant(e.path)]
        submodules = [e.path for e in entries if e.mode == "160000"]
        if submodules:
            shown = ", ".join(submodules[:5]) + (", …" if len(submodules) > 5 else "")
            self.warnings.append(
                f"{len(submodules)} submodule(s) not followed ({shown}); docs kept in another "
                "repository can be added from that repository's own URL"
            )
        self._resolve_links()

    def files(self) -> Sequence[str]:
        return sorted(self._oid)

    def read_texts(self, paths: Iterable[str]) -> dict[str, str]:
        return {
            path: data.decode("utf-8", "replace") for path, data in self.read_bytes(paths).items()
        }

    def read_bytes(self, paths: Iterable[str]) -> dict[str, bytes]:
        wanted = [p for p in dict.fromkeys(paths) if p in self._oid]
        oids = {self._oid[p] for p in wanted}
        self._load(oids)
        return {p: self._blobs[self._oid[p]] for p in wanted if self._oid[p] in self._blobs}

    def _load(self, oids: set[str]) -> None:
        todo = oids - self._blobs.keys()
        if not todo:
            return
        if self.partial and not self.git.fetch_blobs(self.git_dir, todo):
            raise _FilterRefused
        sizes = self.git.sizes(self.git_dir, todo)
        readable = set()
        for oid in todo:
            size = sizes.get(oid)
            if size is None:
                continue
            if size > self.limits.max_file_bytes:
                paths = [p for p, o in self._oid.items() if o == oid]
                self.warnings.append(
                    f"skipped {', '.join(paths[:3])}: {size // (1024 * 1024)} MiB is over the "
                    f"{self.limits.max_file_bytes // (1024 * 1024)} MiB limit for one page"
                )
                self._blobs[oid] = b""
                continue
            readable.add(oid)
        total = sum(len(b) for b in self._blobs.values()) + sum(sizes[o] for o in readable)
        if total > self.limits.max_bytes:
            raise SourceError(
                f"The docs of {self.git.spec.source} come to more than "
                f"{self.limits.max_bytes // (1024 * 1024)} MiB; nothing was indexed. Point "
                "--docs-root at the docs folder, or raise DOCSHELF_MAX_ARCHIVE_MB."
            )
        self._blobs.update(self.git.read_blobs(self.git_dir, readable))

    def _resolve_links(self) -> None:
        """Keep a symlink only when it points at a regular file inside the repository."""
        if not self._links:
            return
        targets = {}
        self._load({e.oid for e in self._links})
        outside = []
        for link in self._links:
            raw = self._blobs.pop(link.oid, b"").decode("utf-8", "replace").strip()
            target = posixpath.normpath(posixpath.join(posixpath.dirname(link.path), raw))
            if raw.startswith("/") or target.startswith("../") or target not in self._oid:
                outside.append(link.path)
                continue
            targets[link.path] = self._oid[target]
        self._oid.update(targets)
        if outside:
            shown = ", ".join(outside[:5]) + (", …" if len(outside) > 5 else "")
            self.warnings.append(
                f"{len(outside)} symlink(s) skipped because they point outside the repository "
                f"or at a folder ({shown})"
            )


class _FilterRefused(Exception):
    """The server would not send single blobs; fetch the commit whole instead."""


@dataclass(frozen=True)
class _Where:
    """Where discovery looks: `--docs-root`, and a monorepo package folder to try first."""

    docs_root: str | None = None
    prefer: str | None = None


def fetch_git(
    spec_text: str,
    kind: str,
    cache_dir: Path,
    docs_root: str | None = None,
    message: object = None,
    prefer: str | None = None,
) -> GitDocs:
    """Resolve REF, read the repository's docs at that commit and cache them.

    `prefer` names a package's folder in a monorepo whose own docs, if it has any, come
    before the repository's (see `discover_docs`).
    """
    where = _Where(docs_root, prefer)
    spec = parse_git_spec(spec_text, kind)
    say = message if callable(message) else (lambda _text: None)
    git = Git(spec)
    refs, default_branch = git.list_refs()
    resolved = resolve_ref(
        refs,
        spec.ref,
        default_branch=default_branch,
        repo_name=spec.name,
        source=spec.source,
        find_commit=git.find_commit,
    )
    folder = _cache_folder(cache_dir, spec, resolved.commit)
    cached = _load_cached(folder, spec, resolved, where)
    if cached is not None:
        return cached
    say(f"Reading {spec.source} at {resolved.ref} ({resolved.commit[:12]})")
    limits = _Limits(_max_files(), _max_bytes(), MAX_FILE_BYTES)
    if spec.is_local:
        entries = git.list_tree(git.local_dir(), resolved.commit, sizes=True)
        tree = GitTree(git, git.local_dir(), entries, partial=False, limits=limits)
        return _materialise(tree, spec, resolved, folder, where, limits, [])
    with tempfile.TemporaryDirectory(prefix="docshelf-git-") as tmp:
        try:
            return _fetch_remote(
                git, spec, resolved, Path(tmp) / "a.git", folder, where, limits, filtered=True
            )
        except _FilterRefused:
            return _fetch_remote(
                git, spec, resolved, Path(tmp) / "b.git", folder, where, limits, filtered=False
            )


def _fetch_remote(
    git: Git,
    spec: GitSpec,
    resolved: Resolved,
    git_dir: Path,
    folder: Path,
    where: _Where,
    limits: _Limits,
    *,
    filtered: bool,
) -> GitDocs:
    notes = git.fetch_commit(git_dir, resolved.ref, resolved.kind, filtered=filtered)
    entries = git.list_tree(git_dir, resolved.commit, sizes=False)
    tree = GitTree(git, git_dir, entries, partial=filtered, limits=limits)
    return _materialise(tree, spec, resolved, folder, where, limits, notes)


def _materialise(
    tree: GitTree,
    spec: GitSpec,
    resolved: Resolved,
    folder: Path,
    where: _Where,
    limits: _Limits,
    notes: list[str],
) -> GitDocs:
    layout = discover_docs(tree, where.docs_root, prefer=where.prefer)
    if len(layout.files) > limits.max_files:
        raise SourceError(
            f"{spec.source} at {resolved.ref} has {len(layout.files)} doc files in "
            f"{layout.folder or 'the root'}, more than the {limits.max_files} allowed; nothing "
            "was indexed. Point --docs-root at a smaller folder, or raise "
            "DOCSHELF_MAX_REPO_FILES."
        )
    data = tree.read_bytes(d.path for d in layout.files)
    kept = tuple(d for d in layout.files if data.get(d.path))
    layout = DocsLayout(layout.generator, layout.folder, kept, layout.notes, layout.readme_only)
    included = _included_files(tree, kept, data)
    warnings = tuple([*notes, *tree.warnings])
    _write_cache(folder, spec, resolved, where, layout, data | included, warnings)
    return GitDocs(spec, resolved, folder / "files", layout, warnings)


def _included_files(
    tree: GitTree, docs: Sequence[DocFile], data: dict[str, bytes]
) -> dict[str, bytes]:
    """The files the pages include (FastAPI's `{* path *}`), read from the same commit."""
    wanted: list[str] = []
    for doc in docs:
        text = data[doc.path].decode("utf-8", "replace")
        wanted += [p for p in included_paths(doc.path, text) if p not in data]
    wanted = list(dict.fromkeys(wanted))[:MAX_INCLUDED_FILES]
    found = tree.read_bytes(wanted)
    return {path: blob for path, blob in found.items() if len(blob) <= MAX_INCLUDE_BYTES}


# -- the cache ------------------------------------------------------------------------


def _cache_folder(cache_dir: Path, spec: GitSpec, commit: str) -> Path:
    digest = hashlib.sha256(spec.url.encode()).hexdigest()[:12]
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{spec.host}-{spec.name}").strip("-.")[:60]
    return Path(cache_dir) / "git" / f"{label}-{digest}" / commit


def _write_cache(
    folder: Path,
    spec: GitSpec,
    resolved: Resolved,
    where: _Where,
    layout: DocsLayout,
    data: dict[str, bytes],
    warnings: tuple[str, ...],
) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder.parent))
    try:
        for path, blob in data.items():
            target = staging / "files" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
        record = {
            "url": spec.url,
            "commit": resolved.commit,
            "docs_root": where.docs_root,
            "prefer": where.prefer,
            "generator": layout.generator,
            "folder": layout.folder,
            "readme_only": layout.readme_only,
            "notes": list(layout.notes),
            "warnings": list(warnings),
            "files": [asdict(d) for d in layout.files],
        }
        (staging / _LAYOUT_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        if folder.exists():  # another docs root of the same commit: one copy, replaced
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=folder.parent))
            os.replace(folder, old / "x")
            os.replace(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _load_cached(folder: Path, spec: GitSpec, resolved: Resolved, where: _Where) -> GitDocs | None:
    try:
        record = json.loads((folder / _LAYOUT_FILE).read_text(encoding="utf-8"))
        found = (record["url"], record["commit"], record["docs_root"], record.get("prefer"))
        if found != (spec.url, resolved.commit, where.docs_root, where.prefer):
            return None
        files = tuple(DocFile(**entry) for entry in record["files"])
        layout = DocsLayout(
            record["generator"],
            record["folder"],
            files,
            tuple(record["notes"]),
            bool(record["readme_only"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all((folder / "files" / d.path).is_file() for d in files):
        return None
    return GitDocs(spec, resolved, folder / "files", layout, tuple(record.get("warnings", ())))


def _relevant(path: str) -> bool:
    return bool(_DOC_LIKE.search(path) or _CONFIG_NAMES.search(path))


def _max_files() -> int:
    return get_int("max_repo_files")


def _max_bytes() -> int:
    return max_archive_bytes()


def fetched_docs(docs: GitDocs) -> FetchedDocs:
    """The source registry's view of a repository's docs."""
    resolved = docs.resolved
    pin = resolved.ref if resolved.kind == "tag" else resolved.commit
    warnings = list(docs.warnings)
    if docs.layout.readme_only:
        warnings.append(
            f"{docs.spec.source} at {resolved.ref} has no docs site (MkDocs, Docusaurus, "
            "VitePress, Sphinx, Starlight, src/content) and no docs folder, so only its README "
            "and CHANGELOG were indexed. Its docs may live in another folder (--docs-root DIR), "
            "another repository, or only on its website."
        )
    return fetched_from_layout(
        docs.spec.pinned(pin),
        docs.spec.name,
        resolved.version,
        docs.root,
        docs.layout,
        tuple(warnings),
    )


def fetch_docs(
    spec: str, kind: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """The docs of `KIND:SPEC` (git, github or gitlab): resolved, read and cached."""
    reporter.message(f"Resolving {kind}:{spec}")
    return fetched_docs(fetch_git(spec, kind, cache_dir, docs_root, reporter.message))


def fetch_git_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """`git:URL[@REF]`, registered in sources/__init__.py."""
    return fetch_docs(spec, "git", cache_dir, docs_root, reporter)


def fetch_github_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """`github:OWNER/REPO[@REF]`."""
    return fetch_docs(spec, "github", cache_dir, docs_root, reporter)


def fetch_gitlab_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """`gitlab:GROUP/REPO[@REF]`."""
    return fetch_docs(spec, "gitlab", cache_dir, docs_root, reporter)
