"""The docs a package embeds in dist/docs: topics, pages, SKILL.md's index and front matter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_packages import MEMORY_FILES, SKILL_MD, link, make_memory, write_files

from docshelf.errors import DocshelfError
from docshelf.packages import embedded_docs, installed
from docshelf.packages.embedded_docs import (
    find_skill_info,
    list_doc_topics,
    package_doc_pages,
    read_package_doc,
)
from docshelf.packages.errors import (
    DocFileNotFoundError,
    DocTopicNotFoundError,
    NoEmbeddedDocsError,
    UnsafeDocPathError,
)
from docshelf.packages.installed import (
    get_installed_package,
)
from docshelf.sources.errors import UnreadableFileError
from hangs import finishes

# --- embedded docs ---------------------------------------------------------------------


def test_package_without_docs_raises_with_its_version_and_the_upgrade(project: Path) -> None:
    bare = get_installed_package(project, "@mastra/schema-compat")
    with pytest.raises(NoEmbeddedDocsError) as raised:
        list_doc_topics(bare)
    message = str(raised.value)
    assert "1.3.11" in message
    assert "dist/docs" in message
    assert "npm install @mastra/schema-compat@latest" in message


def test_skill_layout_topics_are_skill_and_references(memory: installed.InstalledPackage) -> None:
    topics = list_doc_topics(memory)
    assert [t.name for t in topics] == ["SKILL", "references"]
    assert topics[1].files == (
        "references/docs-memory-overview.md",
        "references/reference-memory-memory-class.md",
    )


def test_legacy_layout_topics_are_the_top_level_folders(core: installed.InstalledPackage) -> None:
    assert [t.name for t in list_doc_topics(core)] == ["SKILL", "agents", "memory"]


def test_read_without_arguments_lists_topics_and_loose_files(
    core: installed.InstalledPackage,
) -> None:
    result = read_package_doc(core)
    assert result.kind == "listing"
    assert "- agents: 2 files" in result.text
    assert "README.md" in result.text


def test_read_file_with_or_without_md_suffix(memory: installed.InstalledPackage) -> None:
    for file in ("references/docs-memory-overview.md", "references/docs-memory-overview"):
        result = read_package_doc(memory, file=file)
        assert result.kind == "page"
        assert result.path == "references/docs-memory-overview.md"
        assert result.title == "Memory"
        assert result.version == "1.31.0"


def test_read_file_relative_to_its_topic(core: installed.InstalledPackage) -> None:
    result = read_package_doc(core, topic="agents", file="02-using-tools")
    assert result.path == "agents/02-using-tools.md"
    assert result.title == "Using Tools"


def test_read_small_legacy_topic_returns_every_file(core: installed.InstalledPackage) -> None:
    result = read_package_doc(core, topic="agents")
    assert result.kind == "page"
    assert "## agents/01-overview.md" in result.text
    assert "Tools extend agents." in result.text


def test_read_skill_topic_returns_skill_md(memory: installed.InstalledPackage) -> None:
    result = read_package_doc(memory, topic="skill")
    assert result.path == "SKILL.md"
    assert "## When to use" in result.text


def test_read_large_topic_returns_a_listing_with_skill_descriptions(
    memory: installed.InstalledPackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_docs, "MAX_TOPIC_CHARS", 10)
    result = read_package_doc(memory, topic="references")
    assert result.kind == "listing"
    assert (
        "- references/docs-memory-overview.md: Memory - Add memory to Mastra agents." in result.text
    )


@pytest.mark.parametrize(
    "file",
    [
        "../package.json",
        "references/../../package.json",
        "..\\package.json",
        "/etc/passwd",
        "C:/Windows/win.ini",
    ],
)
def test_file_paths_that_leave_the_docs_folder_are_refused(
    memory: installed.InstalledPackage, file: str
) -> None:
    with pytest.raises(UnsafeDocPathError, match="Invalid docs path"):
        read_package_doc(memory, file=file)


@pytest.mark.parametrize("topic", ["..", "../dist", "/references"])
def test_topics_that_leave_the_docs_folder_are_refused(
    memory: installed.InstalledPackage, topic: str
) -> None:
    with pytest.raises(UnsafeDocPathError):
        read_package_doc(memory, topic=topic)


def test_symlink_in_docs_pointing_outside_is_neither_read_nor_listed(
    tmp_path: Path, project: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n", encoding="utf-8")
    docs = project / "node_modules/@mastra/memory/dist/docs"
    link(secret, docs / "references" / "leak.md")
    pkg = get_installed_package(project, "@mastra/memory")

    with pytest.raises(UnsafeDocPathError, match="outside the docs folder"):
        read_package_doc(pkg, file="references/leak.md")
    assert "references/leak.md" not in list_doc_topics(pkg)[1].files
    assert all("Secret" not in page.text for page in package_doc_pages(pkg))


def test_missing_doc_file_suggests_the_closest_paths(memory: installed.InstalledPackage) -> None:
    with pytest.raises(DocFileNotFoundError) as raised:
        read_package_doc(memory, file="references/docs-memroy-overview.md")
    assert raised.value.suggestions[0] == "references/docs-memory-overview.md"
    assert "Did you mean" in str(raised.value)


def test_unknown_topic_lists_the_topics(core: installed.InstalledPackage) -> None:
    with pytest.raises(DocTopicNotFoundError, match="SKILL, agents, memory"):
        read_package_doc(core, topic="workflows")


def test_package_doc_pages_yields_every_markdown_file(core: installed.InstalledPackage) -> None:
    pages = list(package_doc_pages(core))
    assert [p.path for p in pages] == [
        "README.md",
        "SKILL.md",
        "agents/01-overview.md",
        "agents/02-using-tools.md",
        "memory/01-overview.md",
    ]
    assert pages[-1].text == "# Memory\n\nMemory overview.\n"


def test_skill_info_reads_nested_front_matter_and_the_reference_index(
    memory: installed.InstalledPackage,
) -> None:
    info = find_skill_info(memory)
    assert info is not None
    assert (info.name, info.package, info.version) == (
        "mastra-memory",
        "@mastra/memory",
        "1.31.0",
    )
    assert [(r.section, r.path) for r in info.references] == [
        ("Docs", "references/docs-memory-overview.md"),
        ("Reference", "references/reference-memory-memory-class.md"),
    ]


def test_skill_info_reads_unquoted_scope_names_and_colons_in_the_front_matter(
    tmp_path: Path,
) -> None:
    # Unquoted, `@mastra/memory` is not valid YAML; SKILL.md files have been written so.
    skill = SKILL_MD.replace('"@mastra/memory"', "@mastra/memory").replace('"1.31.0"', "1.10")
    skill = skill.replace("Use when working", "Use when: working")
    root = tmp_path / "app"
    make_memory(root / "node_modules")
    write_files(root, {"package.json": "{}"})
    write_files(root / "node_modules" / "@mastra" / "memory", {"dist/docs/SKILL.md": skill})
    assert MEMORY_FILES["dist/docs/SKILL.md"] != skill
    info = find_skill_info(get_installed_package(root, "@mastra/memory"))
    assert info is not None
    assert (info.name, info.package, info.version) == ("mastra-memory", "@mastra/memory", "1.10")
    assert info.description.startswith("Documentation for @mastra/memory. Use when: working")
    assert len(info.references) == 2


def test_a_page_title_comes_from_its_h1_then_its_front_matter(tmp_path: Path) -> None:
    assert embedded_docs.title_of("---\ntitle: Front\n---\n# Heading\n", "x") == "Heading"
    assert embedded_docs.title_of("---\ntitle: Front\n---\nNo heading.\n", "x") == "Front"
    assert embedded_docs.title_of("```\n# not a heading\n```\n", "fallback") == "fallback"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_a_named_pipe_among_embedded_docs_is_neither_listed_nor_read(
    memory: installed.InstalledPackage,
) -> None:
    assert memory.docs_dir is not None
    pipe = memory.docs_dir / "references" / "pipe.md"
    os.mkfifo(pipe)
    topic = finishes(lambda: read_package_doc(memory, "references"), [pipe])
    assert "pipe.md" not in topic.text
    pages = finishes(lambda: [p.path for p in package_doc_pages(memory)], [pipe])
    assert "references/pipe.md" not in pages
    with pytest.raises(UnreadableFileError, match="named pipe"):
        finishes(lambda: read_package_doc(memory, file="references/pipe.md"), [pipe])


@pytest.mark.parametrize("file", ["a" * 300, "references/" + "b" * 256 + ".md"])
def test_a_file_name_too_long_for_the_file_system_is_a_clear_error(
    memory: installed.InstalledPackage, file: str
) -> None:
    with pytest.raises(DocshelfError, match="longer than 255 bytes"):
        read_package_doc(memory, file=file)
