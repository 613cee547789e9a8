"""Code a page includes from its repository (FastAPI's `{* path *}`), bounded to the root."""

from __future__ import annotations

from pathlib import Path

from corpus import write_tree
from docshelf.progress import SilentReporter
from docshelf.sources.includes import expand_includes, included_paths
from docshelf.sources.local import fetch_docs as fetch_local

EXAMPLE = (
    "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/')\ndef root():\n    return 1\n"
)


def test_an_include_becomes_the_code_it_names_with_its_line_ranges():
    files = {"docs_src/a.py": EXAMPLE}
    text = "Intro\n\n{* ../../docs_src/a.py hl[3] *}\n\n{* ../../docs_src/a.py ln[1,6:8] *}\n"
    out = expand_includes("docs/en/docs/x.md", text, files.get)
    assert out == (
        "Intro\n\n```python\n" + EXAMPLE.rstrip("\n") + "\n```\n\n"
        "```python\nfrom fastapi import FastAPI\n# ...\n@app.get('/')\ndef root():\n"
        "    return 1\n```\n"
    )


def test_include_paths_are_tried_from_the_page_upwards_and_never_leave_the_root():
    assert included_paths("docs/en/docs/x.md", "{* ../../docs_src/a.py *}") == [
        "docs/docs_src/a.py",
        "docs_src/a.py",
    ]
    assert included_paths("x.md", "{* ../../etc/passwd *}") == []
    assert included_paths("x.md", "{* /etc/passwd *}") == []
    assert expand_includes("x.md", "{* missing.py *}", {}.get) == "{* missing.py *}"


def test_includes_inside_code_fences_are_left_as_written():
    text = "```md\n{* a.py *}\n```\n"
    assert expand_includes("x.md", text, {"a.py": "x"}.get) == text


def test_a_fetched_folder_fills_in_includes_but_not_through_links_out(tmp_path: Path):
    outside = write_tree(tmp_path / "outside", {"secret.py": "SECRET = 1\n"})
    repo = write_tree(
        tmp_path / "repo",
        {
            "docs/en/docs/index.md": "# Home\n\n{* ../../docs_src/a.py *}\n\n{* ../../leak.py *}\n",
            "docs_src/a.py": EXAMPLE,
        },
    )
    (repo / "leak.py").symlink_to(outside / "secret.py")
    fetched = fetch_local(
        str(repo / "docs" / "en" / "docs"), tmp_path / "c", None, SilentReporter()
    )
    [page] = list(fetched.iter_files())
    # The folder added is docs/en/docs: docs_src lies outside it, so nothing is read.
    assert page.text is not None and "app = FastAPI()" not in page.text
    whole = fetch_local(str(repo), tmp_path / "c", None, SilentReporter())
    [page] = list(whole.iter_files())
    assert page.text is not None and "app = FastAPI()" in page.text
    assert "SECRET" not in page.text and "{* ../../leak.py *}" in page.text
