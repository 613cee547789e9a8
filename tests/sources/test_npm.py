"""Tests for the npm registry client, served by httpx.MockTransport (one real-network test)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from docshelf.errors import (
    IntegrityError,
    PackageNotFoundError,
    RegistryError,
    SourceError,
    UnsafeArchiveError,
    UsageError,
)
from docshelf.sources.npm import (
    NpmRegistry,
    NpmRelease,
    NpmSpec,
    fetch_npm_package,
    parse_npm_spec,
)

REGISTRY = "https://registry.test"
Handler = Callable[[httpx.Request], httpx.Response]


def make_tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sri(data: bytes, algo: str = "sha512") -> str:
    return f"{algo}-" + base64.b64encode(hashlib.new(algo, data).digest()).decode()


DOCS_TGZ = make_tarball(
    {"package/package.json": b'{"name": "@acme/docs"}', "package/docs/intro.md": b"# Intro\n"}
)


class FakeRegistry:
    """An in-memory npm registry: packuments, tarballs, scripted failures, a request log."""

    def __init__(self) -> None:
        self.packuments: dict[str, dict[str, Any]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.requests: list[httpx.Request] = []
        self.failures: list[Handler] = []  # consumed one per request, before normal answers

    def publish(
        self,
        name: str,
        version: str,
        tgz: bytes = DOCS_TGZ,
        *,
        tags: dict[str, str] | None = None,
        integrity: str | None = "auto",
        shasum: str | None = None,
    ) -> None:
        short = name.split("/")[-1]
        url = f"{REGISTRY}/{name}/-/{short}-{version}.tgz"
        self.tarballs[url] = tgz
        doc = self.packuments.setdefault(
            name, {"name": name, "dist-tags": {}, "versions": {}, "time": {}}
        )
        dist: dict[str, str] = {"tarball": url}
        if integrity == "auto":
            dist["integrity"] = sri(tgz)
        elif integrity is not None:
            dist["integrity"] = integrity
        if shasum is not None:
            dist["shasum"] = shasum
        doc["versions"][version] = {"name": name, "version": version, "dist": dist}
        doc["time"][version] = "2026-01-02T03:04:05.000Z"
        doc["dist-tags"].update(tags or {"latest": version})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            return self.failures.pop(0)(request)
        url = str(request.url)
        if url in self.tarballs:
            return httpx.Response(200, content=self.tarballs[url])
        name = request.url.raw_path.decode().lstrip("/").replace("%2f", "/")
        if name in self.packuments:
            return httpx.Response(200, json=self.packuments[name])
        return httpx.Response(404, json={"error": "Not found"})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))


@pytest.fixture
def fake() -> FakeRegistry:
    fake = FakeRegistry()
    fake.publish("@acme/docs", "1.0.0")
    fake.publish("@acme/docs", "1.1.0")
    fake.publish("@acme/docs", "1.2.0-beta.1", tags={"next": "1.2.0-beta.1"})
    fake.publish("@acme/docs", "2.0.0", tags={"latest": "1.1.0"})
    return fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def registry(fake: FakeRegistry, sleeps: list[float]):
    with fake.client() as client:
        yield NpmRegistry(REGISTRY, client=client, timeout=5, sleep=sleeps.append)


# --- specs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "wanted"),
    [
        ("npm:lodash", "lodash", None),
        ("lodash", "lodash", None),
        ("npm:lodash@4.17.21", "lodash", "4.17.21"),
        ("npm:@mastra/mcp-docs-server@1.1.45", "@mastra/mcp-docs-server", "1.1.45"),
        ("@mastra/mcp-docs-server", "@mastra/mcp-docs-server", None),
        ("@types/node@^20", "@types/node", "^20"),
        ("npm:react@next", "react", "next"),
        ("npm:x@>=1.2 <2", "x", ">=1.2 <2"),
        ("  npm:JSONStream@1.3.5  ", "JSONStream", "1.3.5"),
    ],
)
def test_parse_npm_spec_reads_names_versions_ranges_and_tags(
    text: str, name: str, wanted: str | None
) -> None:
    assert parse_npm_spec(text) == NpmSpec(name, wanted)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "npm:",
        "npm:.hidden",
        "npm:_private",
        "npm:has space",
        "npm:@scope",
        "npm:@scope/",
        "npm:@/name",
        "npm:../../etc",
        "npm:a/b",
        "npm:node_modules",
        "npm:lodash@",
        "npm:" + "a" * 215,
    ],
)
def test_parse_npm_spec_rejects_bad_names_with_an_example(text: str) -> None:
    with pytest.raises(UsageError, match=re.escape("npm:@mastra/mcp-docs-server@1.1.45")):
        parse_npm_spec(text)


def test_hand_built_spec_with_a_bad_name_is_refused() -> None:
    with pytest.raises(UsageError, match="Bad npm package name"):
        NpmSpec("../escape")


def test_spec_prints_back_as_npm_source() -> None:
    assert str(NpmSpec("@a/b", "^1")) == "npm:@a/b@^1"
    assert str(NpmSpec("lodash")) == "npm:lodash"


# --- registry settings and packuments -----------------------------------------


def test_registry_url_defaults_to_npm_config_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCSHELF_NPM_REGISTRY", raising=False)
    monkeypatch.setenv("npm_config_registry", "https://mirror.example/npm/")

    with NpmRegistry(client=httpx.Client()) as registry:
        assert registry.url == "https://mirror.example/npm"


def test_packument_encodes_scoped_names_and_asks_for_json(
    fake: FakeRegistry, registry: NpmRegistry
) -> None:
    doc = registry.packument("@acme/docs")

    assert doc["name"] == "@acme/docs"
    request = fake.requests[0]
    assert request.url.raw_path == b"/@acme%2fdocs"
    assert request.headers["Accept"] == "application/json"


def test_packument_is_cached_per_registry(fake: FakeRegistry, registry: NpmRegistry) -> None:
    registry.packument("@acme/docs")
    registry.resolve("npm:@acme/docs@1.0.0")

    assert len(fake.requests) == 1


def test_missing_package_says_so_and_how_to_fix(registry: NpmRegistry) -> None:
    with pytest.raises(PackageNotFoundError, match=r"No npm package 'nope'.*Check the spelling"):
        registry.packument("nope")


def test_packument_refuses_a_malformed_name_before_any_request(
    fake: FakeRegistry, registry: NpmRegistry
) -> None:
    with pytest.raises(UsageError, match="not a valid npm package name"):
        registry.packument("x?y=1")

    assert fake.requests == []


def test_login_required_says_credentials_are_not_sent(
    fake: FakeRegistry, registry: NpmRegistry
) -> None:
    fake.failures = [answer(401)]

    with pytest.raises(RegistryError, match="sends no npm credentials"):
        registry.packument("@acme/docs")


# --- resolving -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("npm:@acme/docs", "1.1.0"),
        ("npm:@acme/docs@latest", "1.1.0"),
        ("npm:@acme/docs@next", "1.2.0-beta.1"),
        ("npm:@acme/docs@1.0.0", "1.0.0"),
        ("npm:@acme/docs@v2.0.0", "2.0.0"),
        ("npm:@acme/docs@^1.0.0", "1.1.0"),
        ("npm:@acme/docs@~1.0", "1.0.0"),
        ("npm:@acme/docs@>=1.2.0-beta.0 <2", "1.2.0-beta.1"),
        ("npm:@acme/docs@*", "2.0.0"),
        ("npm:@acme/docs@1 || 2", "2.0.0"),
    ],
)
def test_resolve_follows_dist_tags_exact_versions_and_ranges(
    registry: NpmRegistry, spec: str, version: str
) -> None:
    assert registry.resolve(spec).version == version


def test_resolve_fills_in_release_details(registry: NpmRegistry) -> None:
    release = registry.resolve(NpmSpec("@acme/docs", "1.0.0"))

    assert release == NpmRelease(
        name="@acme/docs",
        version="1.0.0",
        tarball=f"{REGISTRY}/@acme/docs/-/docs-1.0.0.tgz",
        integrity=sri(DOCS_TGZ),
        published="2026-01-02T03:04:05.000Z",
    )


def test_resolve_falls_back_to_the_sha1_shasum(fake: FakeRegistry, registry: NpmRegistry) -> None:
    fake.publish("old", "0.1.0", integrity=None, shasum=hashlib.sha1(DOCS_TGZ).hexdigest())

    assert registry.resolve("old").integrity == sri(DOCS_TGZ, "sha1")


def test_resolve_unknown_version_lists_latest_and_dist_tags(registry: NpmRegistry) -> None:
    with pytest.raises(PackageNotFoundError) as caught:
        registry.resolve("npm:@acme/docs@9.9.9")

    message = str(caught.value)
    assert "no version matching '9.9.9'" in message
    assert "latest is 1.1.0" in message
    assert "latest=1.1.0, next=1.2.0-beta.1" in message
    assert "npm:@acme/docs@1.1.0" in message


def test_resolve_range_without_a_match_names_the_newest_versions(registry: NpmRegistry) -> None:
    with pytest.raises(PackageNotFoundError, match=r"newest versions: 2\.0\.0, 1\.2\.0-beta\.1"):
        registry.resolve("npm:@acme/docs@^3")


def test_resolve_unknown_dist_tag_lists_the_known_ones(registry: NpmRegistry) -> None:
    with pytest.raises(PackageNotFoundError, match=r"no dist-tag 'canary'.*latest=1\.1\.0"):
        registry.resolve("npm:@acme/docs@canary")


def test_resolve_refuses_a_registry_version_that_is_not_semver(
    fake: FakeRegistry, registry: NpmRegistry
) -> None:
    fake.publish("evil", "../../escape")

    with pytest.raises(RegistryError, match="no usable tarball"):
        registry.resolve("evil")


# --- retries and failures ----------------------------------------------------------


def answer(status: int) -> Handler:
    return lambda request: httpx.Response(status, text="upstream trouble")


def raise_(exc_type: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return handler


def test_server_errors_are_retried_with_backoff_then_succeed(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float]
) -> None:
    fake.failures = [answer(503), answer(502)]

    assert registry.resolve("@acme/docs").version == "1.1.0"
    assert sleeps == [0.5, 1.0]
    assert len(fake.requests) == 3


def test_timeouts_and_connect_errors_are_retried(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float]
) -> None:
    fake.failures = [raise_(httpx.ReadTimeout), raise_(httpx.ConnectError)]

    assert registry.resolve("@acme/docs").version == "1.1.0"
    assert sleeps == [0.5, 1.0]


def test_persistent_timeouts_give_up_with_a_registry_error(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float]
) -> None:
    fake.failures = [raise_(httpx.ConnectTimeout)] * 4

    with pytest.raises(RegistryError, match=r"ConnectTimeout.*gave up after 4 tries") as caught:
        registry.packument("@acme/docs")

    assert "npm_config_registry" in str(caught.value)
    assert sleeps == [0.5, 1.0, 2.0]


def test_persistent_server_errors_give_up_after_the_retries(
    fake: FakeRegistry, sleeps: list[float]
) -> None:
    fake.failures = [answer(500)] * 2
    with fake.client() as client:
        registry = NpmRegistry(REGISTRY, client=client, retries=1, sleep=sleeps.append)
        with pytest.raises(RegistryError, match="HTTP 500"):
            registry.packument("@acme/docs")

    assert sleeps == [0.5]
    assert len(fake.requests) == 2


def test_client_errors_other_than_404_fail_without_retrying(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float]
) -> None:
    fake.failures = [answer(403)]

    with pytest.raises(RegistryError, match="HTTP 403"):
        registry.packument("@acme/docs")

    assert sleeps == []


# --- downloading ---------------------------------------------------------------------


def test_download_verifies_and_reports_progress(registry: NpmRegistry, tmp_path: Path) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")
    seen: list[tuple[int, int | None]] = []

    path = registry.download(
        release, tmp_path / "pkg" / "package.tgz", lambda d, t: seen.append((d, t))
    )

    assert path.read_bytes() == DOCS_TGZ
    assert seen[-1] == (len(DOCS_TGZ), len(DOCS_TGZ))
    assert sorted(p.name for p in path.parent.iterdir()) == ["package.tgz"]


def test_download_checks_a_sha1_shasum(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    fake.publish("old", "0.1.0", integrity=None, shasum=hashlib.sha1(DOCS_TGZ).hexdigest())

    path = registry.download(registry.resolve("old"), tmp_path / "package.tgz")

    assert path.read_bytes() == DOCS_TGZ


def test_download_with_bad_integrity_keeps_nothing(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    fake.publish("tampered", "1.0.0", integrity=sri(b"something else"))
    release = registry.resolve("tampered")

    with pytest.raises(IntegrityError) as caught:
        registry.download(release, tmp_path / "package.tgz")

    message = str(caught.value)
    assert f"expected {sri(b'something else')}, got {sri(DOCS_TGZ)}" in message
    assert "Try again" in message
    assert list(tmp_path.iterdir()) == []


def test_download_refuses_a_release_without_any_hash(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    fake.publish("unsigned", "1.0.0", integrity=None)

    with pytest.raises(IntegrityError, match="no usable integrity hash"):
        registry.download(registry.resolve("unsigned"), tmp_path / "package.tgz")

    assert list(tmp_path.iterdir()) == []


def truncated(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, content=DOCS_TGZ[:100], headers={"Content-Length": str(len(DOCS_TGZ))}
    )


def test_truncated_download_is_retried(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float], tmp_path: Path
) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")
    fake.failures = [truncated]

    path = registry.download(release, tmp_path / "package.tgz")

    assert path.read_bytes() == DOCS_TGZ
    assert sleeps == [0.5]


def test_download_that_stays_truncated_fails_and_keeps_nothing(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")
    fake.failures = [truncated] * 4

    with pytest.raises(RegistryError, match="cut short at 100 of"):
        registry.download(release, tmp_path / "package.tgz")

    assert list(tmp_path.iterdir()) == []


def test_download_over_the_size_cap_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")

    with pytest.raises(SourceError, match="DOCSHELF_MAX_ARCHIVE_MB"):
        registry.download(release, tmp_path / "package.tgz", max_bytes=50)

    assert list(tmp_path.iterdir()) == []


def test_download_of_a_missing_tarball_is_not_found(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path
) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")
    fake.failures = [answer(404)]

    with pytest.raises(PackageNotFoundError, match="tarball is missing"):
        registry.download(release, tmp_path / "package.tgz")


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
    assert list(version_dir.iterdir()) == []
    assert not (tmp_path / "pwned").exists()


def test_fetch_caps_the_unpacked_size_from_the_setting(
    fake: FakeRegistry, registry: NpmRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_MAX_ARCHIVE_MB", "1")
    fake.publish("huge", "1.0.0", make_tarball({"package/zeros.bin": bytes(2 * 1024 * 1024)}))

    with pytest.raises(UnsafeArchiveError, match="more than 1 MiB"):
        fetch_npm_package("huge@1.0.0", tmp_path, registry=registry)

    assert list((tmp_path / "npm" / "huge" / "1.0.0").iterdir()) == []


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
