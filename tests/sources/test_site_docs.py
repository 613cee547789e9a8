"""`add --from site`: a package's docs taken from the website its registry metadata names.

Hermetic: the npm registry is faked in memory, PyPI and the websites are served on
127.0.0.1 (plain http is allowed for this machine only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_fake import FakeSite

from docshelf.cli import main
from docshelf.shelf import Shelf
from docshelf.sources import npm as npm_source
from docshelf.sources.provenance import DocsSite
from docshelf.sources.site_docs import NoDocsSiteError, site_url
from docshelf.store import manifest
from npm_fake import FakeNpm
from pypi_fake import FakePypi

TARBALL = {"README.md": "# widget\n\nA widget.\n", "index.js": "module.exports = {}\n"}


pytestmark = pytest.mark.usefixtures("no_web_delay")


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> FakeNpm:
    fake = FakeNpm()
    monkeypatch.setattr(npm_source, "NpmRegistry", fake.registry)
    return fake


@pytest.fixture
def pypi(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePypi]:
    with FakePypi() as fake:
        monkeypatch.setenv("DOCSHELF_PYPI_INDEX", fake.index_url)
        monkeypatch.setenv("DOCSHELF_PYPI_FILES", fake.files.url)
        yield fake


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Shelf]:
    with Shelf(tmp_path / "home") as shelf:
        yield shelf


def widget_site(site: FakeSite, guide: str = "Turn the widget on.") -> None:
    site.docs("/docs/", "Widget docs", "<p>Start with the widget here.</p>", ["/docs/guide"])
    site.docs("/docs/guide", "Guide", f"<p>{guide}</p>", ["/docs/"])


def test_npm_from_site_indexes_the_homepage_under_the_packages_name_and_version(
    home: Shelf, npm: FakeNpm, site: FakeSite
):
    widget_site(site)
    npm.publish("@acme/widget", "1.2.0", TARBALL, manifest={"homepage": f"{site.url}/docs/"})
    record = home.add_library("npm:@acme/widget@1.2.0", docs_from="site")
    assert (record.name, record.version, record.source) == (
        "widget",
        "1.2.0",
        "npm:@acme/widget@1.2.0",
    )
    assert record.origin.startswith(
        f"docs website {site.url}/docs/ (from the package's homepage); crawl of {site.url}/docs/"
    )
    assert home.list_paths("widget") == ["guide", "index"]
    assert "Turn the widget on." in home.read(["guide"], library="widget@1.2.0")[0].text


def test_the_cli_names_the_website_used_in_the_origin_line(
    npm: FakeNpm, site: FakeSite, tmp_path: Path
):
    widget_site(site)
    npm.publish("widget", "1.2.0", TARBALL, manifest={"homepage": f"{site.url}/docs/"})
    result = CliRunner().invoke(
        main, ["--home", str(tmp_path / "h"), "add", "npm:widget@1.2.0", "--from", "site", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert f"widget@1.2.0: docs website {site.url}/docs/ (from the package's homepage); " in (
        result.output
    )
    assert "Added widget@1.2.0: 2 pages" in result.output


def test_an_npm_homepage_that_is_the_repository_page_is_no_docs_website(home: Shelf, npm: FakeNpm):
    npm.publish(
        "widget",
        "1.2.0",
        TARBALL,
        manifest={
            "repository": "github:acme/widget",
            "homepage": "https://github.com/acme/widget#readme",
        },
    )
    npm.publish("bare", "1.0.0", TARBALL)
    with pytest.raises(NoDocsSiteError) as raised:
        home.add_library("npm:widget@1.2.0", docs_from="site")
    message = str(raised.value)
    assert "npm:widget@1.2.0 names no docs website in its metadata" in message
    assert "its homepage https://github.com/acme/widget#readme is its repository's page" in message
    assert "`docshelf add https://HOST/PATH --name widget`" in message
    assert "`docshelf add npm:widget@1.2.0 --from repo`" in message
    with pytest.raises(NoDocsSiteError, match=r"\(it has no `homepage`\)"):
        home.add_library("npm:bare@1.0.0", docs_from="site")
    assert home.list_libraries() == []


def test_pypi_from_site_prefers_the_documentation_link_to_the_homepage(
    home: Shelf, pypi: FakePypi, site: FakeSite, other: FakeSite
):
    widget_site(site)
    other.docs("/", "Home", "<p>The project's home page, not its docs.</p>")
    pypi.publish(
        "tiny-widget",
        "0.3.0",
        {"README.md": "# Tiny\n"},
        description="# Tiny\n",
        project_urls={"Homepage": f"{other.url}/", "Documentation": f"{site.url}/docs/"},
    )
    record = home.add_library("pypi:tiny-widget==0.3.0", docs_from="site")
    assert (record.name, record.version, record.source) == (
        "tiny-widget",
        "0.3.0",
        "pypi:tiny-widget==0.3.0",
    )
    assert record.origin.startswith(
        f"docs website {site.url}/docs/ (from its project_urls Documentation); "
    )
    assert home.list_paths("tiny-widget") == ["guide", "index"]
    assert other.requests == []


def test_pypi_from_site_falls_back_to_the_homepage_and_says_so_when_there_is_none(
    home: Shelf, pypi: FakePypi, site: FakeSite
):
    widget_site(site)
    pypi.publish(
        "homed", "1.0.0", {"README.md": "# H\n"}, project_urls={"Homepage": f"{site.url}/docs/"}
    )
    pypi.publish("bare", "1.0.0", {"README.md": "# B\n"}, project_urls={"Issues": f"{site.url}/x"})
    record = home.add_library("pypi:homed==1.0.0", docs_from="site")
    assert record.origin.startswith(
        f"docs website {site.url}/docs/ (from its project_urls Homepage)"
    )
    with pytest.raises(NoDocsSiteError) as raised:
        home.add_library("pypi:bare==1.0.0", docs_from="site")
    assert "(its project_urls have no Documentation or Homepage link)" in str(raised.value)
    assert "`docshelf add https://HOST/PATH --name bare`" in str(raised.value)


def test_reindex_fetches_the_packages_website_again(home: Shelf, npm: FakeNpm, site: FakeSite):
    widget_site(site)
    npm.publish("widget", "1.2.0", TARBALL, manifest={"homepage": f"{site.url}/docs/"})
    home.add_library("npm:widget@1.2.0", docs_from="site")
    [entry] = manifest.read_manifest(home.home)
    assert (entry.source, entry.docs_from) == ("npm:widget@1.2.0", "site")
    widget_site(site, guide="Turn the widget off first.")
    [rebuilt] = home.reindex()
    assert (rebuilt.name, rebuilt.version) == ("widget", "1.2.0")
    assert rebuilt.origin.startswith(f"docs website {site.url}/docs/")
    assert "Turn the widget off first." in home.read(["guide"], library="widget")[0].text


def test_a_plain_http_link_in_metadata_is_fetched_over_https_except_on_this_machine(
    monkeypatch: pytest.MonkeyPatch,
):
    named = "the package's homepage"
    assert site_url(DocsSite("http://click.example.org/en/#top", named)) == (
        "https://click.example.org/en/"
    )
    assert site_url(DocsSite("http://127.0.0.1:8000/docs/", named)) == (
        "http://127.0.0.1:8000/docs/"
    )
    monkeypatch.setenv("DOCSHELF_WEB_ALLOW_HTTP", "on")
    assert site_url(DocsSite("http://click.example.org/", named)) == "http://click.example.org/"
