import re
from pathlib import Path

import pytest

from docshelf.errors import InvalidPathError, UsageError
from docshelf.reading.read import normalize_path
from docshelf.shelf import Shelf


def read1(shelf: Shelf, path: str, **kw):
    return shelf.read([path], library="demo", **kw)[0]


def test_read_page_with_or_without_md_suffix(shelf: Shelf):
    a, b = read1(shelf, "docs/agents/overview"), read1(shelf, "docs/agents/overview.md")
    assert a.kind == "page" and a.text == b.text
    assert a.title == "Agents overview"
    assert a.text.startswith("# Agents")


def test_read_directory_returns_its_index_and_listing(shelf: Shelf):
    result = read1(shelf, "docs")
    assert result.kind == "index"
    assert "Start here." in result.text
    assert "- docs/agents/ (2 pages)" in result.text


def test_read_directory_without_index_lists_subdirectories_and_pages(shelf: Shelf):
    result = read1(shelf, "reference")
    assert result.kind == "listing"
    assert "- reference/tools/ (1 pages)" in result.text
    result = read1(shelf, "reference/tools/")
    assert "- reference/tools/create-tool: createTool()" in result.text


def test_read_root_returns_top_index(shelf: Shelf):
    result = read1(shelf, "")
    assert result.kind == "index" and "Welcome" in result.text
    assert "- docs/" in result.text


def test_read_missing_path_lists_nearest_directory_and_suggests(shelf: Shelf):
    result = read1(shelf, "docs/agents/tool-streaming")
    assert result.kind == "missing" and result.is_error
    assert "Nearest existing directory: 'docs/agents'" in result.text
    assert "docs/agents/using-tools" in result.text
    assert result.suggestions and result.suggestions[0].path.startswith("docs/agents")


@pytest.mark.parametrize(
    "path",
    ["../etc/passwd", "docs/../../x", "..%2f..%2fetc", "..\\windows", "C:/x", "~/x", "a\x00b"],
)
def test_paths_escaping_the_docs_root_are_refused(shelf: Shelf, path):
    with pytest.raises(InvalidPathError):
        shelf.read([path], library="demo")


def test_leading_slash_and_dots_are_normalised():
    assert normalize_path("/docs/./agents/overview.md") == "docs/agents/overview"
    assert normalize_path("  reference/  ") == "reference"


def test_section_selects_heading_with_subsections(shelf: Shelf):
    result = read1(shelf, "reference/tools/create-tool", section="parameters")
    assert result.text.startswith("## Parameters")
    assert "### inputSchema" in result.text
    assert "Creates a tool" not in result.text


def test_unknown_section_lists_the_page_sections(shelf: Shelf):
    result = read1(shelf, "docs/agents/overview", section="nonexistent")
    assert result.is_error
    assert "Agents > Memory" in result.text


def test_max_tokens_cuts_at_section_boundaries_and_names_the_rest(shelf: Shelf):
    result = read1(shelf, "docs/agents/overview", max_tokens=20)
    assert result.truncated
    assert result.omitted_sections == ("Agents > Memory", "Agents > Tools")
    assert "## Memory" not in result.text
    assert "section" in result.text.split("---")[-1]


def test_max_tokens_smaller_than_first_section_still_returns_something(shelf: Shelf):
    result = read1(shelf, "docs/workspace/sandbox", max_tokens=3)
    assert result.truncated and result.text


def test_several_paths_are_read_in_order(shelf: Shelf):
    results = shelf.read(["docs/agents/overview", "reference/core/getAgentById"], library="demo")
    assert [r.path for r in results] == ["docs/agents/overview", "reference/core/getAgentById"]


def test_empty_path_list_is_a_usage_error(shelf: Shelf):
    with pytest.raises(UsageError):
        shelf.read([], library="demo")


def test_library_may_be_omitted_when_only_one_exists(shelf: Shelf):
    assert shelf.read(["docs"])[0].kind == "index"


def test_list_directory_gives_subdirectories_with_counts_and_pages(shelf: Shelf):
    top = shelf.list_directory("", library="demo")
    assert ("docs/", 4) in top.subdirs and ("reference/", 3) in top.subdirs
    agents = shelf.list_directory("docs/agents", library="demo")
    assert [p.path for p in agents.pages] == ["docs/agents/overview", "docs/agents/using-tools"]


def test_a_page_path_too_long_to_read_is_not_indexed_and_is_named(tmp_path: Path):
    docs = tmp_path / "docs"
    deep = docs.joinpath(*["d" * 99] * 11)  # 11 folders of 99 letters: 1,100 characters
    deep.mkdir(parents=True)
    (deep / "page.md").write_text("# Deep\n\nFar down.\n")
    (docs / "intro.md").write_text("# Intro\n\nHello.\n")
    with Shelf(tmp_path / "home") as shelf:
        record = shelf.add_library(str(docs), name="deep")
        paths = [p.path for p in shelf.list_pages(shelf.resolve_version("deep"))]
    assert paths == ["intro"]
    assert len(record.skipped) == 1
    assert "longer than 1024 characters" in record.skipped[0].reason


LONG = (
    "# Long\n\n"
    + "".join(
        f"## Part {i}\n\n" + f"Line {i} of the long page, with a few words.\n" * 30 + "\n"
        for i in range(12)
    )
    + "x" * 3000
)  # and one line longer than any budget


@pytest.fixture
def long_shelf(tmp_path: Path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.index_files("long", "1.0.0", "test", [("long", LONG), ("short", "# Short\n")])
        yield shelf


def test_more_paths_than_the_cap_are_refused_with_how_to_split(shelf: Shelf):
    with pytest.raises(UsageError, match=r"at most 20 paths.*2000"):
        shelf.read(["docs"] * 2000, library="demo")


def test_a_long_page_is_read_in_parts_that_add_up_to_the_page(long_shelf: Shelf):
    parts: list[str] = []
    offset = 0
    while True:
        (result,) = long_shelf.read(["long"], max_tokens=300, offset=offset)
        body, _, note = result.text.partition("\n\n[")
        parts.append(body)
        if not result.truncated:
            break
        offset = int(re.search(r"`--offset (\d+)`", note)[1])  # the CLI's words
        assert len(body) <= 300 * 4
    assert "".join(parts) == long_shelf.page_content(
        long_shelf.resolve_version("long").record, "long"
    )
    assert len(parts) > 5


def test_a_cut_page_names_the_sections_it_left_out(long_shelf: Shelf):
    (result,) = long_shelf.read(["long"], max_tokens=300)
    assert result.truncated
    assert result.omitted_sections[:2] == ("Long > Part 1", "Long > Part 2")
    assert "Read on with `--offset " in result.text


def test_paths_past_the_budget_are_named_not_read(long_shelf: Shelf):
    first, second = long_shelf.read(["long", "short"], max_tokens=300)
    assert first.truncated
    assert second.truncated and "# Short" not in second.text
    assert "read it in another call" in second.text


def test_an_offset_continues_one_page_only(long_shelf: Shelf):
    with pytest.raises(UsageError, match="offset` continues one page"):
        long_shelf.read(["long", "short"], offset=10)


@pytest.fixture
def site(tmp_path):
    """A library whose page ids follow site URLs: `guide` is a page and a folder."""
    with Shelf(tmp_path / "site-home") as s:
        s.index_files(
            "site",
            "1.0.0",
            "test",
            [
                ("index", "# Home\n\nWelcome."),
                ("guide", "# Guide\n\nStart here."),
                ("guide/install", "# Install\n\nRun it."),
                ("guide/deep/more", "# More"),
                ("api", "# API"),
            ],
        )
        yield s


def test_a_page_that_is_also_a_folder_reads_as_that_folders_index(site: Shelf):
    result = site.read(["guide"], library="site")[0]
    assert result.kind == "index"
    assert result.text.startswith("# Guide\n\nStart here.")
    assert "- guide/install: Install" in result.text and "- guide/deep/ (1 pages)" in result.text


def test_folder_index_paths_lead_to_the_page_named_after_the_folder(site: Shelf):
    result = site.read(["guide/index"], library="site")[0]
    assert (result.kind, result.path) == ("index", "guide")
    assert site.read(["guide"], library="site", section="Guide")[0].kind == "page"


def test_a_leaf_page_still_reads_as_a_page_and_the_root_as_the_index(site: Shelf):
    assert site.read(["api"], library="site")[0].kind == "page"
    root = site.read([""], library="site")[0]
    assert root.kind == "index" and "Welcome." in root.text


def test_listings_show_a_folders_own_page_as_the_folder_only(site: Shelf):
    listing = site.list_directory("", library="site")
    assert [p.path for p in listing.pages] == ["api"]
    assert listing.subdirs == (("guide/", 2),)


def test_search_hits_name_the_folder_page_by_its_url_path(site: Shelf):
    hits = site.search("start here", library="site")
    assert hits[0].path == "guide"
