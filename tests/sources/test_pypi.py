"""Tests for PyPI specs, release resolution and downloads, against a fake PyPI on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.version import Version

from docshelf.errors import SourceError, UsageError
from docshelf.locks import hold_lock
from docshelf.sources.errors import (
    HostNotAllowedError,
    IntegrityError,
    PackageNotFoundError,
    PypiIndexError,
    UnsafeArchiveError,
)
from docshelf.sources.pypi import CACHE_LOCK, fetch_pypi_package
from docshelf.sources.pypi_index import PypiIndex
from docshelf.sources.pypi_release import (
    PypiFile,
    PypiSpec,
    choose_file,
    file_from,
    parse_pypi_spec,
    pick_version,
)
from pypi_fake import FakePypi

SHA = "a" * 64


@pytest.fixture
def fake() -> Iterator[FakePypi]:
    with FakePypi() as server:
        yield server


@pytest.fixture
def index(fake: FakePypi) -> Iterator[PypiIndex]:
    with PypiIndex(fake.index_url, files_url=fake.files.url, retries=0, timeout=10) as client:
        yield client


# -- specs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "specifier", "normalized"),
    [
        ("pypi:click", "click", "", "click"),
        ("pypi:click==8.1.7", "click", "==8.1.7", "click"),
        ("httpx>=0.27,<0.28", "httpx", ">=0.27,<0.28", "httpx"),
        ("pypi:Foo_Bar.baz ~= 2.1", "Foo_Bar.baz", "~=2.1", "foo-bar-baz"),
    ],
)
def test_a_spec_is_a_project_name_and_a_pep_440_specifier(
    text: str, name: str, specifier: str, normalized: str
) -> None:
    spec = parse_pypi_spec(text)
    assert (spec.name, spec.specifier, spec.normalized) == (name, specifier, normalized)


def test_an_npm_style_at_version_is_refused_with_the_pypi_spelling() -> None:
    with pytest.raises(UsageError, match=r"Write pypi:click==8\.1\.7\."):
        parse_pypi_spec("pypi:click@8.1.7")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pypi:", "not a valid project name"),
        ("pypi:-bad", "not a valid project name"),
        ("pypi:click==not a version", "not a PEP 440 version specifier"),
        ("pypi:requests[socks]>=2", r"extras such as \[socks\] do not change the docs"),
    ],
)
def test_bad_specs_say_how_to_write_one(text: str, says: str) -> None:
    with pytest.raises(UsageError, match=says) as caught:
        parse_pypi_spec(text)
    assert "pypi:" in str(caught.value)


def test_only_a_single_exact_pin_counts_as_pinned() -> None:
    assert PypiSpec("x", "==1.0").pinned == Version("1.0")
    assert PypiSpec("x", "==1.*").pinned is None
    assert PypiSpec("x", ">=1.0").pinned is None


# -- choosing a release and a file ------------------------------------------------------


def files(*, yanked: bool = False) -> list[dict]:
    return [{"filename": "x.tar.gz", "yanked": yanked}]


RELEASES = {
    Version("1.0"): files(),
    Version("1.1"): files(),
    Version("2.0"): files(yanked=True),
    Version("2.1rc1"): files(),
    Version("0.9"): [],  # a release without files
}


@pytest.mark.parametrize(
    ("specifier", "picked"),
    [
        ("", "1.1"),  # the newest final release that is not yanked
        ("<1.1", "1.0"),
        ("==2.0", "2.0"),  # a yanked release only when pinned
        (">=2.1rc1", "2.1rc1"),  # a prerelease when the specifier names one
        (">1.1", "2.1rc1"),  # or when it is the only match
    ],
)
def test_pick_version_follows_pep_440_and_pep_592(specifier: str, picked: str) -> None:
    assert pick_version(PypiSpec("x", specifier), dict(RELEASES)) == Version(picked)


def test_no_matching_release_lists_the_nearest_releases() -> None:
    with pytest.raises(PackageNotFoundError) as caught:
        pick_version(PypiSpec("x", "==1.05.1"), dict(RELEASES))
    message = str(caught.value)
    assert "no release matching '==1.05.1'; nearest releases: 2.1rc1, 1.1, 1.0" in message
    assert "yanked, usable only when pinned with ==: 2.0" in message
    assert "pypi:x==2.1rc1" in message


def test_choose_file_prefers_a_gzipped_sdist_then_a_zip_then_a_portable_wheel() -> None:
    def f(name: str, kind: str) -> PypiFile:
        return PypiFile(name, f"https://f/{name}", SHA, kind)

    wheel = f("x-1.0-cp312-cp312-manylinux.whl", "bdist_wheel")
    universal = f("x-1.0-py3-none-any.whl", "bdist_wheel")
    zipped = f("x-1.0.zip", "sdist")
    gzipped = f("x-1.0.tar.gz", "sdist")
    assert choose_file([wheel, universal, zipped, gzipped]) == gzipped
    assert choose_file([wheel, universal, zipped]) == zipped
    assert choose_file([wheel, universal]) == universal
    assert choose_file([f("x-1.0.win32.exe", "bdist_wininst"), f("x.egg", "bdist_egg")]) is None


def test_file_urls_resolve_against_the_json_and_a_missing_sha256_is_refused() -> None:
    raw = {"filename": "x.tar.gz", "url": "../../packages/x.tar.gz", "digests": {"sha256": SHA}}
    picked = file_from(raw, "https://mirror.test/pypi/x/json")
    assert picked is not None and picked.url == "https://mirror.test/packages/x.tar.gz"
    with pytest.raises(IntegrityError, match=r"no sha256 for x\.tar\.gz"):
        file_from({**raw, "digests": {"md5": "0" * 32}}, "https://mirror.test/pypi/x/json")


# -- downloads --------------------------------------------------------------------------


def test_fetch_verifies_and_unpacks_an_sdist_into_the_npm_style_cache(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("Demo_Pkg", "1.0", {"docs/index.md": "# Old\n"})
    fake.publish("Demo_Pkg", "1.2", {"docs/index.md": "# Hello\n"}, project_urls={"Source": "x"})
    fetched = fetch_pypi_package("pypi:demo-pkg", tmp_path, index=index)
    version_dir = tmp_path / "pypi" / "demo-pkg" / "1.2"
    assert (fetched.name, fetched.version) == ("demo-pkg", "1.2")
    assert fetched.root == version_dir / "unpacked" / "Demo_Pkg-1.2"
    assert (fetched.root / "docs" / "index.md").read_text() == "# Hello\n"
    assert sorted(p.name for p in version_dir.iterdir()) == [
        ".lock",  # held while a fetch works in the folder (see the leftovers below)
        "Demo_Pkg-1.2.tar.gz",
        "release.json",
        "unpacked",
    ]
    assert fetched.release.project_urls == (("Source", "x"),)
    assert fake.rogue.requests == []


def leave_debris(version_dir: Path) -> list[Path]:
    """What a fetch killed while downloading and unpacking leaves in its version folder."""
    staging = version_dir / ".unpacked.k1ll3d.partial" / "demo-1.0"
    staging.mkdir(parents=True)
    (staging / "README.md").write_text("# Half unpacked\n")
    part = version_dir / ".demo-1.0.tar.gz.k1ll3d.part"
    part.write_bytes(b"half an sdist")
    return [staging.parent, part]


def test_the_next_fetch_removes_what_a_killed_fetch_left_behind(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.1", {"README.md": "# Demo\n"})
    debris = leave_debris(tmp_path / "pypi" / "demo" / "1.0")

    fetch_pypi_package("demo==1.1", tmp_path, index=index)  # another version

    assert [p for p in debris if p.exists()] == []


def test_a_fetch_in_progress_elsewhere_keeps_its_files(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.1", {"README.md": "# Demo\n"})
    version_dir = tmp_path / "pypi" / "demo" / "1.0"
    debris = leave_debris(version_dir)

    with hold_lock(version_dir / CACHE_LOCK):  # as another process fetching 1.0 would
        fetch_pypi_package("demo==1.1", tmp_path, index=index)

    assert [p for p in debris if p.exists()] == debris


def test_a_cached_pinned_release_is_served_without_the_network(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "# Demo\n"})
    fetch_pypi_package("demo==1.0", tmp_path, index=index)
    asked = len(fake.index.requests) + len(fake.files.requests)

    offline = PypiIndex("http://127.0.0.1:9/pypi", files_url="", retries=0, timeout=1)
    again = fetch_pypi_package("demo==1.0", tmp_path, index=offline)
    assert again.version == "1.0"
    assert len(fake.index.requests) + len(fake.files.requests) == asked


def test_a_mirror_serving_files_from_relative_urls_on_its_own_host_works(
    fake: FakePypi, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "# Demo\n"}, host="index", relative=True)
    with PypiIndex(fake.index_url, files_url="", retries=0, timeout=10) as only_the_index:
        fetched = fetch_pypi_package("demo", tmp_path, index=only_the_index)
    assert (fetched.root / "README.md").is_file()
    assert fake.index.requests[-1] == "/packages/demo-1.0.tar.gz"


def test_a_file_on_a_host_nobody_named_is_refused_before_any_request(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"}, host="rogue")
    with pytest.raises(HostNotAllowedError) as caught:
        fetch_pypi_package("demo", tmp_path, index=index)
    assert fake.rogue.url in str(caught.value) and "DOCSHELF_PYPI_FILES" in str(caught.value)
    assert fake.rogue.requests == []
    assert not (tmp_path / "pypi" / "demo" / "1.0" / "unpacked").exists()


def test_a_redirect_to_another_host_is_refused(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"})
    fake.files.scripted.append(lambda path: (302, {"Location": f"{fake.rogue.url}{path}"}, b""))
    with pytest.raises(HostNotAllowedError):
        fetch_pypi_package("demo", tmp_path, index=index)
    assert fake.rogue.requests == []


def test_a_redirect_between_the_allowed_hosts_is_followed(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    url = fake.publish("demo", "1.0", {"README.md": "# Demo\n"})
    fake.index.scripted.append(
        lambda path: (301, {"Location": url}, b"") if path.startswith("/mirror/") else None
    )
    fake.index.routes["/pypi/demo/json"] = _rewrite(fake, "/pypi/demo/json", url, "/mirror/x")
    fetched = fetch_pypi_package("demo", tmp_path, index=index)
    assert (fetched.root / "README.md").read_text() == "# Demo\n"
    assert "/mirror/x" in fake.index.requests


def _rewrite(fake: FakePypi, route: str, old: str, new: str):  # type: ignore[no-untyped-def]
    original = fake.index.routes[route]

    def answer():  # type: ignore[no-untyped-def]
        status, headers, body = original()
        return status, headers, body.replace(old.encode(), f"{fake.index.url}{new}".encode())

    return answer


def test_a_bad_hash_is_refused_and_nothing_is_kept(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"}, sha256="0" * 64)
    with pytest.raises(IntegrityError, match="does not match the sha256") as caught:
        fetch_pypi_package("demo", tmp_path, index=index)
    assert "previous index of this library is untouched" in str(caught.value)
    assert [p.name for p in (tmp_path / "pypi" / "demo" / "1.0").iterdir()] == [CACHE_LOCK]


def test_an_unknown_project_says_to_check_the_name_since_pypi_has_no_search(
    index: PypiIndex, tmp_path: Path
) -> None:
    with pytest.raises(PackageNotFoundError, match="no search API") as caught:
        fetch_pypi_package("pypi:nosuchthing", tmp_path, index=index)
    assert "/pypi/nosuchthing/json" in str(caught.value)


def test_a_specifier_no_release_matches_lists_the_nearest(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    for version in ("1.0", "1.1", "2.0"):
        fake.publish("demo", version, {"README.md": "x"})
    with pytest.raises(PackageNotFoundError, match=r"nearest releases: 2\.0, 1\.1, 1\.0"):
        fetch_pypi_package("demo>=3", tmp_path, index=index)


def test_a_release_with_neither_sdist_nor_wheel_is_refused(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"})
    fake.publish("demo", "2.0", kind="exe")
    with pytest.raises(PackageNotFoundError, match="neither an sdist") as caught:
        fetch_pypi_package("demo==2.0", tmp_path, index=index)
    assert "demo-2.0.win32.exe" in str(caught.value) and "pypi:demo==1.0" in str(caught.value)


def test_a_wheel_is_used_when_there_is_no_sdist(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"demo/__init__.py": ""}, kind="wheel", description="# Hi")
    fetched = fetch_pypi_package("demo", tmp_path, index=index)
    assert fetched.release.file.packagetype == "bdist_wheel"
    assert (fetched.root / "demo-1.0.dist-info" / "METADATA").is_file()


def test_a_zip_sdist_is_unpacked(fake: FakePypi, index: PypiIndex, tmp_path: Path) -> None:
    fake.publish("demo", "1.0", {"docs/a.rst": "A\n=\n"}, kind="sdist-zip")
    fetched = fetch_pypi_package("demo", tmp_path, index=index)
    assert (fetched.root / "docs" / "a.rst").read_text() == "A\n=\n"


def test_a_hostile_sdist_is_refused_and_not_kept(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        link = tarfile.TarInfo("demo-1.0/docs")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc"
        tar.addfile(link)
    fake.publish("demo", "1.0", archive=buffer.getvalue())
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        fetch_pypi_package("demo", tmp_path, index=index)
    assert [p.name for p in (tmp_path / "pypi" / "demo" / "1.0").iterdir()] == [CACHE_LOCK]


def test_a_project_document_without_releases_uses_its_urls_and_release_documents(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.list_releases = False
    fake.publish("demo", "1.0", {"README.md": "old"})
    fake.publish("demo", "2.0", {"README.md": "new"})
    assert (fetch_pypi_package("demo", tmp_path, index=index).root / "README.md").read_text() == (
        "new"
    )
    pinned = fetch_pypi_package("demo==1.0", tmp_path, index=index)
    assert (pinned.root / "README.md").read_text() == "old"


def test_an_index_without_release_documents_still_serves_older_releases(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.release_documents = False  # some mirrors answer 404 for /NAME/VERSION/json
    fake.publish("demo", "1.0", {"README.md": "old"}, project_urls={"Source": "s"})
    fake.publish("demo", "2.0", {"README.md": "new"})
    fetched = fetch_pypi_package("demo==1.0", tmp_path, index=index)
    assert (fetched.root / "README.md").read_text() == "old"
    assert fetched.release.project_urls == ()  # only the newest release's info was known


def test_transient_server_errors_are_retried(fake: FakePypi, tmp_path: Path) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"})
    fake.index.scripted.append(lambda path: (503, {}, b"busy"))
    fake.files.scripted.append(lambda path: (502, {}, b"bad gateway"))
    with PypiIndex(
        fake.index_url, files_url=fake.files.url, retries=1, sleep=lambda s: None, timeout=10
    ) as patient:
        assert fetch_pypi_package("demo", tmp_path, index=patient).version == "1.0"


def test_an_unreachable_index_is_named_in_the_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/pypi"
    with (
        PypiIndex(url, files_url="", retries=0, timeout=5) as closed,
        pytest.raises(PypiIndexError) as caught,
    ):
        fetch_pypi_package("demo", tmp_path, index=closed)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "DOCSHELF_PYPI_INDEX" in str(caught.value)


def test_a_download_over_the_size_cap_is_not_kept(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "x" * 5000})
    release, _info = index.resolve("demo")
    with pytest.raises(SourceError, match="larger than 0 MiB"):
        index.download(release, tmp_path / "demo.tar.gz", max_bytes=100)
    assert list(tmp_path.iterdir()) == []


def test_metadata_past_the_deadline_is_abandoned(fake: FakePypi) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"})
    with (
        PypiIndex(
            fake.index_url, files_url=fake.files.url, retries=0, deadline_seconds=1e-9, timeout=10
        ) as hurried,
        pytest.raises(SourceError, match="DOCSHELF_DOWNLOAD_TIMEOUT"),
    ):
        hurried.resolve("demo")


def test_a_download_past_the_deadline_is_abandoned(fake: FakePypi, tmp_path: Path) -> None:
    fake.publish("demo", "1.0", {"README.md": "x"})
    with PypiIndex(fake.index_url, files_url=fake.files.url, retries=0, timeout=10) as index:
        release, _info = index.resolve("demo")
    with (
        PypiIndex(
            fake.index_url, files_url=fake.files.url, retries=0, deadline_seconds=1e-9, timeout=10
        ) as hurried,
        pytest.raises(SourceError, match="DOCSHELF_DOWNLOAD_TIMEOUT"),
    ):
        hurried.download(release, tmp_path / "demo.tar.gz")
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_that_would_leave_the_cache_is_not_used_as_one(
    fake: FakePypi, index: PypiIndex, tmp_path: Path
) -> None:
    fake.publish("demo", "1.0", {"README.md": "# Demo\n"}, listed_name="../../../evil.tar.gz")
    fetched = fetch_pypi_package("demo", tmp_path / "cache", index=index)
    assert (fetched.root / "README.md").is_file()
    assert sorted(p.name for p in (tmp_path / "cache" / "pypi" / "demo" / "1.0").iterdir()) == [
        ".lock",
        "package.tar.gz",
        "release.json",
        "unpacked",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
