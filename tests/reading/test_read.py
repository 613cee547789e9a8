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
