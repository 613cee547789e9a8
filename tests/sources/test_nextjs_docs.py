"""Next.js's docs folder and other numbered folders: URL page ids, file order, shared pages."""

from __future__ import annotations

from pathlib import Path

from corpus import write_tree
from docshelf.progress import SilentReporter
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.local import fetch_docs as fetch_local

NEXT_DOCS = {
    "package.json": "{}",
    "dist/docs/index.md": "---\ntitle: Docs\n---\n\nWelcome.\n",
    "dist/docs/01-app/index.mdx": "---\ntitle: App Router\n---\n\nThe App Router.\n",
    "dist/docs/01-app/01-getting-started/01-installation.mdx": "# Installation\n",
    "dist/docs/01-app/03-api-reference/02-components/link.mdx": (
        "---\ntitle: Link\n---\n\nShared.\n\n<PagesOnly>\n\nPages bit.\n\n</PagesOnly>\n"
    ),
    "dist/docs/02-pages/index.mdx": "---\ntitle: Pages Router\n---\n\nOlder.\n",
    "dist/docs/02-pages/04-api-reference/01-components/link.mdx": (
        "---\ntitle: Link (Pages)\nsource: app/api-reference/components/link\n---\n\n"
        "{/* DO NOT EDIT. The content is generated from the source above. */}\n"
    ),
    "dist/docs/02-pages/04-api-reference/01-components/head.mdx": (
        "---\ntitle: Head\nsource: app/api-reference/components/missing\n---\n\nOwn text.\n"
    ),
}


def test_nextjs_docs_are_named_by_their_nextjs_org_paths(tmp_path: Path):
    layout = discover_docs(FolderTree(write_tree(tmp_path / "next", NEXT_DOCS)))
    assert layout.describe() == "Next.js docs in dist/docs/"
    docs = {d.page_id: d for d in layout.files}
    assert sorted(docs) == [
        "app",
        "app/api-reference/components/link",
        "app/getting-started/installation",
        "index",
        "pages",
        "pages/api-reference/components/head",
        "pages/api-reference/components/link",
    ]
    assert docs["app/getting-started/installation"].order == (
        "01-app/01-getting-started/01-installation"
    )
    assert docs["app"].format == "next-app" and docs["pages"].format == "next-pages"
    link = docs["pages/api-reference/components/link"]
    assert link.text_from == "dist/docs/01-app/03-api-reference/02-components/link.mdx"
    assert docs["pages/api-reference/components/head"].text_from == ""  # no such source


def test_a_shared_pages_page_shows_its_app_source_as_the_pages_router_sees_it(tmp_path: Path):
    from docshelf.shelf import Shelf

    write_tree(tmp_path / "next", NEXT_DOCS)
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(tmp_path / "next" / "dist" / "docs"), name="next")
        pages = shelf.read(["pages/api-reference/components/link"])[0]
        app = shelf.read(["app/api-reference/components/link"])[0]
        assert pages.title == "Link (Pages)" and "Shared." in pages.text
        assert "Pages bit." in pages.text and "Pages bit." not in app.text
        listing = shelf.read([""])[0].text
        assert listing.index("- app/") < listing.index("- pages/")


def test_a_numbered_folder_drops_prefixes_from_ids_and_keeps_them_for_order(tmp_path: Path):
    files = {
        "docs/01-start/02-second.md": "# Second",
        "docs/01-start/10-tenth.md": "# Tenth",
        "docs/02-guides/a.md": "# A",
        "docs/index.md": "# Home",
    }
    layout = discover_docs(FolderTree(write_tree(tmp_path / "n", files)))
    assert [(d.page_id, d.order) for d in layout.files] == [
        ("guides/a", "02-guides/a"),
        ("index", ""),
        ("start/second", "01-start/02-second"),
        ("start/tenth", "01-start/10-tenth"),
    ]


def test_mastra_style_numbered_lessons_keep_their_ids(tmp_path: Path):
    files = {
        ".docs/course/01-first-agent/01-intro.md": "# Intro",
        ".docs/reference/index.md": "# Reference",
    }
    folder = write_tree(tmp_path / "m", files) / ".docs"
    fetched = fetch_local(str(folder), tmp_path / "cache", None, SilentReporter())
    assert [d.page_id for d in fetched.documents] == [
        "course/01-first-agent/01-intro",
        "reference/index",
    ]


def test_listings_follow_the_files_order_not_the_alphabet(tmp_path: Path):
    from docshelf.shelf import Shelf

    files = {
        "01-start/02-second.md": "# Second",
        "01-start/10-tenth.md": "# Tenth",
        "01-start/03-third.md": "# Third",
        "02-guides/a.md": "# A",
    }
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(write_tree(tmp_path / "n", files)), name="n")
        top = shelf.read([""])[0].text
        assert top.index("- start/") < top.index("- guides/")
        start = shelf.read(["start"])[0].text
        assert start.index("start/second") < start.index("start/third") < start.index("start/tenth")
