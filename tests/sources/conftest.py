"""Fixtures for the npm source's tests: a fake registry with a few releases, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from registry_fake import REGISTRY, FakeRegistry
from web_fake import FakeSite

from docshelf.sources.npm_registry import NpmRegistry


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


@pytest.fixture
def no_web_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Website sources without their pause between requests."""
    monkeypatch.setenv("DOCSHELF_WEB_DELAY_MS", "0")


@pytest.fixture
def site() -> Iterator[FakeSite]:
    """A docs website on 127.0.0.1."""
    server = FakeSite().start()
    yield server
    server.stop()


@pytest.fixture
def other() -> Iterator[FakeSite]:
    """A second website on 127.0.0.1: a host (or a site named lower in the metadata) that
    nothing may ever be fetched from."""
    server = FakeSite().start()
    yield server
    server.stop()
