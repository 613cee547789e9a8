"""The npm registry client over httpx.MockTransport: packuments, resolving, retries, downloads."""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

import httpx
import pytest
from registry_fake import DOCS_TGZ, REGISTRY, FakeRegistry, Handler, sri

from docshelf.errors import SourceError, UsageError
from docshelf.sources.errors import IntegrityError, PackageNotFoundError, RegistryError
from docshelf.sources.npm_registry import NpmRegistry, NpmRelease
from docshelf.sources.npm_spec import NpmSpec

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


# --- hostile or broken registries ---------------------------------------------------


class Clock:
    """A fake monotonic clock that a response stream moves forward."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Drip(httpx.SyncByteStream):
    """A body that arrives one small chunk per `step` seconds of the fake clock."""

    def __init__(self, clock: Clock, chunks: int, step: float = 10.0) -> None:
        self.clock = clock
        self.chunks = chunks
        self.step = step

    def __iter__(self):
        for _ in range(self.chunks):
            self.clock.now += self.step
            yield b" "


def test_metadata_over_the_size_cap_is_refused_naming_the_setting(
    fake: FakeRegistry, registry: NpmRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_MAX_METADATA_MB", "1")
    fat = {**fake.packuments["@acme/docs"], "readme": "x" * (2 * 1024 * 1024)}
    fake.failures = [lambda request: httpx.Response(200, json=fat)]

    with pytest.raises(SourceError, match=r"larger than 1 MiB.*DOCSHELF_MAX_METADATA_MB"):
        registry.packument("@acme/docs")


def test_a_download_that_drips_past_the_deadline_names_the_host_and_the_setting(
    fake: FakeRegistry, sleeps: list[float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_DOWNLOAD_TIMEOUT", "60")
    clock = Clock()
    with fake.client() as client:
        registry = NpmRegistry(REGISTRY, client=client, sleep=sleeps.append, clock=clock)
        release = registry.resolve("npm:@acme/docs@1.0.0")
        fake.failures = [lambda request: httpx.Response(200, stream=Drip(clock, 1000))]
        with pytest.raises(SourceError, match=r"registry\.test.*60 s.*DOCSHELF_DOWNLOAD_TIMEOUT"):
            registry.download(release, tmp_path / "package.tgz")

    assert clock.now <= 80  # gave up at the deadline, not after the whole drip
    assert sleeps == []  # and did not start over
    assert list(tmp_path.iterdir()) == []


def test_metadata_that_drips_past_the_deadline_is_given_up(
    fake: FakeRegistry, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSHELF_DOWNLOAD_TIMEOUT", "60")
    clock = Clock()
    fake.failures = [lambda request: httpx.Response(200, stream=Drip(clock, 1000))]
    with fake.client() as client:
        registry = NpmRegistry(REGISTRY, client=client, sleep=sleeps.append, clock=clock)
        with pytest.raises(SourceError, match="DOCSHELF_DOWNLOAD_TIMEOUT"):
            registry.packument("@acme/docs")
    assert clock.now <= 80


def test_a_failed_certificate_check_fails_at_once_and_explains_certificates(
    fake: FakeRegistry, registry: NpmRegistry, sleeps: list[float]
) -> None:
    def untrusted(request: httpx.Request) -> httpx.Response:
        cause = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]", request=request) from cause

    fake.failures = [untrusted] * 4

    with pytest.raises(SourceError, match=r"certificate.*SSL_CERT_FILE") as caught:
        registry.packument("@acme/docs")

    assert "check your network" not in str(caught.value)
    assert len(fake.requests) == 1 and sleeps == []


def test_a_tarball_url_that_is_not_http_is_refused_for_what_it_is(
    registry: NpmRegistry, tmp_path: Path
) -> None:
    release = registry.resolve("npm:@acme/docs@1.0.0")
    local = NpmRelease(release.name, release.version, "file:///etc/passwd", release.integrity)

    with (
        httpx.Client() as client,
        pytest.raises(SourceError, match=r"'file://.*only http:// and https://") as caught,
    ):
        NpmRegistry(REGISTRY, client=client).download(local, tmp_path / "package.tgz")

    assert "check your network" not in str(caught.value)


def test_a_redirect_loop_is_named_as_one(sleeps: list[float]) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    with httpx.Client(transport=httpx.MockTransport(loop)) as client:
        registry = NpmRegistry(REGISTRY, client=client, sleep=sleeps.append)
        with pytest.raises(SourceError, match="redirect loop") as caught:
            registry.packument("@acme/docs")

    assert "check your network" not in str(caught.value)
    assert sleeps == []
