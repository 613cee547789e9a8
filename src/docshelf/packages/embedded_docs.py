"""Browse the docs a package embeds in dist/docs: topics, pages and SKILL.md's index."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docshelf.models import ReadKind, ReadResult
from docshelf.packages.errors import (
    DocFileNotFoundError,
    DocTopicNotFoundError,
    NoEmbeddedDocsError,
    UnsafeDocPathError,
)
from docshelf.packages.installed import (
    DOC_SUFFIXES,
    InstalledPackage,
    check_relative_path,
    find_path_inside,
    read_text,
    real_path,
    suggest_similar,
    topic_dirs,
)
from docshelf.parsing.front_matter import split_front_matter
from docshelf.sources.errors import UnreadableFileError

SKILL_TOPIC = "SKILL"
# Topics whose files together stay under this size are returned whole; bigger ones
# (the skill layout's references/ is 0.6-5 MB) as a listing, one file per line.
MAX_TOPIC_CHARS = 100_000

_LINK_RE = re.compile(
    r"^\s*[-*]\s+\[(?P<title>[^\]]+)\]\((?P<path>[^)\s]+)\)\s*(?:[-–—:]\s*)?(?P<desc>.*)$"
)
_H1_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$")


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
    folders = ["references"] if pkg.layout == "skill" else list(topic_dirs(docs))
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
        if path is None:
            continue
        try:
            yield DocFile(relative, read_text(path))
        except UnreadableFileError:
            continue  # swapped for a pipe or grown past the limit since it was listed


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
    if path is None or not path.is_file():
        return None
    try:
        meta, body = skill_metadata(read_text(path))
    except UnreadableFileError:
        return None
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


def skill_metadata(text: str) -> tuple[dict[str, str], str]:
    """SKILL.md-style front matter as flat strings, and the body after it.

    Values are kept as written (`version: 1.10` stays "1.10"); the keys of one level of
    nesting are lifted to the top unless the top has them (metadata.version -> version).
    """
    meta, body = split_front_matter(text, plain=True)
    flat = {k: v for k, v in meta.items() if isinstance(v, str) and v and k != "_raw"}
    for nested in meta.values():
        if isinstance(nested, dict):
            for key, value in nested.items():
                if isinstance(value, str) and value:
                    flat.setdefault(key, value)
    return flat, body


def title_of(text: str, fallback: str) -> str:
    """A markdown file's first H1 outside code fences, its front matter title, or fallback."""
    meta, body = skill_metadata(text)
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and (match := _H1_RE.match(line)):
            return match.group(1)
    return meta.get("title", fallback)


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
            inside = real is not None and real.is_relative_to(real_docs)
            # is_file: a named pipe or a device among the docs is never listed (or opened).
            if path.suffix in DOC_SUFFIXES and inside and path.is_file():
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
