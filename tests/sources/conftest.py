"""Fixtures for the npm source's tests: a fake registry with a few releases, and a client."""

from __future__ import annotations

import pytest
from registry_fake import REGISTRY, FakeRegistry

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
