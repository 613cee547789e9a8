"""Tests for semantic versions and npm ranges."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docshelf.errors import UsageError
from docshelf.semver import (
    Version,
    find_version,
    max_satisfying,
    parse_version,
    satisfies,
    sort_versions,
    version_key,
)

# The precedence example from the semver 2.0 spec, lowest first.
SPEC_ORDER = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.2.0",
    "2.0.0",
    "10.0.0",
]


def test_parse_version_reads_all_parts() -> None:
    version = parse_version("1.2.3-beta.4+build.5")

    assert version == Version(1, 2, 3, ("beta", 4), ("build", "5"))
    assert version.is_prerelease
    assert str(version) == "1.2.3-beta.4+build.5"


def test_parse_version_tolerates_a_leading_v_and_spaces() -> None:
    assert parse_version(" v1.2.3 ") == Version(1, 2, 3)


@pytest.mark.parametrize(
    "text", ["", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3-01", "latest", "1.2.x"]
)
def test_parse_version_rejects_non_semver_with_a_hint(text: str) -> None:
    with pytest.raises(UsageError, match=r"MAJOR\.MINOR\.PATCH"):
        parse_version(text)
    assert find_version(text) is None


def test_versions_order_by_semver_precedence() -> None:
    parsed = [parse_version(v) for v in SPEC_ORDER]

    assert parsed == sorted(parsed)
    assert all(a < b for a, b in pairwise(parsed))


def test_build_metadata_is_ignored_when_comparing() -> None:
    assert parse_version("1.0.0+a") == parse_version("1.0.0+b")
    assert hash(parse_version("1.0.0+a")) == hash(parse_version("1.0.0"))


def test_sort_versions_is_newest_first_by_default() -> None:
    shuffled = SPEC_ORDER[:]
    random.Random(4).shuffle(shuffled)

    assert sort_versions(shuffled) == SPEC_ORDER[::-1]
    assert sort_versions(shuffled, newest_first=False) == SPEC_ORDER


def test_version_key_puts_non_semver_below_semver_and_never_raises() -> None:
    mixed = ["2.0.0", "nightly", "1.0.0", "", "banana", "0.0.1-alpha"]

    assert sorted(mixed, key=version_key) == [
        "",
        "banana",
        "nightly",
        "0.0.1-alpha",
        "1.0.0",
        "2.0.0",
    ]


@given(st.lists(st.text(max_size=12)))
def test_version_key_sorts_any_strings(texts: list[str]) -> None:
    assert sorted(sort_versions(texts)) == sorted(texts)


@given(
    st.tuples(
        st.integers(0, 50),
        st.integers(0, 50),
        st.integers(0, 50),
        st.lists(st.one_of(st.integers(0, 99), st.sampled_from(["alpha", "beta", "rc", "x-1"]))),
    )
)
def test_version_text_round_trips(parts: tuple[int, int, int, list[int | str]]) -> None:
    version = Version(parts[0], parts[1], parts[2], tuple(parts[3]))

    assert parse_version(str(version)) == version


@pytest.mark.parametrize(
    ("version", "range_text", "expected"),
    [
        # exact and comparators
        ("1.2.3", "1.2.3", True),
        ("1.2.4", "1.2.3", False),
        ("1.2.3", "=1.2.3", True),
        ("1.2.3", "v1.2.3", True),
        ("1.5.0", ">=1.2 <2", True),
        ("2.0.0", ">=1.2 <2", False),
        ("1.2.0", ">= 1.2.0", True),
        ("1.2.0", ">1.1", True),
        ("1.1.9", ">1.1", False),
        ("1.1.9", "<=1.1", True),
        ("1.2.0", "<=1.1", False),
        ("1.0.0", "<1", False),
        # caret
        ("1.9.9", "^1.2.3", True),
        ("2.0.0", "^1.2.3", False),
        ("1.2.2", "^1.2.3", False),
        ("0.2.9", "^0.2.3", True),
        ("0.3.0", "^0.2.3", False),
        ("0.0.3", "^0.0.3", True),
        ("0.0.4", "^0.0.3", False),
        ("0.0.9", "^0.0", True),
        ("0.1.0", "^0.0", False),
        ("1.9.0", "^1.2", True),
        ("0.9.0", "^0", True),
        # tilde
        ("1.2.9", "~1.2.3", True),
        ("1.3.0", "~1.2.3", False),
        ("1.2.0", "~1.2", True),
        ("1.9.0", "~1", True),
        ("2.0.0", "~1", False),
        ("1.2.5", "~> 1.2", True),
        # x-ranges
        ("1.9.9", "1.x", True),
        ("2.0.0", "1.x", False),
        ("1.2.9", "1.2.*", True),
        ("1.3.0", "1.2.*", False),
        ("5.0.0", "*", True),
        ("5.0.0", "", True),
        ("5.0.0", "X", True),
        # hyphen
        ("1.2.3", "1.2.3 - 2.3.4", True),
        ("2.3.4", "1.2.3 - 2.3.4", True),
        ("2.3.5", "1.2.3 - 2.3.4", False),
        ("2.3.9", "1.2 - 2.3", True),
        ("2.4.0", "1.2 - 2.3", False),
        ("1.1.9", "1.2 - 2.3", False),
        # or
        ("3.1.0", "^1 || ^3", True),
        ("2.1.0", "^1 || ^3", False),
        # prereleases only on the same major.minor.patch as a comparator
        ("1.2.3-beta.2", "^1.2.3-beta.1", True),
        ("1.2.4-beta.2", "^1.2.3-beta.1", False),
        ("1.3.0-beta", "^1.2", False),
        ("1.0.0-rc.1", "*", False),
        ("1.0.0-rc.1", ">=1.0.0-beta <1.0.1", True),
        ("2.0.0-alpha", "<2", False),
        ("2.0.0-alpha", "^1.0.0-alpha", False),
    ],
)
def test_satisfies_follows_npm_range_rules(version: str, range_text: str, expected: bool) -> None:
    assert satisfies(version, range_text) is expected


def test_satisfies_accepts_a_parsed_version() -> None:
    assert satisfies(Version(1, 2, 3), "^1")


def test_satisfies_is_false_for_a_version_that_is_not_semver() -> None:
    assert not satisfies("nightly", "*")


@pytest.mark.parametrize("range_text", [">>1", "latest", "1.2.3 -", "^", "1.x-beta", "~1.2.3.4"])
def test_unparsable_range_raises_usage_error_with_examples(range_text: str) -> None:
    with pytest.raises(UsageError, match=r"Use an npm range such as '\^1\.2\.0'"):
        satisfies("1.0.0", range_text)


def test_max_satisfying_picks_the_newest_match() -> None:
    versions = ["1.0.0", "1.4.2", "1.10.0", "2.0.0-rc.1", "2.0.0", "not-a-version"]

    assert max_satisfying(versions, "^1") == "1.10.0"
    assert max_satisfying(versions, "*") == "2.0.0"
    assert max_satisfying(versions, ">=2.0.0-rc.0 <2.0.0") == "2.0.0-rc.1"
    assert max_satisfying(versions, "^3") is None


def test_max_satisfying_returns_the_text_as_given() -> None:
    assert max_satisfying(["v1.0.0"], "1") == "v1.0.0"


def test_max_satisfying_checks_the_range_even_with_no_versions() -> None:
    with pytest.raises(UsageError):
        max_satisfying([], "not a range")
