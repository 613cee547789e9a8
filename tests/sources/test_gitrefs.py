"""Tags as versions, the newest release tag, and resolving REF (pure functions, no git)."""

from __future__ import annotations

import pytest

from docshelf.errors import SourceError
from docshelf.sources.gitrefs import (
    Ref,
    nearest_tags,
    newest_release_tag,
    resolve_ref,
    tag_version,
    version_label,
)

SHA = "a98c8d95d5" + "0" * 30


def tag(name: str, commit: str = SHA) -> Ref:
    return Ref(name, "tag", commit)


@pytest.mark.parametrize(
    ("name", "package", "version"),
    [
        ("v8.2.2", "", "8.2.2"),
        ("8.2.2", "", "8.2.2"),
        ("vite@8.2.2", "vite", "8.2.2"),
        ("@scope/pkg@1.2.3", "@scope/pkg", "1.2.3"),
        ("pkg-v1.2.3", "pkg", "1.2.3"),
        ("v1.2", "", "1.2.0"),
        ("v2.0.0-beta.1", "", "2.0.0-beta.1"),
    ],
)
def test_tag_version_reads_plain_and_monorepo_tags(name: str, package: str, version: str):
    parsed = tag_version(name)
    assert parsed is not None
    assert (parsed.package, str(parsed.version)) == (package, version)


def test_tag_version_is_none_for_a_tag_without_a_version():
    assert tag_version("nightly") is None


def test_version_labels_are_the_tag_version_branch_with_sha_or_short_sha():
    assert version_label("tag", "v8.2.2", SHA) == "8.2.2"
    assert version_label("tag", "nightly", SHA) == "nightly"
    assert version_label("branch", "main", SHA) == "main-a98c8d9"
    assert version_label("commit", SHA, SHA) == "a98c8d9"


def test_newest_release_tag_orders_by_semver_not_by_text():
    refs = [tag("0.99.0"), tag("0.141.1"), tag("0.1.16"), tag("v0.142.0-rc.1")]
    assert newest_release_tag(refs).name == "0.141.1"


def test_newest_release_tag_takes_a_prerelease_only_when_nothing_else_exists():
    assert newest_release_tag([tag("v2.0.0-beta.1"), tag("v2.0.0-alpha.3")]).name == (
        "v2.0.0-beta.1"
    )


def test_newest_release_tag_in_a_monorepo_prefers_plain_tags_then_the_repos_own_package():
    refs = [tag("create-vite@9.1.2"), tag("v8.2.2"), tag("plugin-legacy@8.2.3")]
    assert newest_release_tag(refs, "vite").name == "v8.2.2"
    scoped = [tag("create-vite@9.1.2"), tag("vite@8.2.2"), tag("vite@8.1.0")]
    assert newest_release_tag(scoped, "vite").name == "vite@8.2.2"


def test_resolve_without_ref_falls_back_to_the_default_branch():
    refs = [Ref("dev", "branch", "1" * 40), Ref("main", "branch", SHA)]
    resolved = resolve_ref(refs, None, default_branch="main")
    assert (resolved.kind, resolved.ref, resolved.version) == ("branch", "main", "main-a98c8d9")


def test_resolve_a_bare_version_finds_its_v_tag_or_package_tag():
    refs = [tag("v1.2.3", "1" * 40), tag("other@1.2.3", "2" * 40)]
    assert resolve_ref(refs, "1.2.3", default_branch=None).ref == "v1.2.3"
    mono = [tag("vite@8.2.2", "3" * 40), tag("create-vite@8.2.2", "4" * 40)]
    assert resolve_ref(mono, "8.2.2", default_branch=None, repo_name="vite").ref == "vite@8.2.2"


def test_resolve_a_short_sha_of_a_tag_tip_to_its_full_commit():
    resolved = resolve_ref([tag("v1.0.0")], "a98c8d9", default_branch=None)
    assert (resolved.kind, resolved.commit, resolved.version) == ("commit", SHA, "a98c8d9")


def test_resolve_a_missing_tag_lists_the_nearest_tags():
    refs = [tag(f"v1.{minor}.0") for minor in range(10)] + [tag("v3.0.0")]
    with pytest.raises(SourceError) as caught:
        resolve_ref(refs, "v1.4.9", default_branch=None, source="github:acme/lib")
    message = str(caught.value)
    assert "github:acme/lib has no tag, branch or commit 'v1.4.9'" in message
    assert "Nearest tags: v1.4.0, v1.3.0, v1.5.0" in message
    assert "leave out @REF" in message


def test_nearest_tags_by_spelling_when_the_ref_is_no_version():
    assert nearest_tags([tag("release-candidate"), tag("v1.0.0")], "release")[0] == (
        "release-candidate"
    )
