"""Installed npm packages of a project and the docs they embed in dist/docs."""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from docshelf.errors import (
    DocFileNotFoundError,
    DocTopicNotFoundError,
    InvalidPackageNameError,
    NoEmbeddedDocsError,
    PackageNotInstalledError,
    ProjectNotFoundError,
    UnsafeDocPathError,
)
from docshelf.models import ReadKind, ReadResult

Layout = Literal["skill", "legacy"]

DOC_SUFFIXES = (".md", ".mdx")
SKILL_TOPIC = "SKILL"
# Topics whose files together stay under this size are returned whole; bigger ones
# (the skill layout's references/ is 0.6-5 MB) as a listing, one file per line.
MAX_TOPIC_CHARS = 100_000

_NAME_RE = re.compile(r"^(@[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_SCOPE_RE = re.compile(r"^@[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_LINK_RE = re.compile(
    r"^\s*[-*]\s+\[(?P<title>[^\]]+)\]\((?P<path>[^)\s]+)\)\s*(?:[-–—:]\s*)?(?P<desc>.*)$"
)
_H1_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class InstalledPackage:
    """One package as installed in a project's node_modules."""

    name: str
    version: str  # from its package.json; "unknown" when that has none
    root: Path  # real path of the package folder (symlinks resolved)
    docs_dir: Path | None  # dist/docs when it holds embedded docs
    layout: Layout | None  # "skill": SKILL.md + references/ + assets/; "legacy": topic folders


@dataclass(frozen=True)
class DocTopic:
    """A group of embedded doc files: SKILL, references, or a legacy topic folder."""

    name: str
    files: tuple[str, ...]  # relative to the docs folder, "/"-separated


@dataclass(frozen=True)
class DocFile:
    """One embedded markdown file, ready for docshelf's indexer."""

    path: str  # relative to the docs folder, "/"-separated, extension kept
    text: str


@dataclass(frozen=True)
class SkillReference:
    """One entry of SKILL.md's linked index of reference pages."""

    title: str
    path: str  # as linked, relative to the docs folder
    description: str
    section: str  # the heading it is listed under ("Docs", "Reference", ...)


@dataclass(frozen=True)
class SkillInfo:
    """SKILL.md's front matter and its index of reference pages."""

    name: str
    description: str
    package: str
    version: str
    references: tuple[SkillReference, ...]


# --- resolving packages -------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    found: Path | None
    searched: tuple[Path, ...]  # node_modules folders that exist, nearest first
    refused: tuple[tuple[Path, Path], ...]  # (link, where it leads)


def find_node_modules_package(project_path: str | Path, package_name: str) -> Path | None:
    """The real folder of `package_name` as Node would resolve it from `project_path`.

    None when it is not installed, or when the nearest copy is a symlink that leads
    outside the project (see `_is_trusted_location`).
    """
    return _lookup_package(_project_dir(project_path), package_name).found


def get_installed_package(project_path: str | Path, package_name: str) -> InstalledPackage:
    """The package as installed for the project; raises PackageNotInstalledError."""
    project = _project_dir(project_path)
    lookup = _lookup_package(project, package_name)
    if lookup.found is None:
        scope = package_name.split("/")[0] if package_name.startswith("@") else "@mastra"
        installed = [p.name for p in list_installed_packages(project, scope)]
        raise PackageNotInstalledError(
            package_name,
            str(project),
            [str(p) for p in lookup.searched],
            [(str(link), str(target)) for link, target in lookup.refused],
            installed,
        )
    return _read_package(lookup.found, package_name)


def list_installed_packages(
    project_path: str | Path, scope: str = "@mastra"
) -> list[InstalledPackage]:
    """Every package of `scope` the project can import, nearest node_modules first wins.

    Packages are discovered by scanning `node_modules/<scope>/` in the project and each
    parent folder, so new packages need no code change. Sorted by name.
    """
    if not _SCOPE_RE.match(scope):
        raise InvalidPackageNameError(scope)
    project = _project_dir(project_path)
    walk = _node_modules_walk(project)
    seen: set[str] = set()
    packages: list[InstalledPackage] = []
    for node_modules in walk:
        scope_dir = node_modules / scope
        if not scope_dir.is_dir():
            continue
        for entry in sorted(scope_dir.iterdir()):
            name = f"{scope}/{entry.name}"
            if entry.name.startswith(".") or name in seen:
                continue
            # A nearer copy shadows farther ones, as in Node, even when we refuse it.
            seen.add(name)
            real = real_path(entry)
            if real is None or not _is_package_dir(real):
                continue
            if not _is_trusted_location(entry, real, project, walk):
                continue
            packages.append(_read_package(real, name))
    return sorted(packages, key=lambda p: p.name)


def _project_dir(project_path: str | Path) -> Path:
    try:
        path = Path(project_path).expanduser()
        exists = path.exists()
    except (OSError, ValueError, RuntimeError):  # name too long, NUL byte, ~unknown-user
        exists = False
    if not exists:
        raise ProjectNotFoundError(str(project_path))
    path = path.resolve()
    return path if path.is_dir() else path.parent


def _node_modules_walk(project: Path) -> list[Path]:
    return [folder / "node_modules" for folder in (project, *project.parents)]


def _lookup_package(project: Path, package_name: str) -> _Lookup:
    if not _NAME_RE.match(package_name):
        raise InvalidPackageNameError(package_name)
    walk = _node_modules_walk(project)
    searched: list[Path] = []
    for node_modules in walk:
        if not node_modules.is_dir():
            continue
        searched.append(node_modules)
        candidate = node_modules / package_name
        if not os.path.lexists(candidate):
            continue
        real = real_path(candidate)
        if real is None or not _is_package_dir(real):
            continue
        if not _is_trusted_location(candidate, real, project, walk):
            # Stop rather than fall back to a farther copy: Node would load this one, so
            # a farther copy would describe the wrong version.
            return _Lookup(None, tuple(searched), ((candidate, real),))
        return _Lookup(real, tuple(searched), ())
    return _Lookup(None, tuple(searched), ())


def _is_package_dir(path: Path) -> bool:
    return path.is_dir() and (path / "package.json").is_file()


def _is_trusted_location(lexical: Path, real: Path, project: Path, walk: list[Path]) -> bool:
    """Whether a package found at `lexical` may be read from `real`.

    Everything docshelf reads from a package (docs, and the .d.ts and .js paths its
    SOURCE_MAP.json names) ends up in an agent's context, so the package folder itself
    must not be redirectable. A repository can commit symlinks, so a cloned project could
    carry `node_modules/@mastra/core -> ~/.ssh` with a source map pointing at a private
    key. We therefore accept only:

    - a real folder (no symlink on the way): exactly what npm/yarn install, in the
      project or in an ancestor's node_modules, as Node's own resolution does;
    - a symlink that resolves inside the project (pnpm's node_modules/.pnpm, workspace
      packages linked from inside the repository);
    - a symlink into a pnpm virtual store `node_modules/.pnpm` of the project or an
      ancestor, itself a real folder: a pnpm workspace links each member's packages into
      the store at the workspace root. That store is written by the package manager,
      and its path is fixed, so a link cannot point anywhere else and still pass.

    Refused: links to anywhere else, including workspace packages that live outside the
    given projectPath (pass the workspace root instead) and pnpm's global virtual store.
    """
    if real == lexical or real.is_relative_to(project):
        return True
    for node_modules in walk:
        store = node_modules / ".pnpm"
        if real.is_relative_to(store) and store.is_dir() and store.resolve() == store:
            return True
    return False


def _read_package(root: Path, name: str) -> InstalledPackage:
    # The name is the folder's, as `import` resolves it; package.json's could differ.
    version = read_json_object(root / "package.json").get("version")
    docs_dir, layout = _detect_docs(root)
    return InstalledPackage(
        name=name,
        version=version if isinstance(version, str) and version else "unknown",
        root=root,
        docs_dir=docs_dir,
        layout=layout,
    )


def _detect_docs(root: Path) -> tuple[Path | None, Layout | None]:
    docs = find_path_inside(root, "dist/docs")
    if docs is None or not docs.is_dir():
        return None, None
    # Both layouts have a SKILL.md; only the skill layout has references/ and assets/.
    if (docs / "references").is_dir() or (docs / "assets" / "SOURCE_MAP.json").is_file():
        return docs, "skill"
    if (docs / "SOURCE_MAP.json").is_file() or any(_topic_dirs(docs)):
        return docs, "legacy"
    if (docs / "SKILL.md").is_file():
        return docs, "skill"
    return None, None


# --- safe paths and small readers ---------------------------------------------------


def check_relative_path(path: str) -> str | None:
    """Why `path` is not a safe relative path, or None when it is."""
    if not path or not path.strip():
        return "it is empty"
    if "\x00" in path:
        return "it contains a NUL byte"
    posix = path.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return "absolute paths are not allowed"
    if ".." in PurePosixPath(posix).parts:
        return "'..' is not allowed"
    return None


def find_path_inside(base: Path, relative: str) -> Path | None:
    """`base/relative` if it exists and stays inside `base` once symlinks are resolved."""
    if check_relative_path(relative) is not None:
        return None
    real_base = base.resolve()
    target = real_path(real_base / relative.replace("\\", "/"))
    if target is None or not target.is_relative_to(real_base) or not target.exists():
        return None
    return target


def real_path(path: Path) -> Path | None:
    """`path` with symlinks resolved; None for a symlink loop (a repository can commit one)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file's top-level object; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def suggest_similar(word: str, choices: Iterable[str], limit: int = 5) -> list[str]:
    """Closest choices to `word`: same name in another case, containing it, then difflib."""
    unique = list(dict.fromkeys(choices))
    lowered = word.lower()
    by_lower: dict[str, list[str]] = {}
    for choice in unique:
        by_lower.setdefault(choice.lower(), []).append(choice)
    picked: list[str] = list(by_lower.get(lowered, []))
    if lowered:
        picked += sorted((c for c in unique if lowered in c.lower()), key=len)
    for close in difflib.get_close_matches(lowered, list(by_lower), n=limit, cutoff=0.6):
        picked += by_lower[close]
    return [c for c in dict.fromkeys(picked) if c != word][:limit]


# --- embedded docs -------------------------------------------------------------------


def get_docs_dir(pkg: InstalledPackage) -> Path:
    """The package's dist/docs folder; raises NoEmbeddedDocsError."""
    if pkg.docs_dir is None:
        raise NoEmbeddedDocsError(pkg.name, pkg.version, str(pkg.root))
    return pkg.docs_dir


def list_doc_topics(pkg: InstalledPackage) -> list[DocTopic]:
    """The topics of the package's embedded docs.

    Skill layout: "SKILL" (SKILL.md) and "references". Legacy layout: "SKILL" when it
    has a SKILL.md, then one topic per top-level folder of markdown files.
    """
    docs = get_docs_dir(pkg)
    topics: list[DocTopic] = []
    if (docs / "SKILL.md").is_file():
        topics.append(DocTopic(SKILL_TOPIC, ("SKILL.md",)))
    folders = ["references"] if pkg.layout == "skill" else list(_topic_dirs(docs))
    for folder in folders:
        files = tuple(_doc_files(docs, folder))
        if files:
            topics.append(DocTopic(folder, files))
    return topics


def package_doc_pages(pkg: InstalledPackage) -> Iterator[DocFile]:
    """Every embedded markdown file with its text, sorted by path."""
    docs = get_docs_dir(pkg)
    for relative in _doc_files(docs, ""):
        path = find_path_inside(docs, relative)
        if path is not None:
            yield DocFile(relative, read_text(path))


def read_package_doc(
    pkg: InstalledPackage, topic: str | None = None, file: str | None = None
) -> ReadResult:
    """Browse the embedded docs: no arguments lists the topics, a topic returns its
    files (whole when small, else a listing), a file returns that file.

    `file` is relative to the docs folder, or to the topic's folder when a topic is
    given; ".md" may be left out. Nothing outside the docs folder is ever read.
    """
    docs = get_docs_dir(pkg)
    topics = list_doc_topics(pkg)
    if file:
        return _read_doc_file(pkg, docs, topics, topic, file)
    if topic:
        return _read_topic(pkg, docs, _pick_topic(pkg, topics, topic))
    return _result(pkg, "", "listing", _render_overview(pkg, docs, topics), "Embedded docs")


def find_skill_info(pkg: InstalledPackage) -> SkillInfo | None:
    """SKILL.md's front matter and reference index, or None without a SKILL.md."""
    if pkg.docs_dir is None:
        return None
    path = find_path_inside(pkg.docs_dir, "SKILL.md")
    if path is None:
        return None
    meta, body = split_front_matter(read_text(path))
    references: list[SkillReference] = []
    section = ""
    for line in body.splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            continue
        match = _LINK_RE.match(line)
        if match and not re.match(r"^[a-z]+:", match["path"]):
            references.append(
                SkillReference(match["title"], match["path"], match["desc"].strip(), section)
            )
    return SkillInfo(
        name=meta.get("name", ""),
        description=meta.get("description", ""),
        package=meta.get("package", pkg.name),
        version=meta.get("version", pkg.version),
        references=tuple(references),
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The `---` front matter as flat key/value strings, and the body after it.

    Only the YAML subset SKILL.md uses: `key: value` lines, optionally quoted, and one
    level of nesting whose keys are lifted to the top (metadata.version -> version).
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return {}, text
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.strip().partition(":")
        value = value.strip()
        if not sep or not key or not value:
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta.setdefault(key.strip(), value)
    return meta, "\n".join(lines[end + 1 :])


def title_of(text: str, fallback: str) -> str:
    """A markdown file's first H1 outside code fences, its front matter title, or fallback."""
    meta, body = split_front_matter(text)
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and (match := _H1_RE.match(line)):
            return match.group(1)
    return meta.get("title", fallback)


def _topic_dirs(docs: Path) -> Iterator[str]:
    for entry in sorted(docs.iterdir()):
        if entry.name in ("assets", "references") or not entry.is_dir():
            continue
        if find_path_inside(docs, entry.name) is not None and _has_docs(entry):
            yield entry.name


def _has_docs(folder: Path) -> bool:
    return any(p.suffix in DOC_SUFFIXES for p in folder.rglob("*"))


def _doc_files(docs: Path, folder: str) -> Iterator[str]:
    """Markdown files under docs/folder, relative to docs, skipping links that leave it."""
    start = find_path_inside(docs, folder) if folder else docs.resolve()
    if start is None or not start.is_dir():
        return
    real_docs = docs.resolve()
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(start):
        dirnames.sort()
        for filename in filenames:
            path = Path(dirpath) / filename
            real = real_path(path)
            if path.suffix in DOC_SUFFIXES and real is not None and real.is_relative_to(real_docs):
                found.append(path.relative_to(real_docs).as_posix())
    yield from sorted(found)


def _pick_topic(pkg: InstalledPackage, topics: list[DocTopic], topic: str) -> DocTopic:
    why = check_relative_path(topic)
    if why is not None:
        raise UnsafeDocPathError(pkg.name, topic, why)
    wanted = topic.strip("/").removesuffix(".md")
    for candidate in topics:
        if candidate.name == wanted:
            return candidate
    for candidate in topics:
        if candidate.name.lower() == wanted.lower():
            return candidate
    raise DocTopicNotFoundError(pkg.name, topic, [t.name for t in topics])


def _read_topic(pkg: InstalledPackage, docs: Path, topic: DocTopic) -> ReadResult:
    texts: list[tuple[str, str]] = []
    total = 0
    for relative in topic.files:
        path = find_path_inside(docs, relative)
        if path is None:
            continue
        text = read_text(path)
        total += len(text)
        if total > MAX_TOPIC_CHARS:
            listing = _render_listing(pkg, topic.name, topic.files)
            return _result(pkg, topic.name, "listing", listing, topic.name)
        texts.append((relative, text))
    if len(texts) == 1:
        relative, text = texts[0]
        return _result(pkg, relative, "page", text, title_of(text, relative))
    parts = [f"## {relative}\n\n{text.strip()}\n" for relative, text in texts]
    return _result(pkg, topic.name, "page", "\n---\n\n".join(parts), topic.name)


def _read_doc_file(
    pkg: InstalledPackage, docs: Path, topics: list[DocTopic], topic: str | None, file: str
) -> ReadResult:
    for value in (file, topic):
        why = check_relative_path(value) if value is not None else None
        if why is not None:
            raise UnsafeDocPathError(pkg.name, value or "", why)
    posix = file.replace("\\", "/").strip("/")
    bases = [""]
    if topic:
        chosen = _pick_topic(pkg, topics, topic)
        if chosen.name != SKILL_TOPIC:
            bases.insert(0, chosen.name)
    for base in bases:
        stem = f"{base}/{posix}" if base else posix
        for relative in (stem, *(stem + suffix for suffix in DOC_SUFFIXES)):
            path = find_path_inside(docs, relative)
            if path is None:
                real = real_path(docs / relative)
                if real is not None and not real.is_relative_to(docs.resolve()):
                    raise UnsafeDocPathError(pkg.name, file, "it leads outside the docs folder")
                continue
            if path.is_dir():
                files = tuple(_doc_files(docs, relative))
                return _result(
                    pkg, relative, "listing", _render_listing(pkg, relative, files), relative
                )
            text = read_text(path)
            return _result(pkg, relative, "page", text, title_of(text, relative))
    every = [f for t in topics for f in t.files]
    names = {PurePosixPath(f).name: f for f in every}
    close = suggest_similar(PurePosixPath(posix).name, names, limit=5)
    suggestions = [names[n] for n in close] or suggest_similar(posix, every)
    raise DocFileNotFoundError(pkg.name, file, suggestions)


def _render_overview(pkg: InstalledPackage, docs: Path, topics: list[DocTopic]) -> str:
    layout = "Agent Skill" if pkg.layout == "skill" else "legacy topic folders"
    lines = [f"# {pkg.name} {pkg.version}: embedded docs", "", f"Layout: {layout} ({docs})", ""]
    lines.append("## Topics")
    for topic in topics:
        count = len(topic.files)
        lines.append(f"- {topic.name}: {count} file{'s' if count != 1 else ''}")
    in_topics = {f for t in topics for f in t.files}
    loose = [f for f in _doc_files(docs, "") if "/" not in f and f not in in_topics]
    if loose:
        lines += ["", "## Other files", *(f"- {f}" for f in loose)]
    lines += ["", "Pass a topic to read it, or a file (relative to dist/docs) to read one page."]
    return "\n".join(lines)


def _render_listing(pkg: InstalledPackage, name: str, files: tuple[str, ...]) -> str:
    info = find_skill_info(pkg)
    described = {r.path.removeprefix("./"): r for r in info.references} if info else {}
    lines = [f"# {pkg.name} {pkg.version}: {name} ({len(files)} files)", ""]
    for relative in files:
        ref = described.get(relative)
        if ref is not None:
            desc = f" - {ref.description}" if ref.description else ""
            lines.append(f"- {relative}: {ref.title}{desc}")
        else:
            lines.append(f"- {relative}")
    lines += ["", "Pass one of these paths as file to read it."]
    return "\n".join(lines)


def _result(pkg: InstalledPackage, path: str, kind: ReadKind, text: str, title: str) -> ReadResult:
    return ReadResult(
        library=pkg.name, version=pkg.version, path=path, kind=kind, text=text, title=title
    )
