"""The npm source: packages fetched into the download cache (one real-network test)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from registry_fake import DOCS_TGZ, REGISTRY, FakeRegistry, make_tarball, sri

from docshelf.errors import UsageError
from docshelf.locks import hold_lock
from docshelf.sources.errors import UnsafeArchiveError
from docshelf.sources.npm import CACHE_LOCK, fetch_npm_package
from docshelf.sources.npm_registry import NpmRegistry
from docshelf.sources.npm_spec import NpmSpec

# --- fetching into the cache -----------------------------------------------------------


def refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected network call: {request.url}")


def test_fetch_unpacks_into_the_cache_layout(registry: NpmRegistry, tmp_path: Path) -> None:
    fetched = fetch_npm_package("npm:@acme/docs@^1", tmp_path, registry=registry)

    version_dir = tmp_path / "npm" / "@acme" / "docs" / "1.1.0"
    assert (fetched.name, fetched.version) == ("@acme/docs", "1.1.0")
    assert fetched.root == version_dir / "unpacked" / "package"
    assert (fetched.root / "docs" / "intro.md").read_text() == "# Intro\n"
    assert (version_dir / "package.tgz").read_bytes() == DOCS_TGZ
    assert fetched.release.integrity == sri(DOCS_TGZ)


def test_fetch_of_a_cached_exact_version_works_offline(
    registry: NpmRegistry, tmp_path: Path
) -> None:
    first = fetch_npm_package("npm:@acme/docs@1.0.0", tmp_path, registry=registry)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        offline = NpmRegistry(REGISTRY, client=client)
        again = fetch_npm_package(NpmSpec("@acme/docs", "1.0.0"), tmp_path, registry=offline)

    assert again == first


def test_fetch_of_a_cached_range_only_fetches_the_packument(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    with fake.client() as client:
        fetch_npm_package(
            "@acme/docs@1.1.0", tmp_path, registry=NpmRegistry(REGISTRY, client=client)
        )
    fake.requests.clear()

    with fake.client() as client:
        fetched = fetch_npm_package(
            "@acme/docs@^1", tmp_path, registry=NpmRegistry(REGISTRY, client=client)
        )

    assert fetched.version == "1.1.0"
    assert [r.url.raw_path for r in fake.requests] == [b"/@acme%2fdocs"]


def test_fetch_reuses_a_verified_tarball_left_by_an_interrupted_fetch(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    version_dir = tmp_path / "npm" / "@acme" / "docs" / "1.0.0"
    version_dir.mkdir(parents=True)
    (version_dir / "package.tgz").write_bytes(DOCS_TGZ)

    fetched = fetch_npm_package("@acme/docs@1.0.0", tmp_path, registry=registry)

    assert (fetched.root / "docs" / "intro.md").is_file()
    assert not any(r.url.path.endswith(".tgz") for r in fake.requests)


def test_fetch_replaces_a_cached_tarball_that_fails_verification(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    version_dir = tmp_path / "npm" / "@acme" / "docs" / "1.0.0"
    version_dir.mkdir(parents=True)
    (version_dir / "package.tgz").write_bytes(DOCS_TGZ[:50])

    fetched = fetch_npm_package("@acme/docs@1.0.0", tmp_path, registry=registry)

    assert (fetched.root / "package.json").is_file()
    assert (version_dir / "package.tgz").read_bytes() == DOCS_TGZ


def test_fetch_uses_a_top_folder_not_named_package(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    fake.publish("odd", "1.0.0", make_tarball({"odd-1.0.0/README.md": b"odd"}))

    fetched = fetch_npm_package("odd", tmp_path, registry=registry)

    assert fetched.root.name == "odd-1.0.0"
    assert (fetched.root / "README.md").read_text() == "odd"


def test_fetch_of_an_unsafe_tarball_leaves_nothing_cached(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    fake.publish("evil", "1.0.0", make_tarball({"package/../../../pwned": b"x"}))

    with pytest.raises(UnsafeArchiveError, match=re.escape("'..'")):
        fetch_npm_package("evil@1.0.0", tmp_path, registry=registry)

    version_dir = tmp_path / "npm" / "evil" / "1.0.0"
    assert [p.name for p in version_dir.iterdir()] == [CACHE_LOCK]
    assert not (tmp_path / "pwned").exists()


def test_fetch_caps_the_unpacked_size_from_the_setting(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_MAX_ARCHIVE_MB", "1")
    fake.publish("huge", "1.0.0", make_tarball({"package/zeros.bin": bytes(2 * 1024 * 1024)}))

    with pytest.raises(UnsafeArchiveError, match="more than 1 MiB"):
        fetch_npm_package("huge@1.0.0", tmp_path, registry=registry)

    assert [p.name for p in (tmp_path / "npm" / "huge" / "1.0.0").iterdir()] == [CACHE_LOCK]


def test_fetch_rejects_a_malformed_size_setting(
    registry: NpmRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_MAX_ARCHIVE_MB", "lots")

    with pytest.raises(UsageError, match="DOCSHELF_MAX_ARCHIVE_MB must be a positive number"):
        fetch_npm_package("@acme/docs@1.0.0", tmp_path, registry=registry)


@pytest.mark.network
def test_fetch_from_the_real_npm_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DOCSHELF_NPM_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY"):
        monkeypatch.delenv(var, raising=False)

    with NpmRegistry() as registry:
        fetched = fetch_npm_package(
            "npm:@mastra/mcp-docs-server@1.1.45", tmp_path, registry=registry
        )

    assert fetched.version == "1.1.45"
    assert fetched.release.integrity.startswith("sha512-")
    assert (fetched.root / ".docs" / "reference").is_dir()


# --- leftovers of fetches that were killed ---------------------------------------------


def leave_debris(version_dir: Path) -> list[Path]:
    """What a fetch killed while downloading and unpacking leaves in its version folder."""
    staging = version_dir / ".unpacked.k1ll3d.partial" / "package"
    staging.mkdir(parents=True)
    (staging / "huge.md").write_text("# Half unpacked\n")
    part = version_dir / ".package.tgz.k1ll3d.part"
    part.write_bytes(b"half a tarball")
    old = version_dir / ".unpacked.k1ll3d.old"
    old.mkdir()
    return [staging.parent, part, old]


def test_the_next_fetch_removes_what_a_killed_fetch_left_behind(
    registry: NpmRegistry, tmp_path: Path
) -> None:
    debris = leave_debris(tmp_path / "npm" / "@acme" / "docs" / "1.0.0")

    fetch_npm_package("npm:@acme/docs@1.1.0", tmp_path, registry=registry)  # another version

    assert [p for p in debris if p.exists()] == []


def test_a_fetch_in_progress_elsewhere_keeps_its_files(
    registry: NpmRegistry, tmp_path: Path
) -> None:
    version_dir = tmp_path / "npm" / "@acme" / "docs" / "1.0.0"
    debris = leave_debris(version_dir)

    with hold_lock(version_dir / CACHE_LOCK):  # as another process fetching 1.0.0 would
        fetch_npm_package("npm:@acme/docs@1.1.0", tmp_path, registry=registry)

    assert [p for p in debris if p.exists()] == debris
