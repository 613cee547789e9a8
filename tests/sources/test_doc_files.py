"""Tests for walking a docs folder in every markup docshelf parses."""

from __future__ import annotations

from pathlib import Path

from docshelf.parsing.formats import DocFile
from docshelf.sources.doc_files import iter_doc_files, iter_readme_files, sphinx_reads_txt


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_markdown_and_rst_files_are_read_with_their_markup(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {"a.md": "# A", "b/c.rst": "C\n=", "notes.txt": "plain", "img.png": "", "_build/x.rst": ""},
    )
    assert list(iter_doc_files(root)) == [
        DocFile("a", "# A", "markdown"),
        DocFile("b/c", "C\n=", "rst"),
    ]


def test_txt_files_count_only_when_the_sphinx_project_declares_them(tmp_path: Path) -> None:
    plain = write(tmp_path / "plain", {"conf.py": "project = 'x'\n", "topic.txt": "T\n="})
    assert not sphinx_reads_txt(plain) and list(iter_doc_files(plain)) == []
    declared = write(
        tmp_path / "django",
        {"conf.py": "source_suffix = {\n    '.txt': 'restructuredtext',\n}\n", "topic.txt": "T\n="},
    )
    assert sphinx_reads_txt(declared)
    assert list(iter_doc_files(declared)) == [DocFile("topic", "T\n=", "rst")]


def test_links_are_not_followed_and_the_first_of_two_same_pages_wins(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"secret.md": "secret"})
    root = write(tmp_path / "docs", {"intro.md": "md", "intro.rst": "rst"})
    (root / "linked").symlink_to(outside)
    (root / "link.md").symlink_to(outside / "secret.md")
    assert list(iter_doc_files(root)) == [DocFile("intro", "md", "markdown")]


def test_readme_and_changelog_files_in_markdown_or_rst_become_capitalised_pages(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {"readme.rst": "R\n=", "CHANGES.md": "# C", "HISTORY.txt": "h", "NEWS.rst": "N\n="},
    )
    assert list(iter_readme_files(root)) == [
        DocFile("README", "R\n=", "rst"),
        DocFile("CHANGES", "# C", "markdown"),
        DocFile("NEWS", "N\n=", "rst"),
    ]
