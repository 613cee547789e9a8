"""Links to pages: URLs, site paths and relative links resolved, and rewritten in reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.reading.links import LinkTarget, PageIndex, rewrite_links, split_link
from docshelf.shelf import Shelf

INDEX = PageIndex(
    {
        "app/api-reference/functions/fetch": "docs/01-app/03-api-reference/04-functions/fetch.mdx",
        "app/getting-started/installation": "docs/01-app/01-getting-started/01-installation.mdx",
        "guide": "docs/guide/index.md",
        "guide/features": "docs/guide/features.md",
        "tutorial/first-steps": "docs/en/docs/tutorial/first-steps.md",
        "tutorial/body": "docs/en/docs/tutorial/body.md",
        "index": "docs/index.md",
    }
)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "https://nextjs.org/docs/app/api-reference/functions/fetch",
            "app/api-reference/functions/fetch",
        ),
        ("/docs/app/getting-started/installation#cli", "app/getting-started/installation#cli"),
        ("/guide/features.html#hmr", "guide/features#hmr"),
        ("/guide/", "guide"),
        ("https://vite.dev/guide/index.html", "guide"),
        ("docs/01-app/03-api-reference/04-functions/fetch", "app/api-reference/functions/fetch"),
    ],
)
def test_urls_and_site_paths_find_their_page_by_the_longest_matching_tail(target, expected):
    assert str(INDEX.resolve(target)) == expected


def test_relative_links_resolve_from_the_file_that_holds_them():
    base = "docs/en/docs/tutorial/first-steps.md"
    assert INDEX.resolve("body.md#request", base) == LinkTarget("tutorial/body", "request")
    assert INDEX.resolve("../../../guide/features", "docs/en/docs/x/y.md") == LinkTarget(
        "guide/features"
    )
    assert INDEX.resolve("../../../../../guide", "docs/en/docs/x/y.md") is None
    assert INDEX.resolve("./features", "docs/guide/index.md") == LinkTarget("guide/features")
    assert INDEX.resolve("mailto:a@b.c") is None and INDEX.resolve("#top", base) is None


def test_rewriting_turns_page_links_into_page_paths_and_leaves_the_rest():
    text = (
        "See [fetch](/docs/app/api-reference/functions/fetch) and [body](body.md#x), "
        "[site](https://nextjs.org/docs/app), [gone](/docs/nothing).\n\n"
        "```md\n[code](body.md)\n```\n\n`[inline](body.md)`\n\n[ref]: ./body.md\n"
    )
    out = rewrite_links(text, "docs/en/docs/tutorial/first-steps.md", INDEX)
    assert out == (
        "See [fetch](app/api-reference/functions/fetch) and [body](tutorial/body#x), "
        "[site](https://nextjs.org/docs/app), [gone](/docs/nothing).\n\n"
        "```md\n[code](body.md)\n```\n\n`[inline](body.md)`\n\n[ref]: tutorial/body\n"
    )


def test_split_link_takes_a_urls_path_and_anchor():
    assert split_link("https://fastapi.tiangolo.com/tutorial/body/#request") == (
        "/tutorial/body/",
        "request",
    )
    assert split_link("guide/features#hmr") == ("guide/features", "hmr")


def test_an_agent_follows_a_link_it_just_read(tmp_path: Path):
    site = write_tree(
        tmp_path / "site",
        {
            "mkdocs.yml": "site_name: demo\n",
            "docs/index.md": "# Home\n\nStart with [the tutorial](tutorial/first-steps.md).\n",
            "docs/tutorial/first-steps.md": (
                "# First Steps { #first-steps }\n\nThen send a [body](body.md#send-it).\n"
            ),
            "docs/tutorial/body.md": "# Body\n\nIntro.\n\n## Send it { #send-it }\n\nPOST it.\n",
        },
    )
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(site), name="demo")
        home = shelf.read(["index"])[0]
        assert "[the tutorial](tutorial/first-steps)" in home.text
        step = shelf.read(["tutorial/first-steps"])[0]
        assert "[body](tutorial/body#send-it)" in step.text
        followed = shelf.read(["tutorial/body#send-it"])[0]
        assert followed.kind == "page" and followed.text.startswith("## Send it")
        by_url = shelf.read(["https://demo.example/tutorial/body/#send-it"])[0]
        assert (by_url.path, by_url.text) == ("tutorial/body", followed.text)
        assert shelf.read(["/tutorial/first-steps/"])[0].title == "First Steps"
