"""Website scope: which URLs belong to a source, normalised URLs, page ids, names."""

from __future__ import annotations

import pytest

from docshelf.errors import UsageError
from docshelf.sources.web_scope import normalize_url, parse_site_url, path_shape


def test_a_folder_url_covers_that_folder_and_below_on_its_host_only():
    scope = parse_site_url("https://Vite.dev:443/guide")
    assert (scope.host, scope.prefix) == ("vite.dev", "/guide/")
    assert scope.contains("https://vite.dev/guide")
    assert scope.contains("https://vite.dev/guide/features")
    assert not scope.contains("https://vite.dev/guides/x")
    assert not scope.contains("https://vite.dev/config/")
    assert not scope.contains("https://evil.dev/guide/x")
    assert not scope.contains("https://vite.dev:8443/guide/x")


def test_a_page_url_covers_its_folder():
    scope = parse_site_url("https://docs.python.org/3.12/library/os.html")
    assert scope.prefix == "/3.12/library/"
    assert scope.start == "https://docs.python.org/3.12/library/os.html"


def test_page_ids_are_paths_below_the_prefix_without_suffixes_and_index_is_its_folder():
    scope = parse_site_url("https://acme.dev/docs/")
    assert scope.page_id("https://acme.dev/docs/") == "index"
    assert scope.page_id("https://acme.dev/docs/index.html") == "index"
    assert scope.page_id("https://acme.dev/docs/guide/") == "guide"
    assert scope.page_id("https://acme.dev/docs/guide/index.html") == "guide"
    assert scope.page_id("https://acme.dev/docs/guide/config.html") == "guide/config"
    assert scope.page_id("https://acme.dev/docs/api/hooks.md") == "api/hooks"
    assert scope.page_id("https://acme.dev/docs/a%20b/c%3A%2A.html") == "a b/c-"


def test_urls_are_normalised_so_query_strings_and_fragments_collapse():
    base = "https://Acme.dev:443/docs/a/"
    assert normalize_url("../b//c/./d.html?month=5#top", base) == "https://acme.dev/docs/b/c/d.html"
    assert normalize_url("https://acme.dev/x/?y=1") == "https://acme.dev/x/"
    assert normalize_url("/a b") is None or normalize_url("/a b", base) == "https://acme.dev/a%20b"
    assert normalize_url("mailto:someone@acme.dev") is None
    assert normalize_url("javascript:alert(1)", base) is None
    assert normalize_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert normalize_url("http://acme.dev:notaport/") is None


def test_numbers_in_a_path_share_one_shape():
    assert path_shape("https://a.dev/events/2024/05/") == path_shape(
        "https://a.dev/events/2031/11/"
    )
    assert path_shape("https://a.dev/v2/guide") != path_shape("https://a.dev/v2/api")


@pytest.mark.parametrize(
    "url",
    ["ftp://acme.dev/docs", "acme.dev/docs", "https://user:pw@acme.dev/docs", "https://"],
)
def test_addresses_that_are_not_https_pages_are_refused_with_an_example(url: str):
    with pytest.raises(UsageError, match="https://"):
        parse_site_url(url)


def test_plain_http_is_for_localhost_unless_allowed():
    assert parse_site_url("http://127.0.0.1:8000/docs/").scheme == "http"
    assert parse_site_url("http://localhost/docs/").host == "localhost"
    with pytest.raises(UsageError, match="DOCSHELF_WEB_ALLOW_HTTP=on"):
        parse_site_url("http://acme.dev/docs/")
    assert parse_site_url("http://acme.dev/docs/", allow_http=True).scheme == "http"


def test_http_may_upgrade_to_https_on_the_same_host_and_allowed_hosts_are_on_host():
    scope = parse_site_url("http://localhost:8000/docs/", extra_hosts=("www.acme.dev",))
    assert scope.on_host("https://localhost:8000/docs/x")
    assert scope.on_host("https://www.acme.dev/docs/")
    assert not parse_site_url("https://acme.dev/").on_host("http://acme.dev/")


@pytest.mark.parametrize(
    ("url", "name", "version"),
    [
        ("https://vite.dev/guide/", "vite", "latest"),
        ("https://docs.python.org/3.12/library/", "python", "3.12"),
        ("https://www.acme.dev/v2/", "acme", "2"),
        ("https://fastapi.tiangolo.com/tutorial/", "fastapi", "latest"),
        ("http://127.0.0.1:9000/manual/", "manual", "latest"),
    ],
)
def test_library_name_and_version_come_from_the_address(url: str, name: str, version: str):
    scope = parse_site_url(url)
    assert (scope.library_name(), scope.version_label()) == (name, version)
